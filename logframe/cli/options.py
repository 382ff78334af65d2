"""The options the ``logframe`` commands share, and how a command fails (one line, exit code 2)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, NoReturn

import typer


class Output(StrEnum):
    """Output formats of ``logframe query``."""

    table = "table"
    text = "text"
    csv = "csv"
    json = "json"
    ndjson = "ndjson"
    parquet = "parquet"


Files = Annotated[
    list[str],
    typer.Argument(
        help="Log files, directories, globs ('logs/*.jsonl.gz'), - for stdin, s3://bucket/prefix/ URLs, or "
        "cloudwatch:///LOG_GROUP?start=ISO&end=ISO&filter=PATTERN&prefix=STREAM for the CloudWatch Logs API.",
        show_default=False,
    ),
]
LogFormat = Annotated[
    str,
    typer.Option(
        "--log-format", "-F", help="Input log format: auto, cloudwatch, docker, cri, json, logfmt, python or text."
    ),
]
StorageOptions = Annotated[
    list[str] | None,
    typer.Option(
        "--storage-option",
        "-S",
        help="KEY=VALUE for object storage URLs, repeatable (e.g. -S endpoint_url=http://127.0.0.1:9000).",
        show_default=False,
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a readable summary.")]
Where = Annotated[
    str | None,
    typer.Option("--where", "-w", help="Only records matching this query, e.g. \"level='ERROR' & tenant='a'\"."),
]
Since = Annotated[
    str | None,
    typer.Option("--since", help="Only the last span before the newest record, e.g. 15m, 2h, 1d.", show_default=False),
]
From = Annotated[
    str | None,
    typer.Option(
        "--from",
        help="From this time on (inclusive): ISO 8601, '2025-10-07 16:40', or a time of day (16:40) "
        "on the data's date.",
        show_default=False,
    ),
]
To = Annotated[
    str | None,
    typer.Option("--to", help="Up to this time (exclusive), written like --from.", show_default=False),
]
ShowProgress = Annotated[
    bool | None,
    typer.Option("--progress/--no-progress", help="Progress bar on stderr (default: big inputs on a terminal)."),
]


def fail(message: str) -> NoReturn:
    """Print ``error: message`` as one line on stderr and exit with code 2 (a bad argument, never a traceback)."""
    typer.echo(f"error: {one_line(message)}", err=True)
    raise typer.Exit(code=2)


def one_line(message: str) -> str:
    r"""A message of several lines as one; a text with a caret under it (a query error) is quoted.

    Examples
    --------
    >>> one_line("unexpected end of query at position 6\n  level=\n        ^\nexpected a value")
    "unexpected end of query at position 6 in 'level=': expected a value"
    """
    lines = message.splitlines()
    if len(lines) >= 3 and lines[2].strip() == "^":
        rest = " ".join(line.strip() for line in lines[3:])
        return f"{lines[0]} in {lines[1].strip()!r}" + (f": {rest}" if rest else "")
    return " ".join(line.strip() for line in lines)
