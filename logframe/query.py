"""The expression layer: filter keywords and names turned into Polars expressions.

Everything here returns a plain ``pl.Expr``, so results combine with ``&``,
``|`` and ``~`` and can be passed to ``LogFrame.filter`` or to Polars itself.

Filter keywords (ANDed; a list value means "any of these"; ``None`` means "is null"):

======================  =====================================================
keyword                 matches
======================  =====================================================
``level``               level, case-insensitive, aliases allowed (``"warn"``)
``container``           container (alias ``container_name``)
``pod``                 pod (alias ``pod_name``)
``namespace``           namespace (alias ``namespace_name``)
``component``           component / logger name
``stream``              ``stdout`` / ``stderr``
``source``, ``line``    provenance
``after``               ``timestamp >= after`` (inclusive)
``before``              ``timestamp < before`` (exclusive)
``last``                the last span of time (``"15m"``, ``"2h"``, a timedelta) before the
                        newest record (before now on a live store; see ``relative_to``)
``last_minutes``        ``timestamp >= now - N minutes`` (the older keyword, kept)
``message_contains``    a regular expression searched in ``message``
anything else           a key-value field of the message (``tenant="company_a"``)
======================  =====================================================

Other tools' keywords ``since``, ``until``, ``min_level`` and ``max_level`` raise a QueryError saying
what to write instead (``after=``/``last=``, ``before=``, ``pl.col("level") >= ...``): as fields they
would silently match nothing. A keyword one typo away from a column (``contaner``) raises too; a
keyword naming a field that no record read has (``tenat``) gives an ``UnknownFieldWarning``.

Examples
--------
>>> import polars as pl
>>> from logframe.query import field, any_of
>>> df = pl.DataFrame({"pod": ["A", "B"], "fields": [[{"key": "tenant", "value": "t1"}], []]})
>>> df.filter(any_of(pod="B", tenant="t1")).height
2
>>> df.select(field("tenant")).to_series().to_list()
['t1', None]
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl

from logframe.errors import QueryError
from logframe.schema import COLUMN_ALIASES, LEVEL_ALIASES, LEVELS, SCHEMA, normalise_level
from logframe.timestamps import to_timedelta, to_utc

WINDOW_KEYWORDS = ("last", "last_minutes", "relative_to")
"""Keywords of a window relative to now or the newest record: they need the frame (``LogFrame.filter``)."""

TIME_KEYWORDS = ("after", "before", *WINDOW_KEYWORDS)
"""Keywords that restrict the time range rather than match a column."""

KEYWORDS = (*TIME_KEYWORDS, "message_contains")
"""Filter keywords that are not columns."""

_STRING_COLUMNS = tuple(name for name, dtype in SCHEMA.items() if dtype == pl.String)


def field(name: str) -> pl.Expr:
    """The value of the key-value field ``name`` (its first occurrence), as a String expression.

    Null where the message has no such key.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"fields": [[{"key": "company.a", "value": "45%"}]]})
    >>> df.select(field("company.a")).item()
    '45%'
    """
    if not isinstance(name, str) or not name:
        raise QueryError(f"a field name must be a non-empty string, got {name!r}")
    found = pl.element().filter(pl.element().struct.field("key") == name).struct.field("value")
    return pl.col("fields").list.eval(found).list.first().alias(name)


def column_name(name: str) -> str | None:
    """The schema column ``name`` refers to (resolving aliases), or None for a key-value field.

    Examples
    --------
    >>> column_name("pod_name"), column_name("level"), column_name("tenant")
    ('pod', 'level', None)
    """
    name = COLUMN_ALIASES.get(name, name)
    return name if name in SCHEMA else None


def resolve(name: str) -> pl.Expr:
    """A schema column (or alias) by name, else the key-value field of that name.

    Examples
    --------
    >>> resolve("container_name").meta.output_name(), resolve("tenant").meta.output_name()
    ('container', 'tenant')
    """
    column = column_name(name)
    return pl.col(column) if column else field(name)


MISLEADING_KEYWORDS = {
    "since": "use after= with a time ('2025-10-07T16:40:00Z', '16:40') or last= with a span before the newest "
    "record ('15m')",
    "until": "use before= with a time ('2025-10-07T17:00:00Z', '17:00'; exclusive)",
    "min_level": "levels are ordered: pass pl.col('level') >= 'WARNING', or where(\"level>='WARNING'\")",
    "max_level": "levels are ordered: pass pl.col('level') <= 'INFO', or where(\"level<='INFO'\")",
}
"""Keywords other tools use that are not logframe's: rather than match a field of that name (and give no
rows), ``filter`` refuses them, saying what to write instead."""


def nearest_name(name: str, seen: Iterable[str] = ()) -> str | None:
    """The column, alias or seen field key closest to ``name`` (a likely typo), or None.

    Examples
    --------
    >>> nearest_name("contaner"), nearest_name("tenat", ["tenant", "case_id"]), nearest_name("zzz")
    ('container', 'tenant', None)
    """
    known = [*(n for n in SCHEMA if n != "fields"), *COLUMN_ALIASES, *seen]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    return close[0] if close else None


def field_keys(distinct: bool = True) -> pl.Expr:
    """The distinct key-value field keys of the records (nulls left out), as a column ``key``.

    With ``distinct=False``, every occurrence of each.

    Examples
    --------
    >>> df = pl.DataFrame({"fields": [[{"key": "tenant", "value": "a"}], [{"key": "tenant", "value": "b"}]]})
    >>> df.select(field_keys())["key"].to_list(), df.select(field_keys(distinct=False))["key"].to_list()
    (['tenant'], ['tenant', 'tenant'])
    """
    keys = pl.col("fields").list.eval(pl.element().struct.field("key")).explode().drop_nulls()
    return (keys.unique() if distinct else keys).alias("key")


def nearest_hint(name: str, seen: Sequence[str]) -> str:
    """What to say of a field no record has: the nearest real name, else the field keys seen.

    Examples
    --------
    >>> nearest_hint("contaner", ["tenant"]), nearest_hint("zzz", ["tenant"]), nearest_hint("zzz", [])
    ("did you mean 'container'?", 'fields seen: tenant', 'no record there has any key-value field')
    """
    close = nearest_name(name, seen)
    if close is not None:
        return f"did you mean {close!r}?"
    if seen:
        return f"fields seen: {', '.join(sorted(seen)[:8])}{' ...' if len(seen) > 8 else ''}"
    return "no record there has any key-value field"


def unknown_field_message(name: str, seen: Sequence[str], sample: str) -> str:
    """Why a field no record has is suspicious, and which real name is nearest (see ``LogFrame.where``).

    Examples
    --------
    >>> unknown_field_message("contaner", ["tenant"], "the first 4 MiB read")
    "no record in the first 4 MiB read has a field 'contaner', so it matches as missing; did you mean 'container'?"
    """
    return f"no record in {sample} has a field {name!r}, so it matches as missing; {nearest_hint(name, seen)}"


def _check_not_typo(name: str) -> None:
    if name in MISLEADING_KEYWORDS:
        raise QueryError(
            f"{name}= is not a filter keyword (it would match a key-value field named {name!r}): "
            f"{MISLEADING_KEYWORDS[name]}. To match a field really named {name!r}, pass "
            f"logframe.field({name!r}) == value"
        )
    known = [*SCHEMA, *COLUMN_ALIASES, *KEYWORDS]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.85)
    if close:
        raise QueryError(
            f"unknown filter keyword {name!r}: did you mean {close[0]!r}? Keywords are "
            f"{', '.join(sorted({*SCHEMA, *KEYWORDS} - {'fields'}))}; any other keyword matches a "
            f"key-value field. To match a field really named {name!r}, pass "
            f"logframe.field({name!r}) == value"
        )


def level_values(value: Any) -> list[str]:
    """Normalise one or several level spellings, raising on unknown ones.

    Examples
    --------
    >>> level_values(["warn", "ERROR"])
    ['WARNING', 'ERROR']
    """
    values = value if isinstance(value, list | tuple | set | frozenset) else [value]
    out = []
    for v in values:
        level = normalise_level(v) if isinstance(v, str) else None
        if level is None:
            accepted = ", ".join([*LEVELS, *LEVEL_ALIASES])
            raise QueryError(f"unknown level {v!r}; accepted (any case): {accepted}")
        out.append(level)
    return out


def _match(expr: pl.Expr, value: Any, name: str) -> pl.Expr:
    if value is None:
        return expr.is_null()
    values = list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
    if not values:
        raise QueryError(f"{name}=[] matches nothing; pass at least one value")
    for v in values:
        if not isinstance(v, str | int | float) or isinstance(v, bool):
            raise QueryError(f"{name}={v!r}: values must be strings or numbers (or a list of them)")
    as_text = [str(v) for v in values]
    return expr == as_text[0] if len(as_text) == 1 else expr.is_in(as_text)


def validate_regex(pattern: str) -> str:
    """Check a regular expression in Polars' (Rust) syntax, raising QueryError if invalid.

    Examples
    --------
    >>> validate_regex("Connection (refused|reset)")
    'Connection (refused|reset)'
    """
    if not isinstance(pattern, str):
        raise QueryError(f"a regular expression must be a string, got {pattern!r}")
    try:
        pl.Series([""]).str.contains(pattern)
    except pl.exceptions.PolarsError as error:
        raise QueryError(f"invalid regular expression {pattern!r}: {str(error).splitlines()[0]}") from None
    return pattern


def constraint(name: str, value: Any) -> pl.Expr:
    """One filter keyword (see the module table) as an expression.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"level": ["ERROR", "INFO"]}, schema={"level": pl.Enum(["INFO", "ERROR"])})
    >>> df.filter(constraint("level", "error")).height
    1
    """
    if name == "level":
        levels = level_values(value)
        return pl.col("level").is_in(levels) if len(levels) > 1 else pl.col("level") == levels[0]
    if name == "after":
        return pl.col("timestamp") >= to_utc(value)
    if name == "before":
        return pl.col("timestamp") < to_utc(value)
    if name == "message_contains":
        return pl.col("message").str.contains(validate_regex(value))
    if name == "line":
        values = value if isinstance(value, list | tuple) else [value]
        return pl.col("line").is_in([int(v) for v in values])
    if name in WINDOW_KEYWORDS:
        raise QueryError(f"{name} needs the frame; use LogFrame.filter({name}=...)")
    column = column_name(name)
    if column == "timestamp":
        raise QueryError("filter on time with after=... and before=..., not timestamp=...")
    if column == "fields":
        raise QueryError("'fields' holds all key-value pairs; filter on one with its key, e.g. tenant='company_a'")
    if column is None:
        _check_not_typo(name)
    return _match(resolve(name), value, name)


def window(last: Any, last_minutes: Any) -> dt.timedelta:
    """The span of a ``last=`` (a duration) or ``last_minutes=`` (a number of minutes) window.

    Examples
    --------
    >>> window("15m", None), window(None, 90)
    (datetime.timedelta(seconds=900), datetime.timedelta(seconds=5400))
    """
    if last is not None and last_minutes is not None:
        raise QueryError("give last= (a duration such as '15m') or last_minutes= (a number), not both")
    if last is not None:
        return to_timedelta(last, "last")
    if (
        isinstance(last_minutes, bool)
        or not isinstance(last_minutes, int | float)
        or not math.isfinite(last_minutes)
        or last_minutes <= 0
    ):
        raise QueryError(f"last_minutes must be a positive number of minutes, got {last_minutes!r}")
    return dt.timedelta(minutes=last_minutes)


def window_start(span: dt.timedelta, relative_to: Any, newest: dt.datetime | None) -> dt.datetime:
    """The start of a window of ``span`` ending now or at the newest record.

    Examples
    --------
    >>> newest = dt.datetime(2025, 10, 7, 17, tzinfo=dt.timezone.utc)
    >>> window_start(dt.timedelta(minutes=15), "newest", newest).isoformat()
    '2025-10-07T16:45:00+00:00'
    """
    if relative_to == "now":
        end = dt.datetime.now(dt.UTC)
    elif relative_to == "newest":
        if newest is None:
            raise QueryError("a window relative to the newest record needs at least one record with a timestamp")
        end = newest
    else:
        raise QueryError(f"relative_to must be 'now' or 'newest', got {relative_to!r}")
    return end - span


def all_of(*predicates: pl.Expr, **constraints: Any) -> pl.Expr:
    """AND of Polars predicates and filter keywords.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"pod": ["A", "A"], "stream": ["stdout", "stderr"]})
    >>> df.filter(all_of(pod="A", stream="stderr")).height
    1
    """
    return _combine(predicates, constraints, how="all")


def any_of(*predicates: pl.Expr, **constraints: Any) -> pl.Expr:
    """OR of Polars predicates and filter keywords, e.g. ``any_of(pod="A", case_id="abc")``.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"pod": ["A", "B", "C"], "stream": ["stdout", "stderr", "stdout"]})
    >>> df.filter(any_of(pod="A", stream="stderr") & ~any_of(pod="C")).height
    2
    """
    return _combine(predicates, constraints, how="any")


def _combine(predicates: Iterable[pl.Expr], constraints: Mapping[str, Any], how: str) -> pl.Expr:
    exprs = list(predicates)
    for p in exprs:
        if not isinstance(p, pl.Expr):
            raise QueryError(f"positional arguments must be Polars expressions, got {p!r}; use keywords for values")
    for key in constraints:
        if key in WINDOW_KEYWORDS:
            raise QueryError(f"{key} is not allowed in any_of/all_of; use LogFrame.filter({key}=...)")
    exprs += [constraint(name, value) for name, value in constraints.items()]
    if not exprs:
        raise QueryError(f"{how}_of() needs at least one predicate or keyword")
    return pl.all_horizontal(exprs) if how == "all" else pl.any_horizontal(exprs)
