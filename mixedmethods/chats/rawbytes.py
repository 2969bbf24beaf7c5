"""What the parser learns from an export's bytes before decoding them, with numpy (a pass over bytes is
cheaper than a search through the decoded text, which takes 2 or 4 bytes a character when it holds wide ones):
whether it holds control characters, and which of the characters the parser cleans it holds; and the cleaning
itself, done on the bytes (:func:`clean_bytes`)."""

from __future__ import annotations

# Marks the parser removes (left-to-right and direction marks, the byte order mark)
_MARK_CHARS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
CLEANED = _MARK_CHARS + "\u202f\u00a0\u2009\r"  # what the parser's _clean removes or replaces

def _no_controls(data: bytes) -> bool:
    """Whether UTF-8 ``data`` holds none of the characters :data:`..safeinput.CONTROL` matches, checked on the bytes
    with numpy (a fifth of the time of the regex on the decoded text): as many bytes below 32 as tabs and line ends,
    and no U+FFFE or U+FFFF (bytes EF BF BE/BF, looked for only when some EF byte is there; surrogates are not
    valid UTF-8, so decoding refuses them anyway). A slice at a time, so the comparisons stay small."""
    import numpy as np

    codes = np.frombuffer(data, dtype=np.uint8)
    below = allowed = leads = 0
    for start in range(0, len(codes), 1 << 22):
        piece = codes[start:start + (1 << 22)]
        below += int(np.count_nonzero(piece < 32))
        allowed += sum(int(np.count_nonzero(piece == byte)) for byte in (9, 10, 13))
        leads += int(np.count_nonzero(piece == 0xEF))
    if below != allowed:
        return False
    return not leads or (b"\xef\xbf\xbe" not in data and b"\xef\xbf\xbf" not in data)


def _cleaned_present(data: bytes) -> str | None:
    """The characters of :data:`CLEANED` that UTF-8 ``data`` holds, found on the bytes with numpy (each
    character's bytes stand only for it in valid UTF-8), or None when the text has no character above U+07FF
    (no byte E2): then Python's own search is fast, as it skips a character the text's width cannot hold.
    With such characters (U+2011 in iOS phone numbers) the text takes 2 bytes a character, and 15 searches
    through it cost more than this one pass. A BOM at the start (dropped on decoding) may be reported: its
    replace then changes nothing."""
    import numpy as np

    if b"\xe2" not in data:
        return None
    codes = np.frombuffer(data, dtype=np.uint8)
    size = len(codes)
    seen = {lead: np.zeros(65536, dtype=bool) for lead in (0xE2, 0xEF, 0xC2)}  # the two bytes after each lead
    carriage = False
    for start in range(0, size, 1 << 22):
        piece = codes[start:start + (1 << 22)]
        for lead, table in seen.items():
            at = np.flatnonzero(piece == lead) + start
            if lead == 0xC2:  # two-byte characters (U+00A0)
                at = at[at + 1 < size]
                table[codes[at + 1].astype(np.int64) << 8] = True
            else:
                at = at[at + 2 < size]  # a lead among the last two bytes starts no character of CLEANED
                table[(codes[at + 1].astype(np.int64) << 8) | codes[at + 2]] = True
        carriage = carriage or bool(np.count_nonzero(piece == 13))
    found = [c for c in CLEANED if c == "\r" and carriage or c != "\r" and seen[c.encode()[0]][
        (c.encode()[1] << 8) | (c.encode()[2] if len(c.encode()) == 3 else 0)]]
    return "".join(found)


_SEQUENCES = {  # UTF-8 of each character cleaned on bytes -> what it becomes ("" removed)
    **{mark.encode(): b"" for mark in _MARK_CHARS}, "\u202f".encode(): b" ", "\u00a0".encode(): b" ",
    "\u2009".encode(): b" "}


def clean_bytes(data: bytes, system_mark: str | None) -> bytearray | None:
    """The UTF-8 bytes of what the parser's cleaning makes of the text of ``data`` (marks removed, special spaces
    made plain; with ``system_mark``, ": " + U+200E first made ": " + that mark): the characters found on the
    bytes with numpy in one scan (in valid UTF-8 a character's bytes stand only for it), rewritten in a copy,
    the removed bytes written as NULs (which the data, checked for control characters, does not hold) and
    dropped by one bytearray.translate. Cheaper than a replace per character through the decoded text, which
    takes 2 bytes a character while it holds U+202F or U+2011.

    None when ``data`` holds a CR (cleaned with the text), a NUL, or a removed character followed by a
    continuation byte (invalid UTF-8 that the removal could make valid). Otherwise decoding the result fails
    exactly when decoding ``data`` fails: replacements start with an ASCII or lead byte, as the characters they
    replace do, and a removal joins no piece of a character to another."""
    import numpy as np

    if b"\r" in data or b"\0" in data:
        return None
    codes = np.frombuffer(data, dtype=np.uint8)
    size = len(codes)
    mark = "\u200e".encode()
    sequences = list(_SEQUENCES.items())
    wide = np.flatnonzero(codes >= 0xC2)  # every lead byte of a character of 2 or more bytes, in one scan
    leads = codes[wide]
    edits = []  # (positions, what each becomes: the bytes written there, NULs for those dropped)
    for lead in sorted({sequence[0] for sequence, _ in sequences}):
        width = 2 if lead < 0xE0 else 3
        # Each character of this lead byte by the bytes that follow it: 1 + its index in sequences, or 0.
        table = np.zeros(1 << (8 * (width - 1)), dtype=np.uint8)
        for number, (sequence, _) in enumerate(sequences, 1):
            if sequence[0] == lead:
                table[int.from_bytes(sequence[1:], "big")] = number
        at = wide[leads == lead]
        at = at[at + width <= size]
        key = codes[at + 1].astype(np.int64) if width == 2 else (codes[at + 1].astype(np.int64) << 8) | codes[at + 2]
        which = table[key]
        at, which = at[which > 0], which[which > 0]
        for number in np.unique(which).tolist():
            sequence, becomes = sequences[number - 1]
            hit = at[which == number]
            if not becomes:
                following = hit[hit + width < size] + width
                if np.any((codes[following] >= 0x80) & (codes[following] < 0xC0)):
                    return None
            if sequence == mark and system_mark is not None:
                after_colon = (hit >= 2) & (codes[hit - 1] == 0x20) & (codes[hit - 2] == 0x3A)
                edits.append((hit[after_colon], system_mark.encode().ljust(width, b"\0")))
                hit = hit[~after_colon]
            edits.append((hit, becomes.ljust(width, b"\0")))
    copy = bytearray(data)
    out = np.frombuffer(copy, dtype=np.uint8)
    for hit, becomes in edits:
        for offset, byte in enumerate(becomes):
            out[hit + offset] = byte
    del out
    return copy.translate(None, b"\0")
