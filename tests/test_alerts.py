"""Alert rules: parsing, measures, every state transition with an injectable clock, notifiers."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

import logframe
from logframe.service.alerts import Alerting, parse_rules
from logframe.service.notify import FileNotifier, MockNotifier, WebhookNotifier, payload
from tests.conftest import ROOT, SAMPLE, Writer, record

T0 = dt.datetime(2025, 10, 7, 16, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def errors_at(write: Writer, minutes: list[float], tenant: str = "a", level: str = "ERROR") -> Path:
    lines = [record(f"{level}:app.db:failed tenant={tenant}", at(m).isoformat()) for m in minutes]
    return write(lines)


def rules(**overrides: Any) -> list[Any]:
    spec = {"name": "burst", "kind": "threshold", "where": "level='ERROR'", "window": "5m", "condition": "> 2"}
    return parse_rules({"rules": [{**spec, **overrides}]})


def test_pending_then_firing_after_for_then_resolved(write: Writer) -> None:
    logs = logframe.scan(errors_at(write, [0, 1, 2, 3, 4, 5, 6]))
    mock = MockNotifier()
    alerting = Alerting(rules(**{"for": "2m"}), [mock])
    assert [a.state for a in alerting.evaluate(logs, at(3.5))] == ["pending"]  # 4 errors in [-1.5, 3.5)
    assert mock.sent == []
    assert [a.state for a in alerting.evaluate(logs, at(4.5))] == ["pending"]  # held 1 min of 2
    assert [a.state for a in alerting.evaluate(logs, at(5.5))] == ["firing"]  # held 2 min
    assert [(a.state, a.value) for a in mock.sent] == [("firing", 5.0)]
    assert [a.state for a in alerting.evaluate(logs, at(6.5))] == ["firing"]
    assert len(mock.sent) == 1  # deduplicated: no second notification for the same firing
    assert alerting.evaluate(logs, at(20)) == []  # no errors in the window any more
    assert [a.state for a in mock.sent] == ["firing", "resolved"]


def test_pending_that_lapses_never_notifies(write: Writer) -> None:
    logs = logframe.scan(errors_at(write, [0, 0.5, 1]))
    mock = MockNotifier()
    alerting = Alerting(rules(**{"for": "10m"}), [mock])
    assert [a.state for a in alerting.evaluate(logs, at(2))] == ["pending"]
    assert alerting.evaluate(logs, at(30)) == []
    assert mock.sent == []


def test_repeat_interval_and_keep_firing_for(write: Writer) -> None:
    logs = logframe.scan(errors_at(write, [m / 2 for m in range(0, 60)]))  # 2 a minute for 30 minutes
    mock = MockNotifier()
    alerting = Alerting(rules(repeat_interval="10m", keep_firing_for="5m"), [mock])
    for minute in range(3, 30):
        alerting.evaluate(logs, at(minute))
    assert [a.state for a in mock.sent] == ["firing", "firing", "firing"]  # at 3, 13, 23
    assert [a.fired_at for a in mock.sent] == [at(3)] * 3
    alerting.evaluate(logs, at(31))  # [26, 31) still holds 8 errors: true
    alerting.evaluate(logs, at(34))  # [29, 34) holds 2: false, but kept firing (3 min < 5)
    assert [a.state for a in alerting.active()] == ["firing"]
    assert [a.state for a in mock.sent][-1] == "firing"
    alerting.evaluate(logs, at(37))  # false for 6 min since it last held: resolved
    assert [a.state for a in mock.sent][-1] == "resolved"
    assert alerting.active() == []


def test_group_by_gives_one_alert_per_group(write: Writer) -> None:
    lines = [record(f"ERROR:app:x tenant={t}", at(m).isoformat()) for t, n in (("a", 5), ("b", 2)) for m in range(n)]
    logs = logframe.scan(write(lines))
    alerting = Alerting(rules(group_by=["tenant"]))
    active = alerting.evaluate(logs, at(5))
    assert [(a.labels["tenant"], a.value) for a in active] == [("a", 5.0)]
    assert active[0].labels == {"alertname": "burst", "tenant": "a"}


def test_rate_measure(write: Writer) -> None:
    lines = [record("ERROR:app:x", at(0).isoformat())] + [record("INFO:app:ok", at(1).isoformat())] * 3
    logs = logframe.scan(write(lines))
    active = Alerting(rules(measure="rate", condition=">= 0.25")).evaluate(logs, at(2))
    assert [(a.rule, a.value) for a in active] == [("burst", 0.25)]
    assert Alerting(rules(measure="rate", condition="> 0.25")).evaluate(logs, at(2)) == []


def test_silence_counts_as_zero(write: Writer) -> None:
    logs = logframe.scan(errors_at(write, [0], level="INFO"))
    active = Alerting(rules(where="level='INFO'", condition="< 1")).evaluate(logs, at(30))
    assert [(a.state, a.value) for a in active] == [("firing", 0.0)]


def test_pattern_rules_regex_and_new_template(write: Writer) -> None:
    lines = [
        record("ERROR:app:Disk slow on /dev/sda1", at(0).isoformat()),
        record("ERROR:app:Disk slow on /dev/sdb2", at(30).isoformat()),
        record("ERROR:app:Connection refused by 10.0.0.7", at(61).isoformat()),
    ]
    logs = logframe.scan(write(lines))
    document = {
        "rules": [
            {"name": "refused", "kind": "pattern", "where": "level='ERROR'", "regex": "Connection (refused|reset)"},
            {"name": "new", "kind": "pattern", "where": "level='ERROR'", "new_template": True, "window": "5m"},
        ]
    }
    active = Alerting(parse_rules(document)).evaluate(logs, at(62))
    assert [(a.rule, a.labels.get("template")) for a in active] == [
        ("new", "Connection refused by <*>"),
        ("refused", None),
    ]
    assert Alerting(parse_rules(document)).evaluate(logs, at(31)) == []  # "Disk slow" was in the baseline


def test_new_template_rule_uses_mined_templates_not_masked_messages(write: Writer) -> None:
    names = ["alpha", "beta", "gamma", "delta", "epsilon"]  # more plain words than an enumeration
    lines = [record(f"ERROR:app:Cache evicted entry for {n}", at(i).isoformat()) for i, n in enumerate(names)]
    lines.append(record("ERROR:app:Cache evicted entry for omega", at(61).isoformat()))
    document = {"rules": [{"name": "new", "kind": "pattern", "new_template": True, "window": "5m"}]}
    logs = logframe.scan(write(lines))
    assert Alerting(parse_rules(document)).evaluate(logs, at(62)) == []  # masked text is new, template is not


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"name": "x", "kind": "gauge"}, "kind must be 'threshold' or 'pattern'"),
        ({"name": "x", "kind": "threshold", "condition": "more than 5"}, "is not like '> 50'"),
        ({"name": "x", "kind": "threshold", "window": "5 minutes"}, "is not a duration"),
        ({"name": "x", "kind": "threshold", "where": "level='ERROR"}, "unterminated string"),
        ({"name": "x", "kind": "pattern"}, "needs a regex or new_template"),
        ({"name": "x", "kind": "pattern", "regex": "("}, "regex '\\(' is invalid"),
        ({"name": "x", "kind": "pattern", "regex": "fail(?=ed)"}, r"regex 'fail\(\?=ed\)' is invalid"),
        ({"name": "x", "kind": "pattern", "regex": "(a)\\1"}, "is invalid"),
        ({"name": "x", "kind": "pattern", "regex": 5}, "is invalid"),
        ({"name": "x", "kind": "threshold", "severity": "page"}, "unknown keys \\['severity'\\]"),
    ],
)
def test_bad_rules_say_what_is_wrong(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(logframe.QueryError, match=message):
        parse_rules({"rules": [spec]})


def test_file_notifier_and_payload_shapes(tmp_path: Path, write: Writer) -> None:
    out = tmp_path / "alerts.jsonl"
    alerting = Alerting(rules(labels={"severity": "page"}), [FileNotifier(str(out))])
    alerting.evaluate(logframe.scan(errors_at(write, [0, 1, 2, 3])), at(4))
    sent = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(s["rule"], s["state"], s["labels"]["severity"]) for s in sent] == [("burst", "firing", "page")]
    alert = alerting.active()[0]
    assert payload(alert, "pagerduty")["event_action"] == "trigger"
    assert payload(alert, "pagerduty")["payload"]["severity"] == "page"


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []
    fail_first: ClassVar[int] = 0

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if _Hook.fail_first > 0:
            _Hook.fail_first -= 1
            self.send_response(503)
        else:
            _Hook.received.append(body)
            self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    _Hook.received, _Hook.fail_first = [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()


def test_webhook_retries_with_backoff_until_delivered(hook: str, write: Writer) -> None:
    pytest.importorskip("httpx")
    _Hook.fail_first = 2  # two 503s, then accepted
    notifier = WebhookNotifier(hook, shape="slack", backoff=0.01)
    alerting = Alerting(rules(), [notifier])
    alerting.evaluate(logframe.scan(errors_at(write, [0, 1, 2, 3])), at(4))
    assert [body["text"] for body in _Hook.received] == [":rotating_light: burst firing: value 4"]
    assert notifier.failures == 0


def test_webhook_gives_up_and_counts_a_failure() -> None:
    pytest.importorskip("httpx")
    from logframe.service.alerts import Alert

    notifier = WebhookNotifier("http://127.0.0.1:9/unreachable", retries=1, backoff=0.01, timeout=0.5)
    notifier.send(Alert("x", {"alertname": "x"}, "firing", 1.0, since=T0))  # nothing listens on port 9
    assert notifier.failures == 1


def test_alerts_test_command_on_the_sample() -> None:
    from typer.testing import CliRunner

    from logframe.cli import app

    args = ["alerts", "test", str(ROOT / "examples" / "rules.yaml"), "--input", str(SAMPLE)]
    result = CliRunner().invoke(app, [*args, "--at", "2025-10-07T16:50:00Z", "--json"])
    assert result.exit_code == 0, result.output
    alerts = json.loads(result.output)
    assert {a["rule"] for a in alerts} >= {"error-burst", "error-rate", "new-failure"}
    assert all(a.keys() >= {"rule", "labels", "state", "value"} for a in alerts)
    burst = {a["labels"]["tenant"]: a["state"] for a in alerts if a["rule"] == "error-burst"}
    assert burst["company-b"] == "firing"
    quiet = CliRunner().invoke(app, [*args, "--at", "2025-10-07T16:20:00Z", "--json"])
    assert [a["rule"] for a in json.loads(quiet.output)] == []
    bad = CliRunner().invoke(app, ["alerts", "test", str(SAMPLE), "--input", str(SAMPLE)])
    assert bad.exit_code == 2
