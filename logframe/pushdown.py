"""Predicates pushed into the native decoder, read off a query's Polars predicate.

Polars hands a scan the predicate of the filters above it. The cheap parts of it -- the level, the
container, pod and namespace, the time range -- are handed to the decoder, which then never builds
the rows that fail them. Only a conjunction's terms are read, each conservatively: a term on the
level alone is evaluated on every possible level (so any expression on the level works); a text
column term must be ``==`` or ``is_in`` with literals; a time term a comparison with a literal. Any
other term is left out (the scan still applies the whole predicate to what the decoder returns), so
pushing down can only ever drop rows the predicate would drop.

Examples
--------
>>> import datetime as dt, polars as pl
>>> when = dt.datetime(2025, 10, 7, tzinfo=dt.UTC)
>>> pushable((pl.col("level") >= "ERROR") & (pl.col("container") == "backend") & (pl.col("timestamp") >= when))
{'min_time': 1759795200000000000, 'container': (['backend'], False), 'levels': ['ERROR', 'CRITICAL']}
>>> pushable(pl.any_horizontal(pl.col("pod") == "a", pl.col("level") == "ERROR"))
{}
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterator
from typing import Any

import polars as pl

from logframe.schema import LEVEL_DTYPE, LEVELS

_PLACES = ("namespace", "pod", "container")


@functools.cache
def _level_domain() -> pl.DataFrame:
    """Every value a level can take (made on first use: building a frame pages in Polars code)."""
    return pl.DataFrame({"level": pl.Series([*LEVELS, None], dtype=LEVEL_DTYPE)})


def _node(expr: pl.Expr) -> dict[str, Any]:
    node: dict[str, Any] = json.loads(expr.meta.serialize(format="json"))
    return node


def _conjuncts(expr: pl.Expr) -> Iterator[pl.Expr]:
    """The terms of a conjunction (``a & b``, ``all_horizontal(a, b)``), else the expression itself."""
    node = _node(expr)
    binary = node.get("BinaryExpr")
    function = node.get("Function", {}).get("function")
    if (binary and binary.get("op") in ("And", "LogicalAnd")) or function == {"Boolean": "AllHorizontal"}:
        for part in expr.meta.pop():
            yield from _conjuncts(part)
    else:
        yield expr


def _literal(expr: pl.Expr) -> Any:
    return pl.select(expr).item()


def _split(term: pl.Expr) -> tuple[pl.Expr, pl.Expr] | None:
    """``(column, literal)`` of a term with one of each as its inputs (in either order)."""
    inputs = term.meta.pop()
    columns = [e for e in inputs if "Column" in _node(e)]
    literals = [e for e in inputs if "Literal" in _node(e)]
    if len(inputs) != 2 or len(columns) != 1 or len(literals) != 1:
        return None
    return columns[0], literals[0]


def _place_values(term: pl.Expr) -> list[str] | None:
    """The values ``col == 'x'`` or ``col.is_in([...])`` admits, else None."""
    node = _node(term)
    binary = node.get("BinaryExpr")
    split = _split(term)
    if split is None:
        return None
    if binary and binary.get("op") == "Eq":
        value = _literal(split[1])
        return [value] if isinstance(value, str) else None
    function = node.get("Function", {})
    if isinstance(function.get("function"), dict) and "IsIn" in function["function"].get("Boolean", {}):
        items = _literal(split[1])
        listed = items.to_list() if isinstance(items, pl.Series) else items
        if not isinstance(listed, list) or not all(isinstance(v, str) for v in listed):
            return None
        return listed
    return None


def _to_ns(value: Any) -> int | None:
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        delta = aware - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1_000
    return None


def _time_bound(term: pl.Expr) -> tuple[str, int] | None:
    """``('min_time', ns)`` or ``('max_time', ns)`` of ``timestamp <op> literal``."""
    binary = _node(term).get("BinaryExpr")
    if not binary or binary.get("op") not in ("Gt", "GtEq", "Lt", "LtEq"):
        return None
    split = _split(term)
    if split is None:
        return None
    column_left = "Column" in binary["left"]
    ns = _to_ns(_literal(split[1]))
    if ns is None:
        return None
    op = binary["op"] if column_left else {"Gt": "Lt", "GtEq": "LtEq", "Lt": "Gt", "LtEq": "GtEq"}[binary["op"]]
    # Bounds in whole nanoseconds: min inclusive, max exclusive.
    return {"Gt": ("min_time", ns + 1), "GtEq": ("min_time", ns), "Lt": ("max_time", ns), "LtEq": ("max_time", ns + 1)}[
        op
    ]


def pushable(predicate: pl.Expr | None) -> dict[str, Any]:
    """The parts of ``predicate`` the decoder can apply (see the module docstring), as its filter keys."""
    if predicate is None:
        return {}
    out: dict[str, Any] = {}
    for term in _conjuncts(predicate):
        try:
            roots = term.meta.root_names()
            if roots == ["level"]:
                passing = _level_domain().filter(term)["level"].to_list()
                levels = [v for v in out.get("levels", [*LEVELS, None]) if v in passing]
                out["levels"] = levels
            elif len(roots) == 1 and roots[0] in _PLACES:
                values = _place_values(term)
                if values is not None:
                    name = roots[0]
                    before = out.get(name)
                    kept = [v for v in values if before is None or v in before[0]]
                    out[name] = (kept, False)
            elif roots == ["timestamp"]:
                bound = _time_bound(term)
                if bound is not None:
                    key, ns = bound
                    current = out.get(key)
                    out[key] = ns if current is None else (max if key == "min_time" else min)(current, ns)
        except (pl.exceptions.PolarsError, ValueError, TypeError, KeyError):
            continue  # a term this module cannot read is left to Polars
    return out
