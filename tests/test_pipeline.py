"""End to end: the real sample article through the real spaCy model, gazetteer and SQLite store."""

from __future__ import annotations

import csv
import gzip
import json
import math
import time
from datetime import date
from pathlib import Path

import pytest

from eventcoder.errors import GazetteerError
from eventcoder.models import Event
from eventcoder.pipeline import STAGES, Pipeline, StageTimes
from eventcoder.settings import load_settings
from eventcoder.store import Store

KHAN_ASH_SHIH = (33.375, 36.113)
ELSEWHERE = ("idlib", "idleb", "quneitra", "dara", "jordan")


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    rlat1, rlat2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = rlat2 - rlat1, math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(rlat1) * math.cos(rlat2) * math.sin(dlon / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def sample_events(
    world_gazetteer_path: Path, sample_path: Path, sample_published: date, tmp_path_factory: pytest.TempPathFactory
) -> list[Event]:
    """The events coded from the sample article with the world gazetteer into a fresh SQLite store."""
    db = tmp_path_factory.mktemp("e2e") / "events.sqlite"
    settings = load_settings(gazetteer=world_gazetteer_path, db=db)
    with Store.open(db) as store:
        report = Pipeline(settings).run([sample_path], store, published=sample_published, outlet="FNA")
        assert report.summary.failed == 0
        return list(store.events(article_ids=report.article_ids))


def _with(events: list[Event], sub_event_type: str, words: str) -> list[Event]:
    """Events of a sub-type whose evidence contains ``words``."""
    return [
        e
        for e in events
        if e.sub_event_type == sub_event_type and any(words in ev.text for ev in e.evidence)
    ]


def test_pipeline_sample_reports_the_air_strikes_on_khan_al_sheih(sample_events: list[Event]) -> None:
    """The fighter jets' sorties over Khan al-Sheih are an air strike by the Syrian military."""
    strikes = _with(sample_events, "Air/drone strike", "sorties")
    assert strikes, [e.sub_event_type for e in sample_events]
    assert strikes[0].actor1 == "Military Forces of Syria (2000-)"
    assert strikes[0].actor2 == "Jabhat Fateh al Sham"


def test_pipeline_sample_reports_the_clashes_in_the_farms(sample_events: list[Event]) -> None:
    """The fierce clashes in the Khan al-Sheih farms are an armed clash."""
    assert _with(sample_events, "Armed clash", "clashes")


def test_pipeline_sample_reports_the_artillery_fire_east_of_the_town(sample_events: list[Event]) -> None:
    """The artillery units opening fire on the farms east of the town is shelling."""
    shelling = _with(sample_events, "Shelling/artillery/missile attack", "opened fire")
    assert shelling
    assert shelling[0].actor1 == "Military Forces of Syria (2000-)"


def test_pipeline_sample_counts_no_deaths_in_killing_or_wounding(sample_events: list[Event]) -> None:
    """The repelled attack on the Deir al-Khabiyeh road is a clash; 'killing or wounding ten' is not ten deaths."""
    repelled = _with(sample_events, "Armed clash", "fended off")
    assert repelled
    assert all(e.fatalities < 10 for e in repelled)
    assert all(e.fatalities <= 10 for e in sample_events)


def test_pipeline_sample_codes_liberation_as_territory_regained(sample_events: list[Event]) -> None:
    """'liberation' and 'seized control' by the army are Government regains territory, never copied."""
    taken = [e for e in sample_events if e.sub_event_type == "Government regains territory"]
    assert taken
    assert all(e.actor1 == "Military Forces of Syria (2000-)" for e in taken)
    assert not any("liberat" in (e.actor1 + e.actor2).lower() for e in sample_events)


def test_pipeline_sample_codes_the_relocation_agreement(sample_events: list[Event]) -> None:
    """The militants' agreement to relocate to Idlib is an Agreement, located where they are, not in Idlib."""
    agreements = [e for e in sample_events if e.sub_event_type == "Agreement"]
    assert agreements
    assert all(e.modality in ("asserted", "claimed") for e in agreements)


def test_pipeline_sample_places_every_event_at_khan_al_shih_or_rural_damascus(sample_events: list[Event]) -> None:
    """Destinations and context (Idlib, Quneitra, Dara'a, Jordan) are never event locations."""
    for event in sample_events:
        assert event.latitude is not None and event.longitude is not None, event.notes
        where = f"{event.location} {event.admin1} {event.country}".lower()
        assert not any(name in where for name in ELSEWHERE), event.notes
        assert event.country == "Syria"
        assert _km(event.latitude, event.longitude, *KHAN_ASH_SHIH) < 40, event.notes


def test_pipeline_sample_resolves_all_spellings_to_one_place(sample_events: list[Event]) -> None:
    """Khan al-Sheih, Khan al-Shieh and Khan al-Sheikh are one gazetteer place."""
    ids = {
        e.geonameid
        for e in sample_events
        for ev in e.evidence
        if ev.field == "location" and ev.text.startswith("Khan al-Sh")
    }
    assert len(ids) == 1, ids
    place = next(e for e in sample_events if e.geonameid in ids)
    assert _km(place.latitude or 0, place.longitude or 0, *KHAN_ASH_SHIH) < 2


def test_pipeline_sample_never_dates_an_event_after_publication(sample_events: list[Event]) -> None:
    """Relative dates ('on Sunday', 'in recent days') resolve backwards from 2016-11-28."""
    assert all(e.event_date is not None and e.event_date <= date(2016, 11, 28) for e in sample_events)
    assert any(e.event_date == date(2016, 11, 27) for e in sample_events)  # "said on Sunday"


def test_pipeline_sample_skips_plans_and_alternatives(sample_events: list[Event]) -> None:
    """'were to hand over', 'either facing a massive attack' and 'the fear of attacks' are not events."""
    for event in sample_events:
        texts = " ".join(ev.text for ev in event.evidence if ev.field == "sub_event_type")
        assert "hand over" not in texts
        assert event.modality in ("asserted", "claimed")
    sentences = {ev.text for e in sample_events for ev in e.evidence if ev.field == "sentence"}
    assert not any(s.startswith("He further added") for s in sentences)
    assert not any(s.startswith("A number of terrorists could pass") for s in sentences)


def test_pipeline_sample_records_attribution_and_reasons(sample_events: list[Event]) -> None:
    """Claims carry who made them; every event explains its decisions."""
    claimed = [e for e in sample_events if e.modality == "claimed"]
    assert any("sources privy to the talks" in e.attribution for e in claimed)
    for event in sample_events:
        assert any(r.startswith("location") for r in event.reasons)
        assert any(r.startswith("event_date") for r in event.reasons)
        assert 0 < event.confidence <= 1
        fields = {ev.field for ev in event.evidence}
        assert {"sentence", "sub_event_type"} <= fields


def test_pipeline_rerun_adds_no_duplicates(
    gazetteer_path: Path, sample_path: Path, sample_published: date, tmp_path: Path
) -> None:
    """Coding the same article twice stores its events once; the second run skips it."""
    settings = load_settings(gazetteer=gazetteer_path, db=tmp_path / "events.sqlite")
    pipeline = Pipeline(settings)
    with Store.open(settings.db) as store:
        first = pipeline.run([sample_path], store, published=sample_published, outlet="FNA")
        count = len(list(store.events()))
        second = pipeline.run([sample_path], store, published=sample_published, outlet="FNA")
        assert second.summary.skipped == 1 and second.summary.articles == 0
        assert len(list(store.events())) == count == first.summary.events > 0


def _guardian_jsonl(shared_dir: Path, path: Path, count: int) -> Path:
    """The first ``count`` Guardian dev articles that report someone killed, as a JSONL file."""
    lines = []
    with gzip.open(shared_dir / "dev" / "articles" / "guardian_syria_2017-2019.csv.gz", "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if "killed" in row["text"]:
                record = {"id": f"guardian-{row['']}", "text": row["text"], "published": row["date"]}
                lines.append(json.dumps(record, ensure_ascii=False))
            if len(lines) == count:
                break
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _stored(db: Path) -> list[dict[str, object]]:
    with Store.open(db) as store:
        return [event.to_dict() for event in sorted(store.events(), key=lambda event: event.event_id)]


def test_pipeline_two_processes_store_what_one_process_stores(
    gazetteer_path: Path, shared_dir: Path, sample_path: Path, tmp_path: Path
) -> None:
    """Worker processes give the same events, article ids and counts as coding in this process."""
    corpus = _guardian_jsonl(shared_dir, tmp_path / "guardian.jsonl", 6)
    reports = []
    for processes in (1, 2):
        db = tmp_path / f"events-{processes}.sqlite"
        settings = load_settings(gazetteer=gazetteer_path, db=db, n_process=processes, batch_size=2)
        with Store.open(db) as store:
            reports.append(Pipeline(settings).run([sample_path, corpus], store, published=date(2016, 11, 28)))
    one, two = reports
    assert len(_stored(tmp_path / "events-1.sqlite")) >= 10
    assert _stored(tmp_path / "events-2.sqlite") == _stored(tmp_path / "events-1.sqlite")
    assert two.article_ids == one.article_ids
    assert (two.summary.articles, two.summary.events, two.summary.failed) == (
        one.summary.articles,
        one.summary.events,
        one.summary.failed,
    )
    assert two.times.parse_cpu > 0 and two.times.extract_cpu > 0  # the workers' times come back


def test_pipeline_stage_times_split_wall_and_cpu(gazetteer_path: Path, sample_path: Path, tmp_path: Path) -> None:
    """Each stage gets its own wall-clock and CPU time; together no more than the run took."""
    settings = load_settings(gazetteer=gazetteer_path, db=tmp_path / "events.sqlite")
    pipeline = Pipeline(settings)
    _ = pipeline.nlp, pipeline.extractor
    with Store.open(settings.db) as store:
        started = time.perf_counter()
        report = pipeline.run([sample_path], store, published=date(2016, 11, 28))
        seconds = time.perf_counter() - started
    times = report.times
    assert set(times.as_dict()) == set(times.cpu_dict()) == set(STAGES)
    assert times.parse > 0 and times.extract > 0 and times.store > 0 and times.ingest > 0
    assert times.parse_cpu > 0 and times.extract_cpu > 0
    assert sum(times.as_dict().values()) <= seconds + 0.01


def test_pipeline_stage_times_add_and_merge() -> None:
    """A worker's chunk times add to the run's, stage by stage, wall and CPU alike."""
    total = StageTimes()
    total.add("store", 1.0, 0.5)
    chunk = StageTimes()
    chunk.add("parse", 2.0, 1.5)
    chunk.add("extract", 1.0, 1.0)
    total.merge(chunk)
    total.merge(chunk)
    assert total.as_dict() == {"ingest": 0.0, "parse": 4.0, "extract": 2.0, "store": 1.0}
    assert total.cpu_dict() == {"ingest": 0.0, "parse": 3.0, "extract": 2.0, "store": 0.5}


def test_pipeline_workers_without_gazetteer_report_the_gazetteer_error(
    sample_path: Path, tmp_path: Path
) -> None:
    """A worker that cannot load its gazetteer stops the run with the gazetteer's own error."""
    missing = tmp_path / "nowhere" / "gazetteer.sqlite"
    settings = load_settings(gazetteer=missing, db=tmp_path / "events.sqlite", n_process=2)
    with Store.open(settings.db) as store, pytest.raises(GazetteerError) as raised:
        Pipeline(settings).run([sample_path], store, published=date(2016, 11, 28))
    assert "gazetteer install" in str(raised.value)
