"""Plain-text overviews of a study for ``status`` and ``rejects``. No names are ever printed."""

from __future__ import annotations

from .store import connect
from .study import Study


def study_status(study: Study) -> str:
    """What the store holds and what is waiting to be imported."""
    lines = [f"Study: {study.title.get(study.report.language) or next(iter(study.title.values()))}",
             f"Folder: {study.root}"]
    if not study.store_path.exists():
        lines.append("Store: none yet. Run: mixedmethods import " + str(study.root))
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
        imported = {}
        for row in conn.execute("SELECT * FROM imports ORDER BY source_kind, path"):
            imported[row["path"]] = row["sha256"]
            lines.append(f"  {row['source_kind']:8} {row['path']} ({row['reader']}, {row['imported_at']}): "
                         f"{row['rows_accepted']} accepted, {row['rows_rejected']} rows rejected")
        if not imported:
            lines.append("  none")
        from .importing import sha256_of

        waiting = [study.relative(s.path) for s in study.survey_sources
                   if imported.get(study.relative(s.path)) != sha256_of(s.path)]
        if waiting:
            lines.append("New or changed since the last import (run mixedmethods import): " + ", ".join(waiting))
        responses = conn.execute("SELECT grp, COUNT(DISTINCT participant_id) FROM survey_responses "
                                 "WHERE status = 'kept' GROUP BY grp ORDER BY grp").fetchall()
        if responses:
            lines.append("Survey respondents: " + ", ".join(f"{g or 'no group'} {n}" for g, n in responses))
        kinds = dict(conn.execute("SELECT kind, COUNT(*) FROM rejects GROUP BY kind").fetchall())
        lines.append(f"Rejects: {kinds.get('value', 0)} values, {kinds.get('row', 0)} rows, "
                     f"{kinds.get('note', 0)} notes (see: mixedmethods rejects)")
        last = conn.execute("SELECT at, command FROM audit ORDER BY audit_id DESC LIMIT 1").fetchone()
        if last:
            lines.append(f"Last change: {last['at']} {last['command']}")
    finally:
        conn.close()
    return "\n".join(lines)


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
