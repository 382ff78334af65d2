"""Alert rules over log records, with Prometheus/Alertmanager semantics.

Rules come from YAML (:func:`load_rules`). A ``threshold`` rule measures, over the last ``window``,
the ``count`` of records matching ``where`` or their ``rate`` (matching / all records), per
``group_by`` group, and compares it (``condition: "> 50"``). A ``pattern`` rule fires when records
matching ``where`` have a message matching ``regex``, or (``new_template: true``) when a log template
appears that the ``baseline`` period before the window never had.

Each (rule, group) moves through Alertmanager's states as :meth:`Alerting.evaluate` is called with
the current time: *pending* when the condition first holds, *firing* once it has held for ``for``,
*resolved* once it has not held for ``keep_firing_for``. A notification goes out when an alert
fires and when it resolves (never twice for the same transition), and again every
``repeat_interval`` while it keeps firing. The clock is always a parameter.

Examples
--------
>>> import datetime as dt, logframe
>>> rules = parse_rules({"rules": [{"name": "errors", "kind": "threshold", "where": "level='ERROR'",
...                                 "window": "10m", "measure": "count", "condition": "> 20"}]})
>>> alerting = Alerting(rules)
>>> logs = logframe.scan("sample_logs.txt")
>>> [(a.rule, a.state, a.value) for a in alerting.evaluate(logs, dt.datetime(2025, 10, 7, 16, 50, tzinfo=dt.UTC))]
[('errors', 'firing', 45.0)]
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from logframe.dependencies import import_optional
from logframe.errors import QueryError
from logframe.frame import LogFrame
from logframe.patterns import cluster_masked, mask
from logframe.query import resolve, validate_regex
from logframe.querylang import compile_query
from logframe.timestamps import to_timedelta

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}
_CONDITION = re.compile(r"^\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$")


def duration(text: Any, name: str) -> dt.timedelta:
    """``"5m"`` → 5 minutes (units s, m, h, d); ``0`` or ``"0s"`` is no time."""
    return to_timedelta(text, name, units="smhd", allow_zero=True)


@dataclass(frozen=True)
class Rule:
    """One alert rule (see the module docstring for the fields)."""

    name: str
    kind: str
    where: str | None = None
    window: dt.timedelta = dt.timedelta(minutes=5)
    measure: str = "count"
    condition: tuple[str, float] = (">", 0.0)
    for_: dt.timedelta = dt.timedelta(0)
    keep_firing_for: dt.timedelta = dt.timedelta(0)
    repeat_interval: dt.timedelta = dt.timedelta(hours=4)
    group_by: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    regex: str | None = None
    new_template: bool = False
    baseline: dt.timedelta = dt.timedelta(hours=1)


_KEYS = {
    "name", "kind", "where", "window", "measure", "condition", "for", "keep_firing_for", "repeat_interval",
    "group_by", "labels", "regex", "new_template", "baseline",
}  # fmt: skip


def _rule(spec: Mapping[str, Any], index: int) -> Rule:
    if not isinstance(spec, Mapping):
        raise QueryError(f"rule {index + 1}: expected a mapping with name, kind, ...; got {spec!r}")
    name = spec.get("name")
    where = f"rule {name!r}" if name else f"rule {index + 1}"
    if unknown := set(spec) - _KEYS:
        raise QueryError(f"{where}: unknown keys {sorted(unknown)}; accepted: {sorted(_KEYS)}")
    if not isinstance(name, str) or not name:
        raise QueryError(f"{where}: needs a name")
    kind = spec.get("kind")
    if kind not in ("threshold", "pattern"):
        raise QueryError(f"{where}: kind must be 'threshold' or 'pattern', got {kind!r}")
    measure = spec.get("measure", "count")
    if measure not in ("count", "rate"):
        raise QueryError(f"{where}: measure must be 'count' or 'rate', got {measure!r}")
    condition = _CONDITION.match(str(spec.get("condition", "> 0")))
    if condition is None:
        raise QueryError(f"{where}: condition {spec.get('condition')!r} is not like '> 50' or '>= 0.05'")
    regex = spec.get("regex")
    if regex is not None:
        try:  # with the engine that runs it (Polars' Rust regex: no look-around, no backreferences)
            validate_regex(regex)
        except QueryError as error:
            raise QueryError(f"{where}: regex {regex!r} is invalid: {error}") from None
    if kind == "pattern" and not regex and not spec.get("new_template"):
        raise QueryError(f"{where}: a pattern rule needs a regex or new_template: true")
    group_by = spec.get("group_by") or []
    if isinstance(group_by, str):
        group_by = [group_by]
    if spec.get("where") is not None:
        compile_query(str(spec["where"]))  # a malformed filter fails at load, with its position
    return Rule(
        name=name,
        kind=kind,
        where=spec.get("where"),
        window=duration(spec.get("window", "5m"), f"{where} window"),
        measure=measure,
        condition=(condition[1], float(condition[2])),
        for_=duration(spec.get("for", 0), f"{where} for"),
        keep_firing_for=duration(spec.get("keep_firing_for", 0), f"{where} keep_firing_for"),
        repeat_interval=duration(spec.get("repeat_interval", "4h"), f"{where} repeat_interval"),
        group_by=tuple(str(g) for g in group_by),
        labels={str(k): str(v) for k, v in (spec.get("labels") or {}).items()},
        regex=regex,
        new_template=bool(spec.get("new_template", False)),
        baseline=duration(spec.get("baseline", "1h"), f"{where} baseline"),
    )


def parse_rules(document: Any) -> list[Rule]:
    """Rules from a parsed YAML document ``{"rules": [...]}``; clear errors for bad ones."""
    if not isinstance(document, Mapping) or not isinstance(document.get("rules"), list):
        raise QueryError("a rules file is a mapping with a 'rules' list, e.g. rules: [{name: ..., kind: ...}]")
    rules = [_rule(spec, i) for i, spec in enumerate(document["rules"])]
    names = [r.name for r in rules]
    if len(set(names)) != len(names):
        raise QueryError(f"rule names must be unique: {sorted({n for n in names if names.count(n) > 1})}")
    return rules


def load_rules(path: str | Path) -> list[Rule]:
    """Rules from a YAML file (see :func:`parse_rules`)."""
    yaml = import_optional("yaml", "reading alert rules")

    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise QueryError(f"cannot read the rules file {str(path)!r}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise QueryError(f"the rules file {str(path)!r} is not UTF-8 text (is it a log file?)") from None
    except yaml.YAMLError as error:
        raise QueryError(f"the rules file {str(path)!r} is not valid YAML: {error}") from None
    return parse_rules(document)


def measure(rule: Rule, logs: LogFrame, now: dt.datetime) -> dict[tuple[str | None, ...], float]:
    """The rule's value per group at ``now`` (groups where the condition can hold)."""
    start = now - rule.window
    in_window = logs.filter(after=start, before=now)
    keys = [f"__group_{i}" for i in range(len(rule.group_by))]
    groups = [resolve(name).alias(key) for name, key in zip(rule.group_by, keys, strict=True)]
    base = in_window.lazy().with_columns(groups)
    matched = in_window.where(rule.where).lazy().with_columns(groups) if rule.where else base
    if rule.kind == "pattern" and rule.regex:
        matched = matched.filter(pl.col("message").str.contains(rule.regex))
    if rule.kind == "pattern" and rule.new_template:
        return _new_templates(rule, logs, matched, now)
    counts = matched.group_by(keys).agg(n=pl.len()) if keys else matched.select(n=pl.len())
    if rule.measure == "rate":
        totals = base.group_by(keys).agg(total=pl.len()) if keys else base.select(total=pl.len())
        joined = totals.join(counts, on=keys, how="left") if keys else pl.concat([totals, counts], how="horizontal")
        values = joined.select(*keys, value=pl.col("n").fill_null(0) / pl.col("total")).collect()
    else:
        values = counts.select(*keys, value=pl.col("n").cast(pl.Float64)).collect()
    return {tuple(row[:-1]): float(row[-1]) for row in values.iter_rows() if row[-1] is not None}


def _new_templates(
    rule: Rule, logs: LogFrame, matched: pl.LazyFrame, now: dt.datetime
) -> dict[tuple[str | None, ...], float]:
    """Mined templates of the window that no baseline message falls into, with their counts.

    The distinct masked messages of both windows are clustered together (baseline first), so a
    recent message whose masked form is new but whose template is not (another enumeration-free
    variable) does not fire.
    """
    start = now - rule.window
    recent = matched.group_by(mask(pl.col("message")).alias("masked")).agg(n=pl.len())
    baseline = logs.filter(after=start - rule.baseline, before=start)
    before = baseline.where(rule.where) if rule.where else baseline
    seen = before.lazy().group_by(mask(pl.col("message")).alias("masked")).agg(n=pl.len())
    recent_df, seen_df = pl.collect_all([recent.drop_nulls("masked"), seen.drop_nulls("masked")])
    seen_masked = seen_df["masked"].to_list()
    counts_of = seen_df["n"].to_list() + recent_df["n"].to_list()
    ids, names = cluster_masked(seen_masked + recent_df["masked"].to_list(), counts=counts_of)
    seen_ids = set(ids[: len(seen_masked)])
    counts: dict[tuple[str | None, ...], float] = {}
    for i, n in zip(ids[len(seen_masked) :], recent_df["n"].to_list(), strict=True):
        if i not in seen_ids:
            counts[(names[i],)] = counts.get((names[i],), 0.0) + float(n)
    return counts


@dataclass(frozen=True)
class Alert:
    """One alert: a rule and a group, its state and the value that put it there."""

    rule: str
    labels: Mapping[str, str]
    state: str  # pending, firing, resolved
    value: float | None
    since: dt.datetime
    fired_at: dt.datetime | None = None
    last_true: dt.datetime | None = None
    last_sent: dt.datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: rule, labels, state, value and times (ISO, UTC)."""

        def iso(t: dt.datetime | None) -> str | None:
            return t.isoformat().replace("+00:00", "Z") if t else None

        return {
            "rule": self.rule,
            "labels": dict(self.labels),
            "state": self.state,
            "value": self.value,
            "since": iso(self.since),
            "fired_at": iso(self.fired_at),
        }


class Notifier(Protocol):
    """Where notifications go (see :mod:`logframe.service.notify`)."""

    def send(self, alert: Alert) -> None:
        """Deliver one notification (firing, repeat or resolved)."""
        ...


class Alerting:
    """Rules, their alerts' states, and the notifiers told of each transition."""

    def __init__(self, rules: Sequence[Rule], notifiers: Sequence[Notifier] = ()) -> None:
        self.rules = list(rules)
        self.notifiers = list(notifiers)
        self.alerts: dict[tuple[str, tuple[str | None, ...]], Alert] = {}

    def _labels(self, rule: Rule, group: tuple[str | None, ...]) -> dict[str, str]:
        labels = {"alertname": rule.name, **rule.labels}
        names = rule.group_by or (("template",) if rule.new_template else ())
        labels.update({name: str(value) for name, value in zip(names, group, strict=False)})
        return labels

    def evaluate(self, logs: LogFrame, now: dt.datetime) -> list[Alert]:
        """Evaluate every rule at ``now``; notify transitions; the active (pending or firing) alerts."""
        for rule in self.rules:
            op = _COMPARE[rule.condition[0]]
            values = measure(rule, logs, now)
            holding = {g: v for g, v in values.items() if op(v, rule.condition[1])}
            if not rule.group_by and not rule.new_template and () not in values and op(0.0, rule.condition[1]):
                holding[()] = 0.0  # no record at all still counts as 0 (e.g. "< 1": silence)
            for group, value in holding.items():
                self._holds(rule, group, value, now)
            for (name, group), alert in list(self.alerts.items()):
                if name == rule.name and group not in holding:
                    self._lapses(rule, group, alert, now)
        return self.active()

    def _holds(self, rule: Rule, group: tuple[str | None, ...], value: float, now: dt.datetime) -> None:
        key = (rule.name, group)
        alert = self.alerts.get(key)
        if alert is None or alert.state == "resolved":
            alert = Alert(rule.name, self._labels(rule, group), "pending", value, since=now)
        alert = replace(alert, value=value, last_true=now)
        if alert.state == "pending" and now - alert.since >= rule.for_:
            alert = replace(alert, state="firing", fired_at=now, last_sent=now)
            self._send(alert)
        elif alert.state == "firing" and alert.last_sent and now - alert.last_sent >= rule.repeat_interval:
            alert = replace(alert, last_sent=now)
            self._send(alert)
        self.alerts[key] = alert

    def _lapses(self, rule: Rule, group: tuple[str | None, ...], alert: Alert, now: dt.datetime) -> None:
        key = (rule.name, group)
        if alert.state == "pending":
            del self.alerts[key]  # never fired: nothing to resolve
        elif alert.state == "firing" and alert.last_true and now - alert.last_true >= rule.keep_firing_for:
            resolved = replace(alert, state="resolved", value=None, since=now)
            self._send(resolved)
            del self.alerts[key]

    def _send(self, alert: Alert) -> None:
        for notifier in self.notifiers:
            notifier.send(alert)

    def active(self) -> list[Alert]:
        """Pending and firing alerts, by rule then labels."""
        return sorted(self.alerts.values(), key=lambda a: (a.rule, sorted(a.labels.items())))
