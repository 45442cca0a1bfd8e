"""Write events as ACLED-column CSV, JSON Lines or a GeoJSON FeatureCollection.

Why these three: the CSV is what ACLED users already load (acledR, pandas, spreadsheets), so its
header is exactly ACLED's column names in ACLED's order and its values are formatted the way
ACLED writes them; JSONL keeps everything, evidence included, one event per line for scripts;
GeoJSON opens in QGIS, Leaflet and geojson.io. Every writer streams: events are written as they
come, so exporting a large database never holds it in memory.
"""

from __future__ import annotations

import csv
import json
import math
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TextIO

from eventcoder.errors import ExportError
from eventcoder.models import ACLED_COLUMNS, EXTRA_COLUMNS, Event

FORMATS: tuple[str, ...] = ("csv", "jsonl", "geojson")

#: File suffix -> format, for :func:`export_to_path`. ``.json`` is GeoJSON, the JSON most
#: tools expect from an event file (use ``.jsonl`` for one object per line).
SUFFIXES: dict[str, str] = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".geojson": "geojson",
    ".json": "geojson",
}

#: ACLED writes coordinates with 4 decimals (about 11 m).
_COORDINATE_FORMAT = "{:.4f}"
_CIVILIAN_TARGETING = "Civilian targeting"


def write_events(events: Iterable[Event], fmt: str, stream: TextIO, *, extras: bool = False) -> int:
    """Write ``events`` to ``stream`` in format ``fmt`` and return how many were written.

    Args:
        events: the events, in the order they should appear.
        fmt: one of :data:`FORMATS`.
        stream: a text stream; for CSV open files with ``newline=""``.
        extras: CSV only: append eventcoder's columns (``models.EXTRA_COLUMNS``) after ACLED's,
            with evidence and reasons JSON-encoded. JSONL and GeoJSON always carry them.

    Raises:
        ExportError: an unknown format, or an event whose coordinates are out of range.
    """
    writers: dict[str, Callable[[Iterable[Event], TextIO, bool], int]] = {
        "csv": _write_csv,
        "jsonl": _write_jsonl,
        "geojson": _write_geojson,
    }
    writer = writers.get(fmt.lower())
    if writer is None:
        raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    return writer(events, stream, extras)


def export_to_path(
    events: Iterable[Event], path: Path, fmt: str | None = None, *, extras: bool = False
) -> int:
    """Write ``events`` to the file ``path``, the format taken from its suffix unless given.

    The file is written under a temporary name and renamed when complete, so a failed export
    never leaves a half-written file (or destroys an earlier good one).

    Raises:
        ExportError: the format cannot be told from the suffix, is unknown, or the file cannot
            be written.
    """
    path = Path(path)
    if fmt is None:
        fmt = SUFFIXES.get(path.suffix.lower())
        if fmt is None:
            raise ExportError(
                f"{path}: cannot tell the export format from the suffix {path.suffix!r}; "
                f"name the file .csv, .jsonl, .geojson or .json, or pass a format"
            )
    if fmt.lower() not in FORMATS:
        raise ExportError(f"{path}: unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    partial = path.with_name(f".{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("w", encoding="utf-8", newline="") as stream:
            count = write_events(events, fmt, stream, extras=extras)
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise ExportError(
            f"{path}: cannot write the export ({error.strerror or error}); "
            "choose a writable path with -o"
        ) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


def csv_row(event: Event, *, extras: bool = False) -> list[str]:
    """One event as ACLED writes a CSV row: ISO dates, 4-decimal coordinates, "" for missing."""
    row = event.acled_row()
    values: list[str] = []
    for name in ACLED_COLUMNS:
        value = row[name]
        if name in ("latitude", "longitude"):
            values.append("" if value is None else _COORDINATE_FORMAT.format(value))
        elif name == "civilian_targeting":
            values.append(_civilian_targeting(str(value)))
        elif value is None:
            values.append("")
        else:
            values.append(str(value))
    if extras:
        record = event.to_dict()
        for name in EXTRA_COLUMNS:
            value = record[name]
            if isinstance(value, (list, dict)):
                values.append(json.dumps(value, ensure_ascii=False))
            else:
                values.append("" if value is None else str(value))
    return values


def _civilian_targeting(value: str) -> str:
    """ACLED's flag: the words "Civilian targeting", or blank."""
    return _CIVILIAN_TARGETING if value.strip().casefold() not in ("", "no", "false", "0") else ""


def _write_csv(events: Iterable[Event], stream: TextIO, extras: bool) -> int:
    # "\n" line ends: pandas, R and spreadsheets read them, and stdout stays free of "\r".
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(ACLED_COLUMNS + (EXTRA_COLUMNS if extras else ()))
    count = 0
    for event in events:
        writer.writerow(csv_row(event, extras=extras))
        count += 1
    return count


def _write_jsonl(events: Iterable[Event], stream: TextIO, extras: bool) -> int:
    count = 0
    for event in events:
        stream.write(_dumps(event.to_dict(), event) + "\n")
        count += 1
    return count


def _write_geojson(events: Iterable[Event], stream: TextIO, extras: bool) -> int:
    """An RFC 7946 FeatureCollection, written feature by feature.

    Events without coordinates are kept, with ``"geometry": null`` (RFC 7946 section 3.2): an
    event whose place is unknown still happened, and dropping it would silently lose data.
    """
    stream.write('{"type": "FeatureCollection", "features": [')
    count = 0
    for event in events:
        feature = {
            "type": "Feature",
            "id": event.event_id,
            "geometry": _point(event),
            "properties": event.to_dict(),
        }
        stream.write(("\n" if count == 0 else ",\n") + _dumps(feature, event))
        count += 1
    stream.write("\n]}\n")
    return count


def _point(event: Event) -> dict[str, object] | None:
    """A GeoJSON Point, [longitude, latitude] in that order (RFC 7946), or None without both."""
    if event.latitude is None or event.longitude is None:
        return None
    lat, lon = float(event.latitude), float(event.longitude)
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ExportError(
            f"event {event.event_id} (article {event.article_id}) has coordinates "
            f"latitude {event.latitude}, longitude {event.longitude} outside the valid range; "
            "the gazetteer row for its place is wrong: rebuild it with `eventcoder gazetteer install`"
        )
    return {"type": "Point", "coordinates": [lon, lat]}


def _dumps(record: Mapping[str, object], event: Event) -> str:
    try:
        return json.dumps(record, ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise ExportError(
            f"event {event.event_id} (article {event.article_id}) has a number JSON cannot "
            "hold (NaN or infinity); this is a bug in the coding stage, please report it"
        ) from None
