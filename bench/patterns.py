"""Template mining on labelled logs: logframe, drain3 and a Brain-style baseline, in one run.

``python -m bench.patterns [--loghub DIR] [--loghub2 DIR] [--loo] [--speed LOGS_1M]`` (``make bench-patterns``).

Data: the eight Loghub-2k sets (``../shared/loghub``, 2,000 messages each, labelled by event id) and
the eight Loghub-2.0 samples (``../shared/loghub2-samples``, 128 messages each, relabelled by the
Loghub-2.0 authors; the group of a message is its template). Cite the Loghub and Loghub-2.0 papers.

Metrics (Loghub-2.0's definitions, Jiang et al., ISSTA 2024):

- **GA**, grouping accuracy: the share of messages whose predicted group has exactly the members of
  their true group.
- **FGA**, F1 of grouping accuracy: the harmonic mean of the shares of predicted groups and of true
  groups that are exactly right (one template, one group, same members).
- **PA**, parsing accuracy: the share of messages whose predicted template is the labelled template
  (both with runs of ``<*>`` and of spaces collapsed).

Parsers: logframe with its one configuration; drain3's ``TemplateMiner`` with its defaults; a
Brain-style parser (``bench.brain``). ``--loo`` adds leave-one-dataset-out: for each of the 16 sets,
logframe's parameters are chosen on a small grid by mean GA over the other 15, then scored on it.
``--speed`` times ``patterns()`` on 1M and 10M records beside drain3 (see :func:`speed`).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import polars as pl

from bench.brain import brain_parse
from bench.run import machine, versions
from logframe.patterns import Settings, mine_templates

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
LOGHUB = SHARED / "loghub"
LOGHUB2 = SHARED / "loghub2-samples"


@dataclass(frozen=True)
class LabelledSet:
    """Messages with their true group and template."""

    name: str
    messages: list[str]
    groups: list[str]
    templates: list[str]


def load_sets(loghub: Path = LOGHUB, loghub2: Path = LOGHUB2) -> list[LabelledSet]:
    """The labelled sets found under the two folders (Loghub-2k ones first), each tagged by origin."""
    sets = []
    for csv in sorted(loghub.glob("*/*_2k.log_structured.csv")):
        data = pl.read_csv(csv, columns=["Content", "EventId", "EventTemplate"], infer_schema=False)
        sets.append(
            LabelledSet(
                f"{csv.parent.name}-2k",
                data["Content"].to_list(),
                data["EventId"].to_list(),
                data["EventTemplate"].to_list(),
            )
        )
    for csv in sorted(loghub2.glob("*_128.csv")):
        data = pl.read_csv(csv, infer_schema=False)
        name = csv.name.removesuffix("_128.csv")
        sets.append(
            LabelledSet(
                f"{name}-2.0",
                data["Content"].to_list(),
                data["EventTemplate"].to_list(),
                data["EventTemplate"].to_list(),
            )
        )
    return sets


def grouping_accuracy(truth: pl.Series, predicted: pl.Series) -> float:
    """Share of messages in predicted groups that contain exactly one true group, all of it.

    Examples
    --------
    >>> grouping_accuracy(pl.Series(["a", "a", "b", "c"]), pl.Series([1, 1, 2, 2]))
    0.5
    """
    return _exact_groups(truth, predicted)[0]


def f1_grouping_accuracy(truth: pl.Series, predicted: pl.Series) -> float:
    """FGA: harmonic mean of the shares of predicted and of true groups that are exactly right.

    Examples
    --------
    >>> round(f1_grouping_accuracy(pl.Series(["a", "a", "b", "c"]), pl.Series([1, 1, 2, 2])), 3)
    0.4
    """
    _, exact, n_predicted, n_true = _exact_groups(truth, predicted)
    if exact == 0:
        return 0.0
    precision, recall = exact / n_predicted, exact / n_true
    return 2 * precision * recall / (precision + recall)


def _exact_groups(truth: pl.Series, predicted: pl.Series) -> tuple[float, int, int, int]:
    df = pl.DataFrame({"truth": truth, "predicted": predicted})
    true_sizes = df.group_by("truth").agg(true_size=pl.len())
    groups = df.group_by("predicted").agg(
        pl.col("truth").n_unique().alias("kinds"), pl.col("truth").first(), size=pl.len()
    )
    exact = (
        groups.filter(pl.col("kinds") == 1).join(true_sizes, on="truth").filter(pl.col("size") == pl.col("true_size"))
    )
    return float(exact["size"].sum()) / df.height, exact.height, groups.height, true_sizes.height


def _normalised(template: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"(?:<\*>)+", "<*>", template)).strip()


def parsing_accuracy(truth: Sequence[str], predicted: Sequence[str]) -> float:
    """Share of messages whose template is the labelled one (runs of ``<*>`` and spaces collapsed).

    Examples
    --------
    >>> parsing_accuracy(["a <*> b", "c <*>"], ["a <*><*> b", "c d"])
    0.5
    """
    same = sum(_normalised(t) == _normalised(p) for t, p in zip(truth, predicted, strict=True))
    return same / len(truth)


Parser = Callable[[list[str]], tuple[list[int], list[str]]]


def logframe_parser(settings: Settings | None = None) -> Parser:
    """``mine_templates`` with ``settings`` (the package's configuration by default)."""

    def parse(messages: list[str]) -> tuple[list[int], list[str]]:
        mined = mine_templates(messages, settings=settings or Settings())
        return mined["template_id"].to_list(), mined["template"].to_list()

    return parse


def drain3_parse(messages: list[str]) -> tuple[list[int], list[str]]:
    """Cluster ids and final templates from drain3's TemplateMiner with its default configuration."""
    from drain3 import TemplateMiner

    miner = TemplateMiner()
    ids = [miner.add_log_message(m)["cluster_id"] for m in messages]
    templates = {c.cluster_id: c.get_template() for c in miner.drain.clusters}
    return ids, [templates[i] for i in ids]


PARSERS: dict[str, Parser] = {"logframe": logframe_parser(), "drain3": drain3_parse, "brain": brain_parse}


def score(data: LabelledSet, parser: Parser) -> dict[str, float]:
    """GA, FGA and PA of ``parser`` on one set."""
    ids, templates = parser(data.messages)
    truth, predicted = pl.Series(data.groups), pl.Series(ids)
    return {
        "ga": grouping_accuracy(truth, predicted),
        "fga": f1_grouping_accuracy(truth, predicted),
        "pa": parsing_accuracy(data.templates, templates),
    }


def evaluate(sets: list[LabelledSet]) -> list[dict[str, object]]:
    """One row per set: every parser's GA, FGA and PA."""
    rows: list[dict[str, object]] = []
    for data in sets:
        row: dict[str, object] = {
            "dataset": data.name,
            "messages": len(data.messages),
            "templates": len(set(data.groups)),
        }
        for name, parser in PARSERS.items():
            for metric, value in score(data, parser).items():
                row[f"{name}_{metric}"] = value
        rows.append(row)
    return rows


GRID_SIMILARITY = (0.5, 0.6, 0.7, 0.8)
GRID_DEPTH = (1, 2, 3)
GRID_FEW_WORDS = (0, 2, 3, 4)
"""The parameter grid leave-one-out chooses from (the defaults are in it)."""


def leave_one_out(sets: list[LabelledSet]) -> list[dict[str, object]]:
    """Each set scored with the grid point that maximises mean GA over the other sets."""
    points = [
        Settings(similarity=similarity, depth=depth, few_words=few_words)
        for similarity, depth, few_words in itertools.product(GRID_SIMILARITY, GRID_DEPTH, GRID_FEW_WORDS)
    ]
    ga = {(p, d.name): score(d, logframe_parser(p))["ga"] for p in points for d in sets}
    rows: list[dict[str, object]] = []
    for held in sets:
        others = [d.name for d in sets if d.name != held.name]
        best = max(points, key=lambda p: sum(ga[(p, n)] for n in others))
        fields = dataclasses.asdict(best)
        rows.append({"dataset": held.name, "ga": ga[(best, held.name)], **fields})
    return rows


def _mean(rows: list[dict[str, object]], key: str, suffix: str) -> float:
    chosen = [float(str(r[key])) for r in rows if str(r["dataset"]).endswith(suffix)]
    return sum(chosen) / len(chosen) if chosen else float("nan")


def print_table(rows: list[dict[str, object]]) -> None:
    """Markdown: one line per set, GA/FGA/PA of each parser, then the means of each origin."""
    names = list(PARSERS)
    print("| data set | templates | " + " | ".join(f"{n} GA / FGA / PA" for n in names) + " |")
    print("| --- | ---: | " + " | ".join("---:" for _ in names) + " |")
    for r in rows:
        cells = [" / ".join(f"{float(str(r[f'{n}_{m}'])):.3f}" for m in ("ga", "fga", "pa")) for n in names]
        print(f"| {r['dataset']} | {r['templates']} | " + " | ".join(cells) + " |")
    for suffix in ("-2k", "-2.0"):
        cells = [" / ".join(f"{_mean(rows, f'{n}_{m}', suffix):.3f}" for m in ("ga", "fga", "pa")) for n in names]
        print(f"| **mean {suffix.strip('-')}** | | " + " | ".join(cells) + " |")


BENCH_DATA = Path(__file__).resolve().parent / "data"

_TIMED = """
import resource, sys, time
import logframe
sources = sys.argv[1:]
start = time.perf_counter()
summary = logframe.scan(sources if len(sources) > 1 else sources[0]).patterns()
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(int(summary["count"].sum()), summary.height, seconds, rss)
"""


def speed(one_million: Path) -> list[dict[str, object]]:
    """``patterns()`` on 1M and 10M records (the 1M file read ten times), drain3 on the same messages.

    Each logframe run is its own process (its peak RSS is the figure, the process's whole peak);
    drain3 is timed on the 1M file's messages, in memory (its input is a Python list of messages).
    """
    import subprocess
    import sys
    import tempfile

    import logframe

    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        copies = []
        for i in range(10):
            link = Path(tmp) / f"copy{i}.jsonl"
            link.symlink_to(one_million.resolve())
            copies.append(str(link))
        for label, sources in (("1M", [str(one_million)]), ("10M", copies)):
            out = subprocess.run([sys.executable, "-c", _TIMED, *sources], capture_output=True, text=True, check=True)
            counted, templates, seconds, rss = out.stdout.split()
            rows.append(
                {
                    "parser": "logframe patterns()",
                    "records": f"{int(counted):,} ({label})",
                    "templates": int(templates),
                    "seconds": float(seconds),
                    "peak_rss_mb": float(rss),
                }
            )
    messages = logframe.scan(one_million).collect()["message"].drop_nulls().to_list()
    start = time.perf_counter()
    ids, _ = drain3_parse(messages)
    drain3_seconds = time.perf_counter() - start
    rows.append(
        {
            "parser": "drain3 (default)",
            "records": f"{len(messages):,} (1M, the same messages)",
            "templates": len(set(ids)),
            "seconds": drain3_seconds,
            "peak_rss_mb": float("nan"),
        }
    )
    return rows


def main() -> None:
    """Print the tables (markdown) of ``bench.patterns``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loghub", type=Path, default=LOGHUB)
    parser.add_argument("--loghub2", type=Path, default=LOGHUB2)
    parser.add_argument("--loo", action="store_true", help="add the leave-one-dataset-out table")
    parser.add_argument(
        "--speed",
        type=Path,
        metavar="LOGS_1M",
        help="add the 1M / 10M timings on this 1M-record file (make bench-data)",
    )
    args = parser.parse_args()
    print(f"{dt.date.today()}; {machine()}; {versions()}, drain3 {metadata.version('drain3')}\n")
    sets = load_sets(args.loghub, args.loghub2)
    print_table(evaluate(sets))
    if args.loo:
        print()
        print("| held-out set | LOO GA | similarity | depth | few_words |")
        print("| --- | ---: | ---: | ---: | ---: |")
        loo = leave_one_out(sets)
        for r in loo:
            print(
                f"| {r['dataset']} | {float(str(r['ga'])):.3f} | {r['similarity']} | {r['depth']} | {r['few_words']} |"
            )
        for suffix in ("-2k", "-2.0"):
            print(f"| **mean {suffix.strip('-')}** | {_mean(loo, 'ga', suffix):.3f} | | | |")
    if args.speed:
        print()
        load = os.getloadavg()[0]
        threads = os.environ.get("POLARS_MAX_THREADS", "unset")
        print(
            f"Timings: POLARS_MAX_THREADS={threads}; a shared machine, "
            f"load average {load:.1f} (1 min) on {os.cpu_count()} cores when they started.\n"
        )
        print("| parser | records | templates | seconds | records/s | peak RSS (MB) |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for r in speed(args.speed):
            count = int(str(r["records"]).split(" ")[0].replace(",", ""))
            seconds = float(str(r["seconds"]))
            rss = float(str(r["peak_rss_mb"]))
            print(
                f"| {r['parser']} | {r['records']} | {r['templates']} | {seconds:.2f} | {count / seconds:,.0f} "
                f"| {'' if rss != rss else f'{rss:.0f}'} |"
            )


if __name__ == "__main__":
    main()
