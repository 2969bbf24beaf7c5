"""YAML reading that remembers where each key was written.

Validation errors in study.yaml and the instruments must name the line, so
mappings are loaded as :class:`LineDict`, a ``dict`` that also knows the line
of each of its keys (PyYAML marks are 0-based; ours are 1-based).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError, UserError


class LineDict(dict):  # type: ignore[type-arg]
    """A mapping from YAML with ``line`` (of the mapping) and ``key_lines``."""

    line: int | None = None
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int | None:
        """1-based line of ``key``, else the line of the mapping itself."""
        return getattr(self, "key_lines", {}).get(key, self.line)


class LineList(list):  # type: ignore[type-arg]
    """A sequence from YAML with ``line`` (of the sequence) and ``item_lines``."""

    line: int | None = None
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (list, dict)):  # "? [a, b]: x" is valid YAML but no key of ours; unhashable in Python
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain word, not a list or mapping", key_node.start_mark
            )
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[str(key)] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_text(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    """A text value; control characters (written as escapes such as "\\v" in quotes) are refused: a Word
    report cannot hold them, so a title or label with one would stop ``build``."""
    from .safeinput import CONTROL

    text = loader.construct_scalar(node)
    found = CONTROL.search(text)
    if found:
        raise yaml.constructor.ConstructorError(
            None, None, f"control character U+{ord(found.group()):04X} in a text; remove it", node.start_mark)
    return text


# The same constructors on libyaml's parser (7 times faster), for the files we ship (:func:`load_yaml_once`):
# PyYAML and libyaml differ on some odd input, so a user's file is always read by PyYAML's parser.
_BundledLoader = type("_BundledLoader", (getattr(yaml, "CSafeLoader", yaml.SafeLoader),), {})

for _loader in (_LineLoader, _BundledLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor("tag:yaml.org,2002:str", _construct_text)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path, *, error: type[UserError] = ConfigError, display: str | None = None,
              bundled: bool = False) -> Any:
    """Read a YAML file into LineDict/LineList; syntax errors become one-line user errors.

    ``bundled``: a file shipped with the tool, read with libyaml when PyYAML has it (same values and lines).
    """
    shown = display or str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error("file not found", file=shown) from None
    except UnicodeDecodeError as exc:
        raise error(f"expected UTF-8 text, found byte 0x{exc.object[exc.start]:02x}", file=shown) from None
    try:
        return yaml.load(text, Loader=_BundledLoader if bundled else _LineLoader)  # noqa: S506 - safe loaders
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise error(f"not valid YAML: {exc.problem or exc.context}", file=shown, line=line) from None
    except yaml.YAMLError as exc:
        raise error(f"not valid YAML: {exc}", file=shown) from None
    except RecursionError:  # "[[[[..." a thousand deep: PyYAML's composer recurses once per level
        raise error("not valid YAML: nested too deeply", file=shown) from None


# Files read by :func:`load_yaml_once`: (resolved path, size, modification time, bundled) -> the data, pickled.
_PARSED: dict[tuple[str, int, int, bool], bytes] = {}


def load_yaml_once(path: Path, *, error: type[UserError] = ConfigError, display: str | None = None,
                   bundled: bool = False) -> Any:
    """:func:`load_yaml`, parsed once per process for each version of the file.

    The report's sentences (88 kB per language) are read by every document and workbook of a build; parsing
    them takes about 0.1 s each time. The file is known by its path, size and modification time, so an edited
    file is read again. ``bundled`` as for :func:`load_yaml`. Each caller gets its own copy, free to change
    it (unpickled, with the lines of its keys: about half a millisecond for the sentences of one language).
    """
    try:
        stat = path.stat()
    except OSError:
        return load_yaml(path, error=error, display=display, bundled=bundled)  # load_yaml says what is wrong
    import pickle

    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, bundled)
    if key not in _PARSED:
        _PARSED[key] = pickle.dumps(load_yaml(path, error=error, display=display, bundled=bundled))
    return pickle.loads(_PARSED[key])  # noqa: S301 - our own pickle of our own parse, never read from a file


def dump_yaml(data: Any) -> str:
    """Write plain data as block-style YAML, keys in the given order, Unicode kept."""
    return yaml.safe_dump(_plain(data), sort_keys=False, allow_unicode=True, width=100)


def _plain(data: Any) -> Any:
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_plain(v) for v in data]
    return data
