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
    the document's modification date too (openpyxl sets it to the clock while saving).

    When the document's dates are already the stamp's (python-docx writes the ones it is given), only the
    entries' dates are written over, in place: the content is not compressed a second time.
    """
    import zipfile

    modified = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        core = archive.read("docProps/core.xml") if "docProps/core.xml" in names else b""
        dated = re.search(rb"<dcterms:modified[^>]*>([^<]*)</dcterms:modified>", core)
        if (dated is None or dated.group(1) == modified) and _date_in_place(path, archive, stamp):
            return
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    entries = [(info, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + modified +
                             rb"\g<2>", data) if info.filename == "docProps/core.xml" else data)
               for info, data in entries]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type, fixed.external_attr = info.compress_type, info.external_attr
            archive.writestr(fixed, data)


def _date_in_place(path: Path, archive, stamp: "datetime") -> bool:
    """Write ``stamp`` over the date and time of every entry of the zip ``archive`` (open on ``path``), in its
    local header and in the central directory (APPNOTE.TXT 4.3.7 and 4.3.12: time and date at offsets 10 and
    12, in MS-DOS form). False, with nothing written, for a zip laid out otherwise (a signature not where the
    directory says, or extra fields that hold times): it is then rewritten whole."""
    import struct

    clock = struct.pack("<HH", stamp.hour << 11 | stamp.minute << 5 | stamp.second // 2,
                        (stamp.year - 1980) << 9 | stamp.month << 5 | stamp.day)
    infos, directory = archive.infolist(), archive.start_dir
    places = []
    with path.open("r+b") as handle:
        for info in infos:
            handle.seek(info.header_offset)
            if handle.read(4) != b"PK\x03\x04" or info.extra:
                return False
            places.append(info.header_offset + 10)
        handle.seek(directory)
        for _ in infos:
            record = handle.read(46)
            if record[:4] != b"PK\x01\x02":
                return False
            start = handle.tell() - 46
            places.append(start + 12)
            named, extra, comment = struct.unpack("<HHH", record[28:34])
            handle.seek(start + 46 + named + extra + comment)
        for place in places:
            handle.seek(place)
            handle.write(clock)
    return True
