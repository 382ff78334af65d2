"""Render the README's charts from sample_logs.txt into docs/: ``python docs/charts.py`` (``make docs``)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

import logframe

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Write one PNG per chart."""
    logs = logframe.scan(HERE.parent / "sample_logs.txt")
    charts = {
        "error_rate.png": lambda ax: logs.plot.error_rate(every="5m", ax=ax),
        "error_rate_by_container.png": lambda ax: logs.plot.error_rate(every="10m", by="container", top=2, ax=ax),
        "levels.png": lambda ax: logs.plot.levels(every="5m", ax=ax),
        "heatmap.png": lambda ax: logs.plot.heatmap(by="container", every="5m", ax=ax),
        "top_tenants.png": lambda ax: logs.plot.top("tenant", n=5, ax=ax),
    }
    for name, draw in charts.items():
        fig, ax = plt.subplots(figsize=(9, 3.6), layout="constrained")
        draw(ax)
        fig.savefig(HERE / name, dpi=110)
        plt.close(fig)
        print(f"wrote docs/{name}")


if __name__ == "__main__":
    main()
