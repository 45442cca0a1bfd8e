"""ACLED's taxonomy as data: names, parent event types and disorder types."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pytest

from eventcoder.taxonomy import EVENT_TYPES, SUB_EVENT_TYPES, disorder_type_of, event_type_of


def test_taxonomy_has_acleds_six_types_and_twenty_five_sub_types() -> None:
    """Every sub-event type belongs to one of the six event types, each type has sub-types."""
    assert len(SUB_EVENT_TYPES) == 25 and len({s.name for s in SUB_EVENT_TYPES}) == 25
    assert {s.event_type for s in SUB_EVENT_TYPES} == set(EVENT_TYPES)
    assert event_type_of("Air/drone strike") == "Explosions/Remote violence"


def test_taxonomy_unknown_sub_type_is_a_key_error() -> None:
    """A misspelt sub-event type is not silently given a parent."""
    with pytest.raises(KeyError):
        event_type_of("Airstrike")


@pytest.mark.parametrize("name", ["bangladesh_2022-2024.csv.gz", "syria_battles_2017-2018.csv.gz"])
def test_taxonomy_matches_acleds_coded_rows(shared_dir: Path, name: str) -> None:
    """Event type and disorder type agree with every row of ACLED's own 2023-format files."""
    path = shared_dir / "dev" / "acled" / name
    with io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8") as handle:
        pairs = {
            (row["sub_event_type"], row["event_type"], row["disorder_type"])
            for row in csv.DictReader(handle)
        }
    for sub_event_type, event_type, disorder_type in pairs:
        assert event_type_of(sub_event_type) == event_type
        assert disorder_type_of(sub_event_type) == disorder_type
