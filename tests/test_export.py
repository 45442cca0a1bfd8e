"""Exports: ACLED-column CSV read by pandas, JSON Lines, and RFC 7946 GeoJSON."""

from __future__ import annotations

import csv
import dataclasses
import gzip
import io
import json
import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas
import pytest
import shapely.geometry

from eventcoder.errors import ExportError
from eventcoder.export import FORMATS, export_to_path, write_events
from eventcoder.models import ACLED_COLUMNS, EXTRA_COLUMNS, Article, Event, Evidence
from eventcoder.store import Store


def make_events() -> list[Event]:
    """Three events of the Khan al-Shih article as the pipeline would code them."""
    strike = Event(
        event_id="3f2a9c0d1e7b4a55",
        article_id="fna-20161128",
        event_date=date(2016, 11, 27),
        time_precision=1,
        disorder_type="Political violence",
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        actor1="Military Forces of Syria (2000-) Syrian Arab Air Force",
        assoc_actor_1="",
        inter1=1,
        actor2="Jabhat Fateh al-Sham",
        assoc_actor_2="",
        inter2=2,
        interaction=12,
        civilian_targeting="",
        country="Syria",
        admin1="Rif Dimashq",
        admin2="Qatana",
        location="Khan ash Shih",
        latitude=33.37640001,
        longitude=36.1198,
        geo_precision=1,
        geonameid="",
        source="FNA",
        notes=(
            'On 27 November 2016, Syrian warplanes struck "militant" positions in Khan ash Shih, '
            "Rif Dimashq; FNA said\nthe militants suffered heavy losses. 5 fatalities."
        ),
        fatalities=5,
        evidence=(
            Evidence("sub_event_type", 112, 129, "warplanes pounded"),
            Evidence("location", 159, 172, "Khan al-Sheih"),
        ),
        modality="asserted",
        attribution="FNA",
        confidence=0.8234,
        reasons=("Air/drone strike: trigger 'warplanes pounded'", "خان الشيح -> Khan ash Shih"),
        sources=("fna-20161128", "sana-20161129"),
    )
    shelling = dataclasses.replace(
        strike,
        event_id="8b1c44e09a2f6d13",
        sub_event_type="Shelling/artillery/missile attack",
        actor1="Military Forces of Syria (2000-)",
        location="Darayya",
        latitude=33.4584,
        longitude=36.2326,
        geonameid="170892",
        fatalities=0,
        civilian_targeting="Civilian targeting",
        actor2="Civilians (Syria)",
        inter2=7,
        interaction=17,
        notes="On 27 November 2016, artillery shelled Darayya. No fatalities reported.",
        sources=(),
    )
    unlocated = dataclasses.replace(
        strike,
        event_id="c7d0e5f1a3b24c88",
        event_type="Battles",
        sub_event_type="Armed clash",
        location="Khan al-Sheih farms",
        admin2="",
        latitude=None,
        longitude=None,
        geo_precision=3,
        event_date=None,
        time_precision=3,
        fatalities=0,
        evidence=(),
        reasons=("'Khan al-Sheih farms' is not in the gazetteer: kept as written",),
        sources=(),
    )
    return [strike, shelling, unlocated]


def test_export_csv_loads_in_pandas_with_acled_header(tmp_path: Path) -> None:
    """pandas.read_csv loads the CSV unchanged: ACLED's header, types and the notes text."""
    events = make_events()
    path = tmp_path / "events.csv"
    assert export_to_path(events, path) == 3
    frame = pandas.read_csv(path)
    assert list(frame.columns) == list(ACLED_COLUMNS)
    assert len(frame) == 3
    assert list(frame["event_date"][:2]) == ["2016-11-27", "2016-11-27"]
    assert math.isnan(frame["event_date"][2])
    assert frame["latitude"].dtype.kind == "f" and frame["fatalities"].dtype.kind == "i"
    assert frame["latitude"][0] == 33.3764 and frame["longitude"][1] == 36.2326
    assert frame["notes"][0] == events[0].notes  # quotes, commas and a newline survive
    assert frame["civilian_targeting"].fillna("").tolist() == ["", "Civilian targeting", ""]
    assert frame["actor1"][0] == "Military Forces of Syria (2000-) Syrian Arab Air Force"
    assert list(frame["interaction"]) == [12, 17, 12]


def test_export_csv_columns_follow_acleds_own_file(shared_dir: Path) -> None:
    """Our columns appear in the same order as in a real ACLED download (a subset of its columns)."""
    with gzip.open(shared_dir / "dev" / "acled" / "syria_battles_2017-2018.csv.gz", "rt") as stream:
        acled_header = next(csv.reader(stream))
    positions = [acled_header.index(name) for name in ACLED_COLUMNS]
    assert positions == sorted(positions)
    stream = io.StringIO()
    write_events([], "csv", stream)
    assert stream.getvalue() == ",".join(ACLED_COLUMNS) + "\n"


def test_export_csv_formats_values_like_acled() -> None:
    """Coordinates have 4 decimals, missing values are empty, dates are ISO."""
    stream = io.StringIO()
    write_events(make_events(), "csv", stream)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
    assert (rows[0]["latitude"], rows[0]["longitude"]) == ("33.3764", "36.1198")
    assert (rows[2]["latitude"], rows[2]["longitude"], rows[2]["event_date"]) == ("", "", "")
    assert rows[0]["assoc_actor_1"] == "" and rows[0]["fatalities"] == "5"
    assert "\r" not in stream.getvalue()


def test_export_csv_extras_append_eventcoder_columns() -> None:
    """With extras, eventcoder's columns follow ACLED's, evidence and reasons as JSON."""
    events = make_events()
    stream = io.StringIO()
    write_events(events, "csv", stream, extras=True)
    stream.seek(0)
    frame = pandas.read_csv(stream, keep_default_na=False)
    assert list(frame.columns) == list(ACLED_COLUMNS + EXTRA_COLUMNS)
    assert json.loads(frame["evidence"][0]) == events[0].to_dict()["evidence"]
    assert json.loads(frame["reasons"][0])[1] == "خان الشيح -> Khan ash Shih"
    assert frame["geonameid"].astype(str).tolist() == ["", "170892", ""]
    assert frame["confidence"][0] == 0.823


def test_export_jsonl_writes_one_event_per_line(tmp_path: Path) -> None:
    """Each JSONL line is the event's to_dict(), UTF-8 with Arabic kept as written."""
    events = make_events()
    path = tmp_path / "events.jsonl"
    assert export_to_path(events, path) == 3
    raw = path.read_text(encoding="utf-8")
    assert "خان الشيح" in raw
    records = [json.loads(line) for line in raw.splitlines()]
    assert records == [event.to_dict() for event in events]
    assert set(ACLED_COLUMNS) | set(EXTRA_COLUMNS) <= set(records[0])
    assert records[0]["sources"] == ["fna-20161128", "sana-20161129"]


def check_feature_collection(document: object) -> list[dict[str, object]]:
    """Assert ``document`` is an RFC 7946 FeatureCollection of Point-or-null features."""
    assert isinstance(document, dict)
    assert document["type"] == "FeatureCollection"
    assert "crs" not in document  # RFC 7946 removed crs: coordinates are WGS 84
    features = document["features"]
    assert isinstance(features, list)
    for feature in features:
        assert feature["type"] == "Feature"
        assert set(feature) <= {"type", "id", "geometry", "properties", "bbox"}
        assert isinstance(feature["id"], (str, int))
        assert isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        if geometry is None:
            continue
        assert geometry["type"] == "Point" and set(geometry) == {"type", "coordinates"}
        lon, lat = geometry["coordinates"]
        assert all(isinstance(v, float) and math.isfinite(v) for v in (lon, lat))
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        point = shapely.geometry.shape(geometry)
        assert point.is_valid and (point.x, point.y) == (lon, lat)
    return features


def test_export_geojson_is_a_valid_feature_collection(tmp_path: Path) -> None:
    """The GeoJSON is RFC 7946: [lon, lat] points, and null geometry for unlocated events."""
    events = make_events()
    path = tmp_path / "events.geojson"
    assert export_to_path(events, path) == 3
    features = check_feature_collection(json.loads(path.read_text(encoding="utf-8")))
    assert [f["id"] for f in features] == [e.event_id for e in events]
    assert features[0]["geometry"]["coordinates"] == [36.1198, 33.37640001]  # lon first
    assert features[2]["geometry"] is None  # kept, not dropped
    assert [f["properties"] for f in features] == [e.to_dict() for e in events]


def test_export_geojson_streams_features(tmp_path: Path) -> None:
    """Features are written as events arrive, not after all of them are held in memory."""
    stream = io.StringIO()
    seen: list[str] = []

    def events() -> Iterator[Event]:
        for event in make_events():
            yield event
            seen.append(stream.getvalue())

    assert write_events(events(), "geojson", stream) == 3
    assert make_events()[0].event_id in seen[0]
    assert make_events()[1].event_id not in seen[0]
    check_feature_collection(json.loads(stream.getvalue()))
    empty = io.StringIO()
    write_events([], "geojson", empty)
    assert check_feature_collection(json.loads(empty.getvalue())) == []


def test_export_rejects_bad_coordinates_and_keeps_the_old_file(tmp_path: Path) -> None:
    """An event with impossible coordinates fails the export and leaves the earlier file intact."""
    path = tmp_path / "events.json"
    export_to_path(make_events(), path)
    good = path.read_text(encoding="utf-8")
    # Latitude and longitude swapped by a broken place list: 136 is no latitude.
    strike, shelling, _ = make_events()
    swapped = [strike, dataclasses.replace(shelling, latitude=136.2326, longitude=33.4584)]
    with pytest.raises(ExportError, match="8b1c44e09a2f6d13") as error:
        export_to_path(swapped, path)
    assert "latitude 136.2326" in str(error.value)
    assert path.read_text(encoding="utf-8") == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.json"]


def test_export_rejects_unknown_formats(tmp_path: Path) -> None:
    """An unknown format or file suffix gives an ExportError naming the choices."""
    with pytest.raises(ExportError, match="csv, jsonl, geojson"):
        write_events(make_events(), "xlsx", io.StringIO())
    path = tmp_path / "events.xlsx"
    with pytest.raises(ExportError, match="suffix") as error:
        export_to_path(make_events(), path)
    assert str(path) in str(error.value)
    assert not path.exists()
    assert export_to_path(make_events(), path, "csv") == 3
    assert FORMATS == ("csv", "jsonl", "geojson")


def test_export_events_read_back_from_the_store(tmp_path: Path) -> None:
    """Events stored in SQLite and read back export exactly like the events that were saved."""
    article = Article(
        id="fna-20161128",
        text="The Syrian warplanes pounded the militants' positions in Khan al-Sheih.",
        outlet="FNA",
        published=date(2016, 11, 28),
        origin="khan-al-shih-2016.txt",
    )
    events = [dataclasses.replace(event, sources=()) for event in make_events()]
    with Store.open(tmp_path / "events.sqlite") as store:
        run_id = store.begin_run([article.origin], {})
        store.save_article(article, events, run_id)
        stored = list(store.events())
    for fmt in FORMATS:
        direct, read_back = io.StringIO(), io.StringIO()
        write_events([dataclasses.replace(e, sources=(article.id,)) for e in events], fmt, direct)
        write_events(stored, fmt, read_back)
        assert read_back.getvalue() == direct.getvalue(), fmt
