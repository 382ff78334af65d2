"""The query language of ``LogFrame.where``: a string compiled to one Polars expression.

Grammar, loosest binding first::

    query      := or
    or         := and ( ("|" | "||" | "or") and )*
    and        := not ( ("&" | "&&" | "and") not )*
    not        := ("!" | "not") not | "(" or ")" | comparison
    comparison := name op value
                | name ["not"] "in" "(" value ("," value)* ")"
                | name ["not"] "contains" value
                | name "is" ["not"] "null"
    op         := "=" | "==" | "!=" | "~" | "!~" | "<" | "<=" | ">" | ">="
    name       := a bare word (letters of any script, digits, "_", ".", "-", "@") or a quoted string
    value      := 'single' or "double" quoted string (backslash escapes), or a bare word/number
                  (a bare word ends at a comma: quote values that hold one)

Names are schema columns (with aliases such as ``pod_name``) or, failing that,
key-value fields. ``=``/``!=`` compare text (``!=`` is true where the value is
missing); ``~``/``!~`` search a regular expression; ``<``... compare times (on
``timestamp``), levels (by severity, on ``level``) and numbers (anything else,
read as numbers; a field that is not a number does not match). ``in (...)`` is
``=`` with any of the values (``not in`` is true where the value is missing);
``contains`` searches a literal substring, case-sensitive; ``is null`` is true
where a column is empty or a field is absent. Logs Insights' ``@timestamp``,
``@message`` and ``@log`` (the source) and the raw CloudWatch paths such as
``kubernetes.pod_name`` name their columns.

Examples
--------
>>> import polars as pl
>>> expr = compile_query("(pod_name='A' | case_id='abc') & level!='DEBUG'")
>>> isinstance(expr, pl.Expr)
True
>>> compile_query("level='ERROR' &")
Traceback (most recent call last):
...
logframe.errors.QueryError: unexpected end of query at position 15
  level='ERROR' &
                 ^
expected '!' or '(' or a field name or value or a quoted string
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import polars as pl

from logframe.errors import QueryError
from logframe.query import column_name, level_values, resolve, validate_regex
from logframe.timestamps import to_utc

if TYPE_CHECKING:
    import lark

_GRAMMAR = r"""
?start: or_
?or_: and_ (_OR and_)*
?and_: not_ (_AND not_)*
?not_: _NOT not_ -> negate
     | "(" or_ ")"
     | comparison
?comparison: name OP value -> compare
     | name _IN values -> member
     | name _NOTWORD _IN values -> not_member
     | name _CONTAINS value -> contains
     | name _NOTWORD _CONTAINS value -> not_contains
     | name _IS _NULL -> is_null
     | name _IS _NOTWORD _NULL -> not_null
values: "(" value ("," value)* ")"
name: WORD | STRING
value: STRING | WORD
OP: "==" | "!=" | "!~" | "<=" | ">=" | "=" | "~" | "<" | ">"
_OR.2: "||" | "|" | /or(?![^\s=!~<>()&|'",])/i
_AND.2: "&&" | "&" | /and(?![^\s=!~<>()&|'",])/i
_NOT.2: "!" | /not(?![^\s=!~<>()&|'",])/i
_NOTWORD.2: /not(?![^\s=!~<>()&|'",])/i
_IN.2: /in(?![^\s=!~<>()&|'",])/i
_CONTAINS.2: /contains(?![^\s=!~<>()&|'",])/i
_IS.2: /is(?![^\s=!~<>()&|'",])/i
_NULL.2: /null(?![^\s=!~<>()&|'",])/i
WORD: /[^\s=!~<>()&|'",]+/
STRING: /'(?:[^'\\]|\\.)*'/ | /"(?:[^"\\]|\\.)*"/
%ignore /\s+/
"""

_EXPECTED = {
    "WORD": "a field name or value",
    "STRING": "a quoted string",
    "OP": "an operator (=, !=, ~, !~, <, <=, >, >=, in, contains, is null)",
    "_IN": "'in'",
    "_CONTAINS": "'contains'",
    "_IS": "'is'",
    "_NULL": "'null'",
    "_NOTWORD": "'not'",
    "COMMA": "','",
    "LPAR": "'('",
    "RPAR": "')'",
    "_NOT": "'!'",
    "_AND": "'&'",
    "_OR": "'|'",
    "$END": "the end of the query",
}


@functools.cache
def _parser() -> lark.Lark:
    import lark

    return lark.Lark(_GRAMMAR, parser="lalr", propagate_positions=False)


def _unquote(token: str) -> str:
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "'\"":
        body = token[1:-1]
        out, i = [], 0
        while i < len(body):
            if body[i] == "\\" and i + 1 < len(body):
                i += 1
            out.append(body[i])
            i += 1
        return "".join(out)
    return token


def _number(text: str, name: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise QueryError(f"{name} compares numbers with <, <=, >, >=; {text!r} is not a number") from None


def _comparison(name: str, op: str, value: str) -> pl.Expr:
    column = column_name(name)
    expr = resolve(name)
    if op in ("~", "!~"):
        matched = expr.cast(pl.String).str.contains(validate_regex(value))
        return matched if op == "~" else ~matched.fill_null(False)
    if column == "timestamp":
        bound: Any = to_utc(value)
    elif column == "level":
        bound = level_values(value)[0]
    elif column == "line":
        bound = int(_number(value, name))
    elif op in ("<", "<=", ">", ">="):
        expr, bound = expr.cast(pl.Float64, strict=False), _number(value, name)
    elif column == "fields":
        raise QueryError("'fields' holds all key-value pairs; compare one with its key, e.g. tenant='company_a'")
    else:
        bound = value
    compared: pl.Expr
    if op in ("=", "=="):
        compared = expr == bound
    elif op == "!=":
        compared = expr.ne_missing(bound)
    else:
        compared = {"<": expr < bound, "<=": expr <= bound, ">": expr > bound, ">=": expr >= bound}[op]
    return compared


def _text(node: Any) -> str:
    return _unquote(str(node.children[0]))


def _member(name: str, children: list[Any]) -> pl.Expr:
    values = [_text(value) for value in children[-1].children]
    return pl.any_horizontal([_comparison(name, "=", value) for value in values])


def _contains(name: str, children: list[Any]) -> pl.Expr:
    if column_name(name) == "fields":
        raise QueryError("'fields' holds all key-value pairs; search one with its key, e.g. tenant contains 'company'")
    return resolve(name).cast(pl.String).str.contains(_text(children[-1]), literal=True)


def _is_null(name: str, children: list[Any]) -> pl.Expr:
    if column_name(name) == "fields":
        return pl.col("fields").list.len() == 0
    return resolve(name).is_null()


def _negated(test: Callable[[str, list[Any]], pl.Expr]) -> Callable[[str, list[Any]], pl.Expr]:
    def negated(name: str, children: list[Any]) -> pl.Expr:
        result: pl.Expr = ~test(name, children).fill_null(False)
        return result

    return negated


_TESTS: dict[str, Callable[[str, list[Any]], pl.Expr]] = {
    "compare": lambda name, children: _comparison(name, str(children[0]), _text(children[1])),
    "member": _member,
    "not_member": _negated(_member),
    "contains": _contains,
    "not_contains": _negated(_contains),
    "is_null": _is_null,
    "not_null": _negated(_is_null),
}


def _build(tree: lark.Tree[Any]) -> pl.Expr:
    rule = tree.data
    if rule in _TESTS:
        return _TESTS[rule](_text(tree.children[0]), tree.children[1:])
    parts = [_build(child) for child in tree.children]
    if rule == "negate":
        negated: pl.Expr = ~parts[0].fill_null(False)
        return negated
    if rule == "and_":
        return pl.all_horizontal(parts)
    return pl.any_horizontal(parts)


def _error(query: str, position: int, message: str) -> QueryError:
    return QueryError(f"{message} at position {position}\n  {query}\n  {' ' * position}^")


def compile_query(query: str) -> pl.Expr:
    """Compile a query string into one Polars expression.

    Raises
    ------
    QueryError
        With the position of the first problem and what was expected there.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"pod": ["A", "B"], "message": ["x", "timeout"], "fields": [[], []]})
    >>> df.filter(compile_query("pod = 'A' | message ~ 'time'")).height
    2
    """
    return _build(_parse(query))


def field_names(query: str) -> list[str]:
    """The names a query tests that are key-value fields, not columns (each once, in order).

    Examples
    --------
    >>> field_names("contaner='backend' & level='ERROR' & (tenant in ('a', 'b') | tenant is null)")
    ['contaner', 'tenant']
    """
    names: dict[str, None] = {}
    for tree in _parse(query).iter_subtrees_topdown():  # type: ignore[no-untyped-call]
        if tree.data in _TESTS:
            name = _text(tree.children[0])
            if column_name(name) is None:
                names.setdefault(name)
    return list(names)


def _parse(query: str) -> lark.Tree[Any]:
    import lark

    if not isinstance(query, str) or not query.strip():
        raise QueryError("a query must be a non-empty string, e.g. \"level='ERROR' & tenant='company_a'\"")
    try:
        tree = _parser().parse(query)
    except lark.exceptions.UnexpectedToken as error:
        at_end = error.token.type == "$END"
        pos = len(query.rstrip()) if at_end or error.token.start_pos is None else error.token.start_pos
        expected = sorted({_EXPECTED.get(e, e) for e in (error.accepts or error.expected)})
        err = _error(query, pos, "unexpected end of query" if at_end else f"unexpected {str(error.token)!r}")
        raise QueryError(f"{err}\nexpected {' or '.join(expected)}") from None
    except lark.exceptions.UnexpectedCharacters as error:
        pos = error.pos_in_stream or 0
        char = query[pos]
        hint = (
            "unterminated string: close the quote"
            if char in "'\""
            else "quote values that contain spaces or operators, e.g. user='Jane Doe'"
        )
        raise QueryError(f"{_error(query, pos, f'unexpected character {char!r}')}\n{hint}") from None
    return tree
