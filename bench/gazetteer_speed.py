"""How fast the gazetteer builds from the world cities500 dump, and how fast a lookup is.

Usage:
    python bench/gazetteer_speed.py [--geonames DIR] [--places PATH ...] [--boundaries PATH ...]

The GeoNames folder defaults to $EVENTCODER_GEONAMES, else ../shared/data/geonames beside the
repository. The index is built in a temporary folder (never in the user's data directory).
Lookups are timed on real names taken from the dump itself: primary names (exact tier), the
same names with their diacritics stripped and lower-cased (still the exact tier), and
misspellings with one letter dropped (the skeleton or fuzzy tier). Targets (issue 3): build
under a minute, median lookup under 1 ms. Prints a table and writes bench/out/gazetteer_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import tempfile
import time
import unicodedata
from pathlib import Path

from eventcoder.gazetteer import Gazetteer, install_gazetteer
from eventcoder.gazetteer_sources import MAIN_DUMPS, open_dump

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out" / "gazetteer_speed.json"


def _default_geonames() -> str:
    return os.environ.get("EVENTCODER_GEONAMES") or str(
        REPO.parent / "shared" / "data" / "geonames"
    )


def _dump_names(folder: Path, every: int) -> list[str]:
    """Every ``every``-th primary name of the main dump in ``folder``."""
    for base in MAIN_DUMPS:
        for extension in (".txt", ".txt.gz", ".zip"):
            path = folder / f"{base}{extension}"
            if not path.is_file():
                continue
            with open_dump(path) as stream:
                return [line.split("\t")[1] for i, line in enumerate(stream) if i % every == 0]
    raise SystemExit(f"{folder}: no GeoNames dump found")


def _plain(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _misspelt(name: str, rng: random.Random) -> str:
    if len(name) < 6:
        return name + name[-1]
    cut = rng.randrange(1, len(name) - 1)
    return name[:cut] + name[cut + 1 :]


def _timings(gazetteer: Gazetteer, names: list[str]) -> dict[str, float]:
    times = []
    found = 0
    for name in names:
        start = time.perf_counter()
        candidates = gazetteer.lookup(name)
        times.append((time.perf_counter() - start) * 1000.0)
        found += bool(candidates)
    times.sort()
    return {
        "lookups": len(times),
        "found_share": round(found / len(times), 4),
        "median_ms": round(statistics.median(times), 4),
        "p90_ms": round(times[int(0.9 * (len(times) - 1))], 4),
        "p99_ms": round(times[int(0.99 * (len(times) - 1))], 4),
        "mean_ms": round(statistics.fmean(times), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--geonames", default=_default_geonames(), help="GeoNames folder (cities500 + admin codes)"
    )
    parser.add_argument("--places", nargs="*", default=[], help="extra place lists to install")
    parser.add_argument("--boundaries", nargs="*", default=[], help="admin boundary GeoJSON files")
    parser.add_argument("--every", type=int, default=200, help="time every N-th name of the dump")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gazetteer-bench-") as folder:
        target = Path(folder) / "gazetteer.sqlite"
        start = time.perf_counter()
        info = install_gazetteer(
            target, geonames=args.geonames, places=args.places, boundaries=args.boundaries
        )
        build_seconds = time.perf_counter() - start
        size_mb = target.stat().st_size / 1e6
        rng = random.Random(3)
        primary = _dump_names(Path(args.geonames), args.every)
        sets = {
            "exact (GeoNames names)": primary,
            "exact (plain lower-case)": [_plain(n) for n in primary],
            "one letter dropped": [_misspelt(n, rng) for n in primary],
        }
        with Gazetteer.open(target) as gazetteer:
            gazetteer.lookup("warm up")
            results = {label: _timings(gazetteer, names) for label, names in sets.items()}
            everything = _timings(gazetteer, [n for names in sets.values() for n in names])

    report = {
        "geonames": args.geonames,
        "places": args.places,
        "boundaries": args.boundaries,
        "rows": info.rows,
        "names": info.names,
        "index_mb": round(size_mb, 1),
        "build_seconds": round(build_seconds, 2),
        "build_target_seconds": 60,
        "lookup": results,
        "lookup_all": everything,
        "lookup_target_median_ms": 1.0,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_1min": round(os.getloadavg()[0], 2),
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    print(
        f"build: {info.rows:,} places, {info.names:,} names, {size_mb:.0f} MB in "
        f"{build_seconds:.1f} s (target < 60 s)"
    )
    print(f"{'lookups':28s} {'n':>6s} {'found':>6s} {'median':>8s} {'p90':>8s} {'p99':>8s}  (ms)")
    for label, row in [*results.items(), ("all", everything)]:
        print(
            f"{label:28s} {row['lookups']:6d} {row['found_share']:6.1%} {row['median_ms']:8.3f} "
            f"{row['p90_ms']:8.3f} {row['p99_ms']:8.3f}"
        )
    print(
        "median lookup target < 1 ms; load average while measuring: "
        f"{report['machine']['load_1min']}"
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
