"""Optional dependencies: the one place that imports them and says which extra brings each.

The core (``pip install logframe``) reads, filters and exports logs. The service needs the
``service`` extra (Delta store, HTTP server, metrics, alert rules), object storage and the
CloudWatch API the ``aws`` extra. Every module of logframe imports such a dependency through
:func:`import_optional`, so a missing one is a :class:`MissingDependencyError` (a
:class:`~logframe.errors.LogframeError`, and an ``ImportError``) that names what to install, never
a bare ``ModuleNotFoundError``; the command line turns it into a message and exit code 2.

Examples
--------
>>> import_optional("json", "reading JSON").__name__
'json'
>>> import_optional("deltalake_but_not_installed", "the store")
Traceback (most recent call last):
...
logframe.dependencies.MissingDependencyError: the store needs deltalake_but_not_installed, which is not installed
>>> isinstance(MissingDependencyError("x"), ImportError)
True
"""

from __future__ import annotations

import importlib
from types import ModuleType

from logframe.errors import LogframeError

EXTRAS: dict[str, tuple[str, str | None]] = {
    "deltalake": ("deltalake", "service"),
    "fastapi": ("fastapi", "service"),
    "uvicorn": ("uvicorn", "service"),
    "prometheus_client": ("prometheus-client", "service"),
    "yaml": ("PyYAML", "service"),
    "httpx": ("httpx", "service"),
    "fsspec": ("fsspec", "aws"),
    "s3fs": ("s3fs", "aws"),
    "boto3": ("boto3", "aws"),
    "matplotlib": ("matplotlib", None),  # a dependency of the core, imported only by the charts
}
"""Top-level module -> (distribution to install, logframe extra that brings it; None: the core)."""


class MissingDependencyError(LogframeError, ImportError):
    """An optional dependency is not installed (or does not import); the message says what to install."""


def install_hint(module: str) -> str:
    """What to run to get ``module`` (its top-level package), e.g. ``pip install 'logframe[service]'``.

    Examples
    --------
    >>> install_hint("yaml"), install_hint("matplotlib.pyplot")
    ("pip install 'logframe[service]'", "pip install 'logframe' (matplotlib is one of its dependencies)")
    """
    top = module.split(".")[0]
    distribution, extra = EXTRAS.get(top, (top, None))
    if extra is None:
        return f"pip install 'logframe' ({distribution} is one of its dependencies)" if top in EXTRAS else ""
    return f"pip install 'logframe[{extra}]'"


def import_optional(name: str, purpose: str) -> ModuleType:
    """Import module ``name`` for ``purpose`` ("the store"), or raise a clear :class:`MissingDependencyError`.

    A module that is installed but fails to import for want of one of *its* dependencies is reported
    the same way, naming the module that is missing.
    """
    try:
        return importlib.import_module(name)
    except ImportError as error:
        missing = getattr(error, "name", None) or name
        top = missing.split(".")[0]
        if missing != name and missing.split(".")[0] != name.split(".")[0]:
            detail = f"{name.split('.')[0]}, which cannot import {top}"
        else:
            detail = f"{name.split('.')[0]}, which is not installed"
        hint = install_hint(name) or install_hint(top)
        raise MissingDependencyError(f"{purpose} needs {detail}" + (f": {hint}" if hint else "")) from error
