"""How fast the gazetteer builds from the world cities500 dump, and how fast a lookup is.

Usage:
    python bench/gazetteer_speed.py [--geonames DIR] [--places PATH ...] [--boundaries PATH ...]

The GeoNames folder defaults to $EVENTCODER_GEONAMES, else ../shared/data/geonames beside the
repository. The index is built in a temporary folder (never in the user's data directory).
Lookups are timed on real names taken from the dump itself: primary names (exact tier), the
same names with their diacritics stripped and lower-cased (still the exact tier), and
misspellings with one letter dropped (the skeleton or fuzzy tier). Targets (issue 3): build
under a minute, median lookup under 1 ms. Prints a table and writes bench/out/gazetteer_speed.json.

With ``--toponyms`` it times toponym recognition instead, the costliest geo step of extraction:
the 249 Guardian articles of ../shared/dev/articles are parsed once with spaCy, then
:func:`~eventcoder.toponyms.find_toponyms` alone runs over all of them ``--rounds`` times, each
round on a freshly opened gazetteer (default bench/out/gazetteer-world.sqlite, as
bench/geocode.py builds it). CPU time (``time.process_time``), not wall time, is reported: the
machine is shared. ``--toponyms-out`` writes every toponym found, to check that a speed-up
changed no result.

    python bench/gazetteer_speed.py --toponyms --rounds 3 --toponyms-out before.jsonl
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
SHARED = Path(os.environ.get("EVENTCODER_SHARED") or REPO.parent / "shared")
ARTICLES = SHARED / "dev" / "articles" / "guardian_syria_2017-2019.csv.gz"


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


def toponym_speed(gazetteer_path: Path, rounds: int, out: Path | None) -> dict[str, object]:
    """CPU seconds of find_toponyms per article over the Guardian articles (best of ``rounds``)."""
    from eventcoder.ingest import read_inputs
    from eventcoder.models import Article
    from eventcoder.nlp import DOC_TEXT_KEY, load_nlp, parse
    from eventcoder.toponyms import find_toponyms

    articles = [a for a in read_inputs([ARTICLES]) if isinstance(a, Article)]
    if not articles:
        raise SystemExit(f"{ARTICLES}: no articles; set EVENTCODER_SHARED to the shared folder")
    started = time.process_time()
    docs = [doc for _, doc in parse(articles, load_nlp())]
    parse_cpu = time.process_time() - started
    totals: list[float] = []
    found: list[list[tuple[int, int, str, str | None, float]]] = []
    for _ in range(rounds):
        with Gazetteer.open(gazetteer_path) as gazetteer:
            found = []
            started = time.process_time()
            for article, doc in zip(articles, docs, strict=True):
                # The article text is cached on the Doc by the first stage that reads it: each
                # round pays for it again, as a real run does once.
                doc.user_data.pop(DOC_TEXT_KEY, None)
                hint = (article.country,) if article.country else ()
                toponyms = find_toponyms(doc, gazetteer, countries=hint)
                found.append(
                    [
                        (t.start, t.end, t.text, t.place.geonameid if t.place else None, t.score)
                        for t in toponyms
                    ]
                )
            totals.append(time.process_time() - started)
    if out is not None:
        with out.open("w", encoding="utf-8") as stream:
            for article, rows in zip(articles, found, strict=True):
                stream.write(
                    json.dumps({"id": article.id, "toponyms": rows}, ensure_ascii=False) + "\n"
                )
    best = min(totals)
    return {
        "articles": len(articles),
        "toponyms": sum(len(rows) for rows in found),
        "parse_cpu_ms_per_article": round(1000 * parse_cpu / len(articles), 1),
        "find_toponyms_cpu_ms_per_article": round(1000 * best / len(articles), 2),
        "rounds_cpu_s": [round(t, 2) for t in totals],
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
    parser.add_argument(
        "--toponyms",
        action="store_true",
        help="time find_toponyms on the Guardian articles instead",
    )
    parser.add_argument(
        "--gazetteer",
        type=Path,
        default=REPO / "bench" / "out" / "gazetteer-world.sqlite",
        help="gazetteer for --toponyms",
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --toponyms (best counts)")
    parser.add_argument(
        "--toponyms-out",
        type=Path,
        default=None,
        help="with --toponyms: write every toponym found (JSON lines)",
    )
    args = parser.parse_args()
    if args.toponyms:
        result = toponym_speed(args.gazetteer, args.rounds, args.toponyms_out)
        result["machine"] = {
            "python": platform.python_version(),
            "load_1min": round(os.getloadavg()[0], 2),
        }
        target = args.out if args.out != OUT else OUT.with_name("toponym_speed.json")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(result, indent=2))
        return

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
        # A handle caches its answers: each set is timed on a fresh one, so that the index,
        # not the cache, is measured.
        results = {}
        for label, names in sets.items():
            with Gazetteer.open(target) as gazetteer:
                gazetteer.lookup("warm up")
                results[label] = _timings(gazetteer, names)
        with Gazetteer.open(target) as gazetteer:
            gazetteer.lookup("warm up")
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
