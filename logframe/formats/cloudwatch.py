"""CloudWatch / Kubernetes JSON lines (the Fluent Bit / Fluentd shape).

One JSON object a line::

    {"time": "2025-10-07T16:19:05.771609Z", "stream": "stderr",
     "log": "INFO:app.main:Resolved tenant: company_a",
     "kubernetes": {"pod_name": "backend-5", "namespace_name": "pax-dev", "container_name": "backend"}}

Decoding a batch takes the fast path, one ``pl.read_ndjson`` over all the
batch's candidate lines. Lines that cannot be JSON objects (not ``{...}``) are
set aside first by cheap string tests. Only when the fast path fails (a line
like ``{{}``) does the batch take the slower path: each line is validated with
``json_path_match("$")`` and the rest is decoded again. Skipped lines (rare) are
labelled by Python's ``json``: ``truncated_json`` when the parser ran out of
input, ``invalid_json`` otherwise, ``not_a_json_object`` for valid JSON that is
not an object (``null``, ``""``, ``[1]``). Values of an unexpected JSON
type are kept as their JSON text (an object in ``log``) or become null (a string
where ``kubernetes`` should be an object); they never fail the batch.

Examples
--------
>>> import polars as pl
>>> lines = pl.DataFrame({"line": [1, 2, 3], "text": ['{"log": "hi", "kubernetes": {"pod_name": "p"}}', "{{}", "null"]})
>>> out = CloudWatch().decode(lines, ["log", "pod"])
>>> out.records.rows(), out.rejected.rows()
([(1, 'hi', 'p')], [(2, 'invalid_json'), (3, 'not_a_json_object')])
"""

from __future__ import annotations

import io
import json

import polars as pl

from logframe.formats.base import REJECTED_SCHEMA, Decoded

_KUBERNETES = {"namespace": "namespace_name", "pod": "pod_name", "container": "container_name"}
_TOP = ("time", "stream", "log")


def skip_reason(text: str) -> str:
    """Why a line that is not a JSON object was skipped.

    Examples
    --------
    >>> [skip_reason(t) for t in ['{"a": "cut sho', '{]', '{"a": 1', '[1]', 'null']]
    ['truncated_json', 'invalid_json', 'truncated_json', 'not_a_json_object', 'not_a_json_object']
    """
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        ran_out = error.pos >= len(text) or error.msg.startswith("Unterminated string")
        return "truncated_json" if ran_out else "invalid_json"
    except RecursionError:
        return "invalid_json"
    return "not_a_json_object"


def _rejected(lines: pl.DataFrame) -> pl.DataFrame:
    reasons = [skip_reason(t) for t in lines["text"]]
    return lines.select("line", reason=pl.Series(reasons, dtype=pl.String))


def _schema(columns: list[str]) -> dict[str, pl.DataType]:
    schema: dict[str, pl.DataType] = {c: pl.String() for c in _TOP if c in columns}
    kube = {_KUBERNETES[c]: pl.String() for c in _KUBERNETES if c in columns}
    if kube:
        schema["kubernetes"] = pl.Struct(kube)
    return schema or {"time": pl.String()}


def _flatten(decoded: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    exprs = [pl.col(c) for c in _TOP if c in columns]
    exprs += [pl.col("kubernetes").struct.field(_KUBERNETES[c]).alias(c) for c in _KUBERNETES if c in columns]
    return decoded.select(exprs)


def _read_ndjson(texts: pl.Series, columns: list[str]) -> pl.DataFrame | None:
    """Decode all ``texts`` in one call; None if any line is not valid JSON."""
    if texts.is_empty():
        return _flatten(pl.DataFrame(schema=_schema(columns)), columns)
    buffer = texts.str.join("\n").cast(pl.Binary).item()
    try:
        decoded = pl.read_ndjson(io.BytesIO(buffer), schema=_schema(columns), ignore_errors=True)
    except pl.exceptions.PolarsError:
        return None
    if decoded.height != texts.len():
        return None
    return _flatten(decoded, columns)


def _path_match(texts: pl.Series, columns: list[str]) -> pl.DataFrame:
    """Slow but total: one JSONPath lookup per field, never raises."""
    paths = {c: f"$.{c}" for c in _TOP} | {c: f"$.kubernetes.{k}" for c, k in _KUBERNETES.items()}
    frame = texts.to_frame("text")
    return frame.select([pl.col("text").str.json_path_match(paths[c]).alias(c) for c in [*_TOP, *_KUBERNETES] if c in columns])


class CloudWatch:
    """Kubernetes container logs as shipped to CloudWatch: JSON lines with ``kubernetes`` metadata."""

    name = "cloudwatch"

    def decode(self, lines: pl.DataFrame, columns: list[str]) -> Decoded:
        """Decode non-blank lines; see the module docstring for the paths taken."""
        text = pl.col("text")
        shaped = text.str.starts_with("{") & text.str.ends_with("}")
        rejected = _rejected(lines.filter(~shaped))
        candidates = lines.filter(shaped)
        columns = [c for c in columns if c != "line"]
        records = _read_ndjson(candidates["text"], columns)
        if records is None:
            valid = candidates["text"].str.json_path_match("$").is_not_null()
            rejected = pl.concat([rejected, _rejected(candidates.filter(~valid))]).sort("line")
            candidates = candidates.filter(valid)
            records = _read_ndjson(candidates["text"], columns)
            if records is None:
                records = _path_match(candidates["text"], columns)
        records = records.with_columns(candidates["line"]).select("line", *columns)
        return Decoded(records=records, rejected=rejected.cast(REJECTED_SCHEMA))  # type: ignore[arg-type]
