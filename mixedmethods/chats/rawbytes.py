"""What the parser learns from an export's bytes before decoding them, with numpy (a pass over bytes is
cheaper than a search through the decoded text, which takes 2 or 4 bytes a character when it holds wide ones):
whether it holds control characters, and which of the characters the parser cleans it holds."""

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
