"""Grouping accuracy of logframe's template mining against drain3 on the labelled Loghub samples.

``python -m bench.patterns [LOGHUB_DIR]`` (``make bench-patterns``). Grouping accuracy (GA) is the
fraction of messages whose predicted group is exactly their true group (same members). drain3 runs
with its default configuration; logframe with its one configuration. The samples are Loghub's 2k
sets (github.com/logpai/loghub; cite the Loghub paper when using them).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import polars as pl

from logframe.patterns import mine_templates

DEFAULT_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "loghub"


def grouping_accuracy(truth: pl.Series, predicted: pl.Series) -> float:
    """Share of messages in predicted groups that contain exactly one true group, all of it.

    Examples
    --------
    >>> grouping_accuracy(pl.Series(["a", "a", "b", "c"]), pl.Series([1, 1, 2, 2]))
    0.5
    """
    df = pl.DataFrame({"truth": truth, "predicted": predicted})
    true_sizes = df.group_by("truth").agg(true_size=pl.len())
    groups = df.group_by("predicted").agg(
        pl.col("truth").n_unique().alias("kinds"), pl.col("truth").first(), size=pl.len()
    )
    exact = (
        groups.filter(pl.col("kinds") == 1).join(true_sizes, on="truth").filter(pl.col("size") == pl.col("true_size"))
    )
    return float(exact["size"].sum()) / df.height


def drain3_groups(messages: list[str]) -> list[int]:
    """Cluster ids from drain3's TemplateMiner with its default configuration."""
    from drain3 import TemplateMiner

    miner = TemplateMiner()
    return [miner.add_log_message(m)["cluster_id"] for m in messages]


def evaluate(folder: Path) -> list[dict[str, Any]]:
    """GA and throughput of logframe and drain3 on each data set under ``folder``."""
    rows = []
    for csv in sorted(folder.glob("*/*_2k.log_structured.csv")):
        data = pl.read_csv(csv, columns=["Content", "EventId"], infer_schema=False)
        messages, truth = data["Content"], data["EventId"]
        start = time.perf_counter()
        ours = mine_templates(messages)["template_id"]
        ours_s = time.perf_counter() - start
        start = time.perf_counter()
        theirs = pl.Series(drain3_groups(messages.to_list()))
        theirs_s = time.perf_counter() - start
        rows.append(
            {
                "dataset": csv.parent.name,
                "messages": data.height,
                "true_templates": truth.n_unique(),
                "logframe_ga": grouping_accuracy(truth, ours),
                "drain3_ga": grouping_accuracy(truth, theirs),
                "logframe_templates": ours.n_unique(),
                "drain3_templates": theirs.n_unique(),
                "logframe_msgs_per_s": data.height / ours_s,
                "drain3_msgs_per_s": data.height / theirs_s,
            }
        )
    return rows


def main() -> None:
    """Print the table (markdown) of GA per data set, logframe and drain3 side by side."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args()
    rows = evaluate(args.folder)
    print("| data set | messages | true templates | logframe GA | drain3 GA | logframe templates | drain3 templates |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        counts = f"| {r['dataset']} | {r['messages']:,} | {r['true_templates']} "
        scores = (
            f"| {r['logframe_ga']:.3f} | {r['drain3_ga']:.3f} | {r['logframe_templates']} | {r['drain3_templates']} |"
        )
        print(counts + scores)
    mean_ours = sum(r["logframe_ga"] for r in rows) / len(rows)
    mean_theirs = sum(r["drain3_ga"] for r in rows) / len(rows)
    print(f"| **mean** | | | **{mean_ours:.3f}** | **{mean_theirs:.3f}** | | |")
    print()
    print(throughput(args.folder))


def throughput(folder: Path, target: int = 100_000) -> str:
    """Messages per second of ``mine_templates`` on all sets' messages repeated to at least ``target``."""
    messages = pl.concat(
        [
            pl.read_csv(c, columns=["Content"], infer_schema=False)["Content"]
            for c in folder.glob("*/*_2k.log_structured.csv")
        ]
    )
    repeated = pl.concat([messages] * (target // messages.len() + 1))
    start = time.perf_counter()
    mine_templates(repeated)
    seconds = time.perf_counter() - start
    return f"throughput: {repeated.len():,} messages in {seconds:.2f} s = {repeated.len() / seconds:,.0f} messages/s"


if __name__ == "__main__":
    main()
