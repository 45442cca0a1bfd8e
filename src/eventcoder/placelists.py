"""Readers for analysts' own place lists and for admin boundary files.

Analysts keep lists of local places GeoNames lacks (IOM/OCHA communities, OSM extracts,
hand-typed CSVs). Their columns are never named the same way twice, so the readers detect them
from a table of usual names (``name`` / ``location_name`` / ``hot_name_en`` ..., ``lat`` /
``latitude`` / ``y`` ...) instead of asking for a schema. A row without coordinates cannot be
placed on a map: it is counted, and used only to add names to a row of another list that has the
same P-code.

Formats: CSV/TSV (optionally ``.gz``), GeoJSON (points, or polygons read at a representative
point), and JSON arrays of records with nested fields (``name.en``, ``aliases``, ``centroid``).
A folder is read file by file.

Boundary files are GeoJSON polygons with OCHA COD-AB style properties (``ADM1_EN``,
``ADM2_PCODE`` ...) or geoBoundaries style (``shapeName``, ``shapeGroup``).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely  # type: ignore[import-untyped]
from shapely.geometry import shape  # type: ignore[import-untyped]
from shapely.geometry.base import BaseGeometry  # type: ignore[import-untyped]

from eventcoder.errors import GazetteerError

#: Column names, most specific first, lower-cased; JSON fields appear as dotted paths.
NAME_COLUMNS: tuple[str, ...] = (
    "name",
    "name.en",
    "location_name",
    "name_iom_ocha",
    "placename",
    "place_name",
    "name_en",
    "hot_name_en",
    "toponym",
    "label",
    "title",
    "adm4_name",
    "asciiname",
    "locality",
    "village",
    "town",
    "settlement",
    "shapename",
)
ALT_COLUMNS: tuple[str, ...] = (
    "alternate_names",
    "alternatenames",
    "alternate_name",
    "alt_names",
    "alt_name",
    "aliases",
    "aliases.value",
    "alias",
    "other_names",
    "variants",
    "name_variants",
    "hot_name_en",
    "hot_name_latin",
    "hot_name",
    "hot_matching_name",
    "osm_candidate_name",
    "best_candidate_hot_name",
    "name.ar",
    "name_ar",
    "name_local",
    "local_name",
    "adm4_name",
    "asciiname",
    "name_latin",
    "name.fr",
)
LAT_COLUMNS: tuple[str, ...] = (
    "lat",
    "latitude",
    "y",
    "lat_dd",
    "centroid.latitude",
    "centroid.lat",
    "coordinates.lat",
)
LON_COLUMNS: tuple[str, ...] = (
    "lon",
    "lng",
    "long",
    "longitude",
    "x",
    "lon_dd",
    "centroid.longitude",
    "centroid.lon",
    "centroid.lng",
    "coordinates.lon",
)
ID_COLUMNS: tuple[str, ...] = (
    "pcode",
    "location_pcode",
    "inferred_pcode",
    "adm4_pcode",
    "externalids.ochapcode",
    "p_code",
    "code",
    "id",
    "place_id",
    "osm_id",
    "hot_id",
    "fid",
    "ocha_shp_index",
)
GEONAMES_COLUMNS: tuple[str, ...] = ("geonameid", "geonames_id", "externalids.geonames", "geonames")
ADMIN1_COLUMNS: tuple[str, ...] = (
    "admin1",
    "admin1_name",
    "adm1_name",
    "adm1_en",
    "governorate",
    "province",
    "state",
    "region",
)
ADMIN2_COLUMNS: tuple[str, ...] = (
    "admin2",
    "admin2_name",
    "adm2_name",
    "adm2_en",
    "district",
    "county",
)
COUNTRY_COLUMNS: tuple[str, ...] = (
    "country_code",
    "countrycode",
    "iso2",
    "iso_a2",
    "cc",
    "adm0_pcode",
    "country",
)
#: The P-code of the area a row lies in (its sub-district): a row without coordinates can
#: still be placed there, approximately.
PARENT_COLUMNS: tuple[str, ...] = (
    "adm3_pcode",
    "admin3_pcode",
    "subdistrict_pcode",
    "parent_pcode",
    "parent_code",
)
POPULATION_COLUMNS: tuple[str, ...] = ("population", "pop", "total_population", "population.value")
FEATURE_COLUMNS: tuple[str, ...] = (
    "feature_code",
    "featurecode",
    "fcode",
    "hot_place",
    "place",
    "place_type",
    "admin_level",
    "level",
    "type",
)
QUALITY_COLUMNS: tuple[str, ...] = (
    "method",
    "quality",
    "confidence",
    "precision",
    "match_status",
    "status",
)

#: Quality values that mark a row's coordinates (or its name) as probable, not certain.
PROBABLE_WORDS: tuple[str, ...] = (
    "bracketed",
    "probable",
    "inferred",
    "approximate",
    "uncertain",
    "low",
)

#: Prior (0-1) of a probable row; certain rows have 1.0. The resolver multiplies scores by it.
PROBABLE_PRIOR = 0.6

#: A candidate-name column with a match score below this is a different place, not a spelling.
MIN_CANDIDATE_SCORE = 65.0

_FEATURES_BY_WORD: dict[str, tuple[str, str]] = {
    "city": ("P", "PPL"),
    "town": ("P", "PPL"),
    "village": ("P", "PPL"),
    "hamlet": ("P", "PPL"),
    "community": ("P", "PPL"),
    "locality": ("P", "PPL"),
    "isolated_dwelling": ("P", "PPL"),
    "suburb": ("P", "PPLX"),
    "neighbourhood": ("P", "PPLX"),
    "neighborhood": ("P", "PPLX"),
    "quarter": ("P", "PPLX"),
    "camp": ("P", "PPL"),
    "governorate": ("A", "ADM1"),
    "province": ("A", "ADM1"),
    "adm1": ("A", "ADM1"),
    "district": ("A", "ADM2"),
    "adm2": ("A", "ADM2"),
    "subdistrict": ("A", "ADM3"),
    "sub-district": ("A", "ADM3"),
    "adm3": ("A", "ADM3"),
    "adm4": ("P", "PPL"),
}
_PCODE = re.compile(r"^[A-Z]{1,3}\d{2,}$")
_PARENTHESIS = re.compile(r"\s*\([^)]*\)\s*")


@dataclass(slots=True)
class PlaceRecord:
    """One usable row of a user place list (coordinates may be None: names-only rows)."""

    name: str
    alternate_names: list[str]
    latitude: float | None
    longitude: float | None
    row_id: str = ""
    geonames_id: str = ""
    admin1: str = ""
    admin2: str = ""
    country_code: str = ""
    feature_class: str = "P"
    feature_code: str = "PPL"
    population: int = 0
    probable: bool = False
    parent_code: str = ""


@dataclass(slots=True)
class PlaceListReport:
    """What one file gave: rows kept and rows skipped, with why."""

    path: str
    rows: int = 0
    kept: int = 0
    probable: int = 0
    no_coordinates: int = 0
    no_name: int = 0
    columns: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BoundaryFeature:
    """One admin polygon: its level (0 for a country outline, 1, 2 ...), names, P-code, country
    and parents' names."""

    level: int
    name: str
    names: tuple[str, ...]
    pcode: str
    country_code: str
    parents: Mapping[int, str]
    geometry: BaseGeometry


def list_files(path: Path, suffixes: Sequence[str]) -> list[Path]:
    """The files a user named: the file itself, or the matching files of a folder (sorted)."""
    if not path.exists():
        raise GazetteerError(
            f"{path}: no such file or folder (check the path given to --places/--boundaries)"
        )
    if path.is_file():
        return [path]
    return sorted(
        p
        for p in path.rglob("*")
        if p.is_file() and any(p.name.lower().endswith(s) for s in suffixes)
    )


PLACE_SUFFIXES: tuple[str, ...] = (
    ".csv",
    ".csv.gz",
    ".tsv",
    ".tsv.gz",
    ".txt",
    ".geojson",
    ".geojson.gz",
    ".json",
    ".json.gz",
)


def _open_text(path: Path) -> io.TextIOBase:
    if path.name.lower().endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def _feature_from_filename(path: Path) -> tuple[str, str] | None:
    stem = path.name.lower()
    if "subdistrict" in stem or "sub-district" in stem or "sub_district" in stem:
        return "A", "ADM3"
    if "district" in stem:
        return "A", "ADM2"
    if "governorate" in stem or "province" in stem:
        return "A", "ADM1"
    return None


def read_place_list(path: Path) -> tuple[list[PlaceRecord], PlaceListReport]:
    """Read one place-list file into records, detecting its columns.

    Raises:
        GazetteerError: the file cannot be parsed, or has no recognisable name column.
    """
    report = PlaceListReport(path=str(path))
    lower = path.name.lower()
    try:
        if lower.endswith((".geojson", ".geojson.gz")):
            rows = list(_geojson_rows(path))
        elif lower.endswith((".json", ".json.gz")):
            rows = list(_json_rows(path))
        else:
            rows = list(_csv_rows(path))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, csv.Error, EOFError) as error:
        raise GazetteerError(
            f"{path}: cannot read this place list ({error}); give a UTF-8 CSV, GeoJSON or JSON file"
        ) from None
    if rows and "name" not in _detect(rows[0].keys(), path)[0]:
        # A JSON/GeoJSON file whose first record happens to lack a name still gets a chance.
        merged: dict[str, Any] = {}
        for row in rows[:50]:
            merged.update(row)
        columns, alt_columns = _detect(merged.keys(), path)
    elif rows:
        columns, alt_columns = _detect(rows[0].keys(), path)
    else:
        columns, alt_columns = {}, []
    if rows and "name" not in columns:
        raise GazetteerError(
            f"{path}: no place-name column found (expected one of: {', '.join(NAME_COLUMNS[:6])} "
            "...)"
        )
    report.columns = dict(columns)
    if alt_columns:
        report.columns["alternate_names"] = ", ".join(alt_columns)
    default_feature = _feature_from_filename(path)
    records: list[PlaceRecord] = []
    for row in rows:
        report.rows += 1
        record = _record(row, columns, alt_columns, default_feature)
        if record is None:
            report.no_name += 1
            continue
        if record.latitude is None or record.longitude is None:
            report.no_coordinates += 1
        else:
            report.kept += 1
            report.probable += record.probable
        records.append(record)
    return records, report


def _detect(keys: Any, path: Path) -> tuple[dict[str, str], list[str]]:
    """Map roles (name, lat, lon ...) to the file's column names; list the alias columns."""
    by_lower = {str(k).strip().lower(): str(k) for k in keys}
    columns: dict[str, str] = {}
    for role, candidates in (
        ("name", NAME_COLUMNS),
        ("lat", LAT_COLUMNS),
        ("lon", LON_COLUMNS),
        ("id", ID_COLUMNS),
        ("geonames", GEONAMES_COLUMNS),
        ("admin1", ADMIN1_COLUMNS),
        ("admin2", ADMIN2_COLUMNS),
        ("country", COUNTRY_COLUMNS),
        ("population", POPULATION_COLUMNS),
        ("feature", FEATURE_COLUMNS),
        ("quality", QUALITY_COLUMNS),
        ("parent", PARENT_COLUMNS),
    ):
        for candidate in candidates:
            if candidate in by_lower:
                columns[role] = by_lower[candidate]
                break
    alt_columns = [
        by_lower[c] for c in ALT_COLUMNS if c in by_lower and by_lower[c] != columns.get("name")
    ]
    return columns, alt_columns


def _score_column(column: str, row: Mapping[str, Any]) -> str | None:
    """The match-score column that qualifies an alias column (osm_candidate_name -> _score)."""
    lowered = {k.lower(): k for k in row}
    stem = column.lower()
    if not stem.endswith("_name"):
        return None
    parts = stem[: -len("_name")].split("_")
    while parts:
        candidate = "_".join(parts) + "_score"
        if candidate in lowered:
            return lowered[candidate]
        parts.pop()
    return None


def _names(value: Any) -> list[str]:
    """Split an alias cell (list, JSON list, or ``;``/``|``/``,`` separated text) into names."""
    if value is None:
        return []
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            if isinstance(item, Mapping):
                item = item.get("value") or item.get("name") or ""
            out.extend(_names(item))
        return out
    text = str(value).strip()
    if not text:
        return []
    for separator in (";", "|", ","):
        if separator in text:
            return [part.strip() for part in text.split(separator) if part.strip()]
    return [text]


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number  # NaN is not a coordinate


def _record(
    row: Mapping[str, Any],
    columns: Mapping[str, str],
    alt_columns: Sequence[str],
    default_feature: tuple[str, str] | None,
) -> PlaceRecord | None:
    raw_name = row.get(columns["name"]) if "name" in columns else None
    names = _names(raw_name) if isinstance(raw_name, list) else [str(raw_name or "").strip()]
    alternates: list[str] = []
    for column in alt_columns:
        score_column = _score_column(column, row)
        if score_column is not None:
            score = _number(row.get(score_column))
            if score is not None and score < MIN_CANDIDATE_SCORE:
                continue
        alternates.extend(_names(row.get(column)))
    names = [n for n in names if n]
    if not names:
        names = alternates[:1]
    if not names:
        return None
    name = names[0]
    alternates = names[1:] + alternates
    # "Tarahiyeh - Sheikh Salem" names two villages at one point; "Hseniyeh (ne)" carries a note.
    for original in [name, *alternates]:
        bare = _PARENTHESIS.sub(" ", original).strip()
        if bare and bare != original:
            alternates.append(bare)
        if " - " in bare:
            alternates.extend(part.strip() for part in bare.split(" - ") if len(part.strip()) >= 3)
    lat = _number(row.get(columns["lat"])) if "lat" in columns else None
    lon = _number(row.get(columns["lon"])) if "lon" in columns else None
    if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        lat = lon = None
    feature = default_feature
    if "feature" in columns:
        value = str(row.get(columns["feature"]) or "").strip()
        if re.fullmatch(r"[A-Z]{3,5}\d?", value):
            feature = ("A" if value.startswith(("ADM", "PCL")) else "P", value)
        elif value.lower() in _FEATURES_BY_WORD:
            feature = _FEATURES_BY_WORD[value.lower()]
    probable = False
    if "quality" in columns:
        quality = set(re.split(r"[^a-z]+", str(row.get(columns["quality"]) or "").lower()))
        probable = any(word in quality for word in PROBABLE_WORDS)
    country = str(row.get(columns["country"]) or "").strip() if "country" in columns else ""
    if len(country) != 2:
        country = _country_from_pcodes(row)
    population = _number(row.get(columns["population"])) if "population" in columns else None
    seen: set[str] = {name}
    unique_alternates = []
    for alternate in alternates:
        if alternate not in seen:
            seen.add(alternate)
            unique_alternates.append(alternate)
    return PlaceRecord(
        name=name,
        alternate_names=unique_alternates,
        latitude=lat,
        longitude=lon,
        row_id=str(row.get(columns["id"]) or "").strip() if "id" in columns else "",
        geonames_id=str(row.get(columns["geonames"]) or "").strip()
        if "geonames" in columns
        else "",
        admin1=str(row.get(columns["admin1"]) or "").strip() if "admin1" in columns else "",
        admin2=str(row.get(columns["admin2"]) or "").strip() if "admin2" in columns else "",
        country_code=country.upper(),
        feature_class=feature[0] if feature else "P",
        feature_code=feature[1] if feature else "PPL",
        population=int(population) if population and population > 0 else 0,
        probable=probable,
        parent_code=str(row.get(columns["parent"]) or "").strip() if "parent" in columns else "",
    )


def _country_from_pcodes(row: Mapping[str, Any]) -> str:
    """OCHA P-codes start with the ISO country code (SY03 ...): use it when nothing else says."""
    for key, value in row.items():
        if "pcode" in key.lower() and isinstance(value, str) and re.match(r"^[A-Z]{2}\d", value):
            return value[:2]
    return ""


def is_pcode(value: str) -> bool:
    """True for codes that name one place across lists (C2466, SY030800), not row numbers."""
    return bool(_PCODE.match(value))


def _csv_rows(path: Path) -> Iterator[dict[str, Any]]:
    with _open_text(path) as stream:
        sample = stream.read(8192)
        stream.seek(0)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        yield from csv.DictReader(stream, delimiter=delimiter)


def _flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, path + "."))
        else:
            out[path] = value
    return out


def _json_rows(path: Path) -> Iterator[dict[str, Any]]:
    with _open_text(path) as stream:
        data = json.load(stream)
    if isinstance(data, Mapping) and data.get("type") in ("FeatureCollection", "Feature"):
        yield from _features(data)
        return
    if isinstance(data, Mapping):
        for key in ("places", "data", "records", "items", "features"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
    if not isinstance(data, list):
        raise json.JSONDecodeError("expected a list of place records", "", 0)
    for record in data:
        if isinstance(record, Mapping):
            yield _flatten(record)


def _geojson_rows(path: Path) -> Iterator[dict[str, Any]]:
    with _open_text(path) as stream:
        data = json.load(stream)
    yield from _features(data)


def _features(data: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    features = data.get("features", [data]) if data.get("type") == "FeatureCollection" else [data]
    for feature in features:
        row = _flatten(feature.get("properties") or {})
        geometry = feature.get("geometry")
        if geometry:
            try:
                geom = shape(geometry)
                point = geom if geom.geom_type == "Point" else geom.representative_point()
                row["lat"], row["lon"] = point.y, point.x
            except (ValueError, TypeError, AttributeError):
                pass
        yield row


def read_boundaries(
    path: Path, *, iso3_to_iso2: Mapping[str, str] | None = None
) -> list[BoundaryFeature]:
    """Read one GeoJSON file of admin polygons (OCHA COD-AB or geoBoundaries properties), or
    of country outlines (Natural Earth admin 0: level 0, to place each country at its middle).

    Raises:
        GazetteerError: the file is not GeoJSON or its features carry no admin names.
    """
    try:
        with _open_text(path) as stream:
            data = json.load(stream)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise GazetteerError(
            f"{path}: cannot read this boundary file ({error}); give a GeoJSON file"
        ) from None
    features = data.get("features", []) if isinstance(data, Mapping) else []
    out: list[BoundaryFeature] = []
    national = 0
    for feature in features:
        props = feature.get("properties") or {}
        if props.get("ADM0_EN") and not any(re.fullmatch(r"ADM[1-9]_EN", k) for k in props):
            national += 1  # a country outline: nothing to assign below country level
            continue
        geom = _polygon(feature.get("geometry"))
        if geom is None:
            continue
        boundary = _country_outline(props, geom, iso3_to_iso2 or {}) or _boundary(
            props, geom, iso3_to_iso2 or {}
        )
        if boundary is not None:
            out.append(boundary)
    if features and not out and not national:
        raise GazetteerError(
            f"{path}: no admin names found in its properties (expected ADM1_EN/ADM2_EN ... or "
            "shapeName)"
        )
    return out


def _polygon(geometry: Mapping[str, Any] | None) -> Any | None:
    """A feature's (multi)polygon as a shapely geometry, or None for anything else."""
    if not geometry:
        return None
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError):
        return None
    if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    return geom


def _country_outline(
    props: Mapping[str, Any], geom: Any, iso3: Mapping[str, str]
) -> BoundaryFeature | None:
    """A Natural Earth admin-0 feature (ISO_A2 or ISO_A2_EH, ADMIN) as a level-0 boundary
    (Natural Earth places the country at its middle).

    Natural Earth writes -99 for the ISO codes of a few countries (France and Norway, for their
    overseas parts); their ADM0_A3 code, read through the country table, names them then.
    """
    code = next(
        (
            str(props[key]).upper()
            for key in ("ISO_A2_EH", "ISO_A2")
            if re.fullmatch(r"[A-Za-z]{2}", str(props.get(key) or ""))
        ),
        "",
    )
    if not code and props.get("ADMIN"):
        code = next(
            (
                iso3[str(props[key]).upper()]
                for key in ("ISO_A3_EH", "ISO_A3", "ADM0_A3")
                if str(props.get(key) or "").upper() in iso3
            ),
            "",
        )
    if not code or not props.get("ADMIN"):
        return None
    name = str(props["ADMIN"]).strip()
    return BoundaryFeature(0, name, (name,), "", code, {}, geom)


def outline_middle(geometry: Any) -> tuple[float, float]:
    """(lat, lon) of a country's or region's middle: the centroid of its largest part when it
    lies inside it (the United States' is in Kansas, not Alaska), else a point surely inside.

    The centroid is taken on an equal-area map (latitude as its sine), so that the stretched
    north of Russia or Canada does not pull it poleward: against the GeoNames points of the 25
    countries the LGL, TR-News and GeoWebNews samples name, it is within 161 km for 22 (the
    centroid on plain degrees: 21).
    """
    parts = list(getattr(geometry, "geoms", [geometry]))
    largest = max(parts, key=lambda part: part.area)
    equal_area = shapely.transform(
        largest, lambda xy: np.column_stack([xy[:, 0], np.sin(np.radians(xy[:, 1]))])
    )
    middle = equal_area.centroid
    point = shapely.Point(middle.x, math.degrees(math.asin(max(-1.0, min(1.0, middle.y)))))
    if not largest.contains(point):
        point = largest.representative_point()
    return point.y, point.x


def _boundary(
    props: Mapping[str, Any], geom: Any, iso3: Mapping[str, str]
) -> BoundaryFeature | None:
    levels = [int(m.group(1)) for k in props if (m := re.fullmatch(r"ADM(\d)_EN", k)) and props[k]]
    if levels:
        level = max(levels)
        if level == 0:
            return None
        name = str(props[f"ADM{level}_EN"]).strip()
        names = [name]
        for key in (
            f"ADM{level}_AR",
            f"ADM{level}_REF",
            f"ADM{level}ALT1EN",
            f"ADM{level}ALT2EN",
            f"ADM{level}ALT1AR",
            f"ADM{level}ALT2AR",
        ):
            value = str(props.get(key) or "").strip()
            if value and value not in names:
                names.append(value)
        pcode = str(props.get(f"ADM{level}_PCODE") or "")
        country = str(props.get("ADM0_PCODE") or "")[:2].upper()
        parents = {k: str(props[f"ADM{k}_EN"]) for k in range(1, level) if props.get(f"ADM{k}_EN")}
    elif props.get("shapeName"):
        shape_type = str(props.get("shapeType") or "ADM1")
        level = int(shape_type[-1]) if shape_type[-1:].isdigit() else 1
        name = str(props["shapeName"]).strip()
        names = [name]
        pcode = str(props.get("shapeID") or "")
        group = str(props.get("shapeGroup") or "").upper()
        country = iso3.get(group, group[:2] if len(group) == 2 else "")
        parents = {}
    else:
        return None
    return BoundaryFeature(level, name, tuple(names), pcode, country, parents, geom)
