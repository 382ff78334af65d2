"""Parse application messages (the ``log`` text) with vectorised Polars expressions.

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
>>> df = pl.DataFrame({"log": ["ERROR:app.db:Failed tenant=company-b user=\\"Jane Doe\\""]})
>>> row = df.select(**parse_message(pl.col("log"))).row(0, named=True)
>>> row["level"], row["component"], row["message"]
('ERROR', 'app.db', 'Failed tenant=company-b user="Jane Doe"')
>>> row["fields"]
[{'key': 'tenant', 'value': 'company-b'}, {'key': 'user', 'value': 'Jane Doe'}]
"""

from __future__ import annotations

import polars as pl

from logframe.schema import FIELDS_DTYPE, LEVEL_ALIASES, LEVEL_DTYPE, LEVELS

_WORDS = "|".join(sorted({*LEVELS, *LEVEL_ALIASES}, key=len, reverse=True))
_PREFIX = (
    r"(?s)^\s*(?:"
    rf"(?<l1>(?i:{_WORDS})):(?<c1>[^:\s]*):[ \t]?(?<m1>.*)"
    rf"|\[(?<l2>(?i:{_WORDS}))\][ \t]*(?<m2>.*)"
    rf"|(?<l3>{_WORDS})(?:[ \t]*[:|-][ \t]*|[ \t]+|$)(?<m3>.*)"
    r")$"
)
_LOGFMT_LEVEL = rf"(?:^|\s)(?i:level|lvl|severity|loglevel)=[\"']?((?i:{_WORDS}))[\"']?(?:\s|$)"
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
    mapped = pl.when(pl.lit(False)).then(pl.lit(None, pl.String))
    for level in LEVELS:
        spellings = [w for w, lvl in _LEVEL_MAP.items() if lvl == level]
        mapped = mapped.when(upper.is_in(spellings)).then(pl.lit(level))
    # A when/then chain rather than replace_strict: replace_strict is not a streaming
    # operation in Polars 2.1 and would make the engine hold the whole column.
    return mapped.otherwise(pl.lit(None, pl.String)).cast(LEVEL_DTYPE)


def unquote(value: pl.Expr) -> pl.Expr:
    """Strip one pair of surrounding quotes and undo ``\\"`` escapes; drop a trailing ``,``/``;``.

    Examples
    --------
    >>> import polars as pl
    >>> pl.select(unquote(pl.lit(pl.Series(['"a \\\\"b\\\\""', "'x y'", "v,", "45%", '"'])))).to_series().to_list()
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
    >>> pl.select(parse_fields(pl.lit(s))).item().to_list()
    [{'key': 'path', 'value': '/api/v2/企業/データ'}, {'key': '環境', 'value': '本番'}, {'key': 'company.a', 'value': '45%'}, {'key': '🔥', 'value': 'hot'}]
    """
    parts = pl.element().str.extract_groups(_KV_PARTS)
    value = pl.coalesce(
        parts.struct.field("dq").str.replace_all(r"\\([\"\\])", "$1"),
        parts.struct.field("sq"),
        parts.struct.field("bare").str.replace(r"[,;]$", ""),
    )
    pair = pl.struct(key=parts.struct.field("key"), value=value)
    return text.str.extract_all(_KV).list.eval(pair).cast(FIELDS_DTYPE)


def parse_message(log: pl.Expr) -> dict[str, pl.Expr]:
    """Split raw message text into ``level``, ``component``, ``message`` and ``fields``.

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
    >>> df = pl.DataFrame({"log": ["[warn] disk 91%", "level=error msg=\\"db down\\" tenant=a", "hello"]})
    >>> df.select(**parse_message(pl.col("log"))).select("level", "message").rows()
    [('WARNING', 'disk 91%'), ('ERROR', 'db down'), (None, 'hello')]
    """
    groups = log.str.extract_groups(_PREFIX)
    logfmt_level = log.str.extract(_LOGFMT_LEVEL, 1)
    body = pl.coalesce(
        groups.struct.field("m1"), groups.struct.field("m2"), groups.struct.field("m3"), log
    ).str.strip_chars_end()
    word = pl.coalesce(groups.struct.field("l1"), groups.struct.field("l2"), groups.struct.field("l3"), logfmt_level)
    logfmt_msg = pl.when(logfmt_level.is_not_null()).then(unquote(log.str.extract(_LOGFMT_MSG, 1)))
    return {
        "level": level_of(word),
        "component": groups.struct.field("c1"),
        "message": pl.coalesce(logfmt_msg, body),
        "fields": parse_fields(body),
    }
