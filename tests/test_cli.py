"""The command line as a user meets it: exit codes, one-line errors, and the output formats."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from eventcoder.cli import main
from eventcoder.models import ACLED_COLUMNS, EXTRA_COLUMNS


@pytest.fixture()
def env(gazetteer_path: Path, tmp_path: Path) -> dict[str, str]:
    """Environment pointing the CLI at the test gazetteer and a fresh database."""
    return {
        "EVENTCODER_GAZETTEER": str(gazetteer_path),
        "EVENTCODER_DB": str(tmp_path / "events.sqlite"),
        "EVENTCODER_HOME": str(tmp_path / "home"),
    }


def _run(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(main, args, env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_code_jsonl_prints_acled_keys_and_extras(env: dict[str, str], sample_path: Path) -> None:
    """`code --format jsonl` prints one object per event keyed by ACLED's columns plus the extras."""
    code, out, err = _run(["code", str(sample_path), "--published", "2016-11-28", "--outlet", "FNA", "--format", "jsonl"], env)
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) >= 6
    for row in rows:
        assert set(ACLED_COLUMNS) | set(EXTRA_COLUMNS) <= set(row)
        assert row["source"] == "FNA"
        assert row["event_date"] <= "2016-11-28"
    assert "1 article(s) coded" in err


def test_cli_export_csv_loads_in_pandas_with_acled_header(env: dict[str, str], sample_path: Path, tmp_path: Path) -> None:
    """The exported CSV has exactly ACLED's header and loads with pandas.read_csv."""
    _run(["code", str(sample_path), "--published", "2016-11-28", "--outlet", "FNA", "--format", "jsonl"], env)
    target = tmp_path / "events.csv"
    code, _, err = _run(["export", "-o", str(target)], env)
    assert code == 0, err
    frame = pd.read_csv(target)
    assert tuple(frame.columns) == ACLED_COLUMNS
    assert len(frame) >= 6
    assert frame["latitude"].between(32, 38).all()
    assert set(frame["country"]) == {"Syria"}


def test_cli_export_geojson_is_a_valid_feature_collection(env: dict[str, str], sample_path: Path, tmp_path: Path) -> None:
    """The GeoJSON export is a FeatureCollection of Points in [lon, lat] order."""
    _run(["code", str(sample_path), "--published", "2016-11-28", "--outlet", "FNA", "--format", "jsonl"], env)
    target = tmp_path / "events.geojson"
    code, _, _ = _run(["export", "-o", str(target)], env)
    assert code == 0
    collection = json.loads(target.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        lon, lat = feature["geometry"]["coordinates"]
        assert feature["geometry"]["type"] == "Point"
        assert 35 < lon < 38 and 32 < lat < 35  # Rural Damascus, lon first
        assert feature["properties"]["sub_event_type"]


def test_cli_batch_keeps_going_past_bad_inputs(env: dict[str, str], sample_text: str, tmp_path: Path) -> None:
    """Empty, binary and malformed inputs fail one by one with the file named; the rest are coded."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a_empty.txt").write_text("", encoding="utf-8")
    (folder / "b_binary.txt").write_bytes(bytes(range(256)) * 8)
    lines = [
        json.dumps({"id": "good-1", "text": sample_text, "outlet": "FNA", "published": "2016-11-28"}),
        "{this is not json",
        json.dumps({"id": "no-text", "title": "nothing here"}),
    ]
    (folder / "c_news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = _run(["code", str(folder), "--format", "jsonl"], env)
    assert code == 0
    assert "1 article(s) coded" in err and "4 failed" in err
    assert "a_empty.txt" in err and "b_binary.txt" in err and "c_news.jsonl:2" in err and "c_news.jsonl:3" in err
    assert {json.loads(line)["article_id"] for line in out.splitlines()} == {"good-1"}


def test_cli_failure_does_not_lose_stored_events(env: dict[str, str], sample_path: Path, tmp_path: Path) -> None:
    """A later run over a bad file leaves what an earlier run stored untouched."""
    _run(["code", str(sample_path), "--published", "2016-11-28", "--outlet", "FNA", "--format", "jsonl"], env)
    with sqlite3.connect(env["EVENTCODER_DB"]) as connection:
        before = connection.execute("SELECT count(*) FROM events").fetchone()[0]
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><div></div></body></html>", encoding="utf-8")
    code, _, err = _run(["code", str(bad)], env)
    assert code == 1 and "bad.html" in err
    with sqlite3.connect(env["EVENTCODER_DB"]) as connection:
        after = connection.execute("SELECT count(*) FROM events").fetchone()[0]
    assert after == before > 0


def test_cli_missing_gazetteer_names_the_install_command(tmp_path: Path, sample_path: Path) -> None:
    """Without a gazetteer, `code` fails in one line that says how to install one."""
    env = {"EVENTCODER_HOME": str(tmp_path), "EVENTCODER_GAZETTEER": str(tmp_path / "none.sqlite")}
    code, _, err = _run(["code", str(sample_path), "--published", "2016-11-28"], env)
    assert code == 1
    assert "gazetteer install" in err
    assert len([line for line in err.splitlines() if line.startswith("Error")]) == 1


def test_cli_missing_spacy_model_names_the_pip_command(env: dict[str, str], sample_path: Path) -> None:
    """An uninstalled spaCy model fails with the pip command that installs one."""
    env = {**env, "EVENTCODER_SPACY_MODEL": "en_core_web_nonexistent"}
    code, _, err = _run(["code", str(sample_path), "--published", "2016-11-28"], env)
    assert code == 1
    assert "pip install" in err and "en_core_web_nonexistent" in err


def test_cli_rejects_a_malformed_date(env: dict[str, str], sample_path: Path) -> None:
    """--published takes ISO dates and says so."""
    code, _, err = _run(["code", str(sample_path), "--published", "28/11/2016"], env)
    assert code == 2
    assert "YYYY-MM-DD" in err


def test_cli_table_lists_events_for_people(env: dict[str, str], sample_path: Path) -> None:
    """The default table shows each event's type, actors and place."""
    code, out, _ = _run(["code", str(sample_path), "--published", "2016-11-28", "--outlet", "FNA"], env)
    assert code == 0
    assert "Air/drone strike" in out
    assert "Military Forces of Syria" in out
    assert str(date(2016, 11, 28)) in out or "2016-11-2" in out


def test_cli_geoparse_emits_one_row_per_toponym(env: dict[str, str], sample_path: Path) -> None:
    """`geoparse` resolves the sample's places: every spelling of Khan al-Shih to one id."""
    code, out, err = _run(["geoparse", str(sample_path), "--format", "jsonl"], env)
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    keys = {"article_id", "start", "end", "text", "geonameid", "name", "feature_code", "country", "admin1",
            "latitude", "longitude", "score", "reason"}
    assert rows and all(keys <= set(row) for row in rows)
    khan = {row["geonameid"] for row in rows if row["text"].startswith("Khan al-Sh")}
    assert len(khan) == 1 and None not in khan
