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

This module is the public face, :func:`install_gazetteer` and :class:`Gazetteer`; the build
itself is in :mod:`~eventcoder.gazetteer_build` (the SQLite layout and the writer) and
:mod:`~eventcoder.gazetteer_sources` (finding, downloading and parsing the GeoNames files).
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Self

from rapidfuzz import fuzz, process

from eventcoder.errors import GazetteerError
from eventcoder.gazetteer_build import FORMAT_VERSION, PARENT_PLACED, GazetteerBuilder
from eventcoder.gazetteer_sources import (
    ProgressCallback,
    read_admin_codes,
    read_countries,
    resolve_sources,
)
from eventcoder.models import Place
from eventcoder.placelists import PLACE_SUFFIXES, list_files
from eventcoder.placenames import consonant_key, index_keys, similarity

log = logging.getLogger(__name__)

#: Score of a loose-tier match (same consonant skeleton), before the key similarity is added.
LOOSE_BASE = 0.85

#: Fuzzy matches below this similarity of keys are not returned.
FUZZY_CUTOFF = 0.8

#: How many lookup answers a Gazetteer handle keeps (most recently used first).
LOOKUP_CACHE = 8192


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
            Natural Earth admin-0 outlines put each country entry at its middle.
        progress: called as ``progress(stage, done, total)`` while building.
        country_filter: keep only GeoNames rows of these countries (plus every national
            capital, so country names still resolve); for small test and regional indexes.
        cache_dir: where downloads are kept (default: the user cache directory).

    Raises:
        GazetteerError: a source is missing or unreadable, or the target cannot be written.
    """
    target = Path(target).expanduser()
    filter_set = frozenset(c.upper() for c in country_filter)
    sources = resolve_sources(geonames, [c.upper() for c in countries], cache_dir, progress)
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
    builder = GazetteerBuilder(temporary, progress)
    try:
        builder.warnings.extend(sources.warnings)
        builder.admin1 = read_admin_codes(sources.admin1)
        builder.admin2 = read_admin_codes(sources.admin2)
        builder.countries = read_countries(sources.country_info)
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
        # Articles name the same places over and over ("Syria", "Aleppo", "Russian"): answers
        # are kept, per argument tuple, for the life of the handle (the file is read-only).
        self._lookup = lru_cache(maxsize=LOOKUP_CACHE)(self._lookup_uncached)
        self._near_region = lru_cache(maxsize=LOOKUP_CACHE)(self._near_region_uncached)
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
        fuzzy_only: bool = False,
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
            fuzzy_only: only the fuzzy tier, even when the name has exact or skeleton matches:
                for a name whose exact namesakes the text rules out ("Al-Thaljah village in
                southern Idleb" is no Thalja in Hasakeh), other spellings may still fit.
        """
        return list(
            self._lookup(
                name,
                tuple(c.upper() for c in countries),
                limit,
                fuzzy,
                tuple(feature_classes),
                fuzzy_only,
            )
        )

    def _lookup_uncached(
        self,
        name: str,
        countries: tuple[str, ...],
        limit: int,
        fuzzy: bool,
        feature_classes: tuple[str, ...],
        fuzzy_only: bool,
    ) -> tuple[Candidate, ...]:
        key, loose, block = index_keys(name)
        if not key:
            return ()
        where = ""
        params: list[str] = []
        if countries:
            where += f" AND n.country_code IN ({','.join('?' * len(countries))})"
            params.extend(countries)
        if feature_classes:
            where += f" AND p.feature_class IN ({','.join('?' * len(feature_classes))})"
            params.extend(feature_classes)
        fetch = max(limit * 3, 30)
        best: dict[int, tuple[float, str, str, tuple[Any, ...]]] = {}
        if fuzzy_only:
            self._fuzzy_tier(key, block, where, params, fetch, best)
            return tuple(self._candidates(best, limit))
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
            self._fuzzy_tier(key, block, where, params, fetch, best)
        return tuple(self._candidates(best, limit))

    def _fuzzy_tier(
        self,
        key: str,
        block: str,
        where: str,
        params: list[str],
        fetch: int,
        best: dict[int, tuple[float, str, str, tuple[Any, ...]]],
    ) -> None:
        """Add the names of the same block whose keys are at least FUZZY_CUTOFF alike."""
        rows = self._db.execute(
            "SELECT n.key, n.place, p.feature_code FROM names n JOIN places p ON p.id = n.place "
            f"WHERE n.block = ?{where}",
            [block, *params],
        ).fetchall()
        if not rows:
            return
        matches = process.extract(
            key,
            [r[0] for r in rows],
            scorer=fuzz.ratio,
            score_cutoff=FUZZY_CUTOFF * 100,
            limit=fetch,
        )
        consonants = consonant_key(key)
        for _, score, index in matches:
            place_id = rows[index][1]
            value = 0.95 * score / 100.0
            if (
                consonants
                and consonant_key(rows[index][0]) == consonants
                and rows[index][2] not in ("PPLC", "PPLA", "ADM1", "PCLI")
            ):
                # Only the vowels differ ("Belil" / "Bleel"): as good as a same-skeleton match,
                # which short names miss (their skeleton is too short to index), and better
                # than a lost consonant ("Bali") of the same edit distance. Not for a regional
                # capital, which writers spell the usual way ("Al-Athar" is no Deir ez-Zor).
                value = max(value, LOOSE_BASE + 0.1 * score / 100.0)
            if value > best.get(place_id, (0.0,))[0]:
                best[place_id] = (value, rows[index][0], "fuzzy", ())

    def _candidates(
        self, best: dict[int, tuple[float, str, str, tuple[Any, ...]]], limit: int
    ) -> list[Candidate]:
        """The best matches as Candidates: by score, then importance; fuzzy ones by score."""
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

    def near_region(self, place: Place, admin1: str, km: float) -> bool:
        """Whether ``place`` lies within ``km`` of some entry of region ``admin1`` (its country).

        The nearest entries of a region stand in for its boundary, which the gazetteer need
        not hold: a village 3 km from the last hamlet of Idleb is on the Idleb line, and a
        writer who puts it "in southern Idleb" has likely only misplaced a border village.
        """
        return self._near_region(
            place.country_code, admin1, round(place.latitude, 4), round(place.longitude, 4), km
        )

    def _near_region_uncached(
        self, country_code: str, admin1: str, latitude: float, longitude: float, km: float
    ) -> bool:
        dlat = km / 111.0
        dlon = km / (111.0 * max(0.1, math.cos(math.radians(latitude))))
        rows = self._db.execute(
            "SELECT latitude, longitude FROM places WHERE latitude BETWEEN ? AND ? "
            "AND longitude BETWEEN ? AND ? AND country_code = ? AND admin1 = ?",
            (latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon,
             country_code, admin1),
        ).fetchall()
        return any(haversine_km(latitude, longitude, lat, lon) <= km for lat, lon in rows)

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
        # A list row placed at its sub-district's centre is no seat: its point is a guess.
        rows = self._db.execute(
            f"SELECT {_SELECT_PLACE} FROM places p WHERE {where} AND source NOT LIKE ? "
            "ORDER BY importance DESC LIMIT 200",
            [*params, f"%{PARENT_PLACED}%"],
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

    def middle(self, place: Place) -> tuple[float, float]:
        """(lat, lon) where a geoparser puts a place: a region's middle, else its own point.

        A region entry sits at its capital, where ACLED puts region-level events; "Texas" in
        a geoparser's output is the state, whose GeoNames point is its middle. Gazetteers
        built before the ``middles`` table existed give the entry's own point.
        """
        if place.feature_class != "A" or place.feature_code == "PCLI":
            return place.latitude, place.longitude
        try:
            row = self._db.execute(
                "SELECT m.latitude, m.longitude FROM middles m JOIN places p ON p.id = m.place "
                "WHERE p.geonameid = ?",
                (place.geonameid,),
            ).fetchone()
        except sqlite3.OperationalError:
            row = None
        return (row[0], row[1]) if row else (place.latitude, place.longitude)

    def country(self, code: str) -> Place | None:
        """The country entry (feature A.PCLI) of an ISO code: at its capital, or at its
        outline's middle when Natural Earth outlines were installed."""
        row = self._db.execute(
            "SELECT id FROM places WHERE country_code = ? AND feature_code = 'PCLI' LIMIT 1",
            (code.upper(),),
        ).fetchone()
        loaded = self._place(row[0]) if row else None
        return loaded[0] if loaded else None

    def country_names(self) -> dict[str, str]:
        """ISO code -> country name, for every country the gazetteer knows."""
        return dict(self._countries)


def nearest_km(place: Place, anchors: Sequence[Place]) -> float | None:
    """Kilometres from ``place`` to the nearest of ``anchors`` (None without any):
    :func:`haversine_km` inlined, the place's own terms computed once (the hottest loop of
    disambiguation; the result is the same to the bit)."""
    if not anchors:
        return None
    lon1 = place.longitude
    phi1 = math.radians(place.latitude)
    cos1 = math.cos(phi1)
    best = math.inf
    for anchor in anchors:
        phi2 = math.radians(anchor.latitude)
        dphi = phi2 - phi1
        dlambda = math.radians(anchor.longitude - lon1)
        a = math.sin(dphi / 2) ** 2 + cos1 * math.cos(phi2) * math.sin(dlambda / 2) ** 2
        distance = 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))
        best = min(best, distance)
    return best


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))
