"""Plain-text overviews of a study for ``status`` and ``rejects``. No names are ever printed."""

from __future__ import annotations

from .store import connect
from .study import Study


def study_status(study: Study) -> str:
    """What the store holds and how each source file stands against it (new, changed, missing, up to date)."""
    from .sync import compare, source_files, stored_imports

    lines = [f"Study: {study.title.get(study.report.language) or next(iter(study.title.values()))}",
             f"Folder: {study.root}"]
    files = source_files(study)
    if not study.store_path.exists():
        lines.append("Store: none yet. Run: mixedmethods import " + str(study.root))
        lines.extend(source_file_lines(compare(files, []), study))
        return "\n".join(lines)
    conn = connect(study.store_path, create=False)
    try:
        listed = conn.execute("SELECT grp, COUNT(*) FROM participants WHERE listed = 1 GROUP BY grp ORDER BY grp")
        lines.append("Participants listed in private/participants.csv: " +
                     (", ".join(f"{g or 'no group'} {n}" for g, n in listed) or "none"))
        unlisted = conn.execute("SELECT participant_id, grp FROM participants WHERE listed = 0 "
                                "ORDER BY grp, participant_id").fetchall()
        if unlisted:
            shown = ", ".join(f"{r['participant_id']} ({r['grp'] or 'no group'})" for r in unlisted[:20])
            more = f" and {len(unlisted) - 20} more" if len(unlisted) > 20 else ""
            lines.append(f"People in the data but not in participants.csv (keyed pseudonyms): {len(unlisted)}: "
                         f"{shown}{more}. Add them to private/participants.csv to link them.")
        lines.append("Imports:")
        rows = conn.execute("SELECT * FROM imports ORDER BY source_kind, path").fetchall()
        for row in rows:
            if row["retired_at"] is None:  # reader: the registered reader or chat format that read the file
                lines.append(f"  {row['source_kind']:8} {row['path']} ({row['reader']}, {row['imported_at']}): "
                             f"{row['rows_accepted']} accepted, {row['rows_rejected']} rows rejected"
                             f"{_redacted(row['redactions'])}")
        if all(row["retired_at"] is not None for row in rows):
            lines.append("  none")
        retired = [row for row in rows if row["retired_at"] is not None]
        if retired:
            lines.append("Retired imports (the file left the study; its records and rejects are no longer counted):")
            lines.extend(f"  {row['source_kind']:8} {row['path']} (retired {row['retired_at']})" for row in retired)
        lines.extend(source_file_lines(compare(files, stored_imports(conn)), study))
        responses = conn.execute("SELECT grp, COUNT(DISTINCT participant_id) FROM survey_responses "
                                 "WHERE status = 'kept' GROUP BY grp ORDER BY grp").fetchall()
        if responses:
            lines.append("Survey respondents: " + ", ".join(f"{g or 'no group'} {n}" for g, n in responses))
            unique, columns = unique_on_profile(study)
            if columns:
                lines.append(f"Respondents unique on {', '.join(columns)}: {unique} (each the only one with "
                             "their answers: participant-level files stay private unless none is; docs/privacy.md)")
        kept_raw = raw_answers(conn, study)
        if kept_raw:
            lines.append("Kept as raw values, not analysed (types the tool stores as given): " +
                         ", ".join(f"{qid} ({qtype}, {n} answers)" for qid, (qtype, n) in kept_raw.items()))
        repeats = conn.execute("SELECT COUNT(DISTINCT import_id || ':' || repeat || ':' || row_index), "
                               "COUNT(DISTINCT repeat) FROM survey_repeat_rows").fetchone()
        if repeats[0]:
            lines.append(f"Survey repeat-group rows: {repeats[0]} in {repeats[1]} repeat groups")
        kinds = dict(conn.execute("SELECT kind, COUNT(*) FROM rejects GROUP BY kind").fetchall())
        lines.append(f"Rejects: {kinds.get('value', 0)} values, {kinds.get('row', 0)} rows, "
                     f"{kinds.get('note', 0)} notes (see: mixedmethods rejects)")
        last = conn.execute("SELECT at, command FROM audit ORDER BY audit_id DESC LIMIT 1").fetchone()
        if last:
            lines.append(f"Last change: {last['at']} {last['command']}")
    finally:
        conn.close()
    return "\n".join(lines)


def unique_on_profile(study: Study) -> tuple[int, list[str]]:
    """Survey respondents no one else shares group and profile answers with, and those quasi-identifiers
    (mixedmethods.disclosure.quasi_identifiers); (0, []) without a questionnaire."""
    from .disclosure import profile_frame, quasi_identifiers, unique_count

    if study.questionnaire_path is None:
        return 0, []
    questionnaire = study.questionnaire()
    columns = quasi_identifiers(questionnaire)
    return unique_count(profile_frame(study.store_path, questionnaire), columns), columns


def raw_answers(conn, study: Study) -> dict[str, tuple[str, int]]:
    """Questions of a type the tool keeps but does not analyse (geopoint, datetime, ...): id -> (type, number of
    stored answers, main table and repeat groups together). Empty without a questionnaire."""
    if study.questionnaire_path is None:
        return {}
    raw = {q.id: q.type for q in study.questionnaire().questions if not q.analysed}
    counts = dict.fromkeys(raw, 0)
    for table in ("survey_answers", "survey_repeat_rows"):
        for qid, n in conn.execute(f"SELECT question_id, COUNT(*) FROM {table} GROUP BY question_id"):
            if qid in counts:
                counts[qid] += n
    return {qid: (raw[qid], counts[qid]) for qid in raw}


def _redacted(stored: str | None) -> str:
    """'; redacted: 3 names, 1 phone' for an import's redaction counts (JSON), '' when there were none."""
    import json

    counts = json.loads(stored) if stored else {}
    words = {"name": ("name", "names"), "phone": ("phone number", "phone numbers"), "e-mail": ("e-mail", "e-mails")}
    parts = [f"{n} {words.get(kind, (kind, kind))[n != 1]}" for kind, n in sorted(counts.items()) if n]
    return "; redacted: " + ", ".join(parts) if parts else ""


def store_counts(study: Study) -> dict:
    """The store's counts per source kind, and each source file's state, for ``status --json`` and scripts.

    Keys: ``participants`` (listed, unlisted), ``survey`` (responses kept, duplicates, repeat_rows,
    ``unique_on_profile``: respondents unique on group and the profile questions, and,
    with a store, ``raw_questions``: questions kept as raw values, with their type and stored answers),
    ``interviews`` (sources, segments), ``chats`` (exports, messages without system events,
    system_events), ``rejects`` (value, row, note), ``redactions`` (for each source kind, the names,
    phone numbers and e-mails replaced in the free text of its current imports, in total and ``by_file``)
    and ``files``: for each source kind, the paths that are new, changed (bytes or what governs them) or
    missing. Counts only: no name, no text.
    """
    import json

    from .sync import compare, source_files, stored_imports

    files = source_files(study)
    counts: dict = {"participants": {"listed": 0, "unlisted": 0},
                    "survey": {"responses": 0, "duplicates": 0, "repeat_rows": 0},
                    "interviews": {"sources": 0, "segments": 0},
                    "chats": {"exports": 0, "messages": 0, "system_events": 0},
                    "rejects": {"value": 0, "row": 0, "note": 0},
                    "redactions": {kind: {"name": 0, "phone": 0, "e-mail": 0, "by_file": {}}
                                   for kind in ("survey", "interviews", "chats")}}
    stored = []
    if study.store_path.exists():
        conn = connect(study.store_path, create=False)
        try:
            one = lambda sql: conn.execute(sql).fetchone()[0] or 0  # noqa: E731 - a local shorthand
            counts["participants"] = {"listed": one("SELECT COUNT(*) FROM participants WHERE listed = 1"),
                                      "unlisted": one("SELECT COUNT(*) FROM participants WHERE listed = 0")}
            counts["survey"] = {
                "responses": one("SELECT COUNT(*) FROM survey_responses WHERE status = 'kept'"),
                "duplicates": one("SELECT COUNT(*) FROM survey_responses WHERE status != 'kept'"),
                "repeat_rows": one("SELECT COUNT(DISTINCT import_id || ':' || repeat || ':' || row_index) "
                                   "FROM survey_repeat_rows")}
            counts["interviews"] = {"sources": one("SELECT COUNT(*) FROM transcripts"),
                                    "segments": one("SELECT COUNT(*) FROM coded_segments")}
            counts["chats"] = {"exports": one("SELECT COUNT(*) FROM chats"),
                               "messages": one("SELECT COUNT(*) FROM chat_messages WHERE kind != 'system'"),
                               "system_events": one("SELECT COUNT(*) FROM chat_messages WHERE kind = 'system'")}
            counts["survey"]["unique_on_profile"] = unique_on_profile(study)[0] \
                if counts["survey"]["responses"] else 0
            counts["survey"]["raw_questions"] = {qid: {"type": qtype, "answers": n}
                                                 for qid, (qtype, n) in raw_answers(conn, study).items()}
            kinds = dict(conn.execute("SELECT kind, COUNT(*) FROM rejects GROUP BY kind").fetchall())
            counts["rejects"] = {kind: int(kinds.get(kind, 0)) for kind in ("value", "row", "note")}
            for kind, path, redactions in conn.execute(
                    "SELECT source_kind, path, redactions FROM imports WHERE retired_at IS NULL ORDER BY path"):
                found = json.loads(redactions) if redactions else {}
                total = counts["redactions"].setdefault(kind, {"by_file": {}})
                for what, n in found.items():
                    total[what] = total.get(what, 0) + int(n)
                total["by_file"][path] = {what: int(n) for what, n in sorted(found.items())}
            stored = stored_imports(conn)
        finally:
            conn.close()
    states = compare(files, stored)
    counts["files"] = {kind: {state: sorted(s.relative for s in states if s.kind == kind and
                                            (s.state == state or (state == "changed" and s.state == "re-read")))
                              for state in ("new", "changed", "missing")}
                       for kind in ("survey", "interviews", "chats")}
    return counts


# How each state reads in ``status``, in the order shown.
STATE_WORDS = {
    "new": "new, not imported yet",
    "changed": "changed since it was imported",
    "re-read": "changed since it was imported",
    "missing": "missing: imported, but no longer in the study folder or study.yaml (import retires it)",
}


def source_file_lines(states: list, study: Study) -> list[str]:
    """Per source kind: files that are new, changed or missing, and how many are imported and up to date."""
    from .sync import KINDS, UNCHANGED

    lines = ["Source files compared with the store:"]
    pending = False
    for kind in KINDS:
        mine = [s for s in states if s.kind == kind]
        current = sum(1 for s in mine if s.state == UNCHANGED)
        on_disk = sum(1 for s in mine if s.source is not None)
        if not mine:
            lines.append(f"  {kind}: no files")
            continue
        if current == len(mine):
            lines.append(f"  {kind}: {_files(current)}, all imported and up to date")
            continue
        pending = True
        lines.append(f"  {kind}: {_files(on_disk)} in the study, {current} imported and up to date")
        for state_name, words in STATE_WORDS.items():
            for s in (s for s in mine if s.state == state_name):
                detail = "; ".join(d for d in (_format_of(s, study), s.explain()) if d)
                lines.append(f"    {words}: {s.relative}" + (f" ({detail})" if detail else ""))
    from .sync import copies

    for copy, first in copies([s.source for s in states if s.source is not None]):
        pending = True
        lines.append(f"  {copy.kind}: {copy.relative} has the same content as {first.relative}; remove one copy "
                     "(import refuses to count a file twice)")
    if pending:
        lines.append(f"  To bring the store up to date, run: mixedmethods import {study.root}")
    return lines


def _format_of(state, study: Study) -> str:
    """For a chat export still to be imported: the format that will read it (study.yaml's, or detected)."""
    from . import sources

    if state.kind != "chats" or state.source is None:
        return ""
    named = next((s.format for s in study.chat_sources if s.path == state.source.path), "auto")
    if named != "auto":
        return f"format {named}, from study.yaml"
    found = sources.detect_path("chats", state.source.path)
    return f"format {found.name}, detected" if found else "no chat format recognises it"


def _files(n: int) -> str:
    return f"{n} file" if n == 1 else f"{n} files"


def rejects_listing(study: Study, kind: str = "all") -> str:
    """One line per reject: file, row, column, reason and the (redacted) value."""
    if not study.store_path.exists():
        return "No store yet; run mixedmethods import first."
    conn = connect(study.store_path, create=False)
    try:
        query = ("SELECT COALESCE(r.file, i.path) AS path, r.row, r.column_name, r.value, r.reason, r.kind "
                 "FROM rejects r JOIN imports i USING (import_id)")
        params: tuple = ()
        if kind != "all":
            query += " WHERE r.kind = ?"
            params = (kind,)
        rows = conn.execute(query + " ORDER BY i.path, r.row, r.reject_id", params).fetchall()
    finally:
        conn.close()
    if not rows:
        return "No rejects."
    out = []
    for r in rows:
        where = f"{r['path']}, row {r['row']}" + (f", column {r['column_name']!r}" if r["column_name"] else "")
        value = f" (value {r['value']!r})" if r["value"] not in (None, "") else ""
        if r["column_name"] and (r["column_name"].startswith(("row ", "line ", "comment ", "source ", "header"))):
            where = f"{r['path']}, {r['column_name']}"  # interview rejects name their place in the file
        out.append(f"[{r['kind']}] {where}: {r['reason']}{value}")
    out.append(f"{len(rows)} rejects.")
    return "\n".join(out)
