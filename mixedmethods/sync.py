"""How the store stands against the study folder: which source files are new, changed, missing or up to date.

A source file's import is identified by its kind (survey, interviews,
chats), its path relative to the study, the SHA-256 of its bytes and the
hashes of what *governs* how it is read and validated (:func:`governing`):

* survey exports: the questionnaire file, the group ids of study.yaml (a
  response's group must be one of them), the participants list and, when
  set, the source's ``columns:`` map and ``date_order:`` in study.yaml;
* interview files: the codebook file and the participants list;
* chat exports: the chat's settings in study.yaml that change what is stored
  (its group, its ``date_order``, its ``format`` when not ``auto``,
  ``chats.default_country_code``) and the participants list.

The participants list is part of every identity because it decides who is
linked to whom: a person added to ``private/participants.csv`` is linked on
the next import. Its hash is keyed with the study's secret key, so the store
holds nothing from which the list could be guessed.

``import`` and ``status`` both ask :func:`compare`, so they never disagree.

A file name can name a person ("WhatsApp Chat with Fatou Dubois.txt"), so
the store keeps each path redacted like any text, for display, and knows the
file by a keyed hash of its real relative path (:func:`path_key`, HMAC-SHA256
under the study's key), which the next import computes again from the folder.
Rows stored before the store had these hashes (``path_key`` NULL) are known
by their path until the next import keys and redacts them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .study import Study

KINDS = ("survey", "interviews", "chats")
PARTICIPANTS = "private/participants.csv"

NEW, CHANGED, REREAD, UNCHANGED, MISSING = "new", "changed", "re-read", "unchanged", "missing"


def sha256_of(path: Path) -> str:
    """SHA-256 of a file's bytes (hex), read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def path_key(key: bytes, relative: str) -> str:
    """Keyed hash of a relative path (32 hex characters): how the store knows a file without its name.

    HMAC-SHA256 (RFC 2104) under the study's key, so nobody without the key
    can try names against it.
    """
    return hmac.new(key, b"path:" + relative.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def legacy_identity(path: str) -> str:
    """How a file imported before schema 8 (no path key yet) is known: by its stored, real path."""
    return "path:" + path


@dataclass(frozen=True)
class SourceFile:
    """One file of the study folder that ``import`` reads."""

    kind: str
    path: Path
    relative: str
    sha256: str
    governed_by: dict[str, str] = field(hash=False, compare=False)
    key: str = ""  # path_key of ``relative`` ('' without the study's key)


@dataclass
class StoredImport:
    """One import in the store that is not retired, with the files it read."""

    import_id: int
    kind: str
    path: str
    sha256: str
    reader: str
    governed_by: dict[str, str] | None  # None: imported by a version that did not record it
    files: dict[str, str]  # identity (path key, else legacy_identity) -> SHA-256
    shown: dict[str, str] = field(default_factory=dict)  # identity -> the path as stored (redacted)


@dataclass
class FileState:
    """One file's standing: new, changed (its bytes), re-read (what governs it changed), unchanged or missing."""

    kind: str
    relative: str
    state: str
    source: SourceFile | None = None
    stored: StoredImport | None = None
    why: list[str] = field(default_factory=list)  # for re-read: what changed; for missing: where it went
    identity: str = ""  # how the store knows the file (its path key, or its path if stored before keys)

    def explain(self) -> str:
        """Plain words for ``status`` and ``import``."""
        if self.state == REREAD:
            return "to be checked again: " + "; ".join(self.why)
        if self.state == CHANGED:
            return "the file changed since it was imported"
        if self.state == MISSING and self.why:
            return "; ".join(self.why)
        return ""


def study_key(study: Study) -> bytes | None:
    """The study's secret key, or None when it is missing or malformed (import then says why)."""
    from .errors import UserError
    from .privacy import load_key

    try:
        return load_key(study.private_dir)
    except UserError:
        return None


def participants_hash(study: Study) -> str:
    """Keyed hash of private/participants.csv ('' without the key or the list; import then says why)."""
    from .errors import UserError
    from .privacy import PARTICIPANTS_FILE, load_key

    try:
        key = load_key(study.private_dir)
        data = (study.private_dir / PARTICIPANTS_FILE).read_bytes()
    except (UserError, OSError):
        return ""
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def governing(study: Study) -> dict[str, object]:
    """What governs each kind of source: ``{"survey": {...}, "interviews": {...}, "chats": callable}``.

    Each value maps a name shown to the user to a SHA-256. Survey exports and
    chats are governed per file (a survey source's ``columns:`` and
    ``date_order:``, a chat's group and date order), hence functions.
    """
    people = participants_hash(study)
    survey_base = {"the groups in study.yaml": _sha256_text("\n".join(sorted(study.groups))), PARTICIPANTS: people}
    if study.questionnaire_path is not None:
        survey_base[study.relative(study.questionnaire_path)] = sha256_of(study.questionnaire_path)

    def survey(source) -> dict[str, str]:
        settings = source.settings()
        if not settings:  # only then, so that imports made before ``columns:``/``date_order:`` existed stay current
            return dict(survey_base)
        return {**survey_base, "the survey source's settings in study.yaml":
                _sha256_text(json.dumps(settings, sort_keys=True))}
    interviews = {PARTICIPANTS: people}
    if study.codebook_path is not None and study.codebook_path.is_file():
        interviews[study.relative(study.codebook_path)] = sha256_of(study.codebook_path)
    country = study.chats.default_country_code

    def chat(source) -> dict[str, str]:
        settings = {"group": source.group, "date_order": source.date_order, "default_country_code": country}
        if source.format != "auto":  # only then, so that imports made before ``format:`` existed stay current
            settings["format"] = source.format
        return {"the chat's settings in study.yaml": _sha256_text(json.dumps(settings, sort_keys=True)),
                PARTICIPANTS: people}

    return {"survey": survey, "interviews": interviews, "chats": chat}


def source_files(study: Study) -> list[SourceFile]:
    """Every file ``import`` would read, hashed once, in the order they are imported."""
    rules = governing(study)
    key = study_key(study)

    def keyed(relative: str) -> str:
        return path_key(key, relative) if key is not None else ""
    files = [SourceFile("survey", s.path, study.relative(s.path), sha256_of(s.path), rules["survey"](s),
                        keyed(study.relative(s.path))) for s in study.survey_sources]
    files += [SourceFile("interviews", p, study.relative(p), sha256_of(p), rules["interviews"],
                         keyed(study.relative(p))) for p in study.interview_files]
    files += [SourceFile("chats", s.path, study.relative(s.path), sha256_of(s.path), rules["chats"](s),
                         keyed(study.relative(s.path))) for s in study.chat_sources]
    return files


def stored_imports(conn: sqlite3.Connection) -> list[StoredImport]:
    """The imports that count (not retired), each with its files."""
    files: dict[int, dict[str, str]] = {}
    shown: dict[int, dict[str, str]] = {}
    for row in conn.execute("SELECT import_id, path, sha256, path_key FROM import_files ORDER BY path"):
        identity = row[3] or legacy_identity(row[1])
        files.setdefault(row[0], {})[identity] = row[2]
        shown.setdefault(row[0], {})[identity] = row[1]
    found = []
    for row in conn.execute("SELECT import_id, source_kind, path, sha256, reader, governed_by FROM imports "
                            "WHERE retired_at IS NULL ORDER BY source_kind, path"):
        governed = json.loads(row["governed_by"]) if row["governed_by"] else None
        found.append(StoredImport(row["import_id"], row["source_kind"], row["path"], row["sha256"], row["reader"],
                                  governed, files.get(row["import_id"], {}), shown.get(row["import_id"], {})))
    return found


def _what_changed(now: dict[str, str], then: dict[str, str] | None) -> list[str]:
    if then is None:
        return ["imported by an earlier mixedmethods that did not record its instruments"]
    names = [name for name in now if then.get(name) != now[name]]
    names += [name for name in then if name not in now]
    return [f"{name} changed" for name in names]


def copies(files: list[SourceFile]) -> list[tuple[SourceFile, SourceFile]]:
    """Files with the same bytes as an earlier file of the same kind: ``(copy, first)``; importing both would
    count their records twice."""
    first: dict[tuple[str, str], SourceFile] = {}
    found = []
    for source in files:
        earlier = first.setdefault((source.kind, source.sha256), source)
        if earlier is not source:
            found.append((source, earlier))
    return found


def compare(files: list[SourceFile], stored: list[StoredImport]) -> list[FileState]:
    """Each file of the folder and each stored file that is gone, with its state.

    A missing file whose content is now under another path of the same kind
    is reported as renamed (its records move with the new path on import).
    """
    index = {(i.kind, identity): (i, digest) for i in stored for identity, digest in i.files.items()}
    states = []
    present = set()
    for source in files:
        identity = source.key or legacy_identity(source.relative)
        if (source.kind, identity) not in index and (source.kind, legacy_identity(source.relative)) in index:
            identity = legacy_identity(source.relative)  # stored before path keys: known by its path
        present.add((source.kind, identity))
        earlier = index.get((source.kind, identity))
        if earlier is None:
            states.append(FileState(source.kind, source.relative, NEW, source, identity=identity))
            continue
        stored_import, digest = earlier
        if digest != source.sha256:
            states.append(FileState(source.kind, source.relative, CHANGED, source, stored_import, identity=identity))
            continue
        why = _what_changed(source.governed_by, stored_import.governed_by)
        states.append(FileState(source.kind, source.relative, REREAD if why else UNCHANGED, source, stored_import,
                                why, identity))
    by_content = {(s.kind, s.sha256): s.relative for s in files}
    for (kind, identity), (stored_import, digest) in index.items():
        if (kind, identity) in present:
            continue
        moved = by_content.get((kind, digest))
        why = [f"renamed or moved to {moved}"] if moved else []
        shown = stored_import.shown.get(identity, identity)
        states.append(FileState(kind, shown, MISSING, None, stored_import, why, identity))
    return states
