"""Write a gazetteer: GeoNames rows, regions, user place lists and boundaries into one SQLite file.

:class:`GazetteerBuilder` is used once per build by
:func:`~eventcoder.gazetteer.install_gazetteer`, in this order: GeoNames dumps (per-country
first, so their richer rows win), one entry per country and admin1/admin2 region (placed at
its capital, as ACLED codes region-level events), user place lists merged by P-code, names-only
list rows placed at their sub-district, and boundary polygons that name each row's regions.
The SQLite layout (:data:`FORMAT_VERSION`) is defined here, next to the code that writes it.
"""

from __future__ import annotations

import json
import logging
import math
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import shapely  # type: ignore[import-untyped]
from shapely.strtree import STRtree  # type: ignore[import-untyped]

from eventcoder.gazetteer_sources import COUNTRY_ALIASES, CountryInfo, ProgressCallback, open_dump
from eventcoder.placelists import (
    PROBABLE_PRIOR,
    BoundaryFeature,
    PlaceRecord,
    is_pcode,
    outline_middle,
    read_boundaries,
    read_place_list,
)
from eventcoder.placenames import index_keys, quarter_stem

log = logging.getLogger(__name__)

#: Bumped when the SQLite layout changes; an older file is reported as needing a rebuild.
FORMAT_VERSION = 1
#: Source note and prior of a names-only list row placed at its sub-district's point.
PARENT_PLACED = "placed at its sub-district"
PARENT_PRIOR = 0.45
_PARENTHESIS_NOTE = re.compile(r"\s*\((?:ne|nh|camp)\)\s*$", re.IGNORECASE)
#: A country with at least this many rows from user place lists is one of the gazetteer's
#: "home" countries (see Gazetteer.home_countries).
HOME_MIN_ROWS = 20
#: How much a feature code says "this is what a bare name means" (ordering only).
FEATURE_RANK: dict[str, float] = {
    "PCLI": 10.0,
    "PPLC": 9.0,
    "ADM1": 8.0,
    "PPLA": 7.5,
    "ADM2": 6.0,
    "PPLA2": 5.5,
    "PPLA3": 4.5,
    "ADM3": 4.0,
    "PPLA4": 4.0,
    "PPL": 3.5,
    "PPLX": 3.0,
}
_CODE = re.compile(r"[A-Z0-9]{2,4}")
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE countries (code TEXT PRIMARY KEY, name TEXT NOT NULL, iso3 TEXT, geonameid TEXT);
CREATE TABLE places (
    id INTEGER PRIMARY KEY,
    geonameid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    country_code TEXT NOT NULL,
    admin1_code TEXT NOT NULL DEFAULT '',
    admin2_code TEXT NOT NULL DEFAULT '',
    admin1 TEXT NOT NULL DEFAULT '',
    admin2 TEXT NOT NULL DEFAULT '',
    feature_class TEXT NOT NULL DEFAULT '',
    feature_code TEXT NOT NULL DEFAULT '',
    population INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT '',
    prior REAL NOT NULL DEFAULT 1.0,
    importance REAL NOT NULL DEFAULT 0.0
);
CREATE TABLE names (
    key TEXT NOT NULL,
    loose TEXT NOT NULL,
    block TEXT NOT NULL,
    country_code TEXT NOT NULL,
    place INTEGER NOT NULL,
    name TEXT NOT NULL
);
-- Where a geoparser puts a region: the middle of its towns (the entry itself sits at its
-- capital, where ACLED puts region-level events).
CREATE TABLE middles (place INTEGER PRIMARY KEY, latitude REAL NOT NULL, longitude REAL NOT NULL);
"""

_INDEXES = """
CREATE INDEX names_key ON names (key);
CREATE INDEX names_loose ON names (loose) WHERE loose != '';
CREATE INDEX names_block ON names (block, country_code);
CREATE INDEX places_admin ON places (country_code, feature_code, admin1);
"""

_PLACE_COLUMNS = (
    "geonameid, name, latitude, longitude, country_code, admin1_code, admin2_code, admin1, admin2, "
    "feature_class, feature_code, population, source, prior, importance"
)


class RegionExtent:
    """The latitude and longitude ranges of a region's towns, whose middle stands for the region.

    Measured against the GeoNames points of the 34 admin1 regions the LGL, TR-News and
    GeoWebNews samples name, the middle of the towns' extent is within 161 km for 31 (the
    capital: 24; the towns' mean: 30). Longitudes are also kept shifted by 360 degrees, so a
    region across the antimeridian (Alaska's Aleutians, Chukotka) gets its middle, not the
    Greenwich side.
    """

    __slots__ = ("lat", "lon", "lon360")

    def __init__(self) -> None:
        self.lat = [math.inf, -math.inf]
        self.lon = [math.inf, -math.inf]
        self.lon360 = [math.inf, -math.inf]

    def add(self, lat: float, lon: float) -> None:
        for bounds, value in ((self.lat, lat), (self.lon, lon), (self.lon360, lon % 360)):
            bounds[0] = min(bounds[0], value)
            bounds[1] = max(bounds[1], value)

    def middle(self) -> tuple[float, float]:
        """(lat, lon) of the middle, rounded to about 10 m."""
        lat = (self.lat[0] + self.lat[1]) / 2
        if self.lon360[1] - self.lon360[0] < self.lon[1] - self.lon[0]:
            lon = (self.lon360[0] + self.lon360[1]) / 2
            lon = lon - 360 if lon > 180 else lon
        else:
            lon = (self.lon[0] + self.lon[1]) / 2
        return round(lat, 4), round(lon, 4)


def _importance(feature_code: str, population: int, prior: float) -> float:
    """Ordering weight: feature rank plus population (a region's is that of its towns)."""
    return (FEATURE_RANK.get(feature_code, 2.0) + math.log10(population + 1) / 2) * prior


class GazetteerBuilder:
    """Writes one gazetteer into a fresh SQLite file; used once by :func:`install_gazetteer`."""

    def __init__(self, path: Path, progress: ProgressCallback | None) -> None:
        self.db = sqlite3.connect(path)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        self.progress = progress
        self.admin1: dict[str, tuple[str, str, str]] = {}
        self.admin2: dict[str, tuple[str, str, str]] = {}
        self.countries: dict[str, CountryInfo] = {}
        self.sources: list[str] = []
        self.warnings: list[str] = []
        # Capitals of regions and countries, found while streaming the dumps:
        # key -> (rank, population, latitude, longitude).
        self.seats1: dict[tuple[str, str], tuple[int, int, float, float]] = {}
        self.seats2: dict[tuple[str, str, str], tuple[int, int, float, float]] = {}
        self.capitals: dict[str, tuple[int, int, float, float]] = {}
        self.admin_entries: dict[tuple[str, ...], int] = {}
        self.codes: dict[str, int] = {}  # P-code (or GeoNames id) -> places.id, for merging lists
        self.used_ids: set[str] = set()
        self.pending_names: dict[str, list[str]] = defaultdict(list)
        # Names-only rows that name their sub-district: placed there if nothing better comes.
        self.pending_records: dict[str, tuple[PlaceRecord, str]] = {}
        self.region_population: dict[tuple[str, ...], int] = defaultdict(int)
        # The towns of each admin1/admin2 region, for its middle (:class:`RegionExtent`).
        self.extents: dict[tuple[str, ...], RegionExtent] = defaultdict(RegionExtent)
        self.next_id = 0

    # -- low-level writes ---------------------------------------------------------------------

    def _claim(self, geonameid: str) -> bool:
        """Reserve an id for a new entry; False when an entry already has it (the first wins:
        a per-country dump's row over cities500's, a GeoNames region over a boundary's)."""
        if geonameid in self.used_ids:
            return False
        self.used_ids.add(geonameid)
        return True

    def _insert_place(self, values: tuple[Any, ...], names: Iterable[str]) -> int:
        place_id = self._insert_places([values], [names])
        return place_id

    def _insert_places(
        self, places: Sequence[tuple[Any, ...]], names: Sequence[Iterable[str]]
    ) -> int:
        """Insert places with explicit ids (so their names can be batched); returns the last id."""
        name_rows: list[tuple[str, str, str, str, int, str]] = []
        place_rows = []
        for values, place_names in zip(places, names):
            self.next_id += 1
            place_rows.append((self.next_id, *values))
            name_rows.extend(self._name_rows(self.next_id, values[4], place_names, set()))
        self.db.executemany(
            f"INSERT INTO places (id, {_PLACE_COLUMNS}) VALUES ({','.join('?' * 16)})", place_rows
        )
        self.db.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?, ?)", name_rows)
        return self.next_id

    @staticmethod
    def _name_rows(
        place_id: int, country_code: str, names: Iterable[str], seen: set[str]
    ) -> list[tuple[str, str, str, str, int, str]]:
        rows = []
        for name in names:
            name = name.strip()
            if not name:
                continue
            key, loose, block = index_keys(name)
            if key and key not in seen:
                seen.add(key)
                rows.append((key, loose, block, country_code, place_id, name))
        return rows

    def _add_names(self, place_id: int, names: Iterable[str]) -> None:
        """Add alternate names to an existing entry, skipping keys it already has."""
        known = {
            row[0] for row in self.db.execute("SELECT key FROM names WHERE place = ?", (place_id,))
        }
        country = self.db.execute(
            "SELECT country_code FROM places WHERE id = ?", (place_id,)
        ).fetchone()[0]
        rows = self._name_rows(place_id, country, names, known)
        self.db.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?, ?)", rows)

    # -- GeoNames -----------------------------------------------------------------------------

    def read_geonames(self, path: Path, country_filter: frozenset[str]) -> None:
        """Stream a GeoNames dump (19 tab-separated columns) into the index."""
        self.sources.append(f"GeoNames {path.name}")
        total = path.stat().st_size
        batch_places: list[tuple[Any, ...]] = []
        batch_names: list[list[str]] = []
        count = 0
        with open_dump(path) as stream:
            for line in stream:
                parts = line.rstrip("\r\n").split("\t")
                if len(parts) < 15 or not parts[0].isdigit():
                    continue
                country = parts[8]
                feature_code = parts[7]
                if country_filter and country not in country_filter and feature_code != "PPLC":
                    continue
                geonameid = parts[0]
                if not self._claim(geonameid):
                    continue
                try:
                    lat, lon = float(parts[4]), float(parts[5])
                except ValueError:
                    continue
                population = int(parts[14]) if parts[14].isdigit() else 0
                a1, a2 = parts[10], parts[11]
                admin1 = self.admin1.get(f"{country}.{a1}", ("",))[0] if a1 else ""
                admin2 = self.admin2.get(f"{country}.{a1}.{a2}", ("",))[0] if a2 else ""
                batch_places.append(
                    (
                        geonameid,
                        parts[1],
                        lat,
                        lon,
                        country,
                        a1,
                        a2,
                        admin1,
                        admin2,
                        parts[6],
                        feature_code,
                        population,
                        "geonames",
                        1.0,
                        _importance(feature_code, population, 1.0),
                    )
                )
                names = [parts[1], parts[2]]
                if parts[3]:
                    # Airport and other codes ("LEJ" for Leipzig) are no names a writer uses,
                    # and their keys collide with village names ("Lajj").
                    names.extend(n for n in parts[3].split(",") if not _CODE.fullmatch(n))
                batch_names.append(names)
                if parts[6] == "P":
                    self._note_seats(country, a1, a2, feature_code, population, lat, lon)
                count += 1
                if len(batch_places) >= 20_000:
                    self._flush(batch_places, batch_names)
                    if self.progress:
                        self.progress(f"index {path.name}", count, total)
            self._flush(batch_places, batch_names)
        if self.progress:
            self.progress(f"index {path.name}", count, count)

    def _flush(self, places: list[tuple[Any, ...]], names: list[list[str]]) -> None:
        self._insert_places(places, names)
        places.clear()
        names.clear()

    def _note_seats(
        self, country: str, a1: str, a2: str, code: str, population: int, lat: float, lon: float
    ) -> None:
        rank = 3 if code in ("PPLA", "PPLC") else 1
        candidate = (rank, population, lat, lon)
        if a1 and candidate[:2] > self.seats1.get((country, a1), (0, -1, 0.0, 0.0))[:2]:
            self.seats1[(country, a1)] = candidate
        rank2 = 3 if code == "PPLA2" else (2 if code in ("PPLA", "PPLC") else 1)
        candidate2 = (rank2, population, lat, lon)
        if a1 and a2 and candidate2[:2] > self.seats2.get((country, a1, a2), (0, -1, 0.0, 0.0))[:2]:
            self.seats2[(country, a1, a2)] = candidate2
        # Regions get the population of their towns, so "Florida" the US state outranks its
        # namesakes (GeoNames gives no population to admin1/admin2 codes).
        self.region_population[(country, a1)] += population
        if a1:
            self.extents[(country, a1)].add(lat, lon)
        if a2:
            self.region_population[(country, a1, a2)] += population
            self.extents[(country, a1, a2)].add(lat, lon)
        rank0 = 3 if code == "PPLC" else 1
        candidate0 = (rank0, population, lat, lon)
        if candidate0[:2] > self.capitals.get(country, (0, -1, 0.0, 0.0))[:2]:
            self.capitals[country] = candidate0

    def add_regions(self, country_filter: frozenset[str]) -> None:
        """Country, admin1 and admin2 entries, each placed at its capital (ACLED's rule).

        An admin1 or admin2 region also gets its middle (the ``middles`` table), where a
        geoparser puts it, as GeoNames does: the geoparser's "Texas" is not Austin.
        """
        for code, info in self.countries.items():
            seat = self.capitals.get(code)
            if seat is None or not self._claim(info.geonameid):
                continue
            names = [info.name, *COUNTRY_ALIASES.get(code, ())]
            self.admin_entries[(code,)] = self._insert_place(
                (
                    info.geonameid or f"country:{code}",
                    info.name,
                    seat[2],
                    seat[3],
                    code,
                    "",
                    "",
                    "",
                    "",
                    "A",
                    "PCLI",
                    info.population,
                    "geonames countryInfo",
                    1.0,
                    _importance("PCLI", info.population, 1.0),
                ),
                names,
            )
        for full_code, (name, ascii_name, geonameid) in self.admin1.items():
            country, _, a1 = full_code.partition(".")
            if country_filter and country not in country_filter:
                continue
            seat = self.seats1.get((country, a1))
            if seat is None or not self._claim(geonameid):
                continue
            self.admin_entries[(country, a1)] = self._insert_place(
                (
                    geonameid,
                    name,
                    seat[2],
                    seat[3],
                    country,
                    a1,
                    "",
                    name,
                    "",
                    "A",
                    "ADM1",
                    self.region_population[(country, a1)],
                    "geonames admin1CodesASCII",
                    1.0,
                    _importance("ADM1", self.region_population[(country, a1)], 1.0),
                ),
                [name, ascii_name],
            )
        for full_code, (name, ascii_name, geonameid) in self.admin2.items():
            country, a1, a2 = (full_code.split(".") + ["", ""])[:3]
            if country_filter and country not in country_filter:
                continue
            seat = self.seats2.get((country, a1, a2))
            if seat is None or not self._claim(geonameid):
                continue
            admin1 = self.admin1.get(f"{country}.{a1}", ("",))[0]
            self.admin_entries[(country, a1, a2)] = self._insert_place(
                (
                    geonameid,
                    name,
                    seat[2],
                    seat[3],
                    country,
                    a1,
                    a2,
                    admin1,
                    name,
                    "A",
                    "ADM2",
                    self.region_population[(country, a1, a2)],
                    "geonames admin2Codes",
                    1.0,
                    _importance("ADM2", self.region_population[(country, a1, a2)], 1.0),
                ),
                [name, ascii_name],
            )
        self.db.executemany(
            "INSERT INTO middles VALUES (?, ?, ?)",
            [
                (place_id, *self.extents[key].middle())
                for key, place_id in self.admin_entries.items()
                if len(key) > 1 and key in self.extents
            ],
        )
        # Full dumps carry real ADM rows; they are the admin entries then.
        for place_id, country, a1, a2, code in self.db.execute(
            "SELECT id, country_code, admin1_code, admin2_code, feature_code FROM places "
            "WHERE feature_code IN ('ADM1', 'ADM2', 'PCLI') AND source = 'geonames'"
        ).fetchall():
            key = (
                (country,)
                if code == "PCLI"
                else (country, a1)
                if code == "ADM1"
                else (country, a1, a2)
            )
            self.admin_entries.setdefault(key, place_id)
        self.db.execute("CREATE INDEX places_position ON places (latitude, longitude)")
        self.db.execute("CREATE INDEX names_place ON names (place)")

    # -- user place lists ---------------------------------------------------------------------

    def read_places(self, path: Path, *, in_folder: bool = False) -> None:
        """Add one user place list, merging rows that share a P-code or GeoNames id.

        A file with neither coordinates nor P-codes is no place list: skipped, with a warning
        when the user named it, and a note in the sources when it merely sat in a folder.
        """
        records, report = read_place_list(path)
        if (
            records
            and "lat" not in report.columns
            and not any(is_pcode(r.row_id) for r in records[:50])
        ):
            note = f"{path.name}: skipped, not a place list (no coordinates, no P-codes)"
            if in_folder:
                self.sources.append(note)
            else:
                self.warnings.append(
                    f"{path}: skipped, not a place list (no coordinates, no P-codes)"
                )
            return
        slug = re.split(r"[_\-. ]", path.name.lower())[0] or "list"
        merged = 0
        for index, record in enumerate(records):
            names = [record.name, *record.alternate_names]
            code = record.row_id if is_pcode(record.row_id) else ""
            target = self.codes.get(code) if code else None
            if target is None and record.geonames_id:
                target = self._geonames_row(record.geonames_id)
            if target is not None:
                self._merge(target, record, names)
                if code:
                    self.codes.setdefault(code, target)
                merged += 1
                continue
            if record.latitude is None or record.longitude is None:
                if code:
                    self.pending_names[code].extend(names)
                    if record.parent_code and code not in self.pending_records:
                        self.pending_records[code] = (record, path.name)
                continue
            place_id = self._insert_record(slug, index, record, names, path.name)
            if code:
                self.codes[code] = place_id
                if code in self.pending_names:
                    self._add_names(place_id, self.pending_names.pop(code))
                self.pending_records.pop(code, None)
        self.sources.append(
            f"{path.name}: {report.kept} rows with coordinates ({report.probable} probable), "
            f"{merged} merged into existing entries, {report.no_coordinates} without coordinates, "
            f"{report.no_name} without a name"
        )
        if report.no_coordinates:
            log.info("%s: %d rows without coordinates", path, report.no_coordinates)

    def place_by_parent(self) -> None:
        """Place the names-only rows of the lists at their sub-district's point, approximately.

        The IOM list names every community and neighbourhood with its sub-district but gives
        coordinates for a third of them; such a row is better found at its sub-district (a few
        km off) than not at all. The entry is marked probable (``PARENT_PRIOR``) and its source
        says where it was put (``PARENT_PLACED``), so the event step reports precision 2.
        """
        placed = 0
        for code, (record, source) in sorted(self.pending_records.items()):
            if code not in self.pending_names:
                continue
            parent = self.codes.get(record.parent_code)
            if parent is None:
                continue
            row = self.db.execute(
                "SELECT latitude, longitude, country_code, admin1, admin2 FROM places WHERE id = ?",
                (parent,),
            ).fetchone()
            names = self.pending_names.pop(code)
            neighbourhood = "(ne)" in record.name
            if neighbourhood:
                names = names + [stem for stem in map(quarter_stem, names) if stem]
            geonameid = f"{source.split('_')[0].split('.')[0].lower()}:{code}"
            if not self._claim(geonameid):
                continue
            place_id = self._insert_place(
                (
                    geonameid,
                    _PARENTHESIS_NOTE.sub("", record.name).strip() or record.name,
                    row[0],
                    row[1],
                    record.country_code or row[2],
                    "",
                    "",
                    record.admin1 or row[3],
                    record.admin2 or row[4],
                    "P",
                    "PPLX" if neighbourhood else record.feature_code or "PPL",
                    record.population,
                    f"{source} ({PARENT_PLACED})",
                    PARENT_PRIOR,
                    _importance("PPL", record.population, PARENT_PRIOR),
                ),
                names,
            )
            self.codes[code] = place_id
            placed += 1
        if placed:
            self.sources.append(
                f"{placed} names-only list rows placed at their sub-district's point (probable)"
            )

    def _geonames_row(self, geonameid: str) -> int | None:
        row = self.db.execute("SELECT id FROM places WHERE geonameid = ?", (geonameid,)).fetchone()
        return int(row[0]) if row else None

    def _merge(self, place_id: int, record: PlaceRecord, names: list[str]) -> None:
        """Names always merge; coordinates replace the entry's only if it was probable and this
        row is not."""
        self._add_names(place_id, names)
        if record.latitude is None or record.longitude is None or record.probable:
            return
        prior = self.db.execute("SELECT prior FROM places WHERE id = ?", (place_id,)).fetchone()[0]
        if prior < 1.0:
            self.db.execute(
                "UPDATE places SET latitude = ?, longitude = ?, prior = 1.0, source = source || ' "
                "+ located' WHERE id = ?",
                (record.latitude, record.longitude, place_id),
            )

    def _insert_record(
        self, slug: str, index: int, record: PlaceRecord, names: list[str], source: str
    ) -> int:
        identifier = record.row_id or str(index)
        geonameid = f"{slug}:{identifier}"
        while geonameid in self.used_ids:
            geonameid = f"{slug}:{identifier}~{index}"
            index += 1
        self.used_ids.add(geonameid)
        country = record.country_code or self._nearest_country(
            record.latitude or 0.0, record.longitude or 0.0
        )
        prior = PROBABLE_PRIOR if record.probable else 1.0
        return self._insert_place(
            (
                geonameid,
                record.name,
                record.latitude,
                record.longitude,
                country,
                "",
                "",
                record.admin1,
                record.admin2,
                record.feature_class,
                record.feature_code,
                record.population,
                source + (" (probable)" if record.probable else ""),
                prior,
                _importance(record.feature_code, record.population, prior),
            ),
            names,
        )

    def _nearest_country(self, lat: float, lon: float) -> str:
        """A list row without a country takes the country of the nearest GeoNames place."""
        for radius in (0.3, 1.0, 3.0):
            rows = self.db.execute(
                "SELECT country_code, latitude, longitude FROM places WHERE latitude BETWEEN ? "
                "AND ? "
                "AND longitude BETWEEN ? AND ? AND source = 'geonames' AND feature_class = 'P'",
                (lat - radius, lat + radius, lon - radius, lon + radius),
            ).fetchall()
            if rows:
                return str(min(rows, key=lambda r: (r[1] - lat) ** 2 + (r[2] - lon) ** 2)[0])
        return ""

    # -- boundaries ---------------------------------------------------------------------------

    def read_boundaries(self, paths: Sequence[Path]) -> None:
        """Assign admin1/admin2 names by point-in-polygon and merge the polygons' names."""
        iso3 = {c.iso3: c.code for c in self.countries.values()}
        features: list[BoundaryFeature] = []
        for path in paths:
            found = read_boundaries(path, iso3_to_iso2=iso3)
            features.extend(found)
            self.sources.append(f"{path.name}: {len(found)} admin polygons")
        self._place_countries([f for f in features if f.level == 0])
        features = [f for f in features if f.level > 0]
        if not features:
            return
        countries = sorted({f.country_code for f in features if f.country_code})
        marks = ",".join("?" * len(countries))
        rows = self.db.execute(
            "SELECT id, latitude, longitude, country_code, admin1_code, admin2_code, "
            "feature_class, "
            f"feature_code, population, source FROM places WHERE (country_code IN ({marks}) OR "
            "country_code = '') "
            "AND feature_code != 'PCLI'",
            countries,
        ).fetchall()
        if not rows:
            return
        points = shapely.points([r[2] for r in rows], [r[1] for r in rows])
        for level in sorted({f.level for f in features}):
            polygons = [f for f in features if f.level == level]
            tree = STRtree([f.geometry for f in polygons])
            inside = tree.query(points, predicate="within")
            owner: dict[int, int] = {int(p): int(g) for p, g in zip(inside[0], inside[1])}
            missing = [i for i in range(len(rows)) if i not in owner and rows[i][3] in countries]
            if missing:
                # Points on a simplified border fall just outside every polygon: take the nearest
                # polygon within about 5 km.
                near = tree.query_nearest(points[missing], max_distance=0.05, all_matches=False)
                for p, g in zip(near[0], near[1]):
                    owner.setdefault(missing[int(p)], int(g))
            admin1_updates: list[tuple[str, int]] = []
            admin2_updates: list[tuple[str, str, str, int]] = []
            members: dict[int, list[int]] = defaultdict(list)
            for row_index, polygon_index in owner.items():
                feature = polygons[polygon_index]
                members[polygon_index].append(row_index)
                if level == 1:
                    admin1_updates.append((feature.name, rows[row_index][0]))
                elif level == 2:
                    parent = feature.parents.get(1, "")
                    admin2_updates.append((feature.name, parent, parent, rows[row_index][0]))
            self.db.executemany("UPDATE places SET admin1 = ? WHERE id = ?", admin1_updates)
            self.db.executemany(
                "UPDATE places SET admin2 = ?, admin1 = CASE WHEN ? = '' THEN admin1 ELSE ? "
                "END WHERE id = ?",
                admin2_updates,
            )
            for polygon_index, feature in enumerate(polygons):
                if level in (1, 2):
                    self._region_entry(feature, [rows[i] for i in members.get(polygon_index, [])])
        # A region entry's names come from what it is, not from where its capital lies.
        self.db.execute("UPDATE places SET admin2 = '' WHERE feature_code = 'ADM1'")

    def _place_countries(self, outlines: Sequence[BoundaryFeature]) -> None:
        """Put each country entry at the middle of its outline instead of at its capital.

        A geoparser's "Russia" is the country, whose point is its middle (as in GeoNames and
        the geoparsing corpora), not Moscow; events known only by country still go to the
        capital, as ACLED places them (:meth:`Gazetteer.seat`).
        """
        largest: dict[str, BoundaryFeature] = {}
        for outline in outlines:
            known = largest.get(outline.country_code)
            if known is None or outline.geometry.area > known.geometry.area:
                largest[outline.country_code] = outline
        updates = []
        for code, outline in sorted(largest.items()):
            lat, lon = outline_middle(outline.geometry)
            updates.append((round(lat, 4), round(lon, 4), code))
        self.db.executemany(
            "UPDATE places SET latitude = ?, longitude = ? "
            "WHERE feature_code = 'PCLI' AND country_code = ?",
            updates,
        )

    def _region_entry(self, feature: BoundaryFeature, inside: list[tuple[Any, ...]]) -> None:
        """Give an admin polygon's names to its region entry, creating the entry if needed."""
        level = feature.level
        code = f"ADM{level}"
        target = self.codes.get(feature.pcode) if feature.pcode else None
        if target is None:
            geonames_codes = Counter(
                (r[3], r[4]) if level == 1 else (r[3], r[4], r[5])
                for r in inside
                if r[9] == "geonames" and r[6] == "P" and r[4] and (level == 1 or r[5])
            )
            if geonames_codes:
                best, votes = geonames_codes.most_common(1)[0]
                if votes >= max(2, 0.5 * sum(geonames_codes.values())):
                    target = self.admin_entries.get(best)
        admin1 = feature.name if level == 1 else feature.parents.get(1, "")
        admin2 = feature.name if level == 2 else ""
        if target is None:
            seats = [r for r in inside if r[6] == "P"]
            if seats:
                seat = max(
                    seats,
                    key=lambda r: (FEATURE_RANK.get(r[7], 2.0) if r[7] != "PPL" else 0, r[8]),
                )
                lat, lon = seat[1], seat[2]
            else:
                point = feature.geometry.representative_point()
                lat, lon = point.y, point.x
            geonameid = f"boundary:{feature.pcode or feature.name}"
            if not self._claim(geonameid):
                return
            target = self._insert_place(
                (
                    geonameid,
                    feature.name,
                    lat,
                    lon,
                    feature.country_code,
                    "",
                    "",
                    admin1,
                    admin2,
                    "A",
                    code,
                    0,
                    "boundaries",
                    1.0,
                    _importance(code, 0, 1.0),
                ),
                feature.names,
            )
        else:
            self._add_names(target, feature.names)
            self.db.execute(
                "UPDATE places SET admin1 = ?, admin2 = ? WHERE id = ?", (admin1, admin2, target)
            )
        # The polygon knows the region's middle better than its towns do.
        lat, lon = outline_middle(feature.geometry)
        self.db.execute(
            "INSERT OR REPLACE INTO middles VALUES (?, ?, ?)",
            (target, round(lat, 4), round(lon, 4)),
        )
        if feature.pcode:
            self.codes.setdefault(feature.pcode, target)

    # -- finishing ----------------------------------------------------------------------------

    def finish(self, country_filter: Sequence[str]) -> tuple[int, int]:
        if self.progress:
            self.progress("write indexes", 0, 1)
        self.db.executemany(
            "INSERT INTO countries VALUES (?, ?, ?, ?)",
            [(c.code, c.name, c.iso3, c.geonameid) for c in self.countries.values()],
        )
        self.db.executescript(_INDEXES)
        rows = self.db.execute("SELECT count(*) FROM places").fetchone()[0]
        # Countries the user installed local place lists for: the toponym resolver's default
        # focus when an article names no country.
        home = [
            code
            for code, count in self.db.execute(
                "SELECT country_code, count(*) FROM places WHERE source NOT LIKE 'geonames%' "
                "AND source != 'boundaries' AND country_code != '' GROUP BY country_code"
            )
            if count >= HOME_MIN_ROWS
        ]
        names = self.db.execute("SELECT count(*) FROM names").fetchone()[0]
        meta = {
            "format": str(FORMAT_VERSION),
            "built": datetime.now(UTC).isoformat(timespec="seconds"),
            "sources": json.dumps(self.sources),
            "countries": json.dumps(list(country_filter)),
            "warnings": json.dumps(self.warnings),
            "home_countries": json.dumps(sorted(home)),
            "rows": str(rows),
            "names": str(names),
        }
        self.db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        self.db.commit()
        self.db.execute("ANALYZE")
        self.db.commit()
        self.db.close()
        if self.progress:
            self.progress("write indexes", 1, 1)
        return rows, names
