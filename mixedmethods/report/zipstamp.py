"""Office files (.docx, .xlsx) that are the same bytes when their content is the same (issue 14).

python-docx and openpyxl stamp every zip entry with the clock (the zip format's resolution is 2 s) and the
document's modification date with the moment of saving; two builds of the same results would then differ,
and an incremental build could never tell that a document did not change. :func:`stamp_zip` rewrites the zip
with one fixed date (the build's day) in every entry and in ``docProps/core.xml``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime


def stamp_zip(path: Path, stamp: "datetime") -> None:
    """Rewrite the zip at ``path`` with every entry dated ``stamp`` (same order, content and compression), and
    the document's modification date too (openpyxl and python-docx set it to the clock while saving)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    modified = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    entries = [(info, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + modified +
                             rb"\g<2>", data) if info.filename == "docProps/core.xml" else data)
               for info, data in entries]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type, fixed.external_attr = info.compress_type, info.external_attr
            archive.writestr(fixed, data)
