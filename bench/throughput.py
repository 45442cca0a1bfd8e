"""Throughput of the full pipeline against spaCy's own parse time (issue 5).

On the 249 Guardian articles of the shared dev folder, repeated to ``--articles`` (1,000 by
default, each copy with its own id so nothing is skipped as already coded), it measures, for
1 and 2 processes:

- the floor: stock spaCy (``spacy.load`` of the same model, every component, default settings)
  running ``nlp.pipe`` over the same texts with the same batch size and number of processes;
- the same floor with numpy's single-threaded BLAS instead of spaCy's bundled BLIS, as
  eventcoder runs the model (see ``eventcoder.nlp``): the fair floor where BLIS is slow;
- the full pipeline: ingest (the corpus as a JSONL file) -> parse -> extract -> SQLite store,
  into a fresh database, with the world cities500 gazetteer.

Each measurement runs in a fresh Python process, so peak memory (RSS of that process and its
children, sampled every 50 ms) and the spaCy memos start from nothing. It prints articles/s,
tokens/s, the full/floor ratio of wall-clock throughput, CPU seconds per article of both (the
figure a busy machine distorts least), peak RSS and each stage's share of the pipeline's CPU
time, and writes everything to ``bench/out/throughput.json``.

    python bench/throughput.py [--articles 1000] [--processes 1 2] [--gazetteer PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import psutil
from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("EVENTCODER_SHARED") or HERE.parent.parent / "shared")
STAGES = ("ingest", "parse", "extract", "store")


class Monitor:
    """Sample this process and its children every 50 ms: peak total RSS (MB), children's CPU."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._children_cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def children_cpu(self) -> float:
        """CPU seconds of the children seen (as last sampled: at most 50 ms short each)."""
        return sum(self._children_cpu.values())

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = me.memory_info().rss
            for child in me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                    cpu = child.cpu_times()
                    self._children_cpu[child.pid] = cpu.user + cpu.system
                except psutil.Error:
                    pass
            self.peak_mb = max(self.peak_mb, total / 2**20)
            self._stop.wait(0.05)

    def __enter__(self) -> Monitor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def corpus(count: int) -> list[Any]:
    """The Guardian articles repeated to ``count``, each copy with a distinct id."""
    from eventcoder.ingest import read_inputs
    from eventcoder.models import Article

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


def write_jsonl(articles: list[Any], path: Path) -> None:
    """The corpus as the JSONL file the full pipeline ingests."""
    with path.open("w", encoding="utf-8") as stream:
        for a in articles:
            record = {"id": a.id, "text": a.text, "title": a.title, "url": a.url, "outlet": a.outlet,
                      "published": a.published.isoformat() if a.published else "", "country": a.country}
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")


def ensure_gazetteer(path: Path | None) -> Path:
    """The world cities500 gazetteer with the Syrian lists (built once into bench/out)."""
    if path is not None:
        return path
    target = HERE / "out" / "gazetteer-world.sqlite"
    if not target.exists():
        from eventcoder.gazetteer import install_gazetteer

        data = SHARED / "data"
        install_gazetteer(
            target,
            geonames=os.environ.get("EVENTCODER_GEONAMES") or str(data / "geonames"),
            places=[str(data / "syria")],
            boundaries=[str(data / "boundaries")],
        )
    return target


def measure_floor(corpus_path: Path, processes: int, batch_size: int, blas: str) -> dict[str, Any]:
    """spaCy's nlp.pipe alone, same model and texts: the time any spaCy-based coder pays.

    ``blas`` is "blis" for spaCy's defaults, "numpy" for numpy's BLAS (the caller runs this
    process with one BLAS thread).
    """
    import spacy
    from thinc.api import use_ops

    from eventcoder.nlp import default_model_name

    texts = [json.loads(line)["text"] for line in corpus_path.open(encoding="utf-8")]
    # spacy.load, not load_nlp: that one runs memoised rule components
    with use_ops("numpy", use_blis=blas == "blis"):
        nlp = spacy.load(default_model_name())
    with Monitor() as monitor:
        started, cpu = time.perf_counter(), time.process_time()
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size, n_process=processes))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu_seconds": cpu + monitor.children_cpu, "tokens": tokens,
            "peak_mb": monitor.peak_mb, "pipes": nlp.pipe_names}


def measure_full(corpus_path: Path, processes: int, batch_size: int, gazetteer: Path) -> dict[str, Any]:
    """The whole pipeline, from the JSONL file into a fresh SQLite file."""
    from eventcoder.pipeline import Pipeline
    from eventcoder.settings import load_settings
    from eventcoder.store import Store

    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(gazetteer=gazetteer, db=Path(folder) / "events.sqlite", n_process=processes,
                                 batch_size=batch_size)
        pipeline = Pipeline(settings)
        if processes == 1:
            _ = pipeline.nlp, pipeline.extractor  # loaded before the clock starts, as the floor's model
        with Monitor() as monitor, Store.open(settings.db) as store:
            started, cpu = time.perf_counter(), time.process_time()
            report = pipeline.run([corpus_path], store)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu_seconds": cpu + monitor.children_cpu, "events": report.summary.events,
            "articles": report.summary.articles, "failed": report.summary.failed, "peak_mb": monitor.peak_mb,
            "stage_seconds": report.times.as_dict(), "stage_cpu_seconds": report.times.cpu_dict()}


def in_fresh_process(kind: str, corpus_path: Path, processes: int, batch_size: int, gazetteer: Path) -> dict[str, Any]:
    """Run one measurement in a new interpreter (its own memory peak, cold memos) and read its JSON."""
    command = [sys.executable, __file__, "--one", kind, "--corpus", str(corpus_path), "--processes", str(processes),
               "--batch-size", str(batch_size), "--gazetteer", str(gazetteer)]
    env = dict(os.environ)
    if kind == "floor-numpy":  # one BLAS thread per process, set before numpy loads its BLAS
        env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    done = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def summarize(
    processes: int, floor: dict[str, Any], floor_numpy: dict[str, Any], full: dict[str, Any], articles: int
) -> dict[str, Any]:
    """One row of results: throughputs, ratios, CPU per article, memory and stage shares."""
    tokens = floor["tokens"]
    stage_cpu = full["stage_cpu_seconds"]
    busy = sum(stage_cpu.values()) or 1.0
    return {
        "processes": processes,
        "articles": articles,
        "tokens": tokens,
        "spacy_articles_per_s": articles / floor["seconds"],
        "spacy_tokens_per_s": tokens / floor["seconds"],
        "spacy_cpu_ms_per_article": 1000 * floor["cpu_seconds"] / articles,
        "spacy_peak_mb": floor["peak_mb"],
        "spacy_numpy_articles_per_s": articles / floor_numpy["seconds"],
        "spacy_numpy_cpu_ms_per_article": 1000 * floor_numpy["cpu_seconds"] / articles,
        "full_articles_per_s": articles / full["seconds"],
        "full_tokens_per_s": tokens / full["seconds"],
        "full_cpu_ms_per_article": 1000 * full["cpu_seconds"] / articles,
        "full_peak_mb": full["peak_mb"],
        "ratio_full_to_spacy": floor["seconds"] / full["seconds"],
        "cpu_ratio_full_to_spacy": floor["cpu_seconds"] / full["cpu_seconds"],
        "ratio_full_to_spacy_numpy": floor_numpy["seconds"] / full["seconds"],
        "cpu_ratio_full_to_spacy_numpy": floor_numpy["cpu_seconds"] / full["cpu_seconds"],
        "events": full["events"],
        "failed": full["failed"],
        "stage_share": {name: stage_cpu[name] / busy for name in STAGES},
        "stage_cpu_ms_per_article": {name: 1000 * stage_cpu[name] / articles for name in STAGES},
        "stage_seconds": full["stage_seconds"],
        "floor": floor,
        "floor_numpy": floor_numpy,
        "full": full,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--gazetteer", type=Path)
    parser.add_argument("--one", choices=("floor", "floor-numpy", "full"), help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:  # a child run: one measurement, printed as JSON
        processes = args.processes[0]
        if args.one.startswith("floor"):
            result = measure_floor(args.corpus, processes, args.batch_size, "numpy" if "numpy" in args.one else "blis")
        else:
            result = measure_full(args.corpus, processes, args.batch_size, args.gazetteer)
        print(json.dumps(result))
        return

    gazetteer = ensure_gazetteer(args.gazetteer)
    articles = corpus(args.articles)
    load_before = os.getloadavg()
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        corpus_path = Path(folder) / "corpus.jsonl"
        write_jsonl(articles, corpus_path)
        for processes in args.processes:
            floor = in_fresh_process("floor", corpus_path, processes, args.batch_size, gazetteer)
            floor_numpy = in_fresh_process("floor-numpy", corpus_path, processes, args.batch_size, gazetteer)
            full = in_fresh_process("full", corpus_path, processes, args.batch_size, gazetteer)
            results.append(summarize(processes, floor, floor_numpy, full, len(articles)))
    load_after = os.getloadavg()

    table = Table(title=f"throughput on {len(articles)} Guardian articles ({results[0]['tokens']:,} tokens); "
                        f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after, "
                        f"{os.cpu_count()} CPUs")
    for column in ("proc", "spaCy art/s", "full art/s", "full tok/s", "full/spaCy", "full/spaCy-np",
                   "CPU ms/art spaCy", "spaCy-np", "full", "CPU full/spaCy", "peak MB", *STAGES):
        table.add_column(column, justify="right")
    for row in results:
        table.add_row(
            str(row["processes"]),
            f"{row['spacy_articles_per_s']:.2f}",
            f"{row['full_articles_per_s']:.2f}",
            f"{row['full_tokens_per_s']:,.0f}",
            f"{row['ratio_full_to_spacy']:.2f}x",
            f"{row['ratio_full_to_spacy_numpy']:.2f}x",
            f"{row['spacy_cpu_ms_per_article']:.0f}",
            f"{row['spacy_numpy_cpu_ms_per_article']:.0f}",
            f"{row['full_cpu_ms_per_article']:.0f}",
            f"{row['cpu_ratio_full_to_spacy']:.2f}x",
            f"{row['full_peak_mb']:.0f}",
            *(f"{row['stage_share'][name]:.0%}" for name in STAGES),
        )
    Console(width=220).print(table)
    print("full/spaCy: ratio of throughputs (higher is better) against stock spaCy; full/spaCy-np: against spaCy "
          "with numpy's one-thread BLAS, as eventcoder runs it. Stage shares are of the pipeline's CPU time.")
    out = HERE / "out" / "throughput.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    record = {"cpu_count": os.cpu_count(), "load_average_before": load_before, "load_average_after": load_after,
              "batch_size": args.batch_size, "gazetteer": str(gazetteer), "results": results}
    out.write_text(json.dumps(record, indent=2), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
