"""JSON inside the message: structured application logging shipped through a container runtime.

When the ``log`` a CloudWatch, Docker, CRI or text line carries is itself a JSON object
(``{"level": "error", "msg": "db down", "tenant": "a"}``), its message and level are used and its
other keys become fields, after the format's own. The outer record's time, pod, container, namespace
and stream win; the inner object fills them only where the outer record has none. A ``log`` that
only looks like an object (``{not json}``) is left as it is: nothing is dropped. The object must
start the message (leading whitespace is not looked past).

Examples
--------
>>> import polars as pl
>>> records = pl.DataFrame({"line": [1, 2], "log": ['{"level": "error", "msg": "db down", "tenant": "a"}', "plain"]})
>>> unwrap(records, ["log", "raw_level"]).rows()
[(1, 'db down', 'error'), (2, 'plain', None)]
"""

from __future__ import annotations

import polars as pl

from logframe.formats.jsonlines import JsonLines
from logframe.schema import FIELDS_DTYPE, RAW_SCHEMA

_INNER = JsonLines()
_OUTER_WINS = ("time", "pod", "container", "namespace", "stream")


def unwrap(records: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Records whose ``log`` is a JSON object, rewritten from it into the raw ``columns`` asked for.

    See the module docstring; columns the outer format lacks (``raw_level``, ``attrs``) are added.
    """
    if "log" not in records.columns or records.is_empty():
        return records
    if not records.select(pl.col("log").str.starts_with("{").any()).item():  # the common case: one cheap test
        return records
    text = pl.col("log").str.strip_chars()
    is_object = (text.str.starts_with("{") & text.str.ends_with("}")).fill_null(False)
    objects = records.filter(is_object).select("line", text=text)
    wanted = [c for c in columns if c in RAW_SCHEMA and c not in ("line", "source")]
    missing = [pl.lit(None, RAW_SCHEMA[c]).alias(c) for c in wanted if c not in records.columns]
    records = records.with_columns(missing)
    inner = _INNER.decode(objects, wanted).records
    inner = inner.rename({c: f"__inner_{c}" for c in inner.columns if c != "line"})
    joined = records.join(inner, on="line", how="left", maintain_order="left")
    updates = []
    for column in records.columns:
        nested = f"__inner_{column}"
        if nested not in joined.columns:
            continue
        if column == "attrs":
            empty = pl.lit([], FIELDS_DTYPE)
            updates.append(
                pl.when(pl.col(nested).is_null())
                .then(pl.col(column))
                .otherwise(pl.concat_list(pl.col(column).fill_null(empty), pl.col(nested)))
                .alias(column)
            )
        elif column in _OUTER_WINS:
            updates.append(pl.coalesce(column, nested).alias(column))
        else:
            updates.append(pl.coalesce(nested, column).alias(column))
    return joined.with_columns(updates).select(records.columns)
