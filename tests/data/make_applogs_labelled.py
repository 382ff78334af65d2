"""Generate ``applogs_labelled.csv``: labelled Kubernetes application-log messages (run once, committed).

Each template is written the way services in a cluster log: key=value pairs, quoted strings, HTTP
request lines, JSON fragments, UUIDs, durations, IPs, paths and emoji. Variables are drawn from a
seeded generator so the file is reproducible: ``python tests/data/make_applogs_labelled.py``.
"""

from __future__ import annotations

import csv
import random
import uuid
from collections.abc import Callable
from pathlib import Path

RNG = random.Random(15)
PER_TEMPLATE = 12

TENANTS = ["company_a", "company-b", "acme", "globex", "initech", "umbrella"]
USERS = ["alice", "bob", "carol", "dave", "erin", "mallory", "trent", "peggy"]
PATHS = ["/api/v1/cases", "/api/v1/cases/42", "/api/v2/documents", "/healthz", "/metrics", "/api/v1/users/7"]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]
QUEUES = ["ocr-jobs", "billing", "emails", "exports"]
ERRORS = ["connection reset by peer", "deadline exceeded", "no such host", "i/o timeout"]


def ip() -> str:
    return ".".join(str(RNG.randint(1, 254)) for _ in range(4))


def uid() -> str:
    return str(uuid.UUID(int=RNG.getrandbits(128), version=4))


def ms() -> str:
    return f"{RNG.uniform(0.2, 4000):.1f}"


def n(lo: int = 0, hi: int = 100000) -> int:
    return RNG.randint(lo, hi)


def pick(values: list[str]) -> str:
    return RNG.choice(values)


def hexs(k: int) -> str:
    return "".join(RNG.choice("0123456789abcdef") for _ in range(k))


TEMPLATES: dict[str, Callable[[], str]] = {
    "http_access": lambda: (
        f'{ip()} - - "{pick(METHODS)} {pick(PATHS)} HTTP/1.1" {pick(["200", "201", "404", "500"])} {n(10, 90000)} {ms()}ms'
    ),
    "request_done": lambda: (
        f"request completed method={pick(METHODS)} path={pick(PATHS)} status={pick(['200', '204', '503'])} duration_ms={ms()} request_id={uid()}"
    ),
    "conn_failed": lambda: (
        f"Connection failed tenant={pick(TENANTS)} retry_count={n(0, 9)} host={ip()}:{n(1024, 65535)}"
    ),
    "db_slow": lambda: f'slow query took {ms()}ms: "SELECT * FROM cases WHERE tenant_id = {n()}"',
    "json_event": lambda: f'event received {{"type": "case.updated", "case_id": "{uid()}", "version": {n(1, 50)}}}',
    "json_error": lambda: (
        f'{{"level":"error","msg":"upstream unavailable","upstream":"{ip()}:{n(1024, 65535)}","attempt":{n(1, 5)}}}'
    ),
    "user_login": lambda: f"✅ user {pick(USERS)} logged in from {ip()} session={uid()}",
    "user_logout": lambda: f"👋 user {pick(USERS)} logged out after {n(1, 7200)}s",
    "job_started": lambda: f"🚀 job {uid()} started on queue={pick(QUEUES)} priority={n(0, 9)}",
    "job_failed": lambda: f"❌ job {uid()} failed after {n(1, 5)} attempts: {pick(ERRORS)}",
    "cache_hit": lambda: f"cache hit key=tenant:{pick(TENANTS)}:case:{n()} ttl={n(1, 3600)}s",
    "cache_miss": lambda: f"cache miss key=tenant:{pick(TENANTS)}:case:{n()}",
    "ocr_page": lambda: (
        f"OCR processed page {n(1, 300)} of document {uid()} in {ms()} ms confidence={RNG.random():.3f}"
    ),
    "upload": lambda: (
        f"uploaded file '{pick(['scan', 'invoice', 'contract'])}_{n()}.pdf' size={n(1000, 9000000)} bytes to s3://docs-bucket/{hexs(8)}/{hexs(12)}"
    ),
    "pod_oom": lambda: f"container ocr-processor in pod ocr-{hexs(9)}-{hexs(5)} was OOMKilled (limit {n(256, 4096)}Mi)",
    "probe_fail": lambda: f'Readiness probe failed: Get "http://{ip()}:8080/healthz": context deadline exceeded',
    "tls_expire": lambda: f"certificate for {pick(['api', 'auth', 'docs'])}.example.com expires in {n(1, 90)} days",
    "rate_limit": lambda: f"⚠️ rate limit exceeded tenant={pick(TENANTS)} limit={n(10, 1000)}/min current={n(10, 5000)}",
    "kafka_commit": lambda: f"committed offset {n(0, 10**9)} for partition {n(0, 31)} of topic case-events",
    "grpc_call": lambda: (
        f"grpc call /cases.v1.CaseService/GetCase code=OK elapsed={ms()}ms peer={ip()}:{n(1024, 65535)}"
    ),
    "grpc_error": lambda: f'grpc call /cases.v1.CaseService/UpdateCase code=Unavailable desc="{pick(ERRORS)}"',
    "config_reload": lambda: f"configuration reloaded from /etc/app/config-{n(1, 99)}.yaml checksum={hexs(40)}",
    "migration": lambda: f"applied migration {n(1, 400):04d}_add_index_{pick(['cases', 'users', 'docs'])} in {ms()}ms",
    "payment": lambda: (
        f"💳 payment {uid()} captured amount={n(1, 99999) / 100:.2f} currency={pick(['EUR', 'USD', 'GBP'])} tenant={pick(TENANTS)}"
    ),
    "email_sent": lambda: (
        f'email sent to {pick(USERS)}@{pick(["example.com", "acme.io"])} template="{pick(["welcome", "reset", "digest"])}" message_id=<{hexs(16)}@mail>'
    ),
    "gc_pause": lambda: f"GC pause {ms()}ms heap_before={n(100, 4000)}MB heap_after={n(50, 2000)}MB",
    "shutdown": lambda: f"received SIGTERM, draining {n(0, 500)} in-flight requests (grace period {n(5, 60)}s)",
    "validation": lambda: (
        f'validation failed for field "{pick(["email", "amount", "due_date"])}": value {n()} out of range'
    ),
    "lock_wait": lambda: f"waiting for lock cases/{uid()} held by worker-{n(0, 31)} for {ms()}ms",
    "retry": lambda: (
        f"retrying POST https://{pick(['billing', 'auth'])}.internal:{n(1024, 9999)}/v1/charge in {n(1, 30)}s (attempt {n(1, 5)}/5)"
    ),
    "feature_flag": lambda: (
        f"feature flag new-ocr-engine evaluated to {pick(['true', 'false'])} for tenant {pick(TENANTS)}"
    ),
    "scheduler": lambda: (
        f"cron job nightly-export scheduled at 2025-10-{n(1, 28):02d}T0{n(0, 5)}:00:00Z next_run_in={n(1, 86400)}s"
    ),
    "metrics_flush": lambda: f"flushed {n(1, 5000)} metrics to statsd at {ip()}:8125",
    "auth_denied": lambda: (
        f'🔒 access denied user_id={n()} role={pick(["viewer", "editor"])} action="delete" resource=/cases/{uid()}'
    ),
    "websocket": lambda: (
        f'websocket {uid()} closed code={pick(["1000", "1001", "1006"])} reason="{pick(["normal", "going away", "abnormal"])}" duration={n(1, 9000)}s'
    ),
    "pool_stats": lambda: f"db pool stats: active={n(0, 50)} idle={n(0, 50)} waiting={n(0, 20)} max=50",
    "startup": lambda: (
        f"server listening on 0.0.0.0:{n(1024, 9999)} version=v{n(1, 3)}.{n(0, 20)}.{n(0, 9)} commit={hexs(7)}"
    ),
    "trace_span": lambda: (
        f'span finished trace_id={hexs(32)} span_id={hexs(16)} name="{pick(["db.query", "http.request", "render"])}" dur={ms()}ms'
    ),
    "disk": lambda: f"disk usage {n(50, 99)}% on /var/lib/{pick(['data', 'docker', 'kubelet'])} ({n(1, 500)}Gi free)",
    "deprecated": lambda: (
        f"DeprecationWarning: parameter 'legacy_mode' will be removed in v{n(3, 5)}.0 (called from {pick(['cases', 'docs', 'users'])}.py:{n(1, 900)})"
    ),
}


def main() -> None:
    rows = [(name, make()) for name in TEMPLATES for make in [TEMPLATES[name]] * PER_TEMPLATE]
    RNG.shuffle(rows)
    out = Path(__file__).with_name("applogs_labelled.csv")
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["event_id", "message"])
        writer.writerows(rows)


if __name__ == "__main__":
    main()
