"""Where log bytes come from: local files (plain or compressed), globs and lists."""

from logframe.sources.files import FileSource, expand

__all__ = ["FileSource", "expand"]
