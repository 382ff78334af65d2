r"""Parse application messages (the ``log`` text) with vectorised Polars expressions.

The prefix shapes recognised, tried in this order:

===================================  ==========================================
shape                                example
===================================  ==========================================
Python logging default               ``ERROR:app.database:Connection failed``
bracketed level                      ``[WARN] disk at 91%``
bare upper-case level                ``ERROR Connection failed``, ``INFO - ok``
logfmt                               ``level=error msg="db down" tenant=a``
===================================  ==========================================

Level words are matched case-insensitively where the shape makes them
unambiguous (the first two, and logfmt); a bare word must be upper case, so
``Error handling request`` is not read as a level. Aliases (WARN, FATAL, ...)
map onto :data:`logframe.schema.LEVELS`.

Key-value pairs are ``key=value`` tokens that start a word. Keys are letters
(any script), digits, ``_``, ``.`` and ``-`` (``company.a``, ``環境``); values run
to the next whitespace unless quoted (``user="Jane Doe"``), keep their text
(``45%``, ``https://host/p``) and lose one trailing ``,`` or ``;``.

Examples
--------
>>> import polars as pl
>>> from logframe.messages import parse_message
>>> df = pl.DataFrame({"log": ["ERROR:app.db:Failed tenant=company-b user=\"Jane Doe\""]})
>>> row = df.select(**parse_message(pl.col("log"))).row(0, named=True)
>>> row["level"], row["component"], row["message"]
('ERROR', 'app.db', 'Failed tenant=company-b user="Jane Doe"')
>>> row["fields"]
[{'key': 'tenant', 'value': 'company-b'}, {'key': 'user', 'value': 'Jane Doe'}]
"""

from __future__ import annotations

from typing import cast

import polars as pl

from logframe.schema import FIELDS_DTYPE, LEVEL_ALIASES, LEVEL_DTYPE, LEVELS

_WORDS = sorted({*LEVELS, *LEVEL_ALIASES})
_PREFIX = r"^[ \t]*(?<open>\[?)(?<word>[A-Za-z]{3,9})(?<close>\]?)(?<sep>[:| \t-]|$)?"
_LOGFMT_KEYS = ("level", "lvl", "severity")
_LOGFMT_MSG = r"(?:^|\s)(?:msg|message)=(\"(?:[^\"\\]|\\.)*\"|\S+)"
_KEY = r"[\p{L}\p{N}\p{So}_][\p{L}\p{N}\p{M}\p{So}_.\-]*"
_VALUE = r"(?:\"(?:[^\"\\]|\\.)*\"|'[^']*'|\S*)"
_KV = rf"(?:^|\s){_KEY}={_VALUE}"
_KV_PARTS = rf"(?s)^\s*(?<key>{_KEY})=(?:\"(?<dq>(?:[^\"\\]|\\.)*)\"|'(?<sq>[^']*)'|(?<bare>\S*))$"
_LEVEL_MAP = {**{lvl: lvl for lvl in LEVELS}, **LEVEL_ALIASES}


def level_of(word: pl.Expr) -> pl.Expr:
    """Normalise level words (any case, aliases) to the level Enum; others become null.

    Examples
    --------
    >>> import polars as pl
    >>> pl.select(level_of(pl.lit(pl.Series(["warn", "Error", "x"])))).to_series().to_list()
    ['WARNING', 'ERROR', None]
    """
    upper = word.str.strip_chars().str.to_uppercase()
    mapped = cast(pl.Expr, pl.when(pl.lit(False)).then(pl.lit(None, pl.String)))
    for level in LEVELS:
        spellings = [w for w, lvl in _LEVEL_MAP.items() if lvl == level]
        mapped = pl.when(upper.is_in(spellings)).then(pl.lit(level)).otherwise(mapped)
    # A when/then chain rather than replace_strict: replace_strict is not a streaming
    # operation in Polars 2.1 and would make the engine hold the whole column.
    return mapped.cast(LEVEL_DTYPE)


def unquote(value: pl.Expr) -> pl.Expr:
    r"""Strip one pair of surrounding quotes and undo ``\"`` escapes; drop a trailing ``,``/``;``.

    Examples
    --------
    >>> import polars as pl
    >>> pl.select(unquote(pl.lit(pl.Series(['"a \\"b\\""', "'x y'", "v,", "45%", '"'])))).to_series().to_list()
    ['a "b"', 'x y', 'v', '45%', '"']
    """
    return pl.coalesce(
        value.str.extract(r'(?s)^"(.*)"$', 1).str.replace_all(r"\\([\"\\])", "$1"),
        value.str.extract(r"(?s)^'(.*)'$", 1),
        value.str.replace(r"[,;]$", ""),
    )


def parse_fields(text: pl.Expr) -> pl.Expr:
    """Extract ``key=value`` pairs as a ``List(Struct(key, value))`` expression.

    Examples
    --------
    >>> import polars as pl
    >>> s = pl.Series(["path=/api/v2/企業/データ 環境=本番 company.a=45% 🔥=hot"])
    >>> [(f["key"], f["value"]) for f in pl.select(parse_fields(pl.lit(s))).item()]
    [('path', '/api/v2/企業/データ'), ('環境', '本番'), ('company.a', '45%'), ('🔥', 'hot')]
    """
    parts = pl.element().str.extract_groups(_KV_PARTS)
    value = pl.coalesce(
        parts.struct.field("dq").str.replace_all(r"\\([\"\\])", "$1"),
        parts.struct.field("sq"),
        parts.struct.field("bare").str.replace(r"[,;]$", ""),
    )
    pair = pl.struct(key=parts.struct.field("key"), value=value)
    return text.str.extract_all(_KV).list.eval(pair).cast(FIELDS_DTYPE)


def _logfmt_value(text: pl.Expr, key: str) -> pl.Expr:
    """The (unquoted) value of ``key=`` where it starts a word; null elsewhere."""
    pos = text.str.find(f"{key}=", literal=True)
    at_word = (pos == 0) | (text.str.slice(pos - 1, 1).str.strip_chars() == "")
    value = text.str.slice(pos + len(key) + 1).str.splitn(" ", 2).struct.field("field_0")
    return pl.when(at_word).then(value.str.strip_chars("\"'"))


def _after(text: pl.Expr, separator: str) -> pl.Expr:
    """The text after the first ``separator``, leading whitespace removed."""
    return text.str.splitn(separator, 2).struct.field("field_1").str.strip_chars_start()


def parse_message(log: pl.Expr) -> dict[str, pl.Expr]:
    r"""Split raw message text into ``level``, ``component``, ``message`` and ``fields``.

    The level comes from one small anchored pattern on the first word (its
    bracket and the separator after it) and literal string operations; the
    component and message are derived only when a query asks for them.

    Parameters
    ----------
    log
        A String expression holding the application's message line.

    Returns
    -------
    dict[str, pl.Expr]
        Expressions keyed by output column name, for ``select(**...)``.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"log": ["[warn] disk 91%", "level=error msg=\"db down\" tenant=a", "hello"]})
    >>> df.select(**parse_message(pl.col("log"))).select("level", "message").rows()
    [('WARNING', 'disk 91%'), ('ERROR', 'db down'), (None, 'hello')]
    """
    text = log.str.strip_chars_start()
    prefix = log.str.extract_groups(_PREFIX)
    word = prefix.struct.field("word")
    upper = word.str.to_uppercase()
    separator = prefix.struct.field("sep")
    plain = (prefix.struct.field("open") == "") & (prefix.struct.field("close") == "")
    known = upper.is_in(_WORDS).fill_null(False)
    bracketed = known & ((prefix.struct.field("open") == "[") & (prefix.struct.field("close") == "]")).fill_null(False)
    colon = known & (plain & (separator == ":")).fill_null(False)
    bare = known & (plain & separator.is_not_null() & (separator != ":") & (word == upper)).fill_null(False)
    logfmt_level = pl.coalesce(*(_logfmt_value(text, key) for key in _LOGFMT_KEYS))
    level = level_of(pl.when(bracketed | colon | bare).then(upper).otherwise(logfmt_level))

    parts = text.str.splitn(":", 3)
    component = parts.struct.field("field_1")
    python = colon & (parts.struct.field("field_2").is_not_null() & ~component.str.contains(r"\s")).fill_null(False)
    body = (
        pl.when(python)
        .then(parts.struct.field("field_2").str.strip_prefix(" "))
        .when(colon)
        .then(_after(text, ":"))
        .when(bracketed)
        .then(_after(text, "]"))
        .when(bare)
        .then(text.str.slice(word.str.len_chars()).str.strip_chars_start(" \t-:|"))
        .otherwise(log)
        .fill_null("")
        .str.strip_chars_end()
    )
    logfmt_msg = pl.when(~(bracketed | colon | bare) & logfmt_level.is_not_null()).then(
        unquote(log.str.extract(_LOGFMT_MSG, 1))
    )
    return {
        "level": level,
        "component": pl.when(python).then(component),
        "message": pl.when(log.is_not_null()).then(pl.coalesce(logfmt_msg, body)),
        "fields": parse_fields(body),
    }
