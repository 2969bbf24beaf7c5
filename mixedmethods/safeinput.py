"""Reading untrusted input files within bounds: zip archives, control characters, numbers.

Every reader of raw data uses these, so a hostile or damaged file ends in a
one-line :class:`~mixedmethods.errors.InputFileError` (or a recorded reject),
never in a traceback, a silently changed value or an exhausted memory.

Zip archives (chat .zip, .qdpx, .docx, .xlsx) are checked from their central
directory before anything is extracted, and again while a member is read:

- at most :data:`MAX_MEMBERS` members;
- at most :data:`MAX_TOTAL` bytes uncompressed in all, and :data:`MAX_MEMBER`
  bytes for the one member read into memory;
- a member larger than :data:`RATIO_FLOOR` bytes may be at most :data:`MAX_RATIO`
  times its compressed size (plain text compresses about 3-10 times, XML up to
  about 30; a zip bomb thousands of times);
- no encrypted members, and only the stored, deflate, bzip2 and lzma methods
  Python reads (Deflate64, written by Windows Explorer for large files, is not).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import IO

from .errors import InputFileError

MAX_MEMBERS = 50_000
MAX_TOTAL = 2 * 1024 ** 3  # 2 GiB: a chat .zip holds its media, which are counted but never extracted
MAX_MEMBER = 256 * 1024 ** 2  # 256 MiB: a chat of a million messages is about 100 MB
MAX_RATIO = 100
RATIO_FLOOR = 1024 ** 2  # small members (a 1 KB XML part of zeros) may compress better without harm
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate", zipfile.ZIP_BZIP2: "bzip2",
            zipfile.ZIP_LZMA: "lzma"}
_METHOD_NAMES = {9: "Deflate64", 10: "PKWARE implode", 12: "bzip2", 93: "Zstandard", 98: "PPMd", 99: "AES"}
LIMITS = (f"at most {MAX_MEMBERS} members, {MAX_TOTAL // 1024 ** 3} GiB uncompressed in all, "
          f"{MAX_MEMBER // 1024 ** 2} MiB for the file read, a compression ratio of at most {MAX_RATIO}")


def _kind(shown: str) -> str:
    """``.qdpx``, ``.docx``...: what the archive is, for messages."""
    return Path(shown).suffix.lower() or "zip"


def check_archive(archive: zipfile.ZipFile, shown: str) -> None:
    """Refuse ``archive`` (from its central directory alone) when it breaks a limit, is encrypted or uses a
    compression method Python cannot read."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise InputFileError(f"the zip holds {len(members)} files; refused to protect memory ({LIMITS})", file=shown)
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise InputFileError(f"{info.filename!r} inside the {_kind(shown)} is password-protected; export it "
                                 "again without a password", file=shown)
        if info.compress_type not in _METHODS:
            method = _METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
            raise InputFileError(f"{info.filename!r} inside the {_kind(shown)} is compressed with {method}, which "
                                 "this tool cannot read; zip it again with ordinary (deflate) compression", file=shown)
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise InputFileError(f"{info.filename!r} inside the {_kind(shown)} expands {ratio} times (a zip bomb?); "
                                 f"refused ({LIMITS})", file=shown)
    if total > MAX_TOTAL:
        raise InputFileError(f"the zip expands to {total / 1024 ** 3:.1f} GiB; refused ({LIMITS})", file=shown)


def open_zip(path: Path, shown: str, failure: str = "cannot open as a zip file") -> zipfile.ZipFile:
    """Open ``path`` as a zip and check it (:func:`check_archive`); the caller closes it. ``failure`` begins the
    message when it is no zip at all."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise InputFileError(f"{failure} ({type(exc).__name__}); is the file complete?",
                             file=shown) from None
    try:
        check_archive(archive, shown)
    except BaseException:
        archive.close()
        raise
    return archive


def check_zip_file(path: Path, shown: str, failure: str = "cannot open as a zip file") -> None:
    """Check a zip that another library (openpyxl, python-docx) will open, before it does."""
    open_zip(path, shown, failure).close()


def read_member(archive: zipfile.ZipFile, name: str | zipfile.ZipInfo, shown: str) -> bytes:
    """The bytes of one member, read in chunks and stopped at :data:`MAX_MEMBER` or at the ratio limit,
    whatever its header claims; a damaged member is one line."""
    info = name if isinstance(name, zipfile.ZipInfo) else archive.getinfo(name)
    limit = min(MAX_MEMBER, max(RATIO_FLOOR, MAX_RATIO * max(info.compress_size, 1)))
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as member:
            while True:
                chunk = member.read(1024 ** 2)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise InputFileError(f"{info.filename!r} inside the {_kind(shown)} expands beyond "
                                         f"{limit // 1024 ** 2} MiB; refused ({LIMITS})", file=shown)
                chunks.append(chunk)
    except InputFileError:
        raise
    except Exception as exc:  # BadZipFile (CRC), zlib.error, lzma.LZMAError, EOFError: damaged compressed data
        raise InputFileError(f"{info.filename} inside the {_kind(shown)} cannot be read (damaged zip: "
                             f"{type(exc).__name__})", file=shown) from None
    return b"".join(chunks)


def open_member(archive: zipfile.ZipFile, name: str, shown: str) -> IO[bytes]:
    """A member as a file object for a streaming parser (bounded by :func:`read_member`)."""
    import io

    return io.BytesIO(read_member(archive, name, shown))


# Characters XML 1.0 cannot hold (python-docx/lxml refuse them when the report is written): C0 controls but TAB, LF
# and CR; lone surrogates (a JSON export may carry "\ud83d" escapes); U+FFFE and U+FFFF.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = {"\x0b": "\n", "\x0c": "\n"}  # Word's soft line break (Shift+Enter) and page break


def replace_controls(text: str, line_breaks: bool = True) -> tuple[str, int]:
    """``text`` with every character XML cannot hold replaced one for one (so offsets into it stay valid):
    U+000B and U+000C (Word's line and page breaks) by a line break (unless ``line_breaks`` is false, where line
    numbers must stay those of the file), the others by U+FFFD; and how many.

    >>> replace_controls("a\\x0bb\\x00c")
    ('a\\nb\\ufffdc', 2)
    """
    count = 0

    def one(match: "re.Match[str]") -> str:
        nonlocal count
        count += 1
        return _LINE_BREAKS.get(match.group(), "\ufffd") if line_breaks else "\ufffd"

    if CONTROL.search(text) is None:  # the common case costs one scan
        return text, 0
    return CONTROL.sub(one, text), count


def describe_controls(text: str) -> str:
    """``U+000B, U+0000``: the distinct control characters of ``text``, for a reject's reason."""
    found = sorted(set(CONTROL.findall(text)))
    return ", ".join(f"U+{ord(c):04X}" for c in found[:5]) + (" ..." if len(found) > 5 else "")


_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_WHOLE = re.compile(r"[+-]?[0-9]+")


def strict_float(text: str) -> float:
    """A finite number written with ASCII digits, an optional sign, point and exponent; ``ValueError`` else.

    Python's own ``float()`` also takes ``1_0`` (10), ``inf``, ``nan`` and non-ASCII digits; an export that holds
    them is wrong, not a number.

    >>> strict_float("1.5e2")
    150.0
    >>> strict_float("1_0")
    Traceback (most recent call last):
    ...
    ValueError: not a number: '1_0'
    """
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"not a number: {text!r}")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number out of range: {text!r}")
    return value


def strict_int(text: str) -> int:
    """A whole number (``3``, ``-2``, ``3.0``) written with ASCII digits; ``ValueError`` else (``1_0``, ``1e309``)."""
    text = text.strip()
    if _WHOLE.fullmatch(text):
        return int(text)
    value = strict_float(text)
    if not value.is_integer():
        raise ValueError(f"not a whole number: {text!r}")
    return int(value)


def xml_root(data: bytes):
    """``xml.etree.ElementTree.fromstring(data)``, with a declaration naming an encoding Python does not know
    (``<?xml version="1.0" encoding="NaN"?>``) raised as the ``ParseError`` it is, at the declaration's line and
    column, rather than the ``LookupError`` the parser raises: every reader turns a ParseError into its
    one-line error (a fuzzed REFI-QDA project found it)."""
    from xml.etree import ElementTree as ET

    try:
        return ET.fromstring(data)
    except LookupError as exc:
        error = ET.ParseError(f"unknown encoding in the XML declaration ({exc})")
        error.code, error.position = 0, (1, max(data.find(b"encoding"), 0))
        raise error from None
