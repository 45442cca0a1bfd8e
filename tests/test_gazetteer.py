"""The SQLite gazetteer: built from real GeoNames and Syrian lists, and its lookups."""

from __future__ import annotations

import gzip
import http.server
import json
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from eventcoder.errors import GazetteerError
from eventcoder.gazetteer import Gazetteer, haversine_km, install_gazetteer
from eventcoder.gazetteer_build import PARENT_PLACED

#: Khan ash Shih, as the issue gives it.
KHAN_AL_SHIH = (33.375, 36.113)

SPELLINGS = (
    "Khan al-Sheih",
    "Khan al-Shieh",
    "Khan al-Sheikh",
    "Khan ash Shih",
    "Khan Eshieh",
    "Khan Elshih",
)


def _near_khan_al_shih(latitude: float, longitude: float, km: float = 1.5) -> bool:
    return haversine_km(latitude, longitude, *KHAN_AL_SHIH) <= km


def test_gazetteer_every_khan_al_shih_spelling_reaches_one_place(gazetteer: Gazetteer) -> None:
    """With the Syrian lists installed, all six spellings find the same entry at Khan al-Shih."""
    found = {
        spelling: gazetteer.lookup(spelling, countries=["SY"], limit=3) for spelling in SPELLINGS
    }
    ids = {
        spelling: candidates[0].place.geonameid
        for spelling, candidates in found.items()
        if candidates
    }
    assert set(ids) == set(SPELLINGS)
    assert len(set(ids.values())) == 1
    place = found["Khan Elshih"][0].place
    assert _near_khan_al_shih(place.latitude, place.longitude)
    assert place.admin1 == "Rural Damascus"
    # Sheikh is another word: it matches one tier down, never as an exact key.
    assert found["Khan al-Sheikh"][0].tier == "loose"
    assert found["Khan al-Sheikh"][0].match_score < 1.0 == found["Khan al-Sheih"][0].match_score


def _write_user_csv(path: Path) -> None:
    path.write_text(
        "name,alternate_names,lat,lon,admin1\n"
        "Khan ash Shih,Khan Eshieh;Khan el-Shih,33.375,36.113,Rural Damascus\n"
        "Tal Zubrat,,,,Rural Damascus\n",
        encoding="utf-8",
    )


def test_gazetteer_hand_written_user_csv_reaches_one_place(
    tmp_path: Path, geonames_dir: Path
) -> None:
    """A user's own CSV row is found under every spelling; a row without coordinates is counted."""
    places = tmp_path / "my_places.csv"
    _write_user_csv(places)
    info = install_gazetteer(
        tmp_path / "g.sqlite",
        geonames=str(geonames_dir),
        places=[str(places)],
        country_filter=["SY"],
    )
    assert any("1 without coordinates" in source for source in info.sources)
    with Gazetteer.open(tmp_path / "g.sqlite") as gazetteer:
        ids = set()
        for spelling in SPELLINGS:
            candidates = gazetteer.lookup(spelling, countries=["SY"])
            assert candidates, spelling
            ids.add(candidates[0].place.geonameid)
            assert _near_khan_al_shih(
                candidates[0].place.latitude, candidates[0].place.longitude, km=0.1
            )
        assert len(ids) == 1 and ids.pop().startswith("my:")
        assert gazetteer.lookup("Tal Zubrat", fuzzy=False) == []


def test_gazetteer_user_geojson_points_are_read(tmp_path: Path, geonames_dir: Path) -> None:
    """A GeoJSON FeatureCollection of points is a place list too (name, aliases, geometry)."""
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "name": "Khan Elshih",
                    "aliases": ["Khan al-Sheih", "Khan ash-Shih"],
                    "population": 12000,
                },
                "geometry": {"type": "Point", "coordinates": [36.113, 33.375]},
            }
        ],
    }
    path = tmp_path / "field_notes.geojson"
    path.write_text(json.dumps(geojson), encoding="utf-8")
    install_gazetteer(
        tmp_path / "g.sqlite", geonames=str(geonames_dir), places=[str(path)], country_filter=["SY"]
    )
    with Gazetteer.open(tmp_path / "g.sqlite") as gazetteer:
        place = gazetteer.lookup("Khan Eshieh")[0].place
        assert place.country_code == "SY"  # inferred from the nearest GeoNames place
        assert place.population == 12000
        assert _near_khan_al_shih(place.latitude, place.longitude, km=0.1)


def test_gazetteer_countries_and_regions_resolve_sensibly(gazetteer: Gazetteer) -> None:
    """Country names give the country, "Rural Damascus" the governorate, "Damascus" the capital."""
    syria = gazetteer.lookup("Syria")[0].place
    assert (syria.feature_code, syria.country_code) == ("PCLI", "SY")
    jordan = gazetteer.lookup("Jordan")[0].place
    assert (jordan.feature_code, jordan.country_code) == ("PCLI", "JO")
    rural = gazetteer.lookup("Rural Damascus")[0].place
    assert (rural.feature_code, rural.admin1) == ("ADM1", "Rural Damascus")
    damascus = gazetteer.lookup("Damascus")[0].place
    assert damascus.feature_code == "PPLC"
    # OpenSyria's aliases (nested JSON) are merged into the GeoNames region by its GeoNames id.
    countryside = gazetteer.lookup("Damascus Countryside", countries=["SY"])[0].place
    assert (countryside.geonameid, countryside.feature_code) == ("170652", "ADM1")
    idlib = {c.place.feature_code: c.place for c in gazetteer.lookup("Idleb")}
    assert {"PPLA", "ADM1"} <= set(idlib)
    assert idlib["ADM1"].admin1 == "Idleb"
    # A region is placed at its capital, as ACLED places region-level events.
    assert (
        haversine_km(
            idlib["ADM1"].latitude,
            idlib["ADM1"].longitude,
            idlib["PPLA"].latitude,
            idlib["PPLA"].longitude,
        )
        < 1
    )


def test_gazetteer_country_filter_keeps_every_capital(gazetteer: Gazetteer) -> None:
    """A filtered index still knows every country and its capital, so "France" never fails."""
    france = gazetteer.lookup("France")[0].place
    assert france.feature_code == "PCLI"
    assert gazetteer.lookup("Paris")[0].place.country_code == "FR"
    assert all(c.place.country_code == "SY" for c in gazetteer.lookup("Tiba", countries=["SY"]))


def test_gazetteer_boundaries_give_ocha_admin_names(gazetteer: Gazetteer) -> None:
    """Point-in-polygon with the OCHA boundaries gives ACLED-style admin names to GeoNames rows."""
    kiswah = gazetteer.lookup("Al Kiswah", countries=["SY"])[0].place
    assert kiswah.source == "geonames"
    assert kiswah.admin1 == "Rural Damascus"  # GeoNames itself says "Rif-dimashq"
    assert kiswah.admin2 == "Rural Damascus"
    aleppo = gazetteer.lookup("Aleppo", countries=["SY"])[0].place
    assert aleppo.admin1 == "Aleppo"


def test_gazetteer_probable_rows_count_less_and_sources_keep_coordinates(
    gazetteer: Gazetteer,
) -> None:
    """Bracketed OCHA rows are probable (prior below 1); IOM/OSM coordinates beat derived ones."""
    khan = gazetteer.lookup("Khan Elshih", countries=["SY"])[0]
    assert khan.prior < 1.0 and "probable" in khan.place.source
    deir = gazetteer.lookup("Deir al-Khabiyeh", countries=["SY"])[0]
    assert deir.prior == 1.0
    assert deir.place.geonameid == "iom:C2287"
    assert haversine_km(deir.place.latitude, deir.place.longitude, 33.36455, 36.15959) < 0.05


def test_gazetteer_fuzzy_tier_catches_misspellings(gazetteer: Gazetteer) -> None:
    """A misspelling no key catches is found by rapidfuzz, with a score below an exact match."""
    found = gazetteer.lookup("Dariyaya", countries=["SY"])
    assert found and found[0].tier == "fuzzy" and found[0].match_score < 0.95
    assert "Dārayyā" in {c.place.name for c in found}
    assert gazetteer.lookup("Qwxzbrtvl") == []


def test_gazetteer_get_and_info(gazetteer: Gazetteer, gazetteer_path: Path) -> None:
    """Entries are fetched by id, and info() reports rows, sources and the build date."""
    place = gazetteer.get("170892")
    assert place is not None and place.name == "Dārayyā"
    assert gazetteer.get("no-such-id") is None
    info = gazetteer.info()
    assert info.path == gazetteer_path
    assert info.rows > 10_000 and info.names > info.rows
    assert info.built and any("cities500" in s for s in info.sources)
    # In a folder, a file that is no place list is skipped and noted (not a warning).
    assert any("opensyria_sources.json: skipped" in s for s in info.sources)
    assert info.warnings == ()


def test_gazetteer_open_missing_or_corrupt_names_the_fix(tmp_path: Path) -> None:
    """A missing or corrupt file gives a one-line error naming `eventcoder gazetteer install`."""
    with pytest.raises(GazetteerError, match="eventcoder gazetteer install"):
        Gazetteer.open(tmp_path / "absent.sqlite")
    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(b"this is not a database" * 100)
    with pytest.raises(GazetteerError, match="eventcoder gazetteer install") as error:
        Gazetteer.open(corrupt)
    assert "\n" not in str(error.value)


def test_gazetteer_failed_install_keeps_the_working_one(tmp_path: Path, geonames_dir: Path) -> None:
    """A build that fails halfway leaves the previous gazetteer file untouched and no temp files."""
    target = tmp_path / "g.sqlite"
    install_gazetteer(target, geonames=str(geonames_dir), country_filter=["LB"])
    before = Gazetteer.open(target).info()
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(GazetteerError, match="broken.json"):
        install_gazetteer(
            target, geonames=str(geonames_dir), places=[str(broken)], country_filter=["SY"]
        )
    after = Gazetteer.open(target).info()
    assert (after.rows, after.built, after.countries) == (
        before.rows,
        before.built,
        before.countries,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.json", "g.sqlite"]


def test_gazetteer_missing_country_dump_is_a_warning(tmp_path: Path, geonames_dir: Path) -> None:
    """Asking for SY.zip that the local folder lacks warns and still builds from cities500."""
    info = install_gazetteer(
        tmp_path / "g.sqlite", geonames=str(geonames_dir), countries=["SY"], country_filter=["SY"]
    )
    assert any("SY.zip" in warning for warning in info.warnings)
    assert info.rows > 200


def test_gazetteer_missing_folder_is_an_error(tmp_path: Path) -> None:
    """A GeoNames folder that does not exist is a clear error, not a traceback."""
    with pytest.raises(GazetteerError, match="EVENTCODER_GEONAMES"):
        install_gazetteer(tmp_path / "g.sqlite", geonames=str(tmp_path / "nowhere"))


@pytest.fixture
def geonames_server(tmp_path: Path, geonames_dir: Path) -> Iterator[str]:
    """A local HTTP server laid out like download.geonames.org, serving Lebanon's real rows."""
    root = tmp_path / "server"
    root.mkdir()
    with gzip.open(geonames_dir / "cities500.txt.gz", "rt", encoding="utf-8") as stream:
        rows = [line for line in stream if line.split("\t")[8] == "LB"]
    with zipfile.ZipFile(root / "cities500.zip", "w") as archive:
        archive.writestr("cities500.txt", "".join(rows))
    for name in ("admin1CodesASCII.txt", "countryInfo.txt"):
        (root / name).write_bytes((geonames_dir / name).read_bytes())
    with gzip.open(geonames_dir / "admin2Codes.txt.gz", "rb") as stream:
        (root / "admin2Codes.txt").write_bytes(stream.read())

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_gazetteer_downloads_from_a_geonames_server(tmp_path: Path, geonames_server: str) -> None:
    """The download path fetches the dumps over HTTP into a cache and builds from them."""
    seen: list[str] = []
    info = install_gazetteer(
        tmp_path / "g.sqlite",
        geonames=geonames_server,
        cache_dir=tmp_path / "cache",
        countries=["LB"],
        progress=lambda stage, done, total: seen.append(stage),
    )
    assert (tmp_path / "cache" / "cities500.zip").is_file()
    assert any(stage.startswith("download") for stage in seen)
    assert any("LB.zip does not exist" in warning for warning in info.warnings)
    with Gazetteer.open(tmp_path / "g.sqlite") as gazetteer:
        assert gazetteer.lookup("Beirut")[0].place.country_code == "LB"


def _geonames_folder_with(tmp_path: Path, geonames_dir: Path, country_dump: str) -> Path:
    """A GeoNames folder: the shared dumps (linked) plus a hand-written per-country dump SY.txt."""
    folder = tmp_path / "geonames"
    folder.mkdir()
    for name in (
        "cities500.txt.gz",
        "admin1CodesASCII.txt",
        "admin2Codes.txt.gz",
        "countryInfo.txt",
    ):
        (folder / name).symlink_to(geonames_dir / name)
    (folder / "SY.txt").write_text(country_dump, encoding="utf-8")
    return folder


def _geonames_row(
    geonameid: str, name: str, alternates: str, lat: float, lon: float, feature: str, admin1: str
) -> str:
    klass, code = feature.split(".")
    fields = [
        geonameid,
        name,
        name,
        alternates,
        str(lat),
        str(lon),
        klass,
        code,
        "SY",
        "",
        admin1,
        "",
        "",
        "",
        "0",
        "",
        "700",
        "Asia/Damascus",
        "2024-01-01",
    ]
    return "\t".join(fields) + "\n"


#: A per-country dump as GeoNames writes it: a village, then a hotel and a street named like
#: countries.
SY_DUMP = (
    _geonames_row(
        "990001", "Khān ash Shīḩ", "Khan Eshieh,Khan al-Shih", 33.375, 36.113, "P.PPL", "08"
    )
    + _geonames_row("990002", "Syria", "Syria Hotel", 33.512, 36.29, "S.HTL", "13")
    + _geonames_row("990003", "Jordan", "Jordan Street", 33.51, 36.3, "R.ST", "13")
)


def test_gazetteer_per_country_dump_adds_villages_but_countries_stay_countries(
    tmp_path: Path, geonames_dir: Path
) -> None:
    """SY.txt adds its villages; "Syria" and "Jordan" still mean the countries, not a hotel."""
    folder = _geonames_folder_with(tmp_path, geonames_dir, SY_DUMP)
    info = install_gazetteer(
        tmp_path / "g.sqlite", geonames=str(folder), countries=["SY"], country_filter=["SY", "JO"]
    )
    assert info.warnings == ()
    assert any("SY.txt" in source for source in info.sources)
    with Gazetteer.open(tmp_path / "g.sqlite") as gazetteer:
        assert gazetteer.lookup("Khan al-Sheih")[0].place.geonameid == "990001"
        assert gazetteer.lookup("Syria")[0].place.feature_code == "PCLI"
        assert gazetteer.lookup("Jordan")[0].place.feature_code == "PCLI"


def test_gazetteer_names_only_rows_are_placed_at_their_subdistrict(
    tmp_path: Path, geonames_dir: Path
) -> None:
    """A list row with a sub-district P-code but no coordinates is found at that sub-district's
    point, marked probable and saying so; one without a known sub-district stays out."""
    folder = tmp_path / "lists"
    folder.mkdir()
    (folder / "subdistricts.csv").write_text(
        "pcode,name,lat,lon,admin1\nSY030101,Kisweh,33.36,36.24,Rural Damascus\n",
        encoding="utf-8",
    )
    (folder / "communities.csv").write_text(
        "location_pcode,location_name,adm1_name,adm3_pcode\n"
        "C2279,Zakyeh,Rural Damascus,SY030101\n"
        "C9999,Nowhereville,Rural Damascus,SY999999\n",
        encoding="utf-8",
    )
    info = install_gazetteer(
        tmp_path / "g.sqlite", geonames=str(geonames_dir), places=[str(folder)], country_filter=["SY"]
    )
    assert any("placed at their sub-district" in source for source in info.sources)
    with Gazetteer.open(tmp_path / "g.sqlite") as gazetteer:
        found = gazetteer.lookup("Zakyeh", countries=["SY"], fuzzy=False)
        assert found and found[0].prior < 1.0 and PARENT_PLACED in found[0].place.source
        assert haversine_km(found[0].place.latitude, found[0].place.longitude, 33.36, 36.24) < 0.1
        assert gazetteer.lookup("Nowhereville", fuzzy=False) == []


def test_gazetteer_real_neighbourhoods_are_found_in_their_city(gazetteer: Gazetteer) -> None:
    """The IOM list's Damascus neighbourhood "Qaboun (ne)" has no coordinates; it is found in
    Damascus (about 5 km from the real Qaboun), not at Gabon or a Kebon in Java."""
    found = gazetteer.lookup("Qaboun", countries=["SY"], fuzzy=False)
    assert found and found[0].place.admin1 == "Damascus"
    assert haversine_km(found[0].place.latitude, found[0].place.longitude, 33.55, 36.34) < 15


def test_gazetteer_natural_earth_puts_countries_at_their_middle(world_gazetteer_path: Path) -> None:
    """With Natural Earth's outlines a country entry is the country's middle (as a geoparser
    should answer "Russia"), while an event known only by its country still goes to the
    capital, as ACLED places it."""
    gazetteer = Gazetteer.open(world_gazetteer_path)
    try:
        russia, usa = gazetteer.country("RU"), gazetteer.country("US")
        assert russia is not None and usa is not None
        assert haversine_km(russia.latitude, russia.longitude, 60.0, 100.0) < 500
        assert haversine_km(usa.latitude, usa.longitude, 39.76, -98.5) < 300  # Kansas
        assert gazetteer.seat(russia).name == "Moscow"
        assert gazetteer.seat(usa).name == "Washington"
    finally:
        gazetteer.close()


def test_gazetteer_seat_of_a_district_is_never_a_list_guess(gazetteer: Gazetteer) -> None:
    """The seat of Abu Kamal district is the town (Albu Kamal, on the Euphrates), not the IOM
    row "Abu Kamal" placed at its sub-district's centre 44 km west of it."""
    district = next(
        c.place
        for c in gazetteer.lookup("Abu Kamal", countries=["SY"])
        if c.place.feature_code == "ADM2"
    )
    seat = gazetteer.seat(district)
    assert PARENT_PLACED not in seat.source
    assert haversine_km(seat.latitude, seat.longitude, 34.4546, 40.9116) < 10, seat
