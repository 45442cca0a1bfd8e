"""Throughput of the full pipeline against spaCy's own parse time (issue 5).

On the 249 Guardian articles of the shared dev folder, repeated to at least ``--articles``
(1,000 by default, each copy with its own id so nothing is skipped as already coded), it
measures in one run, for 1 and 2 processes:

- the floor: spaCy's ``nlp.pipe`` alone with the same model, texts and number of processes;
- the full pipeline (ingest -> parse -> extract -> store) into a fresh SQLite file;

and prints articles/s, tokens/s, full/floor ratio, peak memory (RSS of this process and its
children) and the share of time per stage. Writes JSON to ``bench/out/throughput.json``.

    python bench/throughput.py [--articles 1000] [--processes 1 2] [--gazetteer PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import psutil
from rich.console import Console
from rich.table import Table

from eventcoder.gazetteer import install_gazetteer
from eventcoder.ingest import read_inputs
from eventcoder.models import Article
from eventcoder.nlp import load_nlp
from eventcoder.pipeline import Pipeline
from eventcoder.settings import load_settings
from eventcoder.store import Store

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("EVENTCODER_SHARED") or HERE.parent.parent / "shared")


class PeakMemory:
    """Sample the RSS of this process and its children every 50 ms; keep the peak (MB)."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = me.memory_info().rss
            for child in me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total / 2**20)
            self._stop.wait(0.05)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def corpus(count: int) -> list[Article]:
    """The Guardian articles repeated to ``count``, each copy with a distinct id."""
    path = SHARED / "dev" / "articles" / "guardian_syria_2017-2019.csv.gz"
    base = [a for a in read_inputs([path]) if isinstance(a, Article)]
    if not base:
        sys.exit(f"{path}: no articles read; set EVENTCODER_SHARED to the shared data folder")
    out: list[Article] = []
    copy = 0
    while len(out) < count:
        out += [replace(a, id=f"{a.id}-{copy}") for a in base]
        copy += 1
    return out[:count]


def ensure_gazetteer(path: Path | None) -> Path:
    """The world cities500 gazetteer with the Syrian lists (built once into bench/out)."""
    if path is not None:
        return path
    target = HERE / "out" / "gazetteer-world.sqlite"
    if not target.exists():
        data = SHARED / "data"
        install_gazetteer(
            target,
            geonames=os.environ.get("EVENTCODER_GEONAMES") or str(data / "geonames"),
            places=[str(data / "syria")],
            boundaries=[str(data / "boundaries")],
        )
    return target


def spacy_floor(articles: list[Article], processes: int, batch_size: int) -> dict[str, float]:
    """spaCy's nlp.pipe alone, same model and texts: the time any spaCy-based coder pays."""
    nlp = load_nlp()
    texts = [a.text for a in articles]
    with PeakMemory() as memory:
        started = time.perf_counter()
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size, n_process=processes))
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "tokens": tokens, "peak_mb": memory.peak}


def full_pipeline(articles: list[Article], processes: int, gazetteer: Path, batch_size: int) -> dict[str, object]:
    """The whole pipeline into a fresh SQLite file."""
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(gazetteer=gazetteer, db=Path(folder) / "events.sqlite", n_process=processes,
                                 batch_size=batch_size)
        pipeline = Pipeline(settings)
        with PeakMemory() as memory, Store.open(settings.db) as store:
            started = time.perf_counter()
            report = pipeline.run_items(articles, store, inputs=["bench"])
            seconds = time.perf_counter() - started
        times = report.times.as_dict()
    return {"seconds": seconds, "events": report.summary.events, "failed": report.summary.failed,
            "peak_mb": memory.peak, "stage_seconds": times}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--gazetteer", type=Path)
    args = parser.parse_args()

    gazetteer = ensure_gazetteer(args.gazetteer)
    articles = corpus(args.articles)
    results: list[dict[str, object]] = []
    for processes in args.processes:
        floor = spacy_floor(articles, processes, args.batch_size)
        full = full_pipeline(articles, processes, gazetteer, args.batch_size)
        tokens = floor["tokens"]
        stage = full["stage_seconds"]
        assert isinstance(stage, dict)
        busy = sum(stage.values()) or 1.0
        results.append({
            "processes": processes,
            "articles": len(articles),
            "tokens": tokens,
            "spacy_articles_per_s": len(articles) / floor["seconds"],
            "spacy_tokens_per_s": tokens / floor["seconds"],
            "spacy_peak_mb": floor["peak_mb"],
            "full_articles_per_s": len(articles) / float(full["seconds"]),  # type: ignore[arg-type]
            "full_tokens_per_s": tokens / float(full["seconds"]),  # type: ignore[arg-type]
            "ratio_full_to_spacy": floor["seconds"] / float(full["seconds"]),  # type: ignore[arg-type]
            "full_peak_mb": full["peak_mb"],
            "events": full["events"],
            "failed": full["failed"],
            "stage_share": {name: value / busy for name, value in stage.items()},
            "stage_seconds": stage,
        })

    table = Table(title=f"throughput on {len(articles)} Guardian articles ({results[0]['tokens']:,} tokens)")
    for column in ("processes", "spaCy art/s", "full art/s", "full tok/s", "full/spaCy", "peak MB",
                   "ingest", "parse", "extract", "store"):
        table.add_column(column, justify="right")
    for row in results:
        share = row["stage_share"]
        assert isinstance(share, dict)
        table.add_row(
            str(row["processes"]),
            f"{row['spacy_articles_per_s']:.2f}",
            f"{row['full_articles_per_s']:.2f}",
            f"{row['full_tokens_per_s']:,.0f}",
            f"{row['ratio_full_to_spacy']:.2f}x",
            f"{row['full_peak_mb']:.0f}",
            *(f"{share[name]:.0%}" for name in ("ingest", "parse", "extract", "store")),
        )
    Console().print(table)
    out = HERE / "out" / "throughput.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"cpu_count": os.cpu_count(), "results": results}, indent=2), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
