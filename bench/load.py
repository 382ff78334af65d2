"""Load on the log service over loopback: ``python -m bench.load [--seconds S] [--batch N ...] [--nodes N ...]``.

Two tables. By batch size: ``logframe serve`` on a fresh store on 127.0.0.1 (a subprocess), batches
of generated CloudWatch lines sent from ``--clients`` threads for ``--seconds`` seconds, each request
answered only once its batch is durable (fsynced write-ahead log). By node count: 1, 2, 3 ... servers,
each with its own write-ahead log, all committing to one fresh local Delta table, the same clients
spread over them (client ``i`` sends to node ``i mod N``), batches of ``--node-batch`` lines; then every
node is flushed. Each row gives the sustained accepted records per second, the p50/p99 request
latency, and for the nodes the records per second committed end to end (from the first request until
the last node's flush answered) and the commits retried after losing a race (``/metrics``). Every run
checks that the store holds every accepted record once. Traffic goes to 127.0.0.1 only, and every
loop is bounded in time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(store: Path, wal: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = [sys.executable, "-m", "logframe.cli", "serve", "--store", str(store), "--wal", str(wal)]
    server = subprocess.Popen([*command, "--port", str(port)], cwd=ROOT, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return server, url
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


def _bodies(lines: list[bytes], batch: int) -> list[bytes]:
    return [b"".join(lines[i : i + batch]) for i in range(0, len(lines) - batch + 1, batch)]


def run(urls: list[str], bodies: list[bytes], clients: int, seconds: float) -> tuple[int, float, list[float]]:
    """Send ``bodies`` from ``clients`` threads for ``seconds``: accepted, elapsed, latencies.

    Client ``i`` sends to ``urls[i % len(urls)]``, the bodies round-robin.
    """
    accepted, latencies, lock = [0], [], threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        url = urls[offset % len(urls)]
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


def _cuts(latencies: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return cuts[49] * 1000, cuts[98] * 1000


def _retries(url: str) -> float:
    """``logframe_commit_retries_total`` of the server at ``url``."""
    for line in httpx.get(f"{url}/metrics", timeout=60).text.splitlines():
        if line.startswith("logframe_commit_retries_total "):
            return float(line.split()[1])
    raise RuntimeError("no logframe_commit_retries_total on /metrics")


def _stop(servers: list[subprocess.Popen[bytes]]) -> None:
    for server in servers:
        server.terminate()
    for server in servers:
        server.wait(timeout=60)


def by_batch(work: Path, lines: list[bytes], args: argparse.Namespace) -> None:
    """One server, one row a batch size."""
    server, url = _start(work / "store", work / "store-wal")
    print("| batch (lines) | requests | accepted records/s | p50 latency ms | p99 latency ms |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    total = 0
    try:
        for batch in args.batch:
            accepted, elapsed, latencies = run([url], _bodies(lines, batch), args.clients, args.seconds)
            total += accepted
            p50, p99 = _cuts(latencies)
            print(f"| {batch:,} | {len(latencies):,} | {accepted / elapsed:,.0f} | {p50:.1f} | {p99:.1f} |", flush=True)
        httpx.post(f"{url}/v1/flush", timeout=300).raise_for_status()
        stored = httpx.get(f"{url}/v1/stats", timeout=300).json()["summary"]["total"]
    finally:
        _stop([server])
    print(f"\nstore holds {stored:,} records; the server accepted {total:,}")
    if stored != total:
        raise SystemExit("the store does not hold exactly what was accepted")


def by_nodes(work: Path, lines: list[bytes], args: argparse.Namespace) -> None:
    """One row a node count: that many servers, each with its own log, on one fresh local table."""
    from logframe.service.store import open_store

    print(
        "| nodes | requests | accepted records/s | p50 latency ms | p99 latency ms "
        "| committed records/s, end to end | commits retried |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    bodies = _bodies(lines, args.node_batch)
    for count in args.nodes:
        store = work / f"store-{count}-nodes"
        started = [_start(store, work / f"wal-{count}-{i}") for i in range(count)]
        servers, urls = [s for s, _ in started], [u for _, u in started]
        try:
            began = time.perf_counter()
            accepted, elapsed, latencies = run(urls, bodies, args.clients, args.seconds)
            for url in urls:
                httpx.post(f"{url}/v1/flush", timeout=300).raise_for_status()
            drained = time.perf_counter() - began
            retries = sum(_retries(url) for url in urls)
        finally:
            _stop(servers)
        stored = open_store(store).scan().collect().height
        if stored != accepted:
            raise SystemExit(f"{count} nodes: the store holds {stored:,} records; they accepted {accepted:,}")
        p50, p99 = _cuts(latencies)
        print(
            f"| {count} | {len(latencies):,} | {accepted / elapsed:,.0f} | {p50:.1f} | {p99:.1f} "
            f"| {stored / drained:,.0f} | {retries:.0f} |",
            flush=True,
        )


def main() -> None:
    """Run the load by batch size, then by node count, and print Markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--batch", type=int, nargs="*", default=[100, 1000, 5000])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--nodes", type=int, nargs="*", default=[1, 2, 3])
    parser.add_argument("--node-batch", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        sample = generate(50_000, work / "lines.jsonl")
        lines = [line for line in sample.read_bytes().splitlines(keepends=True) if line.strip()]
        print(f"{dt.date.today()}; {machine()}; {versions()}; {args.clients} clients, {args.seconds:.0f} s a row")
        print(f"load average before the run (1, 5, 15 min): {_load()}\n")
        if args.batch:
            print("One node, by batch size:\n")
            by_batch(work, lines, args)
        if args.nodes:
            print(f"\nBy nodes on one local Delta table, {args.node_batch:,}-line batches:\n")
            by_nodes(work, lines, args)
        print(f"\nload average after the run (1, 5, 15 min): {_load()}")


def _load() -> str:
    """The machine's load averages: other work on the same cores skews every figure."""
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
