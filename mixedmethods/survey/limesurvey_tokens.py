"""LimeSurvey's survey participants ("tokens") table as the study's participants list.

A closed-access LimeSurvey survey invites each person with a token; the
response export carries the token in its ``token`` column, and the reader
treats it as the invitation code (see :mod:`.readers.limesurvey`). The
participants table, exported from Survey participants > Export > CSV, holds
who had which token::

    tid,firstname,lastname,email,emailstatus,token,language,validfrom,validuntil,invited,reminded,remindercount,completed,usesleft, attribute_1 <Group>
    "1","Ana","Pérez","ana@example.org","OK","AAA111","en","","","2026-02-20 09:00","N","0","2026-03-01 10:00","0","caricom"

(UTF-8 with a BOM, every value quoted, each attribute column named
``attribute_N <its description>``: LimeSurvey's ``tokensExport`` in
``application/helpers/export_helper.php``; manual page "Survey participants").

:func:`add_tokens` merges it into ``private/participants.csv``: name
(first and last name), e-mail, invitation code (the token) and, from the
attribute the user names, the group. Nothing else of the table is kept, and
nothing of it leaves ``private/``: the store only ever sees the participant
ids. A row without a token cannot be linked to a response and is skipped (and
counted). A person already listed with the same token is left as is; one
listed with the same e-mail and no invitation code gets the token; one listed
with the same e-mail and another code is refused (a participant has one
invitation code). New rows get their participant id written out, the keyed
pseudonym of the e-mail (else name, else token) as ``Participants.load``
would compute it, so a later correction of the e-mail does not change it.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputFileError, PrivacyError
from ..privacy import PARTICIPANT_COLUMNS, PARTICIPANTS_FILE, load_key, pseudonym

_ATTRIBUTE = re.compile(r"^(?P<name>attribute_\d+)(?:\s*<(?P<description>.*)>)?$", re.IGNORECASE)
# Columns of a response export (codes and full-text headings), which also has a token column.
RESPONSE_COLUMNS = {"submitdate", "lastpage", "date submitted", "last page", "response id"}


@dataclass
class TokensOutcome:
    """What :func:`add_tokens` did to private/participants.csv."""

    added: int = 0
    updated: int = 0  # listed by e-mail without a code: the token was added
    unchanged: int = 0  # listed with the same token already
    without_token: list[int] = field(default_factory=list)  # lines of the tokens table skipped

    def describe(self) -> str:
        skipped = (f", {len(self.without_token)} without a token skipped (lines "
                   f"{', '.join(map(str, self.without_token))})") if self.without_token else ""
        return (f"{PARTICIPANTS_FILE}: {self.added} participants added, {self.updated} given their token, "
                f"{self.unchanged} already listed{skipped}")


@dataclass
class TokenRow:
    line: int
    token: str
    name: str
    email: str
    group: str


def read_tokens(path: Path, shown: str, groups: dict[str, dict[str, str]],
                group_attribute: str | None = None) -> list[TokenRow]:
    """The rows of a LimeSurvey participants export; ``group_attribute`` (``attribute_1`` or its description)
    names the column holding each person's group (a group id or label of study.yaml)."""
    from .readers.tabular import read_csv

    if path.suffix.lower() != ".csv" or not path.is_file():
        raise InputFileError("expected LimeSurvey's survey participants export (.csv)", file=shown)
    sheet = read_csv(path, shown)
    header = [h.casefold() for h in sheet.header]
    expected = "expected LimeSurvey's survey participants export (tid, firstname, lastname, email, emailstatus, " \
               "token, language, ...)"
    response = next((h for h in sheet.header if h.casefold() in RESPONSE_COLUMNS), None)
    if response is not None:
        raise InputFileError(f"this is a response export (column {response!r}), not the participants table; "
                             + expected, file=shown, line=1)
    if "token" not in header or not {"tid", "firstname", "lastname", "email"} & set(header):
        raise InputFileError("no 'token' column with tid, firstname, lastname or email; " + expected, file=shown,
                             line=1)
    at = {name: i for i, name in enumerate(header)}
    group_index = _attribute_column(sheet.header, group_attribute, shown) if group_attribute else None
    by_label = {" ".join(label.split()).casefold(): gid for gid, labels in groups.items() for label in labels.values()}
    rows, seen = [], {}
    for line, values in zip(sheet.numbers, sheet.rows):
        def cell(name: str) -> str:
            return values[at[name]].strip() if name in at else ""

        token = cell("token")
        if token and token.casefold() in seen:
            raise InputFileError(f"token {token!r} is also on line {seen[token.casefold()]}; expected one row per "
                                 "token", file=shown, line=line, column=sheet.header[at["token"]])
        seen[token.casefold()] = line
        group = values[group_index].strip() if group_index is not None else ""
        if group and group not in groups:
            found = by_label.get(" ".join(group.split()).casefold())
            if found is None:
                raise InputFileError(f"group {group!r} is not a group of study.yaml (groups: {', '.join(groups)}); "
                                     "expected a group id or label", file=shown, line=line,
                                     column=sheet.header[group_index])  # type: ignore[index]
            group = found
        name = " ".join(f"{cell('firstname')} {cell('lastname')}".split())
        rows.append(TokenRow(line, token, name, cell("email"), group))
    return rows


def _attribute_column(header: list[str], wanted: str, shown: str) -> int:
    """Index of the attribute column named ``attribute_N`` or by its description."""
    key = wanted.strip().casefold()
    for index, column in enumerate(header):
        match = _ATTRIBUTE.match(column.strip())
        if match and key in (match["name"].casefold(), (match["description"] or "").strip().casefold()):
            return index
    offered = [h for h in header if _ATTRIBUTE.match(h.strip())]
    raise InputFileError(f"no attribute column {wanted!r}; expected one of {', '.join(offered) or '(none)'}",
                         file=shown, line=1)


def add_tokens(study, tokens_path: Path, group_attribute: str | None = None) -> TokensOutcome:
    """Merge a LimeSurvey participants export into the study's private/participants.csv (see the module docs)."""
    private = study.private_dir
    shown = str(tokens_path)
    inside = _inside(tokens_path, study.root)
    if inside and not _inside(tokens_path, private):
        raise PrivacyError("the participants table holds names and e-mails; move it into private/ (or keep it "
                           "outside the study folder) before reading it", file=shown)
    key = load_key(private)
    people = read_tokens(tokens_path, shown, study.groups, group_attribute)
    target = private / PARTICIPANTS_FILE
    header, rows = _read_list(target)
    by_code = {r["invitation_code"].strip().casefold(): r for r in rows if r.get("invitation_code", "").strip()}
    by_email = {r["email"].strip().casefold(): (n, r) for n, r in enumerate(rows, start=2) if r.get("email", "").strip()}
    outcome = TokensOutcome()
    for person in people:
        if not person.token:
            outcome.without_token.append(person.line)
            continue
        if person.token.casefold() in by_code:
            outcome.unchanged += 1
            continue
        listed = by_email.get(person.email.casefold()) if person.email else None
        if listed is not None:
            number, row = listed
            if row.get("invitation_code", "").strip():
                raise PrivacyError(f"{person.email} is listed with invitation code {row['invitation_code']!r} (line "
                                   f"{number} of {PARTICIPANTS_FILE}) but has token {person.token!r} here; a "
                                   "participant has one code: give them the same token in LimeSurvey or correct "
                                   "the list", file=shown, line=person.line)
            row["invitation_code"] = person.token
            row["group"] = row.get("group") or person.group
            by_code[person.token.casefold()] = row
            outcome.updated += 1
            continue
        identity = person.email or person.name or person.token
        row = {"participant_id": pseudonym(key, identity), "name": person.name, "phone": "", "email": person.email,
               "group": person.group, "invitation_code": person.token}
        rows.append(row)
        by_code[person.token.casefold()] = row
        if person.email:
            by_email[person.email.casefold()] = (len(rows) + 1, row)
        outcome.added += 1
    if outcome.added or outcome.updated:
        _write_list(target, header, rows)
    return outcome


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _read_list(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """participants.csv as its header and rows (an absent list is an empty one with every column)."""
    if not path.is_file():
        return list(PARTICIPANT_COLUMNS), []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise PrivacyError("expected UTF-8 text", file=path) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = list(reader.fieldnames or PARTICIPANT_COLUMNS)
    unknown = [c for c in header if c not in PARTICIPANT_COLUMNS]
    if unknown:
        raise PrivacyError(f"unknown column; expected {', '.join(PARTICIPANT_COLUMNS)}", file=path, line=1,
                           column=unknown[0])
    header += [c for c in PARTICIPANT_COLUMNS if c not in header]
    return header, [{c: row.get(c) or "" for c in header} for row in reader]


def _write_list(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    """Write participants.csv through a temporary file renamed into place (never half written)."""
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
