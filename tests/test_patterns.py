"""Template mining: masking, clustering, the frame summary, and grouping accuracy on Loghub (when present)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import logframe
from logframe.patterns import WILDCARD, Settings, mask, mine_templates
from tests.conftest import ROOT, SAMPLE

LOGHUB = ROOT.parent / "shared" / "loghub"
LOGHUB2 = ROOT.parent / "shared" / "loghub2-samples"


@pytest.mark.parametrize(
    ("message", "masked"),
    [
        ("Connection to 10.1.2.3:5432 refused", "Connection to <*> refused"),
        ("request 7f9c2b1e-8a4d-4c5e-9f00-123456789abc done", "request <*> done"),
        ("block blk_-6952295868487656571 terminating", "block blk_<*> terminating"),
        ("opened /var/log/app.log for user='bob'", "opened <*> for user=<*>"),
        ('GET https://h/x?y=1 said "no way" in 45ms', "GET <*> said <*> in <*>ms"),
        ("flags 0xdeadBEEF and 3f2a9c", "flags <*> and <*>"),
        ("tenant=company_a retry_count=3", "tenant=<*> retry_count=<*>"),
        ("企業 データ 12", "企業 データ <*>"),
    ],
)
def test_mask(message: str, masked: str) -> None:
    assert pl.select(mask(pl.lit(message))).item() == masked


def test_mine_templates_keeps_order_ids_and_nulls() -> None:
    messages = [
        "Received disconnect from 1.2.3.4: 11: Bye Bye [preauth]",
        "Login accepted for user root",
        None,
        "Received disconnect from 5.6.7.8: 11: Bye Bye [preauth]",
        "Login accepted for user admin",
    ]
    out = mine_templates(messages)
    assert out.columns == ["template_id", "template"]
    # Two words seen once each are no evidence of an enumeration: the logins share a template.
    assert out["template_id"].to_list() == [0, 1, None, 0, 1]
    assert out["template"][0] == "Received disconnect from <*>: <*>: Bye Bye [preauth]"
    assert out["template"].to_list()[4] == "Login accepted for user <*>"


def test_a_few_recurring_words_at_a_position_are_an_enumeration() -> None:
    messages = ["Login accepted for user root"] * 3 + ["Login accepted for user admin"] * 2
    out = mine_templates(messages)
    assert out["template"].to_list()[-1] == "Login accepted for user admin"
    assert out["template_id"].n_unique() == 2


def test_enum_names_are_part_of_the_template() -> None:
    states = [("NEW", "RUNNING"), ("RUNNING", "SUCCEEDED"), ("RUNNING", "FAILED"), ("NEW", "KILLED")]
    messages = [f"task_{i} Transitioned from {a} to {b}" for i, (a, b) in enumerate(states * 2)]
    out = mine_templates(messages)
    assert out["template_id"].n_unique() == 4
    assert "task_<*> Transitioned from RUNNING to FAILED" in out["template"].to_list()


def test_many_leading_words_seen_once_are_a_variable() -> None:
    daemons = ["crond", "sshd", "smartd", "anacron", "snmpd"]
    out = mine_templates([f"{d} startup succeeded" for d in daemons])
    assert out["template"].unique().to_list() == ["<*> startup succeeded"]
    # ... but words that recur stay separate events, as Drain keeps them.
    out = mine_templates([f"{d} startup succeeded" for d in daemons] * 2)
    assert out["template_id"].n_unique() == len(daemons)


def test_the_cause_of_a_wrapped_error_is_one_variable() -> None:
    causes = ["connection reset by peer", "deadline exceeded", "no such host", "i/o timeout"]
    out = mine_templates([f"job {i} failed after {i} attempts: {c}" for i, c in enumerate(causes * 2)])
    assert out["template"].unique().to_list() == ["job <*> failed after <*> attempts: <*>"]
    # A context without variables, or few causes, keeps them apart.
    assert mine_templates([f"setup failed: {c}" for c in causes])["template_id"].n_unique() > 1


def test_recurring_class_names_are_part_of_the_template() -> None:
    messages = [f"responder {i} got exception java.io.EOFException" for i in range(3)]
    messages += [f"responder {i} got exception java.nio.channels.ClosedByInterruptException" for i in range(2)]
    assert mine_templates(messages)["template_id"].n_unique() == 2
    # Lower-case dotted names are host names: data, a variable even when they recur.
    hosts = [f"lookup of {h}.example.com took {i} ms" for i in range(2) for h in ("api", "auth", "docs")]
    assert mine_templates(hosts)["template_id"].n_unique() == 1


def test_key_value_values_stop_at_a_closing_bracket() -> None:
    assert (
        pl.select(mask(pl.lit("interrupt (bit=0x10): L2 read error"))).item() == "interrupt (bit=<*>): L<*> read error"
    )


@pytest.mark.parametrize(
    ("message", "masked"),
    [
        ("Factory error creating pool: ( pool, )", "Factory error creating pool: (<*>)"),
        ("signal handlers for [TERM, HUP, INT]", "signal handlers for [<*>]"),
        ("Thread[reader,5,main] exited", "Thread[<*>] exited"),
        ("BlockId(node, 10.1.2.3, 5000) lost", "BlockId(<*>) lost"),
        # Not lists of bare items: one item, named fields, phrases.
        ("failed (Connection refused)", "failed (Connection refused)"),
        ("opened (a=1, b=2)", "opened (a=<*>, b=<*>)"),
        ("(estimated size 5.2 KB, free 93.0 B)", "(estimated size <*>, free <*>)"),
    ],
)
def test_a_bracketed_list_of_bare_items_is_one_value(message: str, masked: str) -> None:
    assert pl.select(mask(pl.lit(message))).item() == masked


def test_lists_of_any_length_and_items_share_a_template() -> None:
    messages = [
        "create() failed: cannot build pool:main ( pool, main)",
        "create() failed: cannot build pool: ( pool, )",
        "create() failed: cannot build cache.lru:evict ( cache.lru, evict)",
        "create() failed: cannot build cache.lru:evict ( cache.lru, evict, now)",
    ]
    assert mine_templates(messages)["template_id"].unique().to_list() == [0]


def test_a_compound_identifier_after_the_first_token_does_not_split_templates() -> None:
    out = mine_templates(["Stopping OrderService workers now", "Stopping PaymentService workers now"])
    assert out["template"].unique().to_list() == ["Stopping <*> workers now"]
    # Plain words there are the event's text; a leading identifier names the event.
    assert mine_templates(["Changing view acls to: a", "Changing modify acls to: a"])["template_id"].n_unique() == 2
    epochs = [f"{name} not found, using default of {i}" for i, name in enumerate(["acceptedEpoch", "currentEpoch"])]
    assert mine_templates(epochs)["template_id"].n_unique() == 2


def test_sizes_are_masked_with_their_unit() -> None:
    assert pl.select(mask(pl.lit("estimated size 5.2 KB, free 93.0 B"))).item() == "estimated size <*>, free <*>"


def test_settings_change_the_clustering() -> None:
    messages = ["open file a now", "open file b later"]
    assert mine_templates(messages)["template_id"].n_unique() == 2
    assert mine_templates(messages, settings=Settings(similarity=0.5))["template_id"].n_unique() == 1


def test_a_position_with_many_plain_words_is_a_variable() -> None:
    users = ["root", "admin", "deploy", "oracle", "test"]
    out = mine_templates([f"Login accepted for user {u}" for u in users])
    assert out["template_id"].unique().to_list() == [0]
    assert out["template"][0] == f"Login accepted for user {WILDCARD}"


def test_few_plain_words_at_a_position_split_the_template() -> None:
    messages = [
        f"Block rdd_{i} stored as {kind} in memory (estimated size {i} KB)"
        for i in range(4)
        for kind in ("bytes", "values")
    ]
    out = mine_templates(messages)
    assert sorted(set(out["template"].to_list())) == [
        "Block rdd_<*> stored as bytes in memory (estimated size <*>)",
        "Block rdd_<*> stored as values in memory (estimated size <*>)",
    ]


def test_dates_written_out_are_masked() -> None:
    messages = [
        "connection from 1.2.3.4 at Sun Jul 10 03:04:05 2005",
        "connection from 5.6.7.8 at Mon Jun 27 13:14:15 2005",
    ]
    assert mine_templates(messages)["template_id"].unique().to_list() == [0]


def test_a_variable_word_among_the_first_tokens_splits_templates() -> None:
    # The tree is keyed on the first DEPTH tokens (as Drain's is): a variable word there is not merged.
    out = mine_templates(["User root logged in", "User admin logged in"])
    assert out["template_id"].to_list() == [0, 1]


def test_mine_templates_keeps_different_events_apart() -> None:
    out = mine_templates(["Failed password for root", "Failed none for root", "Accepted password for root"])
    assert out["template_id"].n_unique() == 3


def test_mine_templates_of_nothing() -> None:
    assert mine_templates([]).height == 0
    assert mine_templates(pl.Series([None, None], dtype=pl.String))["template_id"].to_list() == [None, None]


def test_frame_patterns_summary() -> None:
    logs = logframe.scan(SAMPLE)
    summary = logs.patterns()
    assert summary.columns == [
        "template",
        "count",
        "first_seen",
        "last_seen",
        "DEBUG",
        "INFO",
        "WARNING",
        "ERROR",
        "CRITICAL",
        "example",
    ]
    top = summary.row(0, named=True)
    assert (top["template"], top["count"], top["ERROR"]) == (
        "Connection failed tenant=<*> retry_count=<*> host=<*>",
        30,
        30,
    )
    assert top["example"].startswith("Connection failed tenant=company-b")
    assert summary["count"].sum() == logs.filter(pl.col("message").is_not_null()).collect().height
    assert summary["count"].is_sorted(descending=True)
    assert logs.filter(pod="nobody").patterns().height == 0


@pytest.mark.skipif(
    not (LOGHUB.is_dir() and LOGHUB2.is_dir()), reason="the Loghub samples live in ../shared, absent here"
)
def test_grouping_accuracy_on_loghub() -> None:
    pytest.importorskip("drain3")
    from bench.patterns import evaluate, load_sets

    rows = evaluate(load_sets(LOGHUB, LOGHUB2))
    assert len(rows) == 16
    below = {str(r["dataset"]) for r in rows if float(str(r["logframe_ga"])) < float(str(r["drain3_ga"]))}
    assert not below, below  # issue 15: never below drain3 on any set
    for suffix, target in (("-2k", 0.95), ("-2.0", 0.96)):
        chosen = [float(str(r["logframe_ga"])) for r in rows if str(r["dataset"]).endswith(suffix)]
        assert sum(chosen) / len(chosen) >= target, suffix


APPLOGS = Path(__file__).parent / "data" / "applogs_labelled.csv"
GA_APPLOGS = 0.98  # issue 15's target; measured 1.000 on 2026-12-03


def test_grouping_accuracy_on_labelled_application_logs() -> None:
    """Kubernetes application messages (key=value, quoted strings, HTTP, JSON, UUIDs, emoji).

    Written from 40 templates by ``tests/data/make_applogs_labelled.py``; issue 15 asks for GA >= 0.98.
    """
    from bench.patterns import grouping_accuracy

    labelled = pl.read_csv(APPLOGS)
    assert labelled.height == 480
    assert labelled["event_id"].n_unique() == 40
    mined = mine_templates(labelled["message"])
    assert grouping_accuracy(labelled["event_id"], mined["template_id"]) >= GA_APPLOGS
