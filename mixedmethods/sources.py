"""One registry of source kinds: survey readers, transcript readers and chat formats.

A source kind is one module in its source's ``readers`` package
(``mixedmethods/survey/readers/``, ``mixedmethods/interviews/readers/``,
``mixedmethods/chats/readers/``) that registers its ``read`` function with
:func:`register`, naming how it is detected and what it brings into the
store. Everything that lists source kinds asks this registry: study.yaml's
``reader:`` check, the ``--reader`` choices, ``mixedmethods formats`` and
the format tables in README.md and docs/ (``python -m mixedmethods.sources
--write`` rewrites them; a test checks they are current). Adding a reader is
one new module in the package and its tests; nothing else changes.

A plain dict filled by a decorator is enough while every reader ships inside
this package; an outside package would plug in through an entry point that
imports its module (not needed yet).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

# Source -> the package whose modules are its kinds. Importing a module registers it.
PACKAGES = {"survey": "mixedmethods.survey.readers", "interviews": "mixedmethods.interviews.readers",
            "chats": "mixedmethods.chats.readers"}
HEADINGS = {"survey": "reader", "interviews": "reader", "chats": "format"}


@dataclass(frozen=True)
class SourceKind:
    """One registered kind of source file.

    ``detect`` answers whether a file (survey: the read sheet and the
    questionnaire; interviews and chats: the path) is of this kind; ``read``
    reads it (signature per source, see the package docstrings).
    ``priority`` orders detection: higher first, so a catch-all kind (the
    generic survey reader) registers the lowest.
    """

    source: str
    name: str
    description: str  # what it reads, one line (help, docs table)
    recognised_by: str  # how detect() tells it apart, one line (docs table)
    stores: str  # what it brings into the store, e.g. "survey responses"
    suffixes: tuple[str, ...]
    detect: Callable[..., bool]
    read: Callable[..., object]
    priority: int = 0
    module: str = ""


_REGISTRY: dict[str, dict[str, SourceKind]] = {source: {} for source in PACKAGES}
_LOADED: set[str] = set()


def register(source: str, name: str, *, detect: Callable[..., bool], description: str, recognised_by: str,
             stores: str, suffixes: tuple[str, ...], priority: int = 0) -> Callable:
    """Decorator for a reader module's ``read`` function: register it as ``source`` kind ``name``.

    Registering the same name twice from two modules is a programming error
    (two plug-ins claiming one name) and raises ``RuntimeError``.
    """
    if source not in _REGISTRY:
        raise RuntimeError(f"unknown source {source!r}; expected one of {', '.join(_REGISTRY)}")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or name == "auto":
        raise RuntimeError(f"source kind name {name!r}: use lower-case letters, digits and _ (not 'auto')")

    def decorate(read: Callable) -> Callable:
        kind = SourceKind(source, name, description, recognised_by, stores, tuple(s.lower() for s in suffixes),
                          detect, read, priority, read.__module__)
        known = _REGISTRY[source].get(name)
        if known is not None and known.module != kind.module:
            raise RuntimeError(f"{source} kind {name!r} registered by both {known.module} and {kind.module}")
        _REGISTRY[source][name] = kind
        return read

    return decorate


def _load(source: str) -> None:
    """Import every module of the source's package, so each registers itself."""
    if source in _LOADED:
        return
    package = importlib.import_module(PACKAGES[source])
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{package.__name__}.{info.name}")
    _LOADED.add(source)


def kinds(source: str) -> list[SourceKind]:
    """The registered kinds of ``source`` ("survey", "interviews" or "chats"), in detection order."""
    if source not in _REGISTRY:
        raise KeyError(source)
    _load(source)
    return sorted(_REGISTRY[source].values(), key=lambda k: (-k.priority, k.name))


def names(source: str) -> list[str]:
    """Names of the registered kinds of ``source``, in detection order (for choices and messages)."""
    return [k.name for k in kinds(source)]


def kind(source: str, name: str) -> SourceKind | None:
    """The kind registered as ``name``, or None."""
    _load(source)
    return _REGISTRY[source].get(name)


def suffixes(source: str) -> tuple[str, ...]:
    """Every file suffix some kind of ``source`` reads (lower case, with the dot)."""
    return tuple(sorted({s for k in kinds(source) for s in k.suffixes}))


def detect_path(source: str, path: Path) -> SourceKind | None:
    """The first kind (in detection order) whose ``detect(path)`` accepts the file, or None."""
    return next((k for k in kinds(source) if k.detect(path)), None)


# --- docs -------------------------------------------------------------------------------------------------

_BEGIN = re.compile(r"<!-- source kinds: (?P<source>\w+) \(generated by python -m mixedmethods\.sources --write\) -->\n"
                    r"(?P<body>.*?)<!-- end of source kinds -->", re.DOTALL)


def table(source: str) -> str:
    """The Markdown table of the kinds of ``source``, as the docs show it."""
    lines = [f"| {HEADINGS[source]} | files | recognised by | what it reads | stores |", "|---|---|---|---|---|"]
    for k in kinds(source):
        cells = [f"`{k.name}`", " ".join(f"`{s}`" for s in k.suffixes), k.recognised_by, k.description, k.stores]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def update_tables(text: str) -> str:
    """``text`` with every generated source-kind table replaced by the current one."""
    def replace(match: re.Match) -> str:
        start, end = match.span("body")
        whole = match.group(0)
        offset = match.start()
        return whole[:start - offset] + table(match["source"]) + whole[end - offset:]

    return _BEGIN.sub(replace, text)


DOC_FILES = ("README.md", "docs/survey.md", "docs/interviews.md", "docs/chats.md")


def main(argv: list[str]) -> int:
    """``python -m mixedmethods.sources [SOURCE ...]`` prints tables; ``--write`` updates the docs in place."""
    if argv[:1] == ["--write"]:
        root = Path(__file__).resolve().parent.parent
        for name in argv[1:] or DOC_FILES:
            path = root / name
            text = path.read_text(encoding="utf-8")
            new = update_tables(text)
            if new != text:
                path.write_text(new, encoding="utf-8")
                print(f"updated {name}")
        return 0
    for source in argv or list(PACKAGES):
        print(f"## {source}\n\n{table(source)}")
    return 0


if __name__ == "__main__":  # python -m: readers register in mixedmethods.sources, not in __main__
    from mixedmethods import sources as _registry

    sys.exit(_registry.main(sys.argv[1:]))
