"""Exports: every format writes what was selected and reads back."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import polars as pl
import pytest

import logframe
from tests.conftest import SAMPLE


def read(path: os.PathLike[str]) -> str:
    return Path(path).read_text(encoding="utf-8")


@pytest.fixture
def errors() -> logframe.LogFrame:
    return logframe.scan(SAMPLE).filter(level="ERROR", tenant="company-b")


def test_csv(errors: logframe.LogFrame, tmp_path: Path) -> None:
    out = errors.to_csv(tmp_path / "e.csv")
    rows = list(csv.DictReader(Path(out).read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 30
    assert rows[0]["timestamp"].endswith("Z")
    assert json.loads(rows[0]["fields"])["tenant"] == "company-b"
    assert list(rows[0]) == list(logframe.SCHEMA)


def test_parquet_keeps_types(errors: logframe.LogFrame, tmp_path: Path) -> None:
    back = pl.read_parquet(errors.to_parquet(tmp_path / "e.parquet"))
    assert back.schema == pl.Schema(logframe.SCHEMA)
    assert back.equals(errors.collect())


def test_ndjson_and_json(errors: logframe.LogFrame, tmp_path: Path) -> None:
    lines = [json.loads(x) for x in read(errors.to_ndjson(tmp_path / "e.ndjson")).splitlines()]
    array = json.loads(read(errors.to_json(tmp_path / "e.json")))
    assert lines == array
    assert len(array) == 30
    assert array[0]["fields"]["tenant"] == "company-b"
    assert array[0]["level"] == "ERROR"


def test_json_of_nothing_is_an_empty_array(tmp_path: Path) -> None:
    out = logframe.scan(SAMPLE).filter(pod="nobody").to_json(tmp_path / "n.json")
    assert json.loads(read(out)) == []


def test_text_is_one_line_a_record(errors: logframe.LogFrame, tmp_path: Path) -> None:
    text = read(errors.to_text(tmp_path / "e.log")).splitlines()
    assert len(text) == 30
    assert "ERROR" in text[0]
    assert "[backend/" in text[0]
    assert "app.database: Connection failed" in text[0]


def test_fields_with_quotes_survive_json(tmp_path: Path) -> None:
    logs = logframe.scan(SAMPLE).filter(user="Zoë Ångström")
    row = json.loads(read(logs.to_ndjson(tmp_path / "u.ndjson")).splitlines()[0])
    assert row["fields"] == {"user": "Zoë Ångström", "tenant": "company_a"}


def test_flat_gives_polars_sinks_what_to_csv_writes(errors: logframe.LogFrame, tmp_path: Path) -> None:
    from logframe.export import flat, to_csv

    lf = errors.lazy()
    with pytest.raises(pl.exceptions.ComputeError, match="nested"):  # why flat() exists
        lf.sink_csv(tmp_path / "nested.csv")
    flat(lf).sink_csv(tmp_path / "flat.csv")
    to_csv(lf, tmp_path / "export.csv")
    assert read(tmp_path / "flat.csv") == read(tmp_path / "export.csv")
    schema = flat(lf).collect_schema()
    assert (schema["timestamp"], schema["level"], schema["fields"]) == (pl.String, pl.String, pl.String)
    assert schema["line"] == pl.Int64  # other columns as they are


def test_flat_fields_read_back_as_the_pairs_of_each_record(tmp_path: Path) -> None:
    from logframe.export import flat
    from logframe.schema import FIELDS_DTYPE

    pairs = [
        [{"key": "user", "value": 'Zoë "Z" Ångström'}, {"key": "path", "value": "C:\\tmp\n"}],
        [],
        None,
        [{"key": "empty", "value": None}],
    ]
    lf = pl.LazyFrame({"pod": ["a", "b", "c", "d"], "fields": pairs}, schema={"pod": pl.String, "fields": FIELDS_DTYPE})
    flat(lf).sink_csv(tmp_path / "f.csv")  # a frame of any columns: no timestamp, no level
    rows = list(csv.DictReader(read(tmp_path / "f.csv").splitlines(keepends=True)))
    assert [row["pod"] for row in rows] == ["a", "b", "c", "d"]
    assert [json.loads(row["fields"]) for row in rows] == [
        {"user": 'Zoë "Z" Ångström', "path": "C:\\tmp\n"},
        {},
        {},
        {"empty": None},
    ]
