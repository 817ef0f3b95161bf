"""The published JSON Schema matches the data model."""

import json
from pathlib import Path

from storylens.model import SCHEMA_VERSION, Report

ROOT = Path(__file__).resolve().parents[1]


def test_published_schema_matches_model() -> None:
    published = json.loads((ROOT / "docs" / "report.schema.json").read_text("utf-8"))
    current = Report.model_json_schema()
    assert published["properties"] == current["properties"], "run `make schema` to refresh docs/report.schema.json"
    assert published.get("$defs") == current.get("$defs")
    assert SCHEMA_VERSION in published["$id"]


def test_report_round_trips_through_json() -> None:
    r = Report()
    again = Report.model_validate_json(r.model_dump_json())
    assert again.schema_version == SCHEMA_VERSION
