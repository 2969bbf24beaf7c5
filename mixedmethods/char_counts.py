"""How many characters of each of many texts are letters, or digits: the same answer as ``str`` gives, in bulk.

The chat import asks this of every message (a language needs three letters;
a phone number seven digits). One Python call per text costs more than the
counting itself, so the ASCII texts (most messages) are counted all at once
with numpy, from a table of the 128 ASCII characters' answers; the others
character by character with the ``str`` method itself, so that the answer is
always the method's (``str.isalpha`` is true for "三" and false for "²" and
"Ⅻ", which a regular-expression class such as ``[^\\W\\d_]`` is not).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable


@lru_cache(maxsize=None)
def _ascii_table(method: Callable[[str], bool]):
    import numpy as np

    return np.array([method(chr(byte)) for byte in range(128)] + [False] * 128, dtype=np.int8)


def counts(texts: list[str], method: Callable[[str], bool]) -> list[int]:
    """For each text, how many of its characters ``method`` (``str.isalpha``, ``str.isdecimal``) is true for.

    >>> counts(["Ça va ? 2²", "abc 12", "Ⅻ ½ 三", ""], str.isalpha)
    [4, 3, 1, 0]
    >>> counts(["Ça va ? 2²", "abc 12", "٣"], str.isdecimal)
    [1, 2, 1]
    """
    import numpy as np

    ascii_ = [text.isascii() for text in texts]
    plain = [text for text, is_ascii in zip(texts, ascii_) if is_ascii]
    lengths = np.fromiter(map(len, plain), dtype=np.int64, count=len(plain))
    found = np.zeros(len(plain), dtype=np.int64)
    filled = lengths > 0  # reduceat gives an empty text the next character's answer: left at 0 instead
    if filled.any():
        hits = _ascii_table(method)[np.frombuffer("".join(plain).encode("ascii"), dtype=np.uint8)]  # a byte each
        starts = np.cumsum(lengths) - lengths
        found[filled] = np.add.reduceat(hits, starts[filled], dtype=np.int64)
    per_plain = iter(found.tolist())
    return [next(per_plain) if is_ascii else sum(map(method, text)) for text, is_ascii in zip(texts, ascii_)]
