"""Read human-coded ACLED CSV files, in whichever of ACLED's column sets a user downloads.

ACLED has shipped several column sets over the years, and the dev files hold all of them:

- the older export (Kenya, Afghanistan): ``data_id``, ``iso3``, inter codes as digits;
- the 2023 export (Syria, Bangladesh): ``disorder_type``, ``civilian_targeting``, ``tags``, and
  inter codes in words ("State forces", "Rioters"); some views drop the ``actor2`` columns;
- dates written "21 March 2020", "5-Aug-24", "31-12-19" or ISO "2020-03-21", depending on the
  export and on the spreadsheet program that last saved the file.

:func:`read_acled` reads all of them into :class:`GoldRow` records, so the evaluator and the
benches compare against one shape. Only ``notes``, ``event_date`` and ``sub_event_type`` are
required; a column a file lacks is ``None`` in its rows (unknown), which is not the same as an
empty cell (known to be empty, e.g. a one-sided event's ``actor2``).
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from eventcoder import taxonomy
from eventcoder.actors import parse_inter
from eventcoder.errors import EvaluationError

#: Columns a file must have to be evaluated against.
REQUIRED_COLUMNS: tuple[str, ...] = ("notes", "event_date", "sub_event_type")

#: ``event_date`` formats met in ACLED files, tried in order. Day-first wins over month-first,
#: as in ACLED's own exports; ISO is tried first because it is never ambiguous.
DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d-%B-%Y",
    "%d-%m-%y",
    "%d-%m-%Y",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%B %d, %Y",
    "%Y/%m/%d",
)

_FIX = "export the events from ACLED (acleddata.com) as CSV with the notes column"


@dataclass(frozen=True, slots=True)
class GoldRow:
    """One human-coded ACLED event.

    ``None`` means the file has no such column (or an unreadable value); "" means an empty cell.
    ``origin`` is ``"file.csv:LINE"`` for messages, ``file`` the file's name for breakdowns.
    """

    file: str
    origin: str
    event_id: str
    event_date: date | None
    time_precision: int | None
    event_type: str
    sub_event_type: str
    actor1: str | None
    assoc_actor_1: str | None
    inter1: int | None
    actor2: str | None
    assoc_actor_2: str | None
    inter2: int | None
    country: str | None
    admin1: str | None
    admin2: str | None
    location: str | None
    latitude: float | None
    longitude: float | None
    geo_precision: int | None
    source: str
    notes: str
    fatalities: int | None


def parse_acled_date(text: str) -> date | None:
    """An ACLED ``event_date`` in any of :data:`DATE_FORMATS`, or None when unreadable."""
    value = text.strip()
    if not value:
        return None
    if value[:4].isdigit() and len(value) > 10:  # ISO date with a time: "2020-03-21T00:00:00"
        value = value[:10]
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _decode(path: Path) -> str:
    """The file's text: gzip or plain, UTF-8 (with or without BOM), else Windows-1252."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise EvaluationError(f"{path}: cannot read the file ({error.strerror}); check the path") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise EvaluationError(f"{path}: a damaged gzip file ({error}); download it again") from None
    if raw[:2] == b"PK" or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise EvaluationError(
            f"{path}: a spreadsheet, not a CSV file; save it as CSV (UTF-8) first"
        )
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise EvaluationError(f"{path}: a binary file, not a CSV file; {_FIX}")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    """Comma by default; semicolon or tab when a spreadsheet program saved the file that way."""
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    if best == ",":
        return csv.excel
    return csv.excel_tab if best == "\t" else _Semicolon


class _Semicolon(csv.excel):
    delimiter = ";"


def _text(row: dict[str, str], name: str, columns: frozenset[str]) -> str | None:
    if name not in columns:
        return None
    return (row.get(name) or "").strip()


def _number(row: dict[str, str], name: str, columns: frozenset[str], kind: type[int | float]) -> float | int | None:
    value = _text(row, name, columns)
    if not value:
        return None
    try:
        return kind(float(value)) if kind is int else float(value)
    except ValueError:
        return None


def _inter(row: dict[str, str], name: str, columns: frozenset[str]) -> int | None:
    value = _text(row, name, columns)
    if value is None:
        return None
    try:
        return parse_inter(value)
    except ValueError:
        return None


def read_acled(path: Path, *, label: str = "") -> list[GoldRow]:
    """Every coded row of an ACLED CSV file (plain or gzipped), as :class:`GoldRow` records.

    Rows with an empty ``notes`` cell are left out (there is nothing to code). The file is read
    whole: ACLED exports are a few MB, and a malformed file fails before any coding starts.
    ``label`` names the file in the rows' ``file`` field (default: the file's name).

    Raises:
        EvaluationError: the file is unreadable, is not CSV, or lacks one of
            :data:`REQUIRED_COLUMNS`; the message names the file, the missing columns and the fix.
    """
    path = Path(path)
    text = _decode(path)
    if not text.strip():
        raise EvaluationError(f"{path}: the file is empty; {_FIX}")
    csv.field_size_limit(10_000_000)
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=_dialect(text))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    columns = frozenset(header)
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise EvaluationError(
            f"{path}: not an ACLED file, missing column(s) {', '.join(missing)} "
            f"(found: {', '.join(header[:8]) or 'none'}{' ...' if len(header) > 8 else ''}); {_FIX}"
        )
    rows: list[GoldRow] = []
    dates: list[str] = []  # the first few event_date cells as written, for messages
    try:
        line = reader.line_num + 1
        for raw in reader:
            notes = (raw.get("notes") or "").strip()
            if notes:
                rows.append(_gold_row(path, label or path.name, line, raw, columns, notes))
                if len(dates) < 3:
                    dates.append((raw.get("event_date") or "").strip())
            line = reader.line_num + 1
    except csv.Error as error:
        raise EvaluationError(
            f"{path}:{reader.line_num}: malformed CSV ({error}); {_FIX}"
        ) from None
    _check_values(path, rows, dates)
    return rows


def _check_values(path: Path, rows: list[GoldRow], dates: list[str]) -> None:
    """Fail on a file with ACLED's column names but not ACLED's values: nothing to code, no
    readable event_date, or no ACLED sub_event_type (another codebook's labels)."""
    if not rows:
        raise EvaluationError(
            f"{path}: no row has a note to code (the notes column is empty); {_FIX}"
        )
    if all(row.event_date is None for row in rows):
        shown = ", ".join(repr(d) for d in dates)
        raise EvaluationError(
            f"{path}: no event_date could be read (first values: {shown}); "
            "write dates as 2020-03-21, 21 March 2020 or 21-Mar-20"
        )
    if not any(row.sub_event_type in taxonomy.BY_NAME for row in rows):
        example = rows[0].sub_event_type or "(empty)"
        raise EvaluationError(
            f"{path}: no sub_event_type is one of ACLED's (first value: {example!r}); "
            "evaluation needs ACLED's sub-event types, e.g. 'Armed clash', 'Peaceful protest'"
        )


def _gold_row(
    path: Path, label: str, line: int, raw: dict[str, str], columns: frozenset[str], notes: str
) -> GoldRow:
    sub_event_type = (raw.get("sub_event_type") or "").strip()
    event_type = _text(raw, "event_type", columns) or ""
    if not event_type and sub_event_type in taxonomy.BY_NAME:
        event_type = taxonomy.event_type_of(sub_event_type)
    latitude = _number(raw, "latitude", columns, float)
    longitude = _number(raw, "longitude", columns, float)
    if latitude is None or longitude is None:
        latitude = longitude = None
    time_precision = _number(raw, "time_precision", columns, int)
    geo_precision = _number(raw, "geo_precision", columns, int)
    fatalities = _number(raw, "fatalities", columns, int)
    return GoldRow(
        file=label,
        origin=f"{path}:{line}",
        event_id=_text(raw, "event_id_cnty", columns) or f"{label}:{line}",
        event_date=parse_acled_date(raw.get("event_date") or ""),
        time_precision=int(time_precision) if time_precision is not None else None,
        event_type=event_type,
        sub_event_type=sub_event_type,
        actor1=_text(raw, "actor1", columns),
        assoc_actor_1=_text(raw, "assoc_actor_1", columns),
        inter1=_inter(raw, "inter1", columns),
        actor2=_text(raw, "actor2", columns),
        assoc_actor_2=_text(raw, "assoc_actor_2", columns),
        inter2=_inter(raw, "inter2", columns),
        country=_text(raw, "country", columns),
        admin1=_text(raw, "admin1", columns),
        admin2=_text(raw, "admin2", columns),
        location=_text(raw, "location", columns),
        latitude=latitude,
        longitude=longitude,
        geo_precision=int(geo_precision) if geo_precision is not None else None,
        source=_text(raw, "source", columns) or "",
        notes=notes,
        fatalities=int(fatalities) if fatalities is not None else None,
    )


def read_acled_files(paths: Sequence[Path]) -> dict[str, list[GoldRow]]:
    """:func:`read_acled` over several files, keyed by file name in the order given.

    Two files with the same name (from different folders) are keyed by their full paths.

    Raises:
        EvaluationError: as :func:`read_acled`, for the first bad file; or no file given.
    """
    if not paths:
        raise EvaluationError("no gold file given; pass one or more ACLED CSV files")
    names = [Path(p).name for p in paths]
    out: dict[str, list[GoldRow]] = {}
    for path, name in zip(paths, names, strict=True):
        key = name if names.count(name) == 1 else str(path)
        out[key] = read_acled(Path(path), label=key)
    return out
