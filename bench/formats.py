"""Peak memory and time of ``stats()`` on every input format: ``python -m bench.formats [--lines N ...]``.

The CloudWatch file of ``bench.generate`` (same seed) is rewritten into each format's shape, with its
malformed lines carried over as garbage; each file is then read by ``logframe.scan(F, format=NAME).stats()``
in a fresh process, and the median wall time and peak RSS of that whole process (``os.wait4``, as
``/usr/bin/time`` reports it) over ``--repeat`` runs are printed as a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.generate import generate
from bench.run import machine, versions

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "formats"
LEVEL_WORDS = ("CRITICAL", "WARNING", "ERROR", "DEBUG", "INFO", "WARN")


def _level_and_text(log: str) -> tuple[str, str]:
    """The level word and the rest of a generated message (for formats that carry the level apart)."""
    for word in LEVEL_WORDS:
        for prefix in (f"{word}:", f"[{word}] ", f"{word} "):
            if log.startswith(prefix):
                return ("WARNING" if word == "WARN" else word), log[len(prefix) :]
    if log.startswith("level=info "):
        return "INFO", log[len("level=info ") :]
    return "INFO", log


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _rfc3339(time: str) -> str:
    """A generated time (any offset or spelling) as the runtimes write it: UTC, nanoseconds, ``T``, ``Z``."""
    at = dt.datetime.fromisoformat(time.replace("Z", "+00:00").replace("UTC", "+00:00")).astimezone(dt.UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z"


def _docker(obj: dict[str, Any]) -> str:
    record = {"log": f"{obj['log']}\n", "stream": obj.get("stream") or "stdout", "time": _rfc3339(obj["time"])}
    return json.dumps(record, ensure_ascii=False)


def _cri(obj: dict[str, Any]) -> str:
    return f"{_rfc3339(obj['time'])} {obj.get('stream') or 'stdout'} F {obj['log']}"


def _logfmt(obj: dict[str, Any]) -> str:
    level, text = _level_and_text(obj["log"])
    pod = (obj.get("kubernetes") or {}).get("pod_name") or "unknown"
    time = obj["time"] if " " not in obj["time"] else _quote(obj["time"])
    return f"ts={time} level={level.lower()} pod={pod} msg={_quote(text)}"


def _python(obj: dict[str, Any]) -> str:
    level, text = _level_and_text(obj["log"])
    return f"{obj['time'][:19].replace('T', ' ')},000 {level} app.worker {text}"


def _text(obj: dict[str, Any]) -> str:
    return f"{obj['time']} {obj['log']}"


def _json(obj: dict[str, Any]) -> str:
    level, text = _level_and_text(obj["log"])
    record = {"ts": obj["time"], "severity": level, "msg": text, "kube": obj.get("kubernetes")}
    return json.dumps(record, ensure_ascii=False)


SHAPES: dict[str, Callable[[dict[str, Any]], str]] = {
    "docker": _docker,
    "cri": _cri,
    "json": _json,
    "logfmt": _logfmt,
    "python": _python,
    "text": _text,
}


def _records(src: Path) -> Iterator[dict[str, Any] | str]:
    """The lines of the CloudWatch file: usable objects, and malformed lines as they are (garbage)."""
    with open(src, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            try:
                obj = json.loads(line)
            except ValueError:
                yield line.rstrip("\n")
                continue
            if not isinstance(obj, dict):
                yield line.rstrip("\n")  # valid JSON but not an object: garbage in every format
                continue
            try:  # an object without a text log or a usable time: no runtime writes one, so leave it out
                _rfc3339(obj["time"])
            except (KeyError, TypeError, ValueError, AttributeError):
                continue
            if isinstance(obj.get("log"), str):
                yield obj


def write_formats(n_lines: int) -> dict[str, Path]:
    """One file per format (written once), plus the CloudWatch original of ``n_lines`` lines.

    Objects no runtime could have written (no text ``log``; an empty, null or epoch-number time) are
    left out of the rewritten files, so those have a few percent fewer lines than the original; the
    malformed lines (not JSON objects) are carried over as garbage.
    """
    DATA.mkdir(parents=True, exist_ok=True)
    source = DATA / f"cloudwatch_{n_lines}.jsonl"
    if not source.exists():
        generate(n_lines, source)
    paths = {"cloudwatch": source}
    for name, shape in SHAPES.items():
        path = DATA / f"{name}_{n_lines}.log"
        if not path.exists():
            with open(path, "w", encoding="utf-8") as out:
                for item in _records(source):
                    out.write((shape(item) if isinstance(item, dict) else item) + "\n")
        paths[name] = path
    return paths


CHILD = "import logframe, sys; print(logframe.scan(sys.argv[1], format=sys.argv[2]).stats()['total'])"


def measure(path: Path, format: str) -> tuple[float, int, int]:
    """Wall seconds, peak RSS (KiB) and records counted, of one fresh process."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), format], cwd=ROOT, stdout=subprocess.PIPE)
    assert child.stdout is not None
    total = int(child.stdout.read() or 0)
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"stats() on {path.name} failed")
    return time.perf_counter() - start, usage.ru_maxrss, total


def main() -> None:
    """Write the files, measure each, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{dt.date.today()}; {machine()}; {versions()}\n")
    print("| format | lines | records | seconds (median) | peak RSS MB (median) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for n_lines in args.lines:
        for name, path in write_formats(n_lines).items():
            runs = [measure(path, name) for _ in range(args.repeat)]
            seconds = statistics.median(r[0] for r in runs)
            rss = statistics.median(r[1] for r in runs) / 1024
            print(f"| {name} | {n_lines:,} | {runs[0][2]:,} | {seconds:.2f} | {rss:.0f} |", flush=True)


if __name__ == "__main__":
    main()
