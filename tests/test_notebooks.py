"""Every notebook in notebooks/ runs top to bottom in a fresh kernel without an error.

The kernel inherits ``LOGFRAME_CACHE_DIR`` from the test (a fresh temporary folder, set for every
test by the root ``conftest.py``), so the notebooks that cache their export (as a user on a big
export would: read once, ``.cache()``, then every cell reads the cache) never write to the user's
own cache, and the test sees what they wrote.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from logframe.cache import entries
from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

CACHING = {"quickstart.ipynb", "incident_analysis.ipynb"}
"""Notebooks over sample_logs.txt: they parse it once into the cache and read the cache after."""


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "notebooks/ should hold at least one notebook"
    assert {p.name for p in NOTEBOOKS} >= CACHING


def _outputs(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [o for cell in notebook.cells for o in cell.get("outputs", [])]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path: Path) -> None:
    cache_dir = Path(os.environ["LOGFRAME_CACHE_DIR"])  # this test's own (conftest.py); the kernel inherits it
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}
    ).execute()
    outputs = _outputs(notebook)
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors
    if path.name in CACHING:
        assert len(entries(cache_dir)) == 1  # sample_logs.txt, parsed once
        shown = [str(o.get("data", {}).get("text/plain", "")) for o in outputs]
        assert any("(lazy, from the cache;" in text for text in shown)  # its LogFrames read the cache
    else:
        assert entries(cache_dir) == []
