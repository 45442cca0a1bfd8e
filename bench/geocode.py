"""Benchmark event geocoding against ACLED's human-placed events (issue 3, item 7).

Every note of the chosen ACLED files is coded by the real pipeline (published on the row's
event_date, outlet = the row's source), the row's event is chosen by the rule of
:func:`eventcoder.evaluate.match_event`, and its coordinates are compared with ACLED's:

- share within 5, 25 and 161 km of ACLED's point, median km, admin1 agreement;
- share with no answer (an event without coordinates) and share with no event at all;
- share placed in another country than ACLED's;
- all of it broken down by file and by ACLED ``geo_precision`` (1 the town, 2 near it,
  3 only the region).

A row is *in the gazetteer* when ACLED's ``location`` name, looked up with
``Gazetteer.lookup`` in the row's country, has a candidate within 25 km of ACLED's point. A miss
(no answer, or more than 25 km off) is then either **absent** (the name is not in the installed
gazetteer: a gazetteer problem) or a **wrong choice** (it is there: a recognition or
disambiguation problem), and each miss gets a pattern (namesake elsewhere, region-level only,
another place named in the note ...) with examples, so the geocoder can be fixed where it fails.
``any event <= 25 km`` is an upper bound: the share of rows where *some* event of the note was
placed within 25 km (the gap to the matched event is an event-choice problem, not geocoding).

The issue's target is on Syria rows with geo_precision 1: at least 90% of the events whose
place is in the gazetteer within 25 km, and none in another country.

The gazetteer is the world cities500 plus the Syrian place lists and the OCHA admin 1/2
boundaries. It is built into bench/out/ when missing (about half a minute), from
``--geonames`` (default $EVENTCODER_GEONAMES, else ../shared/data/geonames), ``--places``
(default ../shared/data/syria) and ``--boundaries`` (default the OCHA adm1/adm2 files of
../shared/data/boundaries, and Natural Earth's countries, which put each country at its middle). The bench also times ``Gazetteer.lookup`` on the gold names.

Usage:
    python bench/geocode.py                              # Syria battles + Afghanistan, every row
    python bench/geocode.py --sample 1500 --seed 0       # 1500 rows of each file (all if fewer)
    python bench/geocode.py --files ../shared/dev/acled/kenya_2004-2019.csv.gz --sample 300
    python bench/geocode.py --rows-out rows.jsonl        # also every row, to diff two runs
    python bench/geocode.py --origins misses.txt         # only these rows (file:line, one a line)
Writes bench/out/geocode.json (or --out).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from eventcoder.acled import GoldRow, read_acled
from eventcoder.actors import country_code
from eventcoder.errors import ConfigError
from eventcoder.evaluate import RowResult, code_rows, distance_km, same_admin
from eventcoder.gazetteer import Gazetteer, haversine_km, install_gazetteer
from eventcoder.models import Event
from eventcoder.pipeline import Pipeline
from eventcoder.placenames import name_key
from eventcoder.settings import load_settings

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EVENTCODER_SHARED") or REPO.parent / "shared")
OUT = REPO / "bench" / "out"
DEFAULT_FILES = ("syria_battles_2017-2018.csv.gz", "afghanistan_2020-03.csv.gz")
DEFAULT_BOUNDARIES = (
    "boundaries/syr_admbnda_adm1_uncs_unocha.geojson",
    "boundaries/syr_admbnda_adm2_uncs_unocha.geojson",
    "naturalearth/ne_50m_admin_0_countries.geojson",
)
#: The distance under which a gazetteer entry "is" ACLED's place, and a placement a hit.
HIT_KM = 25.0
DISTANCES = (5, 25, 161)
EXAMPLES_PER_PATTERN = 6


@dataclass(frozen=True, slots=True)
class Placed:
    """One gold row with a predicted event, as the geocoding bench sees it."""

    row: RowResult
    event: Event | None
    distance: float | None
    best_distance: float | None
    in_gazetteer: bool
    name_in_note: bool
    other_country: bool
    admin1: bool

    @property
    def hit(self) -> bool:
        return self.distance is not None and self.distance <= HIT_KM


# --------------------------------------------------------------------------------------------
# Gazetteer


#: The modules whose code decides what a gazetteer file holds (its rows and name keys).
BUILD_MODULES = (
    "gazetteer.py", "gazetteer_build.py", "gazetteer_sources.py", "placenames.py", "placelists.py"
)


def _stale(path: Path) -> bool:
    """True when a module that builds the gazetteer changed after the file was built."""
    source = REPO / "src" / "eventcoder"
    built = path.stat().st_mtime
    return any((source / name).is_file() and (source / name).stat().st_mtime > built for name in BUILD_MODULES)


def ensure_gazetteer(path: Path, geonames: str, places: Sequence[str], boundaries: Sequence[str], rebuild: bool) -> float:
    """Build the bench gazetteer when missing, stale or asked to; returns the build seconds (0 if kept).

    Stale means older than one of :data:`BUILD_MODULES`: a file built with older name keys
    silently misses lookups that the current code would find.
    """
    if path.is_file() and not rebuild and not _stale(path):
        return 0.0
    print(f"building the gazetteer {path} from {geonames}, {', '.join(places)} ...", file=sys.stderr)
    started = time.perf_counter()
    install_gazetteer(path, geonames=geonames, places=places, boundaries=boundaries)
    return time.perf_counter() - started


def _lookup_names(location: str) -> list[str]:
    """ACLED writes "Damascus - Jobar" for a part of a city: try the whole name and each part."""
    names = [location]
    if " - " in location:
        names += [part.strip() for part in location.split(" - ") if part.strip()]
    return names


def gold_in_gazetteer(gazetteer: Gazetteer, row: GoldRow, timings: dict[tuple[str, ...], float]) -> bool:
    """True when ACLED's location name resolves, in its country, within 25 km of ACLED's point.

    ``timings`` keeps the first lookup of each (name, country): the gazetteer handle caches its
    answers, and a repeated name would time the cache, not the index.
    """
    if not row.location or row.latitude is None or row.longitude is None:
        return False
    try:
        countries = [country_code(row.country)] if row.country else []
    except ConfigError:
        countries = []
    for name in _lookup_names(row.location):
        started = time.perf_counter()
        candidates = gazetteer.lookup(name, countries=countries)
        timings.setdefault((name, *countries), time.perf_counter() - started)
        for candidate in candidates:
            if haversine_km(row.latitude, row.longitude, candidate.place.latitude, candidate.place.longitude) <= HIT_KM:
                return True
    return False


def _name_in_note(row: GoldRow) -> bool:
    """Whether ACLED's location name (or a part of it) is written in the note, after keying."""
    note = f" {name_key(row.notes)} "
    return any(f" {name_key(name)} " in note for name in _lookup_names(row.location or "") if name_key(name))


# --------------------------------------------------------------------------------------------
# Scoring


def place_rows(results: Sequence[RowResult], gazetteer: Gazetteer, timings: dict[tuple[str, ...], float]) -> list[Placed]:
    """Compare each located gold row's chosen event with ACLED's point."""
    placed: list[Placed] = []
    for result in results:
        gold = result.gold
        if gold.latitude is None or gold.longitude is None:
            continue
        event = result.predicted
        distance = distance_km(gold, event) if event is not None else None
        others = [d for d in (distance_km(gold, e) for e in result.all_events) if d is not None]
        other_country = bool(
            event is not None and event.latitude is not None and event.country and gold.country
            and not same_admin(gold.country, event.country)
        )
        placed.append(
            Placed(
                row=result,
                event=event,
                distance=distance,
                best_distance=min(others) if others else None,
                in_gazetteer=gold_in_gazetteer(gazetteer, gold, timings),
                name_in_note=_name_in_note(gold),
                other_country=other_country,
                admin1=bool(event is not None and gold.admin1 and same_admin(gold.admin1, event.admin1)),
            )
        )
    return placed


def _location_reason(event: Event) -> str:
    return next((r for r in event.reasons if r.startswith("location")), "")


def miss_pattern(item: Placed) -> str:
    """A one-phrase class of why an event is not within 25 km of ACLED's point.

    Prefixed "absent" when ACLED's place is not in the gazetteer, "wrong choice" when it is.
    The classes read the event's location reason, so they follow what the geocoder did.
    """
    event = item.event
    kind = "wrong choice" if item.in_gazetteer else "absent"
    if event is None:
        return f"{kind}: no event"
    reason = _location_reason(event)
    if event.latitude is None:
        if not event.location:
            return f"{kind}: no place found in or before the sentence"
        return f"{kind}: name not resolved, no coordinates"
    if item.other_country:
        return f"{kind}: another country"
    if "is not in the gazetteer" in reason:
        return f"{kind}: name not resolved, placed at a container or neighbour"
    gold = item.row.gold
    if event.location and gold.location and any(
        name_key(event.location) == name_key(n) for n in _lookup_names(gold.location)
    ):
        return f"{kind}: namesake elsewhere (same name, other place)"
    if event.geo_precision == 3:
        return f"{kind}: region only (geo_precision 3)"
    if not item.name_in_note:
        return f"{kind}: ACLED's name not in note, another place chosen"
    return f"{kind}: another place named in note chosen"


def top_readings(items: Sequence[Placed], *, other_country: bool = False, limit: int = 20) -> list[list[Any]]:
    """The commonest (words read, place chosen) pairs among misses: what to fix first."""
    counts: Counter[tuple[str, str]] = Counter()
    for item in items:
        event = item.event
        if event is None or item.hit or (other_country and not item.other_country):
            continue
        words = next((e.text for e in event.evidence if e.field == "location"), "")
        chosen = f"{event.location} ({event.country or '?'})" if event.latitude is not None else "no coordinates"
        counts[(words or "(no words)", chosen)] += 1
    return [[words, chosen, count] for (words, chosen), count in counts.most_common(limit)]


def _pct(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def summarize(items: Sequence[Placed]) -> dict[str, Any]:
    """The bench numbers for a set of placed rows."""
    with_event = [i for i in items if i.event is not None]
    located = [i for i in with_event if i.distance is not None]
    in_gaz = [i for i in with_event if i.in_gazetteer]
    n = len(with_event)
    summary: dict[str, Any] = {
        "rows": len(items),
        "no_event": _pct(len(items) - n, len(items)),
        "events": n,
        "no_answer": _pct(n - len(located), n),
        **{f"within_{km}km": _pct(sum(1 for i in located if i.distance <= km), n) for km in DISTANCES},  # type: ignore[operator]
        "median_km": round(statistics.median(i.distance for i in located), 1) if located else None,  # type: ignore[type-var]
        "admin1": _pct(sum(i.admin1 for i in with_event if i.row.gold.admin1), sum(1 for i in with_event if i.row.gold.admin1)),
        "other_country": sum(i.other_country for i in with_event),
        "any_event_within_25km": _pct(sum(1 for i in with_event if i.best_distance is not None and i.best_distance <= HIT_KM), n),
        "gold_in_gazetteer": _pct(len(in_gaz), n),
        "in_gazetteer_events": len(in_gaz),
        "in_gazetteer_within_25km": _pct(sum(i.hit for i in in_gaz), len(in_gaz)),
        "in_gazetteer_other_country": sum(i.other_country for i in in_gaz),
        "misses_absent": sum(1 for i in with_event if not i.hit and not i.in_gazetteer),
        "misses_wrong_choice": sum(1 for i in with_event if not i.hit and i.in_gazetteer),
    }
    return summary


def breakdown(items: Sequence[Placed]) -> dict[str, Any]:
    """Numbers overall, by geo_precision, and the miss patterns."""
    by_precision: dict[str, list[Placed]] = defaultdict(list)
    for item in items:
        by_precision[str(item.row.gold.geo_precision)].append(item)
    patterns = Counter(miss_pattern(i) for i in items if i.event is not None and not i.hit)
    return {
        "all": summarize(items),
        "by_geo_precision": {p: summarize(group) for p, group in sorted(by_precision.items())},
        "miss_patterns": dict(patterns.most_common()),
        "top_miss_readings": top_readings(items),
        "top_other_country_readings": top_readings(items, other_country=True),
    }


def examples(items: Sequence[Placed], rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    """A few misses of each pattern, with the words that led to the answer."""
    grouped: dict[str, list[Placed]] = defaultdict(list)
    for item in items:
        if item.event is not None and not item.hit:
            grouped[miss_pattern(item)].append(item)
    out: dict[str, list[dict[str, Any]]] = {}
    for pattern, group in sorted(grouped.items(), key=lambda kv: -len(kv[1])):
        picked = rng.sample(group, min(EXAMPLES_PER_PATTERN, len(group)))
        out[pattern] = [_example(item) for item in picked]
    return out


def _example(item: Placed) -> dict[str, Any]:
    gold, event = item.row.gold, item.event
    assert event is not None
    location_evidence = [e.text for e in event.evidence if e.field == "location"]
    reason = _location_reason(event)
    return {
        "origin": gold.origin,
        "note": gold.notes[:400],
        "gold": f"{gold.location} ({gold.admin1}, {gold.country}) {gold.latitude},{gold.longitude} geo_precision {gold.geo_precision}",
        "predicted": f"{event.location} ({event.admin1}, {event.country}) {event.latitude},{event.longitude} "
                     f"geo_precision {event.geo_precision}",
        "distance_km": round(item.distance, 1) if item.distance is not None else None,
        "evidence": location_evidence,
        "reason": reason,
        "sub_event_type": f"{gold.sub_event_type} -> {event.sub_event_type}",
    }


def write_rows(path: Path, placed: Sequence[Placed]) -> None:
    """Every located row as one JSON line: to compare two runs row by row, or read the misses."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for item in placed:
            gold, event = item.row.gold, item.event
            record: dict[str, Any] = {
                "origin": gold.origin,
                "country": gold.country,
                "geo_precision": gold.geo_precision,
                "in_gazetteer": item.in_gazetteer,
                "hit": item.hit,
                "distance_km": round(item.distance, 1) if item.distance is not None else None,
                "other_country": item.other_country,
                "pattern": miss_pattern(item) if event is not None and not item.hit else "",
                "gold": f"{gold.location} ({gold.admin1}) {gold.latitude},{gold.longitude}",
            }
            if event is not None:
                record["predicted"] = f"{event.location} ({event.admin1}) {event.latitude},{event.longitude}"
                record["reason"] = _location_reason(event)
            record["note"] = gold.notes
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------------------------
# Output


#: Keys whose values are counts or kilometres, not shares.
_PLAIN_KEYS = frozenset({"events", "median_km", "other_country", "misses_absent", "misses_wrong_choice"})


def _fmt(value: Any, key: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and key not in _PLAIN_KEYS:
        return f"{100 * value:.1f}%"
    return str(value)


def print_table(console: Console, results: dict[str, Any]) -> None:
    """One table of the numbers (by file and geo_precision) and one of the miss patterns."""
    columns = [
        ("events", "events"), ("no event", "no_event"), ("no answer", "no_answer"),
        ("≤5 km", "within_5km"), ("≤25 km", "within_25km"), ("≤161 km", "within_161km"),
        ("median km", "median_km"), ("admin1", "admin1"), ("other country", "other_country"),
        ("in gaz.", "gold_in_gazetteer"), ("in gaz. ≤25 km", "in_gazetteer_within_25km"),
        ("any event ≤25 km", "any_event_within_25km"), ("absent", "misses_absent"),
        ("wrong choice", "misses_wrong_choice"),
    ]
    table = Table(title="geocoding vs ACLED (the matched event of each note)", title_justify="left")
    table.add_column("file / geo_precision")
    for label, _ in columns:
        table.add_column(label, justify="right")
    for name, data in results["files"].items():
        table.add_row(f"[bold]{name}[/bold]", *(_fmt(data["all"][key], key) for _, key in columns))
        for precision, numbers in data["by_geo_precision"].items():
            table.add_row(f"  geo_precision {precision}", *(_fmt(numbers[key], key) for _, key in columns))
    console.print(table)
    for name, data in results["files"].items():
        patterns = Table(title=f"misses of {name} (> 25 km or no answer)", title_justify="left")
        patterns.add_column("pattern")
        patterns.add_column("rows", justify="right")
        for pattern, count in data["miss_patterns"].items():
            patterns.add_row(pattern, str(count))
        console.print(patterns)
        readings = Table(title=f"commonest misreadings in {name} (words -> place chosen)", title_justify="left")
        readings.add_column("words read")
        readings.add_column("place chosen (country)")
        readings.add_column("rows", justify="right")
        for words, chosen, count in data["top_miss_readings"][:12]:
            readings.add_row(words, chosen, str(count))
        console.print(readings)
    target = results.get("target")
    if target:
        console.print(
            f"target (Syria, geo_precision 1, place in gazetteer): {_fmt(target['within_25km'])} within 25 km "
            f"of {target['events']} events (goal >= 90%), {target['other_country']} in another country (goal 0)"
        )
        patterns = Table(title="misses of the target rows", title_justify="left")
        patterns.add_column("pattern")
        patterns.add_column("rows", justify="right")
        for pattern, count in target.get("miss_patterns", {}).items():
            patterns.add_row(pattern, str(count))
        console.print(patterns)
    console.print(
        f"{results['rows']} rows coded in {results['coding_seconds']:.0f} s "
        f"({results['seconds_per_row']:.3f} s/row); every row of these files would take about "
        f"{results['full_run_estimate_minutes']:.0f} min. Gazetteer lookup median "
        f"{results['lookup_ms_median']} ms over {results['lookups']} distinct gold names."
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--files", nargs="+", type=Path, default=[SHARED / "dev" / "acled" / f for f in DEFAULT_FILES],
                        help="ACLED CSV files (default: Syria battles 2017-2018 and Afghanistan 2020-03)")
    parser.add_argument("--sample", type=int, default=None, help="rows drawn at random from each file (default: all)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the sample")
    parser.add_argument("--gazetteer", type=Path,
                        default=Path(os.environ.get("EVENTCODER_BENCH_GAZETTEER") or OUT / "gazetteer-world.sqlite"),
                        help="gazetteer file; built here when missing")
    parser.add_argument("--geonames", default=os.environ.get("EVENTCODER_GEONAMES") or str(SHARED / "data" / "geonames"),
                        help="GeoNames folder for the build")
    parser.add_argument("--places", nargs="*", default=[str(SHARED / "data" / "syria")], help="place lists for the build")
    parser.add_argument("--boundaries", nargs="*",
                        default=[str(SHARED / "data" / f) for f in DEFAULT_BOUNDARIES],
                        help="admin boundary GeoJSON files for the build")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the gazetteer even if it exists")
    parser.add_argument("--out", type=Path, default=OUT / "geocode.json", help="JSON summary path")
    parser.add_argument("--rows-out", type=Path, default=None,
                        help="also write every located row (hit or miss, pattern, reason) as JSON lines here")
    parser.add_argument("--origins", type=Path, default=None,
                        help="code only the rows whose origin (file:line) is listed in this file, one a line")
    args = parser.parse_args(argv)
    console = Console(width=max(Console().width, 200))

    build_seconds = ensure_gazetteer(args.gazetteer, args.geonames, args.places, args.boundaries, args.rebuild)
    rng = random.Random(args.seed)
    chosen: list[GoldRow] = []
    totals: dict[str, int] = {}
    for path in args.files:
        rows = read_acled(path)
        totals[path.name] = len(rows)
        if args.sample is not None and args.sample < len(rows):
            rows = random.Random(args.seed).sample(rows, args.sample)
        if args.origins is not None:
            wanted = set(args.origins.read_text(encoding="utf-8").split())
            rows = [row for row in rows if row.origin in wanted]
        chosen.extend(rows)

    pipeline = Pipeline(load_settings(gazetteer=args.gazetteer))
    # Load the model and the extractor before the clock starts.
    _ = pipeline.nlp
    _ = pipeline.extractor
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done % 100 == 0 or done == total:
            elapsed = time.perf_counter() - started
            print(f"  {done}/{total} rows, {elapsed:.0f} s", file=sys.stderr, flush=True)

    coded = code_rows(pipeline, chosen, progress=progress)
    coding_seconds = time.perf_counter() - started

    first_lookups: dict[tuple[str, ...], float] = {}
    with Gazetteer.open(args.gazetteer) as gazetteer:
        placed = place_rows(coded, gazetteer, first_lookups)
    timings = list(first_lookups.values())
    files: dict[str, Any] = {}
    for name in totals:
        items = [p for p in placed if p.row.gold.file == name]
        files[name] = breakdown(items) | {"examples": examples(items, rng)}
    syria_p1 = [
        p for p in placed
        if p.row.gold.country == "Syria" and p.row.gold.geo_precision == 1 and p.event is not None and p.in_gazetteer
    ]
    per_row = coding_seconds / max(len(chosen), 1)
    results: dict[str, Any] = {
        "files": files,
        "target": {
            "events": len(syria_p1),
            "within_25km": _pct(sum(p.hit for p in syria_p1), len(syria_p1)),
            "other_country": sum(p.other_country for p in syria_p1),
        } if syria_p1 else None,
        "rows": len(chosen),
        "rows_in_files": totals,
        "sample": args.sample,
        "seed": args.seed,
        "gazetteer": str(args.gazetteer),
        "gazetteer_build_seconds": round(build_seconds, 1) if build_seconds else None,
        "coding_seconds": round(coding_seconds, 1),
        "seconds_per_row": round(per_row, 4),
        "full_run_estimate_minutes": round(per_row * sum(totals.values()) / 60, 1),
        "lookups": len(timings),
        "lookup_ms_median": round(1000 * statistics.median(timings), 3) if timings else None,
        "lookup_ms_p95": round(1000 * sorted(timings)[int(0.95 * (len(timings) - 1))], 3) if timings else None,
    }
    if syria_p1:
        results["target"]["miss_patterns"] = dict(
            Counter(miss_pattern(p) for p in syria_p1 if not p.hit).most_common()
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    if args.rows_out is not None:
        write_rows(args.rows_out, placed)
    print_table(console, results)
    console.print(f"JSON summary: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
