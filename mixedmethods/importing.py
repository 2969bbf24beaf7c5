"""``mixedmethods import``: every source of the study into the store, in one transaction.

For each source file: unchanged (same path and SHA-256 as the stored import)
-> nothing happens; new -> imported; changed -> the earlier import and
everything it brought are replaced, and the audit says so. If anything fails,
the whole command is rolled back and the store is as it was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from . import __version__
from .privacy import Participants, Redactor, load_key
from .store import audit, connect, now, transaction
from .study import Study


@dataclass
class ImportOutcome:
    path: str
    status: str  # imported, replaced, unchanged
    reader: str
    accepted: int = 0
    rejected: int = 0
    values_rejected: int = 0
    kind: str = "survey"

    def describe(self) -> str:
        """One line for the terminal."""
        if self.status == "unchanged":
            return f"{self.path}: unchanged, skipped"
        if self.kind == "chats":
            return (f"{self.path}: {self.status} ({self.reader}): {self.accepted} messages, "
                    f"{self.rejected} authors not in participants.csv")
        if self.kind == "interviews":
            return (f"{self.path}: {self.status}: {self.reader}, {self.accepted} coded segments, "
                    f"{self.values_rejected} segments rejected")
        return (f"{self.path}: {self.status} ({self.reader}): {self.accepted} responses, {self.rejected} rows and "
                f"{self.values_rejected} values rejected")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def begin_import(conn, previous, kind: str, path: str, digest: str, reader: str) -> tuple[str, int]:
    """Drop the earlier import of this source (if any) and record the new one; returns (status, import id)."""
    status = "imported"
    if previous is not None:
        conn.execute("DELETE FROM imports WHERE import_id = ?", (previous["import_id"],))
        status = "replaced"
    cursor = conn.execute(
        "INSERT INTO imports (source_kind, path, sha256, reader, rows_accepted, rows_rejected, imported_at, "
        "tool_version) VALUES (?, ?, ?, ?, 0, 0, ?, ?)", (kind, path, digest, reader, now(), __version__))
    return status, int(cursor.lastrowid)


def finish_import(conn, import_id: int, accepted: int, rejected: int) -> None:
    conn.execute("UPDATE imports SET rows_accepted = ?, rows_rejected = ? WHERE import_id = ?",
                 (accepted, rejected, import_id))


def import_study(study: Study, reader: str | None = None,
                 progress: Callable[[Iterable], Iterable] | None = None) -> list[ImportOutcome]:
    """Import every survey export and the interviews of ``study``.

    ``reader`` overrides study.yaml's survey reader for all survey files.
    """
    from .survey.importer import store_survey
    from .survey.readers import read_survey
    from .survey.validate import validate_survey

    key = load_key(study.private_dir)
    participants = Participants.load(study.private_dir, key, default_group=study.default_group)
    redact = Redactor(participants)
    questionnaire = study.questionnaire()
    groups = list(study.groups)
    outcomes: list[ImportOutcome] = []
    conn = connect(study.store_path)
    try:
        with transaction(conn):
            for person in participants.people:
                conn.execute(
                    "INSERT INTO participants (participant_id, grp, listed) VALUES (?, ?, 1) "
                    "ON CONFLICT(participant_id) DO UPDATE SET grp = excluded.grp, listed = 1",
                    (person.participant_id, person.group or None))
            sources = list(study.survey_sources)
            for source in (progress(sources) if progress else sources):
                relative = study.relative(source.path)
                digest = sha256_of(source.path)
                previous = conn.execute("SELECT import_id, sha256 FROM imports WHERE source_kind = 'survey' AND "
                                        "path = ?", (relative,)).fetchone()
                if previous is not None and previous["sha256"] == digest:
                    outcomes.append(ImportOutcome(relative, "unchanged", "-"))
                    continue
                raw = read_survey(source.path, questionnaire, relative, reader or source.reader)
                responses, rejects = validate_survey(raw, questionnaire, participants, key, groups, redact, relative)
                status, import_id = begin_import(conn, previous, "survey", relative, digest, raw.reader)
                accepted, rejected = store_survey(conn, import_id, responses, rejects)
                finish_import(conn, import_id, accepted, rejected)
                outcome = ImportOutcome(relative, status, raw.reader, accepted, rejected,
                                        sum(1 for r in rejects if r.kind == "value"))
                outcomes.append(outcome)
                details = {"path": relative, "sha256": digest, "reader": raw.reader, "accepted": accepted,
                           "rejected_rows": rejected, "rejected_values": outcome.values_rejected}
                if previous is not None:
                    details["replaced_sha256"] = previous["sha256"]
                audit(conn, f"import survey ({status})", details)
            if study.interview_files:
                outcomes.append(_import_interviews(conn, study, participants, redact, key))
            if study.chat_sources:
                outcomes.extend(_import_chats(conn, study, participants, key))
    finally:
        conn.close()
    return outcomes


def _import_interviews(conn, study: Study, participants: Participants, redact: Redactor, key: bytes
                       ) -> ImportOutcome:
    """All interview files as one import (see mixedmethods.interviews.importer)."""
    from .interviews.importer import store_interviews
    from .interviews.readers import read_interview_files

    files = study.interview_files
    hashes = {study.relative(p): sha256_of(p) for p in files}
    listing = "\n".join(f"{name} {digest}" for name, digest in hashes.items())
    digest = hashlib.sha256(listing.encode("utf-8")).hexdigest()
    label = "interviews: " + ", ".join(sorted({study.relative(p.parent) for p in files}))
    previous = conn.execute("SELECT import_id, sha256 FROM imports WHERE source_kind = 'interviews'").fetchone()
    if previous is not None and previous["sha256"] == digest:
        return ImportOutcome(label, "unchanged", "-", kind="interviews")
    codebook = study.codebook()
    transcripts, orphans = read_interview_files(files, study.relative)
    status, import_id = begin_import(conn, previous, "interviews", label.split(": ", 1)[1], digest, "interviews")
    counts = store_interviews(conn, import_id, transcripts, orphans, codebook, participants, redact, key)
    finish_import(conn, import_id, counts.segments, counts.rejected)
    details = {"files": hashes, "transcripts": counts.transcripts,
               "segments": counts.segments, "rejected_segments": counts.rejected}
    if previous is not None:
        details["replaced_sha256"] = previous["sha256"]
    audit(conn, f"import interviews ({status})", details)
    return ImportOutcome(label, status, f"{counts.transcripts} transcripts", counts.segments, 0, counts.rejected,
                         kind="interviews")


def _import_chats(conn, study: Study, participants: Participants, key: bytes) -> list[ImportOutcome]:
    """Each chat export is its own import (unchanged files are skipped)."""
    from .chats.importer import store_chat
    from .chats.linkage import AuthorLinker

    linker = AuthorLinker(participants, key, study.chats.default_country_code)
    outcomes = []
    for source in study.chat_sources:
        relative = study.relative(source.path)
        digest = sha256_of(source.path)
        previous = conn.execute("SELECT import_id, sha256 FROM imports WHERE source_kind = 'chats' AND path = ?",
                                (relative,)).fetchone()
        if previous is not None and previous["sha256"] == digest:
            outcomes.append(ImportOutcome(relative, "unchanged", "-", kind="chats"))
            continue
        status, import_id = begin_import(conn, previous, "chats", relative, digest, "whatsapp")
        counts = store_chat(conn, import_id, source.path, relative, source.group, source.date_order, linker)
        finish_import(conn, import_id, counts.messages, counts.unknown_authors)
        details = {"path": relative, "sha256": digest, "group": source.group, **counts.__dict__}
        if previous is not None:
            details["replaced_sha256"] = previous["sha256"]
        audit(conn, f"import chats ({status})", details)
        outcomes.append(ImportOutcome(relative, status, counts.format, counts.messages, counts.unknown_authors,
                                      kind="chats"))
    return outcomes
