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
>>> from logframe.messages import parse_messages
>>> df = pl.DataFrame({"log": ["ERROR:app.db:Failed tenant=company-b user=\"Jane Doe\""]})
>>> row = parse_messages(df).row(0, named=True)
>>> row["level"], row["component"], row["message"]
('ERROR', 'app.db', 'Failed tenant=company-b user="Jane Doe"')
>>> row["fields"]
[{'key': 'tenant', 'value': 'company-b'}, {'key': 'user', 'value': 'Jane Doe'}]
"""

from __future__ import annotations

from typing import TypeVar

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

    ``word`` is referenced once per level: pass a column (``pl.col(...)``), not a
    large expression, to keep the plan small.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"w": ["warn", "Error", "x"]})
    >>> df.select(level_of(pl.col("w").str.to_uppercase())).to_series().to_list()
    ['WARNING', 'ERROR', None]
    """
    mapped: pl.Expr = pl.lit(None, pl.String)
    for level in reversed(LEVELS):
        spellings = [w for w, lvl in _LEVEL_MAP.items() if lvl == level]
        mapped = pl.when(word.is_in(spellings)).then(pl.lit(level)).otherwise(mapped)
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
        _unescape(value.str.extract(r'(?s)^"(.*)"$', 1)),
        value.str.extract(r"(?s)^'(.*)'$", 1),
        _drop_separator(value),
    )


def _unescape(inside_double_quotes: pl.Expr) -> pl.Expr:
    return inside_double_quotes.str.replace_all(r"\\([\"\\])", "$1")


def _drop_separator(bare: pl.Expr) -> pl.Expr:
    return bare.str.replace(r"[,;]$", "")


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
        _unescape(parts.struct.field("dq")), parts.struct.field("sq"), _drop_separator(parts.struct.field("bare"))
    )
    pair = pl.struct(key=parts.struct.field("key"), value=value)
    return text.str.extract_all(_KV).list.eval(pair).cast(FIELDS_DTYPE)


def _logfmt_value(text: pl.Expr, key: str) -> pl.Expr:
    """The (unquoted) value of ``key=`` where it starts a word; null elsewhere."""
    pos = text.str.find(f"{key}=", literal=True)
    at_word = (pos == 0) | (text.str.slice(pos - 1, 1).str.strip_chars() == "")
    value = text.str.slice(pos + len(key) + 1).str.splitn(" ", 2).struct.field("field_0")
    return pl.when(at_word).then(value.str.strip_chars("\"'").str.to_uppercase())


def _after(text: pl.Expr, separator: str) -> pl.Expr:
    """The text after the first ``separator``, leading whitespace removed."""
    return text.str.splitn(separator, 2).struct.field("field_1").str.strip_chars_start()


_T = "__logframe_"  # prefix of the temporary columns of the parsing pipeline


def _c(name: str) -> pl.Expr:
    return pl.col(_T + name)


Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


def parse_messages(frame: Frame, column: str = "log") -> Frame:
    """Add ``level``, ``component``, ``message`` and ``fields`` parsed from the text in ``column``.

    Parsing is a pipeline of ``with_columns`` stages over temporary columns, so
    each intermediate result is computed once and a lazy query computes only
    the stages its output needs (``level`` alone never touches ``fields``).
    The level comes from one small anchored pattern on the first word (its
    bracket and the separator after it) and literal string operations.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"log": ["[warn] disk 91%", 'level=error msg="db down" tenant=a', "hello"]})
    >>> parse_messages(df).select("level", "message").rows()
    [('WARNING', 'disk 91%'), ('ERROR', 'db down'), (None, 'hello')]
    >>> parse_messages(pl.DataFrame({"log": ["ERROR:app.db:Failed tenant=b"]})).row(0)
    ('ERROR:app.db:Failed tenant=b', 'ERROR', 'app.db', 'Failed tenant=b', [{'key': 'tenant', 'value': 'b'}])
    """
    log = pl.col(column)
    prefix = _c("prefix").struct
    staged = (
        frame.with_columns(
            log.str.strip_chars_start().alias(_T + "text"), log.str.extract_groups(_PREFIX).alias(_T + "prefix")
        )
        .with_columns(
            prefix.field("word").alias(_T + "word"),
            prefix.field("word").str.to_uppercase().alias(_T + "upper"),
            prefix.field("sep").alias(_T + "sep"),
            ((prefix.field("open") == "") & (prefix.field("close") == "")).fill_null(False).alias(_T + "plain"),
            ((prefix.field("open") == "[") & (prefix.field("close") == "]")).fill_null(False).alias(_T + "square"),
        )
        .with_columns(_c("upper").is_in(_WORDS).fill_null(False).alias(_T + "known"))
        .with_columns(
            (_c("known") & _c("square")).alias(_T + "bracketed"),
            (_c("known") & _c("plain") & (_c("sep") == ":").fill_null(False)).alias(_T + "colon"),
            (
                _c("known")
                & _c("plain")
                & (_c("sep").is_not_null() & (_c("sep") != ":") & (_c("word") == _c("upper"))).fill_null(False)
            ).alias(_T + "bare"),
        )
        .with_columns((_c("bracketed") | _c("colon") | _c("bare")).alias(_T + "prefixed"))
        .with_columns(
            pl.when(_c("prefixed"))
            .then(_c("upper"))
            .otherwise(pl.coalesce(*(_logfmt_value(_c("text"), key) for key in _LOGFMT_KEYS)))
            .alias(_T + "level_word"),
            _c("text").str.splitn(":", 3).alias(_T + "parts"),
        )
        .with_columns(
            level_of(_c("level_word")).alias("level"),
            _c("parts").struct.field("field_1").alias(_T + "component"),
            _c("parts").struct.field("field_2").alias(_T + "rest"),
        )
        .with_columns(
            (_c("colon") & (_c("rest").is_not_null() & ~_c("component").str.contains(r"\s")).fill_null(False)).alias(
                _T + "python"
            )
        )
        .with_columns(
            pl.when(_c("python"))
            .then(_c("rest").str.strip_prefix(" "))
            .when(_c("colon"))
            .then(_after(_c("text"), ":"))
            .when(_c("bracketed"))
            .then(_after(_c("text"), "]"))
            .when(_c("bare"))
            .then(_c("text").str.slice(_c("word").str.len_chars()).str.strip_chars_start(" \t-:|"))
            .otherwise(log)
            .fill_null("")
            .str.strip_chars_end()
            .alias(_T + "body"),
            pl.when(_c("python")).then(_c("component")).alias("component"),
        )
        .with_columns(
            pl.when(log.is_null())
            .then(pl.lit(None, pl.String))
            .when(~_c("prefixed") & _c("level_word").is_not_null())
            .then(pl.coalesce(unquote(log.str.extract(_LOGFMT_MSG, 1)), _c("body")))
            .otherwise(_c("body"))
            .alias("message"),
            parse_fields(_c("body")).alias("fields"),
        )
    )
    return staged.select(pl.all().exclude(f"^{_T}.*$"))
