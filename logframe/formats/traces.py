r"""Stack traces of Python, Java and Go: which lines continue a record, and the exception they name.

Text formats merge a trace into the record it follows; :func:`exception_fields` then gives the record
two fields, ``exception`` (the type) and ``exception_message`` (the text after it):

- Python: ``Traceback (most recent call last):`` ... ``ValueError: bad`` -- the last exception line
  (the one raised);
- Java: ``java.lang.IllegalStateException: boom`` followed by ``at com.example.App.run(App.java:10)``
  frames (and ``Caused by:`` chains) -- the first exception line (the one thrown);
- Go: ``panic: runtime error: ...`` followed by ``goroutine 1 [running]:`` -- ``panic`` and its text.

Examples
--------
>>> import polars as pl
>>> java = "Job failed\njava.lang.IllegalStateException: no lease\nat com.acme.Job.run(Job.java:42)"
>>> go = "panic: runtime error: index out of range\ngoroutine 1 [running]:\nmain.main()"
>>> pl.DataFrame({"text": [java, go, "fine"]}).select(exception_fields(pl.col("text"))).to_series().to_list()
... # doctest: +NORMALIZE_WHITESPACE
[[{'key': 'exception', 'value': 'java.lang.IllegalStateException'},
  {'key': 'exception_message', 'value': 'no lease'}],
 [{'key': 'exception', 'value': 'panic'}, {'key': 'exception_message', 'value': 'runtime error: index out of range'}],
 None]
>>> pl.Series(["at com.acme.Job.run(Job.java:42)", "Caused by: java.io.IOException", "all good"]).str.contains(
...     CONTINUATION).to_list()
[True, True, False]
"""

from __future__ import annotations

import polars as pl

from logframe.schema import FIELDS_DTYPE

_EXCEPTION_TYPE = r"[A-Za-z_$][\w$.]*(?:Error|Exception|Warning|Exit|Interrupt|Fault|Throwable)\w*"
EXCEPTION_LINE = (
    rf'(?m)^\s*(?:Exception in thread "[^"]*" |Caused by: )?(?<type>{_EXCEPTION_TYPE})(?::\s?(?<text>.*))?$'
)
"""A line naming an exception: ``ValueError: bad``, ``java.io.IOException: disk``, ``Caused by: ...``."""

CONTINUATION = (
    r"^\s*(?:"
    r"Traceback \(most recent call last\):|File \"|"  # Python frames
    r"at [\w$.<>/]+\(|\.\.\. \d+ (?:more|common frames omitted)|Caused by: |Suppressed: |"  # Java frames
    r'(?:Exception in thread "[^"]*" )?[A-Za-z_$][\w$]*(?:\.[\w$]+)+(?:Error|Exception|Throwable)\w*(?::|$)|'
    r"goroutine \d+ \[|/\S+\.go:\d+|created by |[\w.\-/]+(?:\.\(\*?\w+\))?\.\w+\(.*\)$"  # Go frames
    r")"
)
"""A line that continues the record before it: a frame, a cause, or a trace header (after stripping)."""

_PYTHON = "Traceback (most recent call last):"
_JAVA_FRAME = r"(?m)^\s*at [\w$.<>/]+\("
_GO_GOROUTINE = r"(?m)^\s*goroutine \d+ \["


def exception_fields(text: pl.Expr) -> pl.Expr:
    """``exception`` and ``exception_message`` of a record holding a trace, else null (see above)."""
    lines = text.str.extract_all(EXCEPTION_LINE)
    raised = lines.list.last().str.extract_groups(EXCEPTION_LINE)  # Python: the last line names it
    thrown = lines.list.first().str.extract_groups(EXCEPTION_LINE)  # Java: the first line names it
    panic = text.str.extract(r"(?m)^\s*panic: (.*)$", 1)
    python, java = text.str.contains(_PYTHON, literal=True), text.str.contains(_JAVA_FRAME)
    go = text.str.contains(_GO_GOROUTINE) & panic.is_not_null()
    named = (  # the (type, text) of the exception each kind of trace names
        pl.when(python).then(raised).when(java).then(thrown).when(go).then(pl.struct(type=pl.lit("panic"), text=panic))
    )
    kind, message = named.struct.field("type"), named.struct.field("text")
    pairs = pl.concat_list(
        pl.struct(key=pl.lit("exception"), value=kind), pl.struct(key=pl.lit("exception_message"), value=message)
    )
    return pl.when(kind.is_not_null()).then(pairs).cast(FIELDS_DTYPE)
