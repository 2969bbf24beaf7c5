"""``mixedmethods import``: bring the store in line with the study folder, in one transaction.

Each source file is compared with its import (:mod:`mixedmethods.sync`): the
same bytes and the same instruments -> nothing happens; new -> imported;
changed bytes, or a changed instrument, study.yaml setting or participants
list that governs it -> the earlier import and everything it brought
(records and rejects) are replaced by a fresh one; gone from data/ or from
study.yaml -> retired: its records and rejects are removed, its row in
``imports`` stays, marked retired. A renamed file is therefore retired under
its old path and imported under its new one, never counted twice. With
``force`` every file is read again. Every change is in the audit table. If
anything fails, the whole command is rolled back and the store is as it was.

File names are pseudonymised like text (:class:`StoredNames`): ``imports``,
``import_files``, the audit and the rejects hold each path redacted, and the
store knows the file by a keyed hash of its real path
(:func:`mixedmethods.sync.path_key`). Paths stored by an earlier version are
keyed and redacted by the next import.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from . import __version__
from .errors import InputFileError
from .privacy import KEY_FILE, Participants, Redactor, key_fingerprint, load_key, secure_private
from .store import (audit, check_key, clear_store, connect, forget_unseen_participants, now, retire_import,
                    transaction, writer_lock)
from .study import Study
from .sync import (CHANGED, MISSING, NEW, REREAD, UNCHANGED, FileState, StoredImport, compare, copies, path_key,
                   sha256_of, source_files, stored_imports)

__all__ = ["ImportOutcome", "import_study", "sha256_of"]

# What one accepted row is, per kind, for the retirement line.
RECORDS = {"survey": "responses", "interviews": "coded segments", "chats": "messages"}


@dataclass
class ImportOutcome:
    path: str
    status: str  # imported, replaced, unchanged, retired
    reader: str
    accepted: int = 0
    rejected: int = 0
    values_rejected: int = 0
    kind: str = "survey"
    why: str = ""  # replaced: what changed; retired: where the file went
    redactions: dict[str, int] = field(default_factory=dict)  # names, phones, e-mails removed from its free text

    def describe(self) -> str:
        """One line for the terminal."""
        if self.status == "unchanged":
            return f"{self.path}: unchanged, skipped"
        because = f"; {self.why}" if self.why else ""
        if self.status == "retired":
            return (f"{self.path}: retired ({self.why or 'no longer in the study folder or study.yaml'}): its "
                    f"{self.accepted} {RECORDS.get(self.kind, 'records')} and its rejects are no longer counted")
        if self.kind == "chats":
            return (f"{self.path}: {self.status} ({self.reader}): {self.accepted} messages, "
                    f"{self.rejected} authors not in participants.csv{because}")
        if self.kind == "interviews":
            return (f"{self.path}: {self.status}: {self.reader}, {self.accepted} coded segments, "
                    f"{self.values_rejected} segments rejected{because}")
        return (f"{self.path}: {self.status} ({self.reader}): {self.accepted} responses, {self.rejected} rows and "
                f"{self.values_rejected} values rejected{because}")


def _reason(state: FileState, force: bool) -> str:
    """Why a file is read again, in the user's words ('' for a new file)."""
    if state.state == CHANGED:
        return "the file changed"
    if state.state == REREAD:
        return "read again because " + "; ".join(state.why)
    if force and state.state == UNCHANGED:
        return "read again (--force)"
    return ""


class StoredNames:
    """How paths enter the store: redacted like text for display, known by a keyed hash of the real path.

    Its own :class:`Redactor`, so that a name in a file name is not counted
    among the redactions of the file's text.
    """

    def __init__(self, participants: Participants, country_code: str | None, key: bytes) -> None:
        self._redact = Redactor(participants, country_code)
        self._key = key

    def shown(self, path: str) -> str:
        """The path as the store shows it: names, phone numbers and e-mails replaced."""
        return self._redact(path)

    def key_of(self, path: str) -> str:
        return path_key(self._key, path)

    def details(self, value: Any) -> Any:
        """An audit record with every string (and key) redacted: its paths, its reasons."""
        if isinstance(value, dict):
            return {self.shown(str(k)): self.details(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.details(v) for v in value]
        return self.shown(value) if isinstance(value, str) else value


def _free_path(conn, kind: str, shown: str, key: str, import_id: int | None = None) -> str:
    """``shown``, or ``shown (abc123)`` when another file's path reads the same once redacted ("Chat with
    [phone].txt" for two numbers): imports are unique by kind and path."""
    taken = conn.execute("SELECT 1 FROM imports WHERE source_kind = ? AND path = ? AND import_id IS NOT ?",
                         (kind, shown, import_id)).fetchone()
    return f"{shown} ({key[:6]})" if taken else shown


def begin_import(conn, previous: list[StoredImport], kind: str, path: str, digest: str, reader: str,
                 governed_by: dict[str, str], files: dict[str, str], names: StoredNames) -> tuple[str, int]:
    """Drop the earlier import(s) of this source and record the new one; returns (status, import id).

    ``path`` and ``files`` (relative path -> SHA-256) are the real paths; the store gets them redacted and keyed.
    """
    status = "replaced" if previous else "imported"
    for earlier in previous:
        conn.execute("DELETE FROM imports WHERE import_id = ?", (earlier.import_id,))
    shown, key = names.shown(path), names.key_of(path)
    # A retired import of the same file or shown path gives way (imports are unique by kind and path); the audit
    # keeps its story.
    conn.execute("DELETE FROM imports WHERE source_kind = ? AND (path = ? OR path_key = ?) AND retired_at IS NOT NULL",
                 (kind, shown, key))
    cursor = conn.execute(
        "INSERT INTO imports (source_kind, path, sha256, reader, rows_accepted, rows_rejected, imported_at, "
        "tool_version, governed_by, path_key) VALUES (?, ?, ?, ?, 0, 0, ?, ?, ?, ?)",
        (kind, _free_path(conn, kind, shown, key), digest, reader, now(), __version__,
         json.dumps(governed_by, sort_keys=True), key))
    import_id = int(cursor.lastrowid)
    rows: dict[str, tuple[str, str]] = {}
    for name, sha in files.items():
        shown_name, name_key = names.shown(name), names.key_of(name)
        rows[shown_name if shown_name not in rows else f"{shown_name} ({name_key[:6]})"] = (sha, name_key)
    conn.executemany("INSERT INTO import_files (import_id, path, sha256, path_key) VALUES (?, ?, ?, ?)",
                     [(import_id, name, sha, name_key) for name, (sha, name_key) in rows.items()])
    return status, import_id


def redact_rejects(conn, import_id: int, names: StoredNames) -> None:
    """The file, place and reason of an import's rejects with paths and names redacted (values already are)."""
    rows = conn.execute("SELECT reject_id, file, column_name, reason FROM rejects WHERE import_id = ?",
                        (import_id,)).fetchall()
    for reject_id, *texts in rows:
        redacted = [names.shown(t) if t else t for t in texts]
        if redacted != texts:
            conn.execute("UPDATE rejects SET file = ?, column_name = ?, reason = ? WHERE reject_id = ?",
                         (*redacted, reject_id))


def key_stored_paths(conn, names: StoredNames) -> None:
    """Paths stored before schema 8 (``path_key`` NULL): keyed and redacted, with the audit and rejects."""
    imports = conn.execute("SELECT import_id, source_kind, path FROM imports WHERE path_key IS NULL").fetchall()
    files = conn.execute("SELECT import_id, path FROM import_files WHERE path_key IS NULL").fetchall()
    if not imports and not files:
        return
    for import_id, kind, path in imports:
        key = names.key_of(path)
        conn.execute("UPDATE imports SET path = ?, path_key = ? WHERE import_id = ?",
                     (_free_path(conn, kind, names.shown(path), key, import_id), key, import_id))
    for import_id, path in files:
        shown = names.shown(path)
        if shown != path and conn.execute("SELECT 1 FROM import_files WHERE import_id = ? AND path = ?",
                                          (import_id, shown)).fetchone():
            shown = f"{shown} ({names.key_of(path)[:6]})"
        conn.execute("UPDATE import_files SET path = ?, path_key = ? WHERE import_id = ? AND path = ?",
                     (shown, names.key_of(path), import_id, path))
    for (import_id,) in conn.execute("SELECT DISTINCT import_id FROM rejects").fetchall():
        redact_rejects(conn, import_id, names)
    for audit_id, details in conn.execute("SELECT audit_id, details FROM audit").fetchall():
        redacted = json.dumps(names.details(json.loads(details)), sort_keys=True)
        if redacted != json.dumps(json.loads(details), sort_keys=True):
            conn.execute("UPDATE audit SET details = ? WHERE audit_id = ?", (redacted, audit_id))


def finish_import(conn, import_id: int, accepted: int, rejected: int, redactions: dict[str, int]) -> None:
    """Record the import's counts, with what redaction replaced in its free text (shown by ``status``)."""
    conn.execute("UPDATE imports SET rows_accepted = ?, rows_rejected = ?, redactions = ? WHERE import_id = ?",
                 (accepted, rejected, json.dumps(redactions, sort_keys=True), import_id))


def import_study(study: Study, reader: str | None = None,
                 progress: Callable[[Iterable], Iterable] | None = None, force: bool = False,
                 rekey: bool = False) -> list[ImportOutcome]:
    """Bring the store in line with the survey exports, interviews and chat exports of ``study``.

    ``reader`` overrides study.yaml's survey reader for all survey files (and
    reads them again, since the user asked for another reading). ``force``
    reads every file again even if nothing changed. Returns one outcome per
    file (interviews: one for the whole set), retired files included.

    The store remembers its key's fingerprint: another key is refused. With
    ``rekey`` the store is emptied and every source read again under the
    current key, in the same transaction (so a failure leaves the old store);
    every file imported before must still be in the study.
    """
    secure_private(study.private_dir)  # also files put there by hand since the last run
    key = load_key(study.private_dir)
    participants = Participants.load(study.private_dir, key, default_group=study.default_group)
    redact = Redactor(participants, study.chats.default_country_code)
    if study.questionnaire_path is not None:
        study.questionnaire()  # a broken questionnaire is reported even before any survey file arrives
    files = source_files(study)
    duplicated = copies(files)
    if duplicated:
        copy, first = duplicated[0]
        raise InputFileError(f"the same content as {first.relative}; remove one of the two copies (a file is "
                             "counted once)", file=copy.relative)
    outcomes: list[ImportOutcome] = []
    names = StoredNames(participants, study.chats.default_country_code, key)
    with writer_lock(study.store_path):
        return _import_locked(study, files, participants, redact, key, reader, progress, force, outcomes, rekey,
                              names)


def _import_locked(study: Study, files, participants: Participants, redact: Redactor, key: bytes,
                   reader: str | None, progress, force: bool, outcomes: list[ImportOutcome],
                   rekey: bool, names: StoredNames) -> list[ImportOutcome]:
    """The import itself, under the study's writer lock (:func:`mixedmethods.store.writer_lock`)."""
    conn = connect(study.store_path)
    try:
        with transaction(conn):
            if rekey:
                _clear_for_rekey(conn, files, key, names)
            check_key(conn, key_fingerprint(key), study.relative(study.private_dir / KEY_FILE))
            key_stored_paths(conn, names)
            # Whoever is no longer in participants.csv is unlisted (and forgotten below if no record names them).
            conn.execute("UPDATE participants SET listed = 0 WHERE listed = 1")
            for person in participants.people:
                # Every group of the person ("g1;g2" in participants.csv) in attributes.groups: a member of each
                # group's chat (chats.metrics.load_memberships); grp is the first, the group of comparisons.
                groups = json.dumps(list(person.groups))
                conn.execute(
                    "INSERT INTO participants (participant_id, grp, listed, attributes) "
                    "VALUES (?, ?, 1, json_set('{}', '$.groups', json(?))) "
                    "ON CONFLICT(participant_id) DO UPDATE SET grp = excluded.grp, listed = 1, "
                    "attributes = json_set(participants.attributes, '$.groups', json(?))",
                    (person.participant_id, person.group or None, groups, groups))
            stored = stored_imports(conn)
            states = compare(files, stored)
            outcomes.extend(_retire_gone(conn, states, stored, names))
            work: list[tuple[str, object]] = [("survey", s) for s in states if s.kind == "survey" and s.source]
            interview_states = [s for s in states if s.kind == "interviews"]
            if any(s.source for s in interview_states):
                work.append(("interviews", interview_states))
            work += [("chats", s) for s in states if s.kind == "chats" and s.source]
            # Chat texts are prepared beside the import when a chat is to be read (_import_chat): the process that
            # does it is started now, while this one holds little memory (chats/text_worker.py).
            reading_chats = any(kind == "chats" and (force or item.state != UNCHANGED) for kind, item in work)
            with _text_worker(redact, reading_chats) as worker:
                for kind, item in (progress(work) if progress else work):
                    if kind == "survey":
                        outcomes.append(_import_survey(conn, study, item, participants, redact, key, reader, force,
                                                       names))
                    elif kind == "interviews":
                        outcomes.append(_import_interviews(conn, study, item, participants, redact, key, force,
                                                           names))
                    else:
                        outcomes.append(_import_chat(conn, study, item, participants, key, force, names, worker))
            forget_unseen_participants(conn)
    finally:
        conn.close()
    return outcomes


def _clear_for_rekey(conn, files, key: bytes, names: StoredNames) -> None:
    """Empty the store for ``rekey``, refusing when an imported file is gone (its data could not come back).

    The stored path keys were made with the old key, so a stored file counts as present when a file of the
    folder has its content or its shown path.
    """
    here = {(s.kind, s.sha256) for s in files} | {(s.kind, names.shown(s.relative)) for s in files}
    gone = [(shown, earlier) for earlier in stored_imports(conn) for identity, sha in earlier.files.items()
            for shown in [earlier.shown.get(identity, identity)]
            if (earlier.kind, sha) not in here and (earlier.kind, shown) not in here]
    if gone:
        raise InputFileError("rekey reads every source again, but this file was imported and is no longer in "
                             "the study; put it back first (or remove it from the store with an import)",
                             file=gone[0][0])
    counts = {kind: n for kind, n in conn.execute("SELECT source_kind, COUNT(*) FROM imports WHERE retired_at IS "
                                                  "NULL GROUP BY source_kind")}
    old = conn.execute("SELECT value FROM store_facts WHERE name = 'key_fingerprint'").fetchone()
    clear_store(conn)
    audit(conn, "rekey", {"imports_cleared": counts, "old_key_fingerprint": old[0] if old else None,
                          "new_key_fingerprint": key_fingerprint(key)})


def _retire_gone(conn, states: list[FileState], stored: list[StoredImport],
                 names: StoredNames) -> list[ImportOutcome]:
    """Retire each import none of whose files is still in the study (records and rejects out, row kept)."""
    present = {(s.kind, s.identity) for s in states if s.source is not None}
    moved = {(s.kind, s.identity): s.why for s in states if s.state == MISSING}
    outcomes = []
    for earlier in stored:
        if any((earlier.kind, identity) in present for identity in earlier.files):
            continue
        why = "; ".join(w for identity in earlier.files for w in moved.get((earlier.kind, identity), []))
        accepted = conn.execute("SELECT rows_accepted FROM imports WHERE import_id = ?",
                                (earlier.import_id,)).fetchone()[0]
        retire_import(conn, earlier.import_id)
        files = {earlier.shown.get(identity, identity): sha for identity, sha in earlier.files.items()}
        audit(conn, f"retire {earlier.kind}", names.details({
            "path": earlier.path, "sha256": earlier.sha256, "files": files, "rows_accepted": accepted,
            "reason": why or "no longer in the study folder or study.yaml"}))
        outcomes.append(ImportOutcome(earlier.path, "retired", earlier.reader, accepted, kind=earlier.kind, why=why))
    return outcomes


def _audit_import(conn, kind: str, status: str, details: dict, previous: list[StoredImport], why: str,
                  names: StoredNames, import_id: int) -> None:
    """The import's audit record, and its rejects, with paths and names redacted."""
    if previous:
        details["replaced_sha256"] = previous[0].sha256
    if why:
        details["why"] = why
    audit(conn, f"import {kind} ({status})", names.details(details))
    redact_rejects(conn, import_id, names)


def _import_survey(conn, study: Study, state: FileState, participants: Participants, redact: Redactor, key: bytes,
                   reader: str | None, force: bool, names: StoredNames) -> ImportOutcome:
    from .survey.importer import store_survey
    from .survey.readers import read_survey
    from .survey.validate import validate_survey

    source = state.source
    if state.state == UNCHANGED and not force and reader is None:
        return ImportOutcome(state.relative, "unchanged", "-")
    why = _reason(state, force) or ("read again (--reader)" if state.state == UNCHANGED else "")
    chosen = next(s for s in study.survey_sources if s.path == source.path)
    questionnaire = study.questionnaire()
    raw = read_survey(source.path, questionnaire, state.relative, reader or chosen.reader, chosen.columns,
                      chosen.date_order)
    redact.take_counts()  # count this file's redactions only
    responses, rejects = validate_survey(raw, questionnaire, participants, key, list(study.groups), redact,
                                         state.relative)
    previous = [state.stored] if state.stored else []
    status, import_id = begin_import(conn, previous, "survey", state.relative, source.sha256, raw.reader,
                                     source.governed_by, {state.relative: source.sha256}, names)
    accepted, rejected = store_survey(conn, import_id, responses, rejects, raw.repeats, redact)
    redactions = redact.take_counts()
    finish_import(conn, import_id, accepted, rejected, redactions)
    outcome = ImportOutcome(state.relative, status, raw.reader, accepted, rejected,
                            sum(1 for r in rejects if r.kind == "value"), why=why, redactions=redactions)
    _audit_import(conn, "survey", status, {"path": state.relative, "sha256": source.sha256, "reader": raw.reader,
                                           "accepted": accepted, "rejected_rows": rejected,
                                           "rejected_values": outcome.values_rejected,
                                           "redactions": outcome.redactions}, previous, why, names, import_id)
    return outcome


def _import_interviews(conn, study: Study, states: list[FileState], participants: Participants, redact: Redactor,
                       key: bytes, force: bool, names: StoredNames) -> ImportOutcome:
    """All interview files as one import (a segments table refers to transcripts in other files)."""
    from .interviews.importer import store_interviews
    from .interviews.readers import read_interview_files

    present = [s for s in states if s.source is not None]
    hashes = {s.relative: s.source.sha256 for s in present}
    label = "interviews: " + ", ".join(sorted({study.relative(s.source.path.parent) for s in present}))
    # Imports none of whose files remain were retired already; the others are replaced.
    previous = list({s.stored.import_id: s.stored for s in present if s.stored is not None}.values())
    if not force and len(previous) == 1 and all(s.state == UNCHANGED for s in states):
        return ImportOutcome(label, "unchanged", "-", kind="interviews")
    reasons = sorted({f"{s.relative}: {s.explain() or s.state}" for s in states if s.state in (CHANGED, MISSING)}
                     | {_reason(s, force) for s in states if s.state == REREAD})
    if previous and any(s.state == NEW for s in states):
        reasons.append("new files: " + ", ".join(s.relative for s in states if s.state == NEW))
    why = "; ".join(reasons) or ("read again (--force)" if previous else "")
    codebook = study.codebook()
    transcripts, orphans = read_interview_files([s.source.path for s in present], study.relative)
    listing = "\n".join(f"{name} {digest}" for name, digest in hashes.items())
    digest = hashlib.sha256(listing.encode("utf-8")).hexdigest()
    status, import_id = begin_import(conn, previous, "interviews", label.split(": ", 1)[1], digest, "interviews",
                                     present[0].source.governed_by, hashes, names)
    redact.take_counts()
    counts = store_interviews(conn, import_id, transcripts, orphans, codebook, participants, redact, key)
    redactions = redact.take_counts()
    finish_import(conn, import_id, counts.segments, counts.rejected, redactions)
    _audit_import(conn, "interviews", status, {"files": hashes, "transcripts": counts.transcripts,
                                               "segments": counts.segments, "rejected_segments": counts.rejected,
                                               "redactions": redactions}, previous, why, names, import_id)
    return ImportOutcome(label, status, f"{counts.transcripts} transcripts", counts.segments, 0, counts.rejected,
                         kind="interviews", why=why, redactions=redactions)


def _text_worker(redact: Redactor, chats: bool):
    """Where the chats' new texts are redacted and their languages identified: beside this process when there
    are ``chats`` to import (:class:`mixedmethods.chats.text_worker.TextWorker`). ``redact`` is the import's
    redactor, of the chats' country code like each chat's linker; the worker only redacts (it counts
    nothing)."""
    from .chats.text_worker import TextWorker

    return TextWorker(redact, beside=chats)


def _import_chat(conn, study: Study, state: FileState, participants: Participants, key: bytes,
                 force: bool, names: StoredNames, worker=None) -> ImportOutcome:
    """One chat export is one import, read with study.yaml's ``format:`` or the format the registry detects."""
    from .chats.importer import store_chat
    from .chats.linkage import AuthorLinker
    from .chats.readers import read_chat

    if state.state == UNCHANGED and not force:
        return ImportOutcome(state.relative, "unchanged", "-", kind="chats")
    source = next(s for s in study.chat_sources if s.path == state.source.path)
    # Listed names are passed so that a name holding ": " is read as one author, not as "Name: text".
    frame, chat_format = read_chat(source.path, state.relative, source.date_order, source.format,
                                   [p.name for p in participants.people if p.name])
    linker = AuthorLinker(participants, key, study.chats.default_country_code)
    previous = [state.stored] if state.stored else []
    digest = state.source.sha256
    status, import_id = begin_import(conn, previous, "chats", state.relative, digest, chat_format.name,
                                     state.source.governed_by, {state.relative: digest}, names)
    counts = store_chat(conn, import_id, frame, chat_format, source.group, linker, worker=worker)
    redactions = linker.redactor.take_counts()
    finish_import(conn, import_id, counts.messages, counts.unknown_authors, redactions)
    why = _reason(state, force)
    _audit_import(conn, "chats", status, {"path": state.relative, "sha256": digest, "group": source.group,
                                          **counts.__dict__, "redactions": redactions}, previous, why, names, import_id)
    return ImportOutcome(state.relative, status, counts.format, counts.messages, counts.unknown_authors,
                         kind="chats", why=why, redactions=redactions)
