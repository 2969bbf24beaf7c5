"""Export the pseudonymised interviews as a REFI-QDA project (.qdpx) that QualCoder and other QDA tools open.

The project holds the coders (``Users``), the codebook (``CodeBook``, as in
:mod:`mixedmethods.instrument.qdc`), the group and the answers to the
questionnaire's profile questions (``role: profile``) of each interviewee
(``Variables``) on one ``Case`` per participant, and each transcript as a
``TextSource`` whose text is in ``Sources/<guid>.txt`` with one
``PlainTextSelection`` and ``Coding`` per coded segment. Only pseudonymised
text from the store goes in. GUIDs are UUID 5 of stable keys, so exporting the
same store twice gives the same project. Reading the export back with
:mod:`.readers.qdpx` gives the same codings.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from ..errors import InputFileError
from ..instrument.qdc import GUID_NAMESPACE, code_element, code_guid
from ..store import connect
from ..study import Study

NS = "urn:QDA-XML:project:1.0"
# REFI-QDA variable type and value element for each question type (select answers are their stored values).
VARIABLE_KINDS = {"integer": ("Integer", "IntegerValue"), "decimal": ("Float", "FloatValue"),
                  "date": ("Date", "DateValue")}
TEXT_KIND = ("Text", "TextValue")


def _guid(kind: str, key: object) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def export_qdpx(study: Study, target: Path) -> dict[str, int]:
    """Write the study's interviews to ``target`` (.qdpx); returns counts of sources, codings and cases."""
    if target.suffix.lower() != ".qdpx":
        raise InputFileError("the export file must end in .qdpx", file=target)
    if target.exists():
        raise InputFileError("the export file exists; choose a new name (nothing was overwritten)", file=target)
    codebook = study.codebook()
    conn = connect(study.store_path, create=False)
    try:
        transcripts = conn.execute("SELECT t.transcript_id, t.name, t.participant_id, t.text, p.grp FROM transcripts t "
                                   "JOIN participants p USING (participant_id) ORDER BY t.transcript_id").fetchall()
        segments = conn.execute('SELECT segment_id, transcript_id, coder, code_id, start, "end" FROM coded_segments '
                                "ORDER BY segment_id").fetchall()
        answers = conn.execute("SELECT r.participant_id, a.question_id, a.value FROM survey_answers a "
                               "JOIN survey_responses r USING (response_id) WHERE r.status = 'kept'").fetchall()
    finally:
        conn.close()
    if not transcripts:
        raise InputFileError("no interviews in the store; run 'mixedmethods import' first", file=study.store_path)
    attributes: dict[str, dict[str, str]] = {}
    for participant, question, value in answers:
        attributes.setdefault(participant, {})[question] = value
    for row in transcripts:
        attributes.setdefault(row["participant_id"], {}).setdefault("group", row["grp"] or "")
    questionnaire = study.questionnaire()
    # The group, then the profile questions; the variable named "group" is the study's, not a question's.
    variable_kinds = {"group": TEXT_KIND}
    for question in questionnaire.profile_questions():
        if question.id != questionnaire.group_question:
            variable_kinds.setdefault(question.id, VARIABLE_KINDS.get(question.type, TEXT_KIND))

    variable_kinds, unique = _shareable(variable_kinds, transcripts, attributes, study, target)

    ET.register_namespace("", NS)
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    project = ET.Element(_q("Project"), {"name": f"{next(iter(study.title.values()))} (pseudonymised)",
                                         "origin": "mixedmethods", "creationDateTime": now})
    coders = sorted({s["coder"] for s in segments})
    users = ET.SubElement(project, _q("Users"))
    for coder in coders:
        ET.SubElement(users, _q("User"), {"guid": _guid("coder", coder), "name": coder})
    book = ET.SubElement(project, _q("CodeBook"))
    codes = ET.SubElement(book, _q("Codes"))
    for code in codebook.codes:
        codes.append(code_element(code, codebook.languages, _q("Code")))
    variables = ET.SubElement(project, _q("Variables"))
    for name, (kind, _) in variable_kinds.items():
        ET.SubElement(variables, _q("Variable"), {"guid": _guid("variable", name), "name": name,
                                                  "typeOfVariable": kind})
    cases = ET.SubElement(project, _q("Cases"))
    by_participant: dict[str, list[str]] = {}
    for row in transcripts:
        by_participant.setdefault(row["participant_id"], []).append(_guid("transcript", row["transcript_id"]))
    for participant, sources in by_participant.items():
        case = ET.SubElement(cases, _q("Case"), {"guid": _guid("case", participant), "name": participant})
        for name, (_, element) in variable_kinds.items():
            value = attributes.get(participant, {}).get(name)
            if value in (None, ""):
                continue
            holder = ET.SubElement(case, _q("VariableValue"))
            ET.SubElement(holder, _q("VariableRef"), {"targetGUID": _guid("variable", name)})
            ET.SubElement(holder, _q(element)).text = str(value)
        for source in sources:
            ET.SubElement(case, _q("SourceRef"), {"targetGUID": source})
    sources_element = ET.SubElement(project, _q("Sources"))
    files: dict[str, str] = {}
    by_transcript: dict[int, list] = {}
    for segment in segments:
        by_transcript.setdefault(segment["transcript_id"], []).append(segment)
    for row in transcripts:
        guid = _guid("transcript", row["transcript_id"])
        source = ET.SubElement(sources_element, _q("TextSource"), {
            "guid": guid, "name": row["name"], "plainTextPath": f"internal://{guid}.txt"})
        files[f"Sources/{guid}.txt"] = row["text"]
        for segment in by_transcript.get(row["transcript_id"], []):
            coder = _guid("coder", segment["coder"])
            selection = ET.SubElement(source, _q("PlainTextSelection"), {
                "guid": _guid("selection", segment["segment_id"]), "startPosition": str(segment["start"]),
                "endPosition": str(segment["end"]), "creatingUser": coder})
            coding = ET.SubElement(selection, _q("Coding"), {"guid": _guid("coding", segment["segment_id"]),
                                                             "creatingUser": coder})
            ET.SubElement(coding, _q("CodeRef"), {"targetGUID": code_guid(segment["code_id"])})
    ET.indent(project)
    xml = ET.tostring(project, encoding="utf-8", xml_declaration=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml)
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    return {"sources": len(transcripts), "codings": len(segments), "cases": len(by_participant),
            "coders": len(coders), "profile_left_out": unique}


def _shareable(variable_kinds: dict, transcripts: list, attributes: dict, study: Study, target: Path
               ) -> tuple[dict, int]:
    """The case variables that may go into ``target``, and how many interviewees were unique on the profile.

    Group and profile answers on one case per interviewee are a participant-level file: outside the
    study's private/ folder they are written only when every combination is shared by at least k
    interviewees (k-anonymity, :func:`mixedmethods.disclosure.is_k_anonymous`); else only the group.
    """
    import pandas as pd

    from ..disclosure import is_k_anonymous, unique_count

    if len(variable_kinds) <= 1 or study.private_dir.resolve() in target.resolve().parents:
        return variable_kinds, 0
    people = dict.fromkeys(row["participant_id"] for row in transcripts)
    frame = pd.DataFrame([{name: attributes.get(p, {}).get(name) for name in variable_kinds} for p in people])
    if is_k_anonymous(frame, list(variable_kinds), study.report.min_cell_size):
        return variable_kinds, 0
    return {"group": variable_kinds["group"]}, unique_count(frame, list(variable_kinds))
