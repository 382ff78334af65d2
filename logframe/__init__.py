"""logframe: application logs (Kubernetes / CloudWatch JSON lines and more) as Polars LazyFrames.

Examples
--------
>>> from logframe import LogParser
>>> logs = LogParser.from_file("sample_logs.txt")
>>> logs.filter(level="ERROR").filter(tenant="company_a").stats()["total"]
13
"""

from logframe.errors import FormatError, LogframeError, QueryError, SourceError
from logframe.frame import LogFrame, LogParser, Record, scan
from logframe.query import all_of, any_of, field
from logframe.schema import LEVELS, SCHEMA

__version__ = "0.1.0"

__all__ = [
    "LEVELS",
    "SCHEMA",
    "FormatError",
    "LogFrame",
    "LogParser",
    "LogframeError",
    "QueryError",
    "Record",
    "SourceError",
    "all_of",
    "any_of",
    "field",
    "scan",
]
