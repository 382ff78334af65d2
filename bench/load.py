"""Load on the log service over loopback: ``python -m bench.load [--seconds S] [--batch N ...] [--clients C]``.

Starts ``logframe serve`` on a fresh store on 127.0.0.1 (a subprocess), then for each batch size
sends batches of generated CloudWatch lines from ``--clients`` threads for ``--seconds`` seconds,
each request answered only once its batch is durable (fsynced write-ahead log). Prints the sustained
accepted records per second and the p50/p99 request latency per batch size, then checks that the
store holds every accepted record once the log is flushed. Traffic goes to 127.0.0.1 only, and every
loop is bounded in time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.generate import generate
from bench.run import machine, versions

ROOT = Path(__file__).resolve().parent.parent


def _start(store: Path, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "logframe.cli", "serve", "--store", str(store), "--port", str(port)], cwd=ROOT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


def _bodies(lines: list[bytes], batch: int) -> list[bytes]:
    return [b"".join(lines[i : i + batch]) for i in range(0, len(lines) - batch + 1, batch)]


def run(url: str, bodies: list[bytes], clients: int, seconds: float) -> tuple[int, float, list[float]]:
    """Send ``bodies`` round-robin from ``clients`` threads for ``seconds``: accepted, elapsed, latencies."""
    accepted, latencies, lock = [0], [], threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        with httpx.Client(timeout=30) as http:
            n = offset
            while time.monotonic() < deadline:
                body = bodies[n % len(bodies)]
                n += clients
                started = time.perf_counter()
                answer = http.post(f"{url}/v1/ingest", content=body)
                took = time.perf_counter() - started
                answer.raise_for_status()
                with lock:
                    accepted[0] += answer.json()["accepted"]
                    latencies.append(took)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return accepted[0], time.perf_counter() - started, latencies


def main() -> None:
    """Run the load for each batch size and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--batch", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--port", type=int, default=18123)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        sample = generate(50_000, Path(work) / "lines.jsonl")
        lines = [line for line in sample.read_bytes().splitlines(keepends=True) if line.strip()]
        store = Path(work) / "store"
        server = _start(store, args.port)
        url = f"http://127.0.0.1:{args.port}"
        print(f"{dt.date.today()}; {machine()}; {versions()}; {args.clients} clients, {args.seconds:.0f} s each\n")
        print("| batch (lines) | requests | accepted records/s | p50 latency ms | p99 latency ms |")
        print("| ---: | ---: | ---: | ---: | ---: |")
        total = 0
        try:
            for batch in args.batch:
                accepted, elapsed, latencies = run(url, _bodies(lines, batch), args.clients, args.seconds)
                total += accepted
                cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
                print(
                    f"| {batch:,} | {len(latencies):,} | {accepted / elapsed:,.0f} | "
                    f"{cuts[49] * 1000:.1f} | {cuts[98] * 1000:.1f} |",
                    flush=True,
                )
            httpx.post(f"{url}/v1/flush", timeout=300).raise_for_status()
            stored = httpx.get(f"{url}/v1/stats", timeout=300).json()["summary"]["total"]
            print(f"\nstore holds {stored:,} records; the server accepted {total:,}")
            if stored != total:
                raise SystemExit("the store does not hold exactly what was accepted")
        finally:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
