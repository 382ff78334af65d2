"""Log formats: each turns lines of text into the raw columns of :data:`logframe.schema.RAW_SCHEMA`.

A format is an object with a ``name`` and a ``decode(lines, columns)`` method that takes a DataFrame
of non-blank lines (``line``: Int64, ``text``: String) and returns a :class:`Decoded`: the records it
kept (the raw columns it knows) and, for each line it skipped, the reason. Adding a format means
adding one module here and naming it in :data:`FORMATS` (and teaching :func:`detect` its shape).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from logframe.errors import FormatError
from logframe.formats.base import Decoded, Format
from logframe.formats.cloudwatch import CloudWatch
from logframe.formats.cri import SHAPE as CRI_SHAPE
from logframe.formats.cri import Cri
from logframe.formats.docker import Docker
from logframe.formats.jsonlines import JsonLines
from logframe.formats.logfmt import Logfmt
from logframe.formats.python import DEFAULT as PYTHON_DEFAULT
from logframe.formats.python import RECORD as PYTHON_RECORD
from logframe.formats.python import Python
from logframe.formats.text import SHAPE as TEXT_SHAPE
from logframe.formats.text import Text

FORMATS: dict[str, Format] = {
    "cloudwatch": CloudWatch(),
    "cri": Cri(),
    "docker": Docker(),
    "json": JsonLines(),
    "logfmt": Logfmt(),
    "python": Python(),
    "text": Text(),
}
"""Formats by name."""

SAMPLE_LINES = 50
"""Non-blank lines of a source that :func:`detect` looks at."""

MIN_SHARE = 0.2
"""The least share of sampled lines a format must fit to be chosen (messy files are common)."""


def get_format(name: str, mapping: Mapping[str, str] | None = None) -> Format:
    """Look a format up by name; ``mapping`` configures the generic ``json`` format.

    Examples
    --------
    >>> get_format("logfmt").name
    'logfmt'
    >>> get_format("json", {"message": "msg"}).paths["message"]
    ('msg',)
    """
    if mapping and name == "json":
        return JsonLines(mapping)
    try:
        return FORMATS[name]
    except KeyError:
        raise FormatError(f"unknown format {name!r}; accepted: 'auto', {', '.join(map(repr, FORMATS))}") from None


def _json_kind(sample: pl.Series, shaped: pl.Series, objects: int, n: int) -> tuple[str, str]:
    """Which JSON format: Docker, CloudWatch or generic JSON.

    Docker when most sampled objects have a ``log`` ending in a newline and no ``kubernetes`` key;
    CloudWatch when most have a ``log`` or ``kubernetes`` key; else generic JSON.
    """
    kube = sample.str.contains('"kubernetes"', literal=True)
    log = sample.str.contains('"log"', literal=True)
    docker = int((shaped & log & ~kube & sample.str.contains('\\n"', literal=True)).sum())
    keyed = int((shaped & (log | kube)).sum())
    if docker * 2 >= objects and docker:
        return "docker", f"{objects} of {n} sampled lines are JSON objects, {docker} Docker json-file records"
    why = f"{objects} of {n} sampled lines are JSON objects, {keyed} with a log or kubernetes key"
    return ("cloudwatch" if keyed * 2 >= objects else "json"), why


def detect(sample: pl.Series, source: str) -> tuple[str, str]:
    """Pick a source's format from a sample of its non-blank lines: ``(name, why)``.

    The format fitting the most sampled lines wins, if it fits at least :data:`MIN_SHARE` of them.

    Raises
    ------
    FormatError
        If no format fits most of the sample, naming the formats tried and what was seen.

    Examples
    --------
    >>> import polars as pl
    >>> detect(pl.Series(['{"log": "x"}', '{"log": "y"}']), "a.log")
    ('cloudwatch', '2 of 2 sampled lines are JSON objects, 2 with a log or kubernetes key')
    >>> detect(pl.Series(['{"msg": "x"}', '{"msg": "y"}']), "b.log")[0]
    'json'
    >>> detect(pl.Series(["ts=1 level=info msg=ok", "ts=2 level=warn msg=slow"]), "b.log")
    ('logfmt', '2 of 2 sampled lines are key=value pairs from the first word')
    """
    n = sample.len()
    if n == 0:
        return "cloudwatch", "no lines to sample (empty source)"
    # Cheap shape tests on a few lines; no key-value parsing (it would load code reading may not need).
    shaped = sample.str.starts_with("{") & sample.str.ends_with("}")
    objects = int(shaped.sum())
    if objects >= 0.8 * n:  # clearly JSON: skip the text-shape patterns
        return _json_kind(sample, shaped, objects, n)
    first_is_pair = sample.str.splitn(" ", 2).struct.field("field_0").str.contains("=", literal=True)
    pairs = int((~shaped & first_is_pair & (sample.str.count_matches("=", literal=True) >= 2)).sum())
    records = int(sample.str.contains(PYTHON_RECORD).sum())
    # "<time> LEVEL name msg" is also plain text with a level: only the default LEVEL:name: shape or a
    # traceback in the sample says Python for sure.
    python_default = int(sample.str.contains(PYTHON_DEFAULT).sum())
    traceback = bool(sample.str.contains("Traceback (most recent call last):", literal=True).any())
    timed = int(sample.str.contains(TEXT_SHAPE).sum())
    cri = int(sample.str.contains(CRI_SHAPE).sum())
    if cri > max(objects, pairs) and cri >= MIN_SHARE * n:
        return "cri", f"{cri} of {n} sampled lines are container runtime (CRI) lines"
    if records > max(objects, pairs) and records >= MIN_SHARE * n and (traceback or python_default >= MIN_SHARE * n):
        evidence = "a traceback" if traceback else f"{python_default} in LEVEL:name:message form"
        return "python", f"{records} of {n} sampled lines start like Python logging records, with {evidence}"
    if timed > max(objects, pairs, cri) and timed >= MIN_SHARE * n:
        return "text", f"{timed} of {n} sampled lines start with a time"
    if objects >= pairs and objects >= MIN_SHARE * n:
        return _json_kind(sample, shaped, objects, n)
    if pairs > objects and pairs >= MIN_SHARE * n:
        return "logfmt", f"{pairs} of {n} sampled lines are key=value pairs from the first word"
    raise FormatError(
        f"cannot tell the format of {source!r}: of {n} sampled lines, "
        f"{objects} are JSON objects (cloudwatch, docker, json), "
        f"{pairs} are key=value pairs from the first word (logfmt), {records} start like Python records (python)"
        f", {cri} are CRI lines (cri) and {timed} start with a time (text); "
        f"pass format= one of {', '.join(map(repr, FORMATS))}"
    )


__all__ = ["FORMATS", "Decoded", "Format", "detect", "get_format"]
