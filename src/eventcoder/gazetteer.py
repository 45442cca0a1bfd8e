"""Build and query the gazetteer: GeoNames dumps plus user place lists, in one SQLite file.

No server: ``eventcoder gazetteer install`` reads the GeoNames dumps (from the official server
or a local folder), any user place lists and admin boundary files, and writes one SQLite file.
Every name and alternate name is stored under three keys from :mod:`eventcoder.placenames`:
the transliteration-aware ``name_key`` (exact tier), the consonant skeleton ``loose_key``
(loose tier) and a three-letter ``block_key`` that bounds the fuzzy tier. A lookup is a couple
of indexed SQLite queries, well under a millisecond on the world cities500 index.

The build writes to a temporary file beside the target and renames it at the end, so a failed
or interrupted install never destroys a working gazetteer.

Besides the GeoNames rows the index holds one entry per country (feature ``A.PCLI``, placed at
its capital) and per admin1/admin2 region (``A.ADM1``/``A.ADM2``, placed at the region's capital,
as ACLED codes region-level events), so "Syria", "Idlib" and "Rural Damascus" resolve sensibly.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import logging
import math
import os
import re
import sqlite3
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Self

import shapely  # type: ignore[import-untyped]
from platformdirs import user_cache_dir
from rapidfuzz import fuzz, process
from shapely.strtree import STRtree  # type: ignore[import-untyped]

from eventcoder.errors import GazetteerError
from eventcoder.models import Place
from eventcoder.placelists import (
    PLACE_SUFFIXES,
    PROBABLE_PRIOR,
    BoundaryFeature,
    PlaceRecord,
    is_pcode,
    list_files,
    read_boundaries,
    read_place_list,
)
from eventcoder.placenames import index_keys, similarity
from eventcoder.settings import GEONAMES_URL

log = logging.getLogger(__name__)

#: Bumped when the SQLite layout changes; an older file is reported as needing a rebuild.
FORMAT_VERSION = 1

#: Main dumps, most complete first: the first one found is used.
MAIN_DUMPS: tuple[str, ...] = (
    "allCountries",
    "cities500",
    "cities1000",
    "cities5000",
    "cities15000",
)

#: Default download when no folder is given: the smallest dump with every village seat.
DEFAULT_DUMP = "cities500"

#: Source note and prior of a names-only list row placed at its sub-district's point.
PARENT_PLACED = "placed at its sub-district"
PARENT_PRIOR = 0.45
_PARENTHESIS_NOTE = re.compile(r"\s*\((?:ne|nh|camp)\)\s*$", re.IGNORECASE)

#: Score of a loose-tier match (same consonant skeleton), before the key similarity is added.
LOOSE_BASE = 0.85

#: A country with at least this many rows from user place lists is one of the gazetteer's
#: "home" countries (see Gazetteer.home_countries).
HOME_MIN_ROWS = 20

#: Fuzzy matches below this similarity of keys are not returned.
FUZZY_CUTOFF = 0.8

#: Country names people write that GeoNames' countryInfo does not carry.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "SY": ("Syrian Arab Republic",),
    "PS": (
        "Palestine",
        "State of Palestine",
        "Palestinian Territories",
        "Occupied Palestinian Territory",
    ),
    "US": ("United States of America", "USA", "U.S.A.", "US", "U.S.", "America"),
    "GB": ("Britain", "Great Britain", "UK"),
    "RU": ("Russian Federation",),
    "IR": ("Islamic Republic of Iran",),
    "KR": ("Republic of Korea",),
    "KP": ("North Korea", "Democratic People's Republic of Korea"),
    "CD": ("DR Congo", "DRC", "Congo-Kinshasa"),
    "CG": ("Congo-Brazzaville", "Republic of the Congo"),
    "CI": ("Cote d'Ivoire", "Côte d'Ivoire"),
    "MM": ("Burma",),
    "TR": ("Türkiye", "Turkiye"),
    "CZ": ("Czech Republic",),
    "MK": ("Macedonia",),
    "SZ": ("Swaziland",),
    "TL": ("East Timor",),
    "LA": ("Lao PDR",),
    "VN": ("Viet Nam",),
    "AE": ("UAE",),
    "YE": ("Republic of Yemen",),
}

#: How much a feature code says "this is what a bare name means" (ordering only).
_FEATURE_RANK: dict[str, float] = {
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

ProgressCallback = Callable[[str, int, int], None]

_CODE = re.compile(r"[A-Z0-9]{2,4}")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer entry returned for a looked-up name.

    ``match_score`` is 1.0 for the same :func:`~eventcoder.placenames.name_key`, about 0.9 for
    the same consonant skeleton, and the key similarity (below 0.95) for a fuzzy match.
    ``prior`` is the entry's own reliability (1.0, or 0.6 for a row a list marks probable).
    """

    place: Place
    matched_name: str
    match_score: float
    prior: float = 1.0
    tier: str = "exact"


@dataclass(frozen=True, slots=True)
class GazetteerInfo:
    """What a gazetteer file holds and how it was built."""

    path: Path
    rows: int
    names: int
    sources: tuple[str, ...]
    built: str
    countries: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    format_version: int = FORMAT_VERSION
    home_countries: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# Reading the source files
# --------------------------------------------------------------------------------------------


def open_dump(path: Path, member: str | None = None) -> IO[str]:
    """Open a GeoNames text file that may be plain, gzipped or zipped, as UTF-8 text."""
    name = path.name.lower()
    if name.endswith(".zip"):
        archive = zipfile.ZipFile(path)
        wanted = member or path.name[: -len(".zip")] + ".txt"
        names = archive.namelist()
        inner = (
            wanted
            if wanted in names
            else next(
                (n for n in names if n.lower().endswith(".txt") and "readme" not in n.lower()), None
            )
        )
        if inner is None:
            raise GazetteerError(f"{path}: no .txt file inside the zip archive; re-download it")
        return io.TextIOWrapper(archive.open(inner), encoding="utf-8", newline="")
    if name.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def _find(
    folder: Path, base: str, extensions: Sequence[str] = (".txt", ".txt.gz", ".zip", ".gz")
) -> Path | None:
    for extension in extensions:
        candidate = folder / f"{base}{extension}"
        if candidate.is_file():
            return candidate
    return None


def _download(url: str, target: Path, progress: ProgressCallback | None) -> Path:
    """Download ``url`` to ``target`` (via a temporary file), unless it is already cached."""
    if target.is_file() and target.stat().st_size > 0:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    request = urllib.request.Request(url, headers={"User-Agent": "eventcoder gazetteer install"})
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".part")
    try:
        with (
            os.fdopen(handle, "wb") as out,
            urllib.request.urlopen(request, timeout=60) as response,
        ):
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            while chunk := response.read(1 << 20):
                out.write(chunk)
                done += len(chunk)
                if progress:
                    progress(f"download {target.name}", done, total)
        os.replace(temporary, target)
    except urllib.error.HTTPError as error:
        Path(temporary).unlink(missing_ok=True)
        if error.code == 404:
            raise FileNotFoundError(url) from None
        raise GazetteerError(
            f"cannot download {url} (HTTP {error.code}); retry later, or point EVENTCODER_GEONAMES "
            "(or `eventcoder gazetteer install --from DIR`) at a folder of GeoNames dumps"
        ) from None
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        Path(temporary).unlink(missing_ok=True)
        raise GazetteerError(
            f"cannot download {url} ({getattr(error, 'reason', error)}); check the network, or "
            "point "
            "EVENTCODER_GEONAMES (or `eventcoder gazetteer install --from DIR`) at a folder of "
            "GeoNames dumps"
        ) from None
    return target


@dataclass(slots=True)
class _Sources:
    """The GeoNames files chosen for a build."""

    main: Path | None = None
    admin1: Path | None = None
    admin2: Path | None = None
    country_info: Path | None = None
    country_dumps: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _resolve_sources(
    geonames: str,
    countries: Sequence[str],
    cache_dir: Path | None,
    progress: ProgressCallback | None,
) -> _Sources:
    """Find (in a folder) or download (from a server) the GeoNames files for a build."""
    sources = _Sources()
    if geonames and not re.match(r"^https?://", geonames):
        folder = Path(geonames).expanduser()
        if not folder.is_dir():
            raise GazetteerError(
                f"{folder}: GeoNames folder not found; give a folder holding "
                "cities500.txt(.gz/.zip) "
                "and the admin code files, or leave EVENTCODER_GEONAMES empty to download them"
            )
        for base in MAIN_DUMPS:
            sources.main = _find(folder, base)
            if sources.main:
                break
        sources.admin1 = _find(folder, "admin1CodesASCII")
        sources.admin2 = _find(folder, "admin2Codes")
        sources.country_info = _find(folder, "countryInfo")
        for code in countries:
            dump = _find(folder, code.upper(), (".zip", ".txt", ".txt.gz", ".gz"))
            if dump is None:
                sources.warnings.append(
                    f"{folder}: no per-country dump {code.upper()}.zip or {code.upper()}.txt; "
                    "its villages without population are missing (download "
                    f"{GEONAMES_URL}{code.upper()}.zip into the folder)"
                )
            else:
                sources.country_dumps.append(dump)
        if sources.main is None and not sources.country_dumps:
            raise GazetteerError(
                f"{folder}: no GeoNames dump found (expected one of "
                f"{', '.join(b + '.txt/.zip/.gz' for b in MAIN_DUMPS)}); download "
                f"{GEONAMES_URL}{DEFAULT_DUMP}.zip into it"
            )
    else:
        base_url = geonames or GEONAMES_URL
        if not base_url.endswith("/"):
            base_url += "/"
        cache = cache_dir or Path(user_cache_dir("eventcoder", appauthor=False)) / "geonames"
        sources.main = _download(
            f"{base_url}{DEFAULT_DUMP}.zip", cache / f"{DEFAULT_DUMP}.zip", progress
        )
        sources.admin1 = _download(
            f"{base_url}admin1CodesASCII.txt", cache / "admin1CodesASCII.txt", progress
        )
        sources.admin2 = _download(
            f"{base_url}admin2Codes.txt", cache / "admin2Codes.txt", progress
        )
        sources.country_info = _download(
            f"{base_url}countryInfo.txt", cache / "countryInfo.txt", progress
        )
        for code in countries:
            try:
                sources.country_dumps.append(
                    _download(
                        f"{base_url}{code.upper()}.zip", cache / f"{code.upper()}.zip", progress
                    )
                )
            except FileNotFoundError:
                sources.warnings.append(
                    f"{base_url}{code.upper()}.zip does not exist; skipped country {code.upper()}"
                )
    for label, path in (
        ("admin1CodesASCII.txt", sources.admin1),
        ("admin2Codes.txt", sources.admin2),
        ("countryInfo.txt", sources.country_info),
    ):
        if path is None:
            sources.warnings.append(
                f"{label} not found: region and country names will be incomplete"
            )
    return sources


def _read_codes(path: Path | None) -> dict[str, tuple[str, str, str]]:
    """admin1CodesASCII / admin2Codes: code -> (name, asciiname, geonameid)."""
    out: dict[str, tuple[str, str, str]] = {}
    if path is None:
        return out
    with open_dump(path) as stream:
        for line in stream:
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) >= 4 and not line.startswith("#"):
                out[parts[0]] = (parts[1], parts[2], parts[3])
    return out


@dataclass(frozen=True, slots=True)
class _Country:
    code: str
    iso3: str
    name: str
    capital: str
    population: int
    geonameid: str


def _read_countries(path: Path | None) -> dict[str, _Country]:
    out: dict[str, _Country] = {}
    if path is None:
        return out
    with open_dump(path) as stream:
        for line in stream:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) < 17 or len(parts[0]) != 2:
                continue
            population = int(parts[7]) if parts[7].isdigit() else 0
            out[parts[0]] = _Country(parts[0], parts[1], parts[4], parts[5], population, parts[16])
    return out


# --------------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------------

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


def _importance(feature_code: str, population: int, prior: float) -> float:
    """Ordering weight: feature rank plus population (a region's is that of its towns)."""
    return (_FEATURE_RANK.get(feature_code, 2.0) + math.log10(population + 1) / 2) * prior


class _Builder:
    """Writes one gazetteer into a fresh SQLite file; used once by :func:`install_gazetteer`."""

    def __init__(self, path: Path, progress: ProgressCallback | None) -> None:
        self.db = sqlite3.connect(path)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        self.progress = progress
        self.admin1: dict[str, tuple[str, str, str]] = {}
        self.admin2: dict[str, tuple[str, str, str]] = {}
        self.countries: dict[str, _Country] = {}
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
        self.next_id = 0

    # -- low-level writes ---------------------------------------------------------------------

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
                if geonameid in self.used_ids:
                    continue
                self.used_ids.add(geonameid)
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
        if a2:
            self.region_population[(country, a1, a2)] += population
        rank0 = 3 if code == "PPLC" else 1
        candidate0 = (rank0, population, lat, lon)
        if candidate0[:2] > self.capitals.get(country, (0, -1, 0.0, 0.0))[:2]:
            self.capitals[country] = candidate0

    def add_regions(self, country_filter: frozenset[str]) -> None:
        """Country, admin1 and admin2 entries, each placed at its capital (ACLED's rule)."""
        for code, info in self.countries.items():
            seat = self.capitals.get(code)
            if seat is None or info.geonameid in self.used_ids:
                continue
            self.used_ids.add(info.geonameid)
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
            if seat is None or geonameid in self.used_ids:
                continue
            self.used_ids.add(geonameid)
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
            if seat is None or geonameid in self.used_ids:
                continue
            self.used_ids.add(geonameid)
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
            geonameid = f"{source.split('_')[0].split('.')[0].lower()}:{code}"
            if geonameid in self.used_ids:
                continue
            self.used_ids.add(geonameid)
            neighbourhood = "(ne)" in record.name
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
                    key=lambda r: (_FEATURE_RANK.get(r[7], 2.0) if r[7] != "PPL" else 0, r[8]),
                )
                lat, lon = seat[1], seat[2]
            else:
                point = feature.geometry.representative_point()
                lat, lon = point.y, point.x
            geonameid = f"boundary:{feature.pcode or feature.name}"
            if geonameid in self.used_ids:
                return
            self.used_ids.add(geonameid)
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


def install_gazetteer(
    target: Path,
    *,
    geonames: str = "",
    countries: Sequence[str] = (),
    places: Sequence[str] = (),
    boundaries: Sequence[str] = (),
    progress: ProgressCallback | None = None,
    country_filter: Sequence[str] = (),
    cache_dir: Path | None = None,
) -> GazetteerInfo:
    """Build the gazetteer file at ``target`` from GeoNames, place lists and boundaries.

    Args:
        target: the SQLite file to (re)write; replaced only when the build succeeds.
        geonames: "" downloads from the official GeoNames server (cached under the user cache
            directory); an ``http(s)://`` URL downloads from that mirror; anything else is a
            local folder of the same files (cities500/1000/15000 or allCountries, as .txt,
            .zip or .gz, plus admin1CodesASCII.txt, admin2Codes.txt and countryInfo.txt).
        countries: ISO codes whose full per-country dumps (e.g. ``SY.zip``) are added: every
            village, farm, hill and road GeoNames has there. Missing ones are a warning.
        places: user place lists (CSV, GeoJSON, JSON; files or folders).
        boundaries: GeoJSON admin polygons; rows inside get the polygons' admin1/admin2 names.
        progress: called as ``progress(stage, done, total)`` while building.
        country_filter: keep only GeoNames rows of these countries (plus every national
            capital, so country names still resolve); for small test and regional indexes.
        cache_dir: where downloads are kept (default: the user cache directory).

    Raises:
        GazetteerError: a source is missing or unreadable, or the target cannot be written.
    """
    target = Path(target).expanduser()
    filter_set = frozenset(c.upper() for c in country_filter)
    sources = _resolve_sources(geonames, [c.upper() for c in countries], cache_dir, progress)
    place_files: list[tuple[Path, bool]] = []
    for spec in places:
        # Within a folder, derived lists (a "derived" subfolder) come last, so that rows of the
        # source lists keep their coordinates when both carry the same P-code.
        folder = Path(spec).expanduser().is_dir()
        found = list_files(Path(spec).expanduser(), PLACE_SUFFIXES)
        found.sort(key=lambda f: ("derived" in f.parts[-3:-1], str(f)))
        place_files.extend((f, folder) for f in found)
    boundary_files = [
        f
        for spec in boundaries
        for f in list_files(Path(spec).expanduser(), (".geojson", ".json", ".geojson.gz"))
    ]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary_name = tempfile.mkstemp(
            dir=target.parent, prefix=target.name + ".", suffix=".building"
        )
        os.close(handle)
    except OSError as error:
        raise GazetteerError(
            f"{target}: cannot write the gazetteer here ({error.strerror}); choose another path"
        ) from None
    temporary = Path(temporary_name)
    temporary.unlink()
    builder = _Builder(temporary, progress)
    try:
        builder.warnings.extend(sources.warnings)
        builder.admin1 = _read_codes(sources.admin1)
        builder.admin2 = _read_codes(sources.admin2)
        builder.countries = _read_countries(sources.country_info)
        for dump in sources.country_dumps:
            builder.read_geonames(dump, frozenset())
        if sources.main is not None:
            builder.read_geonames(sources.main, filter_set)
        builder.add_regions(filter_set)
        for path, in_folder in place_files:
            builder.read_places(path, in_folder=in_folder)
        builder.place_by_parent()
        if builder.pending_names:
            log.info(
                "%d names-only rows matched no place with coordinates", len(builder.pending_names)
            )
        builder.read_boundaries(boundary_files)
        builder.finish(sorted(filter_set))
        os.replace(temporary, target)
    except sqlite3.Error as error:
        raise GazetteerError(
            f"{target}: the gazetteer build failed ({error}); the previous file is untouched"
        ) from None
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            builder.db.close()
        raise
    finally:
        temporary.unlink(missing_ok=True)
        for suffix in ("-journal", "-wal", "-shm"):
            Path(str(temporary) + suffix).unlink(missing_ok=True)
    # Warnings travel in GazetteerInfo.warnings (the CLI prints them), not through logging,
    # so that they are reported once.
    return Gazetteer.open(target).info()


# --------------------------------------------------------------------------------------------
# Querying
# --------------------------------------------------------------------------------------------

_SELECT_PLACE = (
    "p.id, p.geonameid, p.name, p.latitude, p.longitude, p.country_code, p.admin1, p.admin2, "
    "p.feature_class, p.feature_code, p.population, p.source, p.prior, p.importance"
)


class Gazetteer:
    """A read-only handle on a gazetteer file built by :func:`install_gazetteer`."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection
        self._countries = dict(connection.execute("SELECT code, name FROM countries").fetchall())
        self._place = lru_cache(maxsize=65536)(self._load_place)
        self._home: tuple[str, ...] | None = None

    @classmethod
    def open(cls, path: Path) -> Gazetteer:
        """Open a gazetteer file.

        Raises:
            GazetteerError: the file is missing, not a gazetteer, or from an older version;
                the message names ``eventcoder gazetteer install``.
        """
        path = Path(path).expanduser()
        fix = (
            "build it with `eventcoder gazetteer install` "
            "(offline: set EVENTCODER_GEONAMES to a GeoNames folder)"
        )
        if not path.is_file():
            raise GazetteerError(f"{path}: no gazetteer here; {fix}")
        try:
            connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            version = connection.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        except sqlite3.Error as error:
            raise GazetteerError(
                f"{path}: not a readable gazetteer ({error}); re-{fix[0].lower()}{fix[1:]}"
            ) from None
        if version is None or int(version[0]) != FORMAT_VERSION:
            connection.close()
            raise GazetteerError(
                f"{path}: gazetteer format is outdated; re-{fix[0].lower()}{fix[1:]}"
            )
        return cls(path, connection)

    def close(self) -> None:
        """Close the SQLite connection."""
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def info(self) -> GazetteerInfo:
        """Rows, names, sources, build date and path of this gazetteer."""
        meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        return GazetteerInfo(
            path=self.path,
            rows=int(meta.get("rows", 0)),
            names=int(meta.get("names", 0)),
            sources=tuple(json.loads(meta.get("sources", "[]"))),
            built=meta.get("built", ""),
            countries=tuple(json.loads(meta.get("countries", "[]"))),
            warnings=tuple(json.loads(meta.get("warnings", "[]"))),
            format_version=int(meta.get("format", 0)),
            home_countries=tuple(json.loads(meta.get("home_countries", "[]"))),
        )

    def home_countries(self) -> tuple[str, ...]:
        """Countries the user installed local place lists for (at least HOME_MIN_ROWS rows)."""
        if self._home is None:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'home_countries'").fetchone()
            self._home = tuple(json.loads(row[0])) if row else ()
        return self._home

    def _row_to_place(self, row: Sequence[Any]) -> Place:
        return Place(
            geonameid=row[1],
            name=row[2],
            latitude=row[3],
            longitude=row[4],
            country_code=row[5],
            country=self._countries.get(row[5], row[5]),
            admin1=row[6],
            admin2=row[7],
            feature_class=row[8],
            feature_code=row[9],
            population=row[10],
            source=row[11],
        )

    def _load_place(self, place_id: int) -> tuple[Place, float, float] | None:
        row = self._db.execute(
            f"SELECT {_SELECT_PLACE} FROM places p WHERE p.id = ?", (place_id,)
        ).fetchone()
        return (self._row_to_place(row), row[12], row[13]) if row else None

    def get(self, geonameid: str) -> Place | None:
        """The entry with this id (a GeoNames id, or ``list:id`` for list rows), or None."""
        row = self._db.execute(
            "SELECT id FROM places WHERE geonameid = ?", (str(geonameid),)
        ).fetchone()
        loaded = self._place(row[0]) if row else None
        return loaded[0] if loaded else None

    def prior(self, geonameid: str) -> float:
        """The reliability of an entry (1.0, or lower for rows a list marks probable)."""
        row = self._db.execute(
            "SELECT prior FROM places WHERE geonameid = ?", (str(geonameid),)
        ).fetchone()
        return float(row[0]) if row else 0.0

    def lookup(
        self,
        name: str,
        *,
        countries: Sequence[str] = (),
        limit: int = 20,
        fuzzy: bool = True,
        feature_classes: Sequence[str] = (),
    ) -> list[Candidate]:
        """Entries a name may refer to, best match first: exact key, same skeleton, then fuzzy.

        The exact and skeleton tiers are always returned together (a writer's Khan al-Sheikh
        may be the gazetteer's Khan ash Shih); the fuzzy tier runs only when both are empty.
        Within a score, more important entries (countries, capitals, bigger towns) come first.

        Args:
            name: the name as written.
            countries: only entries of these ISO codes (all when empty).
            limit: at most this many candidates.
            fuzzy: False skips the fuzzy tier (for scanning text, where most n-grams are not
                places and only exact hits matter).
            feature_classes: only these GeoNames feature classes ("P", "A" ...).
        """
        key, loose, block = index_keys(name)
        if not key:
            return []
        where = ""
        params: list[str] = []
        if countries:
            where += f" AND n.country_code IN ({','.join('?' * len(countries))})"
            params.extend(c.upper() for c in countries)
        if feature_classes:
            where += f" AND p.feature_class IN ({','.join('?' * len(feature_classes))})"
            params.extend(feature_classes)
        fetch = max(limit * 3, 30)
        best: dict[int, tuple[float, str, str, tuple[Any, ...]]] = {}
        for row in self._db.execute(
            f"SELECT n.name, n.key, {_SELECT_PLACE} FROM names n JOIN places p ON p.id = n.place "
            f"WHERE n.key = ?{where} ORDER BY p.importance DESC LIMIT ?",
            [key, *params, fetch],
        ):
            best.setdefault(row[2], (1.0, row[0], "exact", row[2:]))
        if len(loose) >= 4:
            for row in self._db.execute(
                f"SELECT n.name, n.key, {_SELECT_PLACE} FROM names n JOIN places p ON p.id = "
                "n.place "
                f"WHERE n.loose = ? AND n.loose != '' AND n.key != ?{where} ORDER BY p.importance "
                "DESC LIMIT ?",
                [loose, key, *params, fetch],
            ):
                score = LOOSE_BASE + 0.1 * similarity(key, row[1])
                if score > best.get(row[2], (0.0,))[0]:
                    best[row[2]] = (score, row[0], "loose", row[2:])
        if not best and fuzzy:
            rows = self._db.execute(
                "SELECT n.key, n.place FROM names n JOIN places p ON p.id = n.place WHERE "
                f"n.block = ?{where}",
                [block, *params],
            ).fetchall()
            if rows:
                matches = process.extract(
                    key,
                    [r[0] for r in rows],
                    scorer=fuzz.ratio,
                    score_cutoff=FUZZY_CUTOFF * 100,
                    limit=fetch,
                )
                for _, score, index in matches:
                    place_id = rows[index][1]
                    value = 0.95 * score / 100.0
                    if value > best.get(place_id, (0.0,))[0]:
                        best[place_id] = (value, rows[index][0], "fuzzy", ())
        ranked = sorted(
            best.items(), key=lambda item: (-item[1][0], -(item[1][3][13] if item[1][3] else 0.0))
        )
        candidates: list[Candidate] = []
        for place_id, (score, matched, tier, row) in ranked[:limit]:
            if row:
                place, prior = self._row_to_place(row), float(row[12])
            else:
                loaded = self._place(place_id)
                if loaded is None:
                    continue
                place, prior = loaded[0], loaded[1]
                matched = self._db.execute(
                    "SELECT name FROM names WHERE place = ? AND key = ?", (place_id, matched)
                ).fetchone()[0]
            candidates.append(Candidate(place, matched, round(score, 4), prior, tier))
        if any(c.tier == "fuzzy" for c in candidates):
            candidates.sort(key=lambda c: -c.match_score)
        return candidates

    def region(self, place: Place, level: int = 1) -> Place | None:
        """The admin1 (or admin2) entry containing ``place``, placed at the region's capital."""
        name = place.admin1 if level == 1 else place.admin2
        if not name:
            return None
        code = f"ADM{level}"
        column = "admin1" if level == 1 else "admin2"
        row = self._db.execute(
            f"SELECT id FROM places WHERE country_code = ? AND feature_code = ? AND {column} = ? "
            "ORDER BY importance DESC LIMIT 1",
            (place.country_code, code, name),
        ).fetchone()
        if row is None:
            for candidate in self.lookup(
                name, countries=[place.country_code], limit=5, feature_classes=("A",)
            ):
                if candidate.place.feature_code == code and candidate.match_score >= 0.9:
                    return candidate.place
            return None
        loaded = self._place(row[0])
        return loaded[0] if loaded else None

    def seat(self, region: Place) -> Place:
        """The town that stands for a region: its capital, as ACLED places region-level events.

        Inside the region: a town of the same name first ("Abu Kamal" district -> Abu Kamal),
        else the capital its level calls for (PPLC for a country, PPLC/PPLA for an admin1,
        PPLA2 or above for an admin2). With neither, the region keeps its own point (the
        capital GeoNames gives, or a list's centroid). Any other place is its own seat.
        """
        if region.feature_class != "A":
            return region
        code = region.feature_code
        where, params = "country_code = ? AND feature_class = 'P'", [region.country_code]
        if code == "ADM1" and region.admin1:
            where += " AND admin1 = ?"
            params.append(region.admin1)
        elif code in ("ADM2", "ADM3") and region.admin2:
            where += " AND admin2 = ?"
            params.append(region.admin2)
        elif code != "PCLI":
            return region
        rows = self._db.execute(
            f"SELECT {_SELECT_PLACE} FROM places p WHERE {where} "
            "ORDER BY importance DESC LIMIT 200",
            params,
        ).fetchall()
        rank = {"PPLC": 0, "PPLA": 1, "PPLA2": 2, "PPLA3": 3}
        key = index_keys(region.name)[0]
        named = [r for r in rows if index_keys(r[2])[0] == key]
        if named:
            return self._row_to_place(min(named, key=lambda r: (rank.get(r[9], 9), -r[10])))
        highest = {"PCLI": 0, "ADM1": 1, "ADM2": 2}.get(code, -1)
        capitals = [r for r in rows if rank.get(r[9], 9) <= highest]
        if capitals:
            return self._row_to_place(min(capitals, key=lambda r: (rank.get(r[9], 9), -r[10])))
        return region

    def country(self, code: str) -> Place | None:
        """The country entry (feature A.PCLI) of an ISO code, placed at its capital."""
        row = self._db.execute(
            "SELECT id FROM places WHERE country_code = ? AND feature_code = 'PCLI' LIMIT 1",
            (code.upper(),),
        ).fetchone()
        loaded = self._place(row[0]) if row else None
        return loaded[0] if loaded else None

    def country_names(self) -> dict[str, str]:
        """ISO code -> country name, for every country the gazetteer knows."""
        return dict(self._countries)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))
