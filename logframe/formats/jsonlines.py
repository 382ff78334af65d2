"""Generic JSON lines: any object a line, with a field mapping into the schema.

Defaults recognise the common names (the first present wins); ``mapping`` overrides them with dotted
paths into nested objects, for example ``{"timestamp": "@timestamp", "message": "msg", "level":
"severity"}``. Every other value, nested objects flattened to dotted keys (``source.entity``), is
kept in ``fields`` as text. Lines that are not JSON objects are skipped by reason, as in
:mod:`logframe.formats.cloudwatch`.

Examples
--------
>>> import polars as pl
>>> text = ['{"message": "job done", "level": "info", "timestamp": "Date Thu Nov 14 2024 17:01:04 GMT+0200 '
...         '(Israel Standard Time)", "source": {"type": "workflow", "entity": "wf-7"}}']
>>> out = JsonLines().decode(pl.DataFrame({"line": [1], "text": text}), ["time", "raw_level", "log", "attrs"])
>>> out.records.select("raw_level", "log").row(0)
('info', 'job done')
>>> [(f["key"], f["value"]) for f in out.records["attrs"][0]]
[('source.type', 'workflow'), ('source.entity', 'wf-7')]
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

import polars as pl

from logframe.errors import FormatError
from logframe.formats.base import REJECTED_SCHEMA, Decoded, json_text
from logframe.formats.cloudwatch import skip_reason
from logframe.schema import FIELD_DTYPE, FIELDS_DTYPE

DEFAULTS: dict[str, tuple[str, ...]] = {
    "timestamp": ("timestamp", "@timestamp", "time", "ts", "datetime", "date"),
    "message": ("message", "msg", "log", "text"),
    "level": ("level", "severity", "lvl", "levelname", "log.level"),
    "pod": ("pod", "host", "hostname", "kubernetes.pod_name"),
    "container": ("container", "service", "app", "kubernetes.container_name"),
    "namespace": ("namespace", "kubernetes.namespace_name"),
    "stream": ("stream",),
}
"""Schema field → JSON paths tried in order (dotted for nested objects)."""

_RAW = {"timestamp": "time", "message": "log", "level": "raw_level"}


def _flatten(frame: pl.DataFrame, prefix: str = "") -> pl.DataFrame:
    """Nested structs as dotted columns; lists and other values as JSON text or text."""
    columns: list[pl.Series] = []
    for series in frame.iter_columns():
        name = prefix + series.name
        if isinstance(series.dtype, pl.Struct):
            columns.extend(_flatten(series.struct.unnest(), name + ".").iter_columns())
        elif isinstance(series.dtype, pl.List | pl.Array):
            columns.append(pl.select(json_text(pl.lit(series))).to_series().alias(name))
        else:
            columns.append(series.cast(pl.String).alias(name))
    return pl.DataFrame(columns) if columns else pl.DataFrame(height=frame.height)


def _flatten_python(texts: pl.Series) -> pl.DataFrame:
    """The slow, total path: each object flattened to dotted keys with text values."""

    def flat(obj: dict[str, Any], prefix: str = "") -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for key, value in obj.items():
            if isinstance(value, dict):
                out.update(flat(value, f"{prefix}{key}."))
            elif value is None or isinstance(value, str):
                out[prefix + key] = value
            else:
                out[prefix + key] = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        return out

    rows = [flat(json.loads(text)) for text in texts]
    names = list(dict.fromkeys(key for row in rows for key in row))
    return pl.DataFrame(
        {name: [row.get(name) for row in rows] for name in names}, schema=dict.fromkeys(names, pl.String)
    )


class JsonLines:
    """Any JSON object per line, mapped into the schema by name (see the module docstring)."""

    name = "json"

    def __init__(self, mapping: Mapping[str, str] | None = None) -> None:
        unknown = set(mapping or {}) - set(DEFAULTS)
        if unknown:
            raise FormatError(f"unknown mapping keys {sorted(unknown)}; accepted: {', '.join(DEFAULTS)}")
        self.paths = {
            field: ((mapping or {})[field],) if field in (mapping or {}) else paths for field, paths in DEFAULTS.items()
        }

    def decode(self, lines: pl.DataFrame, columns: list[str]) -> Decoded:
        """Decode non-blank lines; invalid lines are skipped by reason."""
        text = pl.col("text")
        valid = (
            text.str.starts_with("{") & text.str.ends_with("}") & text.str.json_path_match("$").is_not_null()
        ).fill_null(False)
        checked = lines.with_columns(valid=valid)
        bad = checked.filter(~pl.col("valid"))
        rejected = bad.select("line", reason=pl.Series([skip_reason(t) for t in bad["text"]], dtype=pl.String))
        good = checked.filter(pl.col("valid"))
        if good.is_empty():
            return Decoded(records=good.select("line"), rejected=rejected.cast(REJECTED_SCHEMA))  # type: ignore[arg-type]
        buffer = good["text"].str.join("\n").cast(pl.Binary).item()
        try:
            flat = _flatten(pl.read_ndjson(io.BytesIO(buffer), infer_schema_length=None))
        except pl.exceptions.PolarsError:  # a key of different JSON types across lines: decode this batch in Python
            flat = _flatten_python(good["text"])
        used: set[str] = set()
        mapped = []
        for field, paths in self.paths.items():
            present = [p for p in paths if p in flat.columns]
            used.update(present)
            value = pl.coalesce([pl.col(p) for p in present]) if present else pl.lit(None, pl.String)
            mapped.append(value.alias(_RAW.get(field, field)))
        pairs = [pl.struct(key=pl.lit(c), value=pl.col(c)) for c in flat.columns if c not in used]
        keep = pl.element().filter(pl.element().struct.field("value").is_not_null())
        attrs = pl.concat_list(pairs).list.eval(keep) if pairs else pl.lit([], pl.List(FIELD_DTYPE))
        frame = flat.select(*mapped, attrs.cast(FIELDS_DTYPE).alias("attrs")).with_columns(good["line"])
        return Decoded(
            records=frame.select("line", *[c for c in columns if c in frame.columns]),
            rejected=rejected.cast(REJECTED_SCHEMA),  # type: ignore[arg-type]
        )
