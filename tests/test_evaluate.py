"""Evaluation against human-coded ACLED data: the reader, the metrics, and a real end-to-end run."""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from eventcoder.acled import GoldRow, parse_acled_date, read_acled
from eventcoder.errors import EvaluationError
from eventcoder.evaluate import (
    NO_EVENT,
    RowResult,
    actor_agreement,
    build_report,
    classification,
    evaluate,
    fatality_agreement,
    location_agreement,
    match_event,
    report_table,
    same_admin,
    sample_rows,
    score_rows,
    within_tolerance,
    write_figures,
)
from eventcoder.models import Event
from eventcoder.settings import load_settings
from eventcoder.taxonomy import BY_NAME

#: The four dev files, one per ACLED column set, with whether each has actor2 columns.
DEV_FILES = (
    ("afghanistan_2020-03.csv.gz", True),
    ("kenya_2004-2019.csv.gz", True),
    ("syria_battles_2017-2018.csv.gz", True),
    ("bangladesh_2022-2024.csv.gz", False),
)


def _gold(**overrides: object) -> GoldRow:
    """A hand-made gold row (Syria, Armed clash) with some fields replaced."""
    row = GoldRow(
        file="hand.csv", origin="hand.csv:2", event_id="SYR1", event_date=date(2017, 3, 1), time_precision=1,
        event_type="Battles", sub_event_type="Armed clash", actor1="Military Forces of Syria (2000-)",
        assoc_actor_1="", inter1=1, actor2="HTS: Hayat Tahrir al Sham", assoc_actor_2="", inter2=2,
        country="Syria", admin1="Dara", admin2="Dara", location="Dara", latitude=32.6189, longitude=36.1021,
        geo_precision=1, source="SOHR", notes="Clashes in Dara.", fatalities=10,
    )
    return replace(row, **overrides)  # type: ignore[arg-type]


def _event(**overrides: object) -> Event:
    """A hand-made predicted event with some fields replaced."""
    event = Event(
        event_id="e1", article_id="a1", event_date=date(2017, 3, 1), time_precision=1,
        disorder_type="Political violence", event_type="Battles", sub_event_type="Armed clash",
        actor1="Military Forces of Syria (2000-)", assoc_actor_1="", inter1=1,
        actor2="HTS: Hayat Tahrir al Sham", assoc_actor_2="", inter2=2, interaction=12, civilian_targeting="",
        country="Syria", admin1="Dar'a", admin2="", location="Dara", latitude=32.6189, longitude=36.1021,
        geo_precision=1, geonameid="1", source="SOHR", notes="", fatalities=10, confidence=0.8,
    )
    return replace(event, **overrides)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Reading ACLED files


@pytest.mark.parametrize(("name", "has_actor2"), DEV_FILES)
def test_evaluate_reads_every_acled_column_set(shared_dir: Path, tmp_path: Path, name: str, has_actor2: bool) -> None:
    """Each dev file's column set reads into gold rows with dates, types, inter codes and points."""
    path = shared_dir / "dev" / "acled" / name
    rows = read_acled(path)
    assert len(rows) > 400
    assert all(r.event_date is not None for r in rows), "every event_date format must parse"
    assert all(r.sub_event_type in BY_NAME for r in rows)
    assert all(r.event_type == BY_NAME[r.sub_event_type].event_type for r in rows)
    assert all(isinstance(r.inter1, int) and 1 <= r.inter1 <= 8 for r in rows)
    assert all(r.latitude is not None and r.notes for r in rows)
    assert all((r.actor2 is not None) == has_actor2 for r in rows)
    # A handful of the same rows, re-saved as a plain (not gzipped) CSV, read the same way.
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        head = [next(reader) for _ in range(6)]
    plain = tmp_path / "few.csv"
    with plain.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(head)
    few = read_acled(plain)
    assert [(r.event_id, r.event_date, r.fatalities, r.actor2) for r in few] == [
        (r.event_id, r.event_date, r.fatalities, r.actor2) for r in rows[:5]
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21 March 2020", date(2020, 3, 21)),
        ("5-Aug-24", date(2024, 8, 5)),
        ("31-12-19", date(2019, 12, 31)),
        ("2020-03-21", date(2020, 3, 21)),
        ("2020-03-21T00:00:00", date(2020, 3, 21)),
        ("not a date", None),
    ],
)
def test_evaluate_parses_acled_date_formats(text: str, expected: date | None) -> None:
    """Dates as ACLED exports and spreadsheets write them all parse; nonsense gives None."""
    assert parse_acled_date(text) == expected


def test_evaluate_rejects_a_file_that_is_not_acled(tmp_path: Path) -> None:
    """A CSV without ACLED's columns fails before any coding, naming the file, the columns and the fix."""
    bad = tmp_path / "articles.csv"
    bad.write_text("id,text,date\n1,Clashes in Idlib,2020-01-01\n", encoding="utf-8")
    settings = load_settings(gazetteer=tmp_path / "no-gazetteer.sqlite", db=tmp_path / "e.sqlite")
    with pytest.raises(EvaluationError) as caught:
        evaluate([bad], settings)
    message = str(caught.value)
    assert str(bad) in message
    for column in ("notes", "event_date", "sub_event_type"):
        assert column in message
    assert "export" in message and "CSV" in message


def test_evaluate_rejects_a_spreadsheet_and_an_empty_file(tmp_path: Path) -> None:
    """An Excel file and an empty file each get a one-line error saying what to do."""
    sheet = tmp_path / "acled.xlsx"
    sheet.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    with pytest.raises(EvaluationError, match="save it as CSV"):
        read_acled(sheet)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(EvaluationError, match="empty"):
        read_acled(empty)


def test_evaluate_reads_semicolon_csv_with_bom(tmp_path: Path) -> None:
    """A file re-saved by a spreadsheet program (BOM, semicolons, capitalised header) still reads."""
    path = tmp_path / "resaved.csv"
    path.write_text(
        "\ufeffEvent_date;Sub_event_type;Notes;Fatalities;Inter1\n"
        "05-Aug-24;Peaceful protest;On 5 August 2024, students marched in Dhaka.;0;Protesters\n",
        encoding="utf-8",
    )
    [row] = read_acled(path)
    assert row.event_date == date(2024, 8, 5)
    assert row.event_type == "Protests"
    assert row.inter1 == 6
    assert row.actor1 is None and row.latitude is None


# --------------------------------------------------------------------------------------------
# Metrics on hand-made pairs


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [(10, 12, True), (10, 8, True), (10, 13, False), (0, 0, True), (0, 1, False), (1, 2, False), (100, 120, True)],
)
def test_evaluate_fatalities_within_twenty_percent(gold: int, predicted: int, expected: bool) -> None:
    """±20% of the gold count; a gold 0 needs a predicted 0."""
    assert within_tolerance(gold, predicted) is expected


def test_evaluate_fatality_shares() -> None:
    """Exact and ±20% shares and the mean absolute error over count pairs."""
    result = fatality_agreement([(10, 10), (10, 12), (3, 5), (0, 0)])
    assert result.n == 4
    assert result.exact == pytest.approx(0.5)
    assert result.within_20pct == pytest.approx(0.75)
    assert result.mean_abs_error == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("gold", "predicted", "same"),
    [
        ("Dar'a", "Dara", True),
        ("Deir-ez-Zor", "Deir ez Zor", True),
        ("Idleb", "Idlib", True),
        ("Al Hasakeh", "Hasakah", True),
        ("Dhaka", "Dhaka Division", True),
        ("Nairobi", "Nairobi County", True),
        ("Hama", "Muhafazat Hamah", True),
        ("Aleppo", "Hama", False),
        ("Rural Damascus", "Damascus", False),
        ("", "", False),
    ],
)
def test_evaluate_admin1_names_agree_across_spellings(gold: str, predicted: str, same: bool) -> None:
    """Transliteration variants of a region agree; different regions and empty names do not."""
    assert same_admin(gold, predicted) is same


def test_evaluate_location_distances() -> None:
    """Shares within 5/25/161 km count a missing point as a miss; the median is over located rows."""
    gold = _gold(latitude=33.5, longitude=36.3)
    pairs = [
        (gold, _event(latitude=33.53, longitude=36.3, admin1="Dara")),  # 3.3 km
        (gold, _event(latitude=33.7, longitude=36.3, admin1="Daraa")),  # 22 km
        (gold, _event(latitude=34.5, longitude=36.3, admin1="Homs")),  # 111 km
        (gold, _event(latitude=36.5, longitude=36.3, admin1="Idleb")),  # 334 km
        (gold, _event(latitude=None, longitude=None, admin1="")),  # no answer
        (_gold(latitude=None, longitude=None), _event()),  # no gold point: not counted
    ]
    result = location_agreement(pairs)
    assert result.n == 5
    assert result.located == pytest.approx(0.8)
    assert result.within_km == {"5": pytest.approx(0.2), "25": pytest.approx(0.4), "161": pytest.approx(0.6)}
    assert result.median_km == pytest.approx((22.24 + 111.19) / 2, abs=0.5)
    assert result.admin1.n == 5 and result.admin1.share == pytest.approx(0.4)
    assert result.other_country.share == 0.0


def test_evaluate_actor_agreement_strict_unordered_and_normalized() -> None:
    """Swapped actors agree unordered but not strictly; an acronym prefix or sub-unit agrees only normalized."""
    gold = _gold(actor1="Military Forces of Syria (2000-)", actor2="HTS: Hayat Tahrir al Sham")
    swapped = _event(actor1="HTS: Hayat Tahrir al Sham", actor2="Military Forces of Syria (2000-)")
    spelled = _event(actor1="Military Forces of Syria (2000-) Syrian Arab Air Force", actor2="Hayat Tahrir al Sham")
    result = actor_agreement([(gold, swapped), (gold, spelled)])
    assert result.pair_strict_exact.share == 0.0
    assert result.pair_unordered_exact.share == pytest.approx(0.5)
    assert result.pair_unordered_normalized.share == 1.0
    assert result.pair_strict_normalized.share == pytest.approx(0.5)
    assert result.actor1_exact.share == 0.0 and result.actor1_normalized.share == pytest.approx(0.5)
    assert result.gold_actors_found_exact.share == pytest.approx(0.5)
    assert result.gold_actors_found_normalized.share == 1.0
    # A file without actor2 columns (Bangladesh) scores actor1 only.
    one_sided = actor_agreement([(_gold(actor1="Rioters (Bangladesh)", actor2=None), _event(actor1="Rioters (Bangladesh)"))])
    assert one_sided.actor1_exact.share == 1.0
    assert one_sided.actor2_exact.n == 0 and one_sided.actor2_exact.share is None


def test_evaluate_date_numbers_count_dated_notes_apart() -> None:
    """An undated note is coded on its event_date with precision 2 (the news rule): the date
    numbers over dated notes leave it out, and the share of undated notes is reported."""
    undated = _gold(notes="Clashes took place between IS and regime forces in Tadmor.", time_precision=1)
    dated = _gold(notes="On 7 December 2018, clashes took place in Hakora.", event_date=date(2018, 12, 7), time_precision=1)
    dated_week = _gold(notes="Regime forces advanced last week near Hama.", time_precision=2)
    results = [
        RowResult(undated, _event(time_precision=2)),  # the news rule: publication date, precision 2
        RowResult(dated, _event(event_date=date(2018, 12, 7), time_precision=1)),
        RowResult(dated_week, _event(event_date=date(2017, 2, 23), time_precision=2)),
        RowResult(_gold(notes="Fighting in Idlib."), None),  # no event: counts only among undated notes
    ]
    metrics = score_rows(results)
    assert metrics.undated_notes.n == 4 and metrics.undated_notes.share == pytest.approx(0.5)
    assert metrics.time_precision_dated.n == 2 and metrics.time_precision_dated.share == 1.0
    assert metrics.event_date_dated.n == 2 and metrics.event_date_dated.share == pytest.approx(0.5)
    assert metrics.time_precision.n == 3 and metrics.time_precision.share == pytest.approx(2 / 3)
    console = Console(record=True, width=200)
    console.print(report_table(build_report(results)))
    text = console.export_text()
    assert "time_precision agr. (dated notes)" in text and "100.0% (n=2)" in text
    assert "notes with no time expression" in text and "news rule" in text


def test_evaluate_matches_the_gold_sub_event_type_first() -> None:
    """Among a note's events the gold sub-event type wins over a more confident other type."""
    gold = _gold(sub_event_type="Air/drone strike")
    clash = _event(event_id="c", sub_event_type="Armed clash", confidence=0.9)
    weak_strike = _event(event_id="s1", sub_event_type="Air/drone strike", confidence=0.5)
    strong_strike = _event(event_id="s2", sub_event_type="Air/drone strike", confidence=0.7)
    assert match_event(gold, [clash, weak_strike, strong_strike]).event_id == "s2"  # type: ignore[union-attr]
    assert match_event(_gold(sub_event_type="Attack"), [weak_strike, clash]).event_id == "c"  # type: ignore[union-attr]
    tied = [_event(event_id="first", confidence=0.6), _event(event_id="second", confidence=0.6)]
    assert match_event(gold, tied).event_id == "first"  # type: ignore[union-attr]
    assert match_event(gold, []) is None


def test_evaluate_classification_counts_no_event_as_an_error() -> None:
    """A row with no event lowers accuracy and appears in the confusion matrix's "No event" column."""
    gold = ["Armed clash", "Armed clash", "Attack", "Attack"]
    predicted = ["Armed clash", NO_EVENT, "Attack", "Armed clash"]
    result = classification(gold, predicted)
    assert result.accuracy == pytest.approx(0.5)
    assert result.accuracy_given_event == pytest.approx(2 / 3)
    assert result.labels == ("Armed clash", "Attack", NO_EVENT)
    assert result.confusion == ((1, 0, 1), (1, 1, 0), (0, 0, 0))
    assert result.per_class["Attack"]["recall"] == pytest.approx(0.5)
    assert result.macro_f1 == pytest.approx((0.5 + 2 / 3) / 2)


# --------------------------------------------------------------------------------------------
# End to end


@pytest.fixture(scope="module")
def syria_report(gazetteer_path: Path, shared_dir: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real evaluation of 10 Syria battle rows with the real pipeline and gazetteer."""
    settings = load_settings(gazetteer=gazetteer_path, db=tmp_path_factory.mktemp("eval") / "e.sqlite")
    calls: list[tuple[int, int]] = []
    report = evaluate(
        [shared_dir / "dev" / "acled" / "syria_battles_2017-2018.csv.gz"],
        settings,
        sample=10,
        seed=3,
        progress=lambda done, total: calls.append((done, total)),
    )
    return report, calls


def test_evaluate_end_to_end_on_syria_rows(syria_report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Ten real Syria notes are coded, matched and scored; the JSON, the table and both figures come out."""
    report, calls = syria_report
    assert len(report.rows) == 10 and calls[-1] == (10, 10)
    assert list(report.by_file) == ["syria_battles_2017-2018.csv.gz"]
    overall = report.overall
    assert overall.rows == 10 and overall.failures == 0
    assert overall.no_event_share is not None and overall.no_event_share <= 0.5, "battle notes report battles"
    assert overall.sub_event_type.labels[-1] == NO_EVENT
    assert sum(map(sum, overall.sub_event_type.confusion)) == 10
    assert overall.location.n >= 5 and overall.location.median_km is not None
    data = json.loads(json.dumps(report.to_json(include_rows=True)))
    assert data["overall"]["sub_event_type"]["accuracy"] == pytest.approx(overall.sub_event_type.accuracy, abs=1e-4)
    assert set(data["overall"]["location"]["within_km"]) == {"5", "25", "161"}
    assert len(data["row_results"]) == 10
    assert "dates_rule" in data and all("dated_note" in row for row in data["row_results"])
    assert data["overall"]["undated_notes"]["n"] == 10
    console = Console(record=True, width=160)
    console.print(report_table(report))
    text = console.export_text()
    assert "sub_event_type accuracy" in text and "within 25 km" in text
    paths = write_figures(report, tmp_path / "figures")
    assert [p.name for p in paths] == ["confusion_matrix.png", "error_map.png"]
    for path in paths:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000


def test_evaluate_sample_is_repeatable(shared_dir: Path) -> None:
    """The same seed draws the same rows of each file, another seed others, never more than asked."""
    rows = {
        name: read_acled(shared_dir / "dev" / "acled" / name)
        for name in ("afghanistan_2020-03.csv.gz", "syria_battles_2017-2018.csv.gz")
    }
    first = sample_rows(rows, 25, seed=1)
    assert [r.origin for r in first] == [r.origin for r in sample_rows(rows, 25, seed=1)]
    assert [r.origin for r in first] != [r.origin for r in sample_rows(rows, 25, seed=2)]
    assert Counter(r.file for r in first) == {"afghanistan_2020-03.csv.gz": 25, "syria_battles_2017-2018.csv.gz": 25}
    assert len(sample_rows(rows, None)) == sum(len(v) for v in rows.values())
