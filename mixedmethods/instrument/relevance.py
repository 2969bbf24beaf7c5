"""Skip logic: XLSForm ``relevant`` expressions, evaluated safely.

The questionnaire keeps skip logic in XLSForm syntax (``${training} = 'yes'``,
``selected(${purposes}, 'teaching')``) so that it converts to and from
XLSForm unchanged. Expressions are translated to a small Python expression,
checked against an allow-list of syntax nodes and compiled once; nothing else
can run. Reference: ODK XForms specification, "Form logic" and "Functions"
(https://docs.getodk.org/form-logic/).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any, Callable

_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}")
_SINGLE_EQUALS = re.compile(r"(?<![!<>=])=(?!=)")
MAX_LENGTH = 2000  # characters of one expression; real skip logic is a line
_FUNCTIONS = {"selected": "_selected", "count-selected": "_count_selected", "string-length": "_length"}
_ALLOWED = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.Compare,
    ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Call, ast.Name, ast.Load,
    ast.Constant, ast.BinOp, ast.Add, ast.Sub,
)


class RelevanceSyntaxError(ValueError):
    """The expression is not in the supported subset of XLSForm syntax."""


def _selected(value: Any, choice: Any) -> bool:
    if value in (None, ""):
        return False
    values = value if isinstance(value, (list, tuple, set)) else str(value).split()
    return str(choice) in {str(v) for v in values}


def _count_selected(value: Any) -> int:
    if value in (None, ""):
        return 0
    return len(value) if isinstance(value, (list, tuple, set)) else len(str(value).split())


def _length(value: Any) -> int:
    return 0 if value is None else len(str(value))


@dataclass(frozen=True)
class Relevance:
    """A compiled ``relevant`` expression and the question ids it reads."""

    source: str
    references: tuple[str, ...]
    _code: Any = field(repr=False, compare=False, default=None)

    def __call__(self, answers: dict[str, Any]) -> bool:
        """True when the question should have been asked given ``answers``.

        Missing answers are the empty string, as in XForms; a comparison that
        cannot be made (text against number) is false.
        """

        def lookup(name: str) -> Any:
            value = answers.get(name)
            return "" if value is None else value

        env: dict[str, Callable[..., Any]] = {
            "_v": lookup, "_selected": _selected, "_count_selected": _count_selected, "_length": _length,
        }
        try:
            return bool(eval(self._code, {"__builtins__": {}}, env))  # noqa: S307 - allow-listed AST
        except (TypeError, RecursionError):
            return False


def compile_relevance(source: str) -> Relevance:
    """Compile an XLSForm ``relevant`` expression.

    >>> rule = compile_relevance("${consent} = 'yes' and ${years} >= 2")
    >>> rule({"consent": "yes", "years": 3}), rule({"consent": "no", "years": 3})
    (True, False)
    >>> compile_relevance("selected(${uses}, 'teaching')")({"uses": "research teaching"})
    True
    """
    if len(source) > MAX_LENGTH:  # Python's parser recurses on nesting: a hostile expression would exhaust it
        raise RelevanceSyntaxError(f"expression of {len(source)} characters; at most {MAX_LENGTH} are read")
    references = tuple(dict.fromkeys(_REFERENCE.findall(source)))
    text = _REFERENCE.sub(lambda m: f"_v({m.group(1)!r})", source)
    for xls_name, py_name in _FUNCTIONS.items():
        text = re.sub(rf"(?<![\w-]){re.escape(xls_name)}\s*\(", f"{py_name}(", text)
    text = _SINGLE_EQUALS.sub("==", text)
    text = re.sub(r"\bnot\s*\(", "not (", text)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, RecursionError, MemoryError, ValueError):  # ValueError: a NUL in the text
        raise RelevanceSyntaxError(f"cannot read the expression {source!r}") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise RelevanceSyntaxError(f"unsupported syntax {type(node).__name__} in {source!r}")
        if isinstance(node, ast.Name) and node.id not in {"_v", "_selected", "_count_selected", "_length"}:
            raise RelevanceSyntaxError(f"unknown name {node.id!r} in {source!r}; refer to questions as ${{id}}")
    try:
        code = compile(tree, "<relevant>", "eval")
    except (RecursionError, MemoryError):
        raise RelevanceSyntaxError(f"expression nested too deeply: {source[:40]!r}...") from None
    return Relevance(source, references, code)
