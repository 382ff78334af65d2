"""Fixtures for every test and doctest (``tests/`` and the package's docstrings)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _own_cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty record cache for each test (``LOGFRAME_CACHE_DIR``), never the user's.

    A scan reads the cache when an entry for its sources exists, in time order rather than file
    order: an entry left by a notebook or an earlier test must not change what a test sees.
    """
    folder = tmp_path_factory.mktemp("logframe-cache")
    monkeypatch.setenv("LOGFRAME_CACHE_DIR", str(folder))
    return folder
