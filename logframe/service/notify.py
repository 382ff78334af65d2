"""Where alert notifications go: a webhook (plain, Slack- or PagerDuty-shaped), a file or stdout, a mock.

Examples
--------
>>> import datetime as dt
>>> from logframe.service.alerts import Alert
>>> alert = Alert("error-burst", {"alertname": "error-burst", "tenant": "a"}, "firing", 61.0,
...               since=dt.datetime(2025, 10, 7, 16, 45, tzinfo=dt.UTC))
>>> payload(alert, "slack")["text"]
':rotating_light: error-burst firing (tenant=a): value 61'
>>> mock = MockNotifier(); mock.send(alert); [a.state for a in mock.sent]
['firing']
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from logframe.dependencies import import_optional
from logframe.service.alerts import Alert

SHAPES = ("plain", "slack", "pagerduty")
"""Payload shapes of :class:`WebhookNotifier`."""


def payload(alert: Alert, shape: str = "plain") -> dict[str, Any]:
    """The JSON body for ``alert`` in one of :data:`SHAPES`."""
    body = alert.as_dict()
    if shape == "plain":
        return body
    group = ", ".join(f"{k}={v}" for k, v in alert.labels.items() if k != "alertname")
    summary = f"{alert.rule} {alert.state}" + (f" ({group})" if group else "")
    if alert.value is not None:
        summary += f": value {alert.value:g}"
    if shape == "slack":
        icon = ":white_check_mark:" if alert.state == "resolved" else ":rotating_light:"
        return {
            "text": f"{icon} {summary}",
            "attachments": [{"fields": [{"title": k, "value": v} for k, v in alert.labels.items()]}],
        }
    if shape == "pagerduty":
        return {
            "event_action": "resolve" if alert.state == "resolved" else "trigger",
            "dedup_key": json.dumps([alert.rule, sorted(alert.labels.items())]),
            "payload": {"summary": summary, "source": "logframe", "severity": alert.labels.get("severity", "error"),
                        "custom_details": body},
        }  # fmt: skip
    raise ValueError(f"unknown payload shape {shape!r}; accepted: {', '.join(SHAPES)}")


@dataclass
class WebhookNotifier:
    """POST each notification as JSON; retried with exponential backoff, each try with a timeout."""

    url: str
    shape: str = "plain"
    timeout: float = 5.0
    retries: int = 3
    backoff: float = 0.5
    failures: int = 0

    def send(self, alert: Alert) -> None:
        """Deliver, or count a failure after the last retry (alerting must not stop on a dead hook)."""
        import_optional("httpx", "the webhook notifier")
        import httpx

        body = payload(alert, self.shape)
        for attempt in range(self.retries + 1):
            try:
                answer = httpx.post(self.url, json=body, timeout=self.timeout)
                if answer.status_code < 500 and answer.status_code != 429:
                    return
            except httpx.HTTPError:
                pass
            if attempt < self.retries:
                time.sleep(self.backoff * 2**attempt)
        self.failures += 1


@dataclass
class FileNotifier:
    """Append each notification as one JSON line to a file, or print it (``path`` None: stdout)."""

    path: str | None = None

    def send(self, alert: Alert) -> None:
        """Write one JSON line."""
        line = json.dumps(payload(alert), ensure_ascii=False) + "\n"
        if self.path is None:
            sys.stdout.write(line)
            sys.stdout.flush()
            return
        with open(Path(self.path), "a", encoding="utf-8") as handle:
            handle.write(line)


@dataclass
class MockNotifier:
    """Records what it would send (for tests)."""

    sent: list[Alert] = field(default_factory=list)

    def send(self, alert: Alert) -> None:
        """Remember ``alert``."""
        self.sent.append(alert)
