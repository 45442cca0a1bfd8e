"""The Dask engine on a real LocalCluster: same events as one process, resumable, failures local.

A cluster of two worker processes is started once for the module and reached by its address
(the ``--scheduler`` path); the CLI and interrupt tests start their own LocalCluster (the
default path). Inputs are the Khan al-Shih sample, a syndicated copy of it (so the store's
cross-article merge is exercised), and real Guardian articles, written as JSONL to tmp_path.
"""

from __future__ import annotations

import csv
import gzip
import itertools
import json
import shutil
import socket
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psutil
import pytest
from click.testing import CliRunner

from eventcoder.cli import main
from eventcoder.distributed import (
    CHUNKS_PER_WORKER,
    _code_on_cluster,
    _start_pipelines,
    run_on_dask,
)
from eventcoder.errors import ConfigError
from eventcoder.models import Article, Failure
from eventcoder.pipeline import Pipeline, RunReport
from eventcoder.settings import Settings, load_settings
from eventcoder.store import Store

GUARDIAN = Path("dev") / "articles" / "guardian_syria_2017-2019.csv.gz"
GUARDIAN_ARTICLES = 20


def _guardian_records(shared_dir: Path, count: int) -> list[dict[str, str]]:
    """The first ``count`` Guardian articles that report someone killed, as JSONL records."""
    records = []
    with gzip.open(shared_dir / GUARDIAN, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if "killed" in row["text"]:
                records.append(
                    {
                        "id": f"guardian-{row['']}",
                        "text": row["text"],
                        "published": row["date"],
                        "outlet": "The Guardian",
                    }
                )
            if len(records) == count:
                break
    return records


def _write_jsonl(
    path: Path, records: list[dict[str, str]], *, extra_lines: dict[int, str] | None = None
) -> Path:
    lines = [json.dumps(record, ensure_ascii=False) for record in records]
    for index, line in sorted((extra_lines or {}).items()):
        lines.insert(index, line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _sample_records(sample_text: str, published: date) -> list[dict[str, str]]:
    """The sample as FNA published it, and the same wire copy re-published by a second outlet."""
    return [
        {
            "id": "fna-khan-al-shih",
            "text": sample_text,
            "published": published.isoformat(),
            "outlet": "FNA",
        },
        {
            "id": "reprint-khan-al-shih",
            "text": sample_text,
            "published": published.isoformat(),
            "outlet": "Al-Masdar News",
        },
    ]


def _settings(db: Path, gazetteer: Path, **overrides: Any) -> Settings:
    return load_settings(db=db, gazetteer=gazetteer, n_process=1, **overrides)


def _events(db: Path) -> list[dict[str, object]]:
    with Store.open(db) as store:
        return [
            event.to_dict() for event in sorted(store.events(), key=lambda event: event.event_id)
        ]


def _counts(report: RunReport) -> tuple[int, int, int, int]:
    summary = report.summary
    return summary.articles, summary.events, summary.failed, summary.skipped


@pytest.fixture(scope="module")
def corpus(
    tmp_path_factory: pytest.TempPathFactory,
    shared_dir: Path,
    sample_text: str,
    sample_published: date,
) -> Path:
    """22 real articles as JSONL: the sample, its syndicated copy and 20 Guardian articles."""
    records = _sample_records(sample_text, sample_published) + _guardian_records(
        shared_dir, GUARDIAN_ARTICLES
    )
    return _write_jsonl(tmp_path_factory.mktemp("corpus") / "articles.jsonl", records)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A LocalCluster of two single-threaded worker processes, shared by the module."""
    from distributed import LocalCluster

    local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    yield local
    local.close()


@pytest.fixture(scope="module")
def reference(
    tmp_path_factory: pytest.TempPathFactory, corpus: Path, gazetteer_path: Path
) -> tuple[Path, RunReport]:
    """The corpus coded by Pipeline.run in this one process: the result the cluster must match."""
    db = tmp_path_factory.mktemp("reference") / "events.sqlite"
    started = time.perf_counter()
    with Store.open(db) as store:
        report = Pipeline(_settings(db, gazetteer_path)).run([corpus], store)
    print(
        f"single process: {len(report.article_ids)} articles in {time.perf_counter() - started:.1f} s"
    )
    return db, report


@pytest.fixture(scope="module")
def dask_run(
    tmp_path_factory: pytest.TempPathFactory, corpus: Path, gazetteer_path: Path, cluster: Any
) -> tuple[Path, RunReport]:
    """The corpus coded on the module's cluster, in chunks of 4 so results come back out of order."""
    db = tmp_path_factory.mktemp("dask") / "events.sqlite"
    started = time.perf_counter()
    with Store.open(db) as store:
        report = run_on_dask(
            _settings(db, gazetteer_path),
            [corpus],
            store,
            scheduler=cluster.scheduler_address,
            chunk_size=4,
        )
    print(
        f"dask, 2 workers: {len(report.article_ids)} articles in {time.perf_counter() - started:.1f} s"
    )
    return db, report


def test_distributed_matches_single_process_run(
    reference: tuple[Path, RunReport], dask_run: tuple[Path, RunReport]
) -> None:
    """Two Dask workers store exactly the events, merges and run counts of a single-process run."""
    reference_db, reference_report = reference
    dask_db, dask_report = dask_run
    expected = _events(reference_db)
    assert len(expected) >= 10
    assert any(len(event["sources"]) > 1 for event in expected), "the syndicated copy should merge"
    assert _events(dask_db) == expected
    assert _counts(dask_report) == _counts(reference_report)
    assert sorted(dask_report.article_ids) == sorted(reference_report.article_ids)
    assert dask_report.summary.status == "finished"


def test_distributed_rerun_adds_no_duplicates(
    tmp_path: Path,
    corpus: Path,
    gazetteer_path: Path,
    cluster: Any,
    dask_run: tuple[Path, RunReport],
) -> None:
    """Running the Dask engine again over the same input skips every article and adds nothing."""
    db = tmp_path / "events.sqlite"
    shutil.copy(dask_run[0], db)
    before = _events(db)
    with Store.open(db) as store:
        report = run_on_dask(
            _settings(db, gazetteer_path), [corpus], store, scheduler=cluster.scheduler_address
        )
    assert _counts(report) == (0, 0, 0, GUARDIAN_ARTICLES + 2)
    assert _events(db) == before


def test_distributed_bad_line_is_a_failure_and_the_rest_is_coded(
    tmp_path: Path, shared_dir: Path, gazetteer_path: Path, cluster: Any
) -> None:
    """A line that is not JSON is recorded as a failure naming its line; the other articles are coded."""
    path = _write_jsonl(
        tmp_path / "news.jsonl",
        _guardian_records(shared_dir, 3),
        extra_lines={1: '{"text": "cut off'},
    )
    db = tmp_path / "events.sqlite"
    with Store.open(db) as store:
        report = run_on_dask(
            _settings(db, gazetteer_path), [path], store, scheduler=cluster.scheduler_address
        )
        coded = [article_id for article_id in report.article_ids if store.is_coded(article_id)]
    assert report.summary.articles == 3 and len(coded) == 3
    assert [failure.origin for failure in report.summary.failures] == [f"{path}:2"]
    assert "not valid JSON" in report.summary.failures[0].message


def test_distributed_codes_an_article_longer_than_spacys_default_limit(
    tmp_path: Path, shared_dir: Path, gazetteer_path: Path, cluster: Any
) -> None:
    """An article over spaCy's default max_length (1M characters) is coded, not lost, with its chunk-mates.

    ``max_chars`` is the one bound on article size; the pipeline raises spaCy's own limit to
    match it, so nlp.pipe never refuses a text ingest let through.
    """
    records = _guardian_records(shared_dir, 3)
    huge = {
        "id": "huge",
        "text": (records[0]["text"] + "\n") * (1_000_000 // len(records[0]["text"]) + 1),
        "published": "2019-04-10",
        "outlet": "X",
    }
    assert len(huge["text"]) > 1_000_000
    path = _write_jsonl(tmp_path / "news.jsonl", [records[0], huge, *records[1:]])
    db = tmp_path / "events.sqlite"
    settings = _settings(db, gazetteer_path, max_chars=2_000_000)
    with Store.open(db) as store:
        report = run_on_dask(
            settings, [path], store, scheduler=cluster.scheduler_address, chunk_size=4
        )
        assert store.is_coded("huge")
        assert all(store.is_coded(record["id"]) for record in records)
    assert (report.summary.articles, report.summary.failed) == (4, 0)


def test_distributed_streams_an_endless_input(
    tmp_path: Path, gazetteer_path: Path, sample_text: str, cluster: Any
) -> None:
    """An input with no end is coded as it is read: only a few chunks per worker are read ahead."""
    from distributed import Client

    pulled = 0

    def endless() -> Iterator[Article]:
        nonlocal pulled
        for number in itertools.count():
            pulled += 1
            yield Article(
                id=f"copy-{number}",
                text=sample_text[:600],
                published=date(2016, 11, 28),
                outlet="FNA",
            )

    with Client(cluster.scheduler_address) as client:
        _start_pipelines(client, _settings(tmp_path / "unused.sqlite", gazetteer_path))
        coded = _code_on_cluster(client, endless(), chunk_size=2)
        results = [result for _ in range(4) for result in next(coded)[0]]
        coded.close()
    assert len(results) == 8 and not any(isinstance(result, Failure) for result in results)
    assert pulled <= (CHUNKS_PER_WORKER * 2 + 4) * 2


def test_distributed_unreachable_scheduler_is_a_config_error(
    tmp_path: Path, corpus: Path, gazetteer_path: Path
) -> None:
    """An address nobody listens on gives a one-line ConfigError within the timeout, and no run."""
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = tmp_path / "events.sqlite"
    started = time.perf_counter()
    with Store.open(db) as store:
        with pytest.raises(ConfigError) as raised:
            run_on_dask(
                _settings(db, gazetteer_path),
                [corpus],
                store,
                scheduler=f"tcp://127.0.0.1:{port}",
                connect_timeout=3,
            )
        assert store.runs() == []
    assert time.perf_counter() - started < 15
    message = str(raised.value)
    assert f"127.0.0.1:{port}" in message and "\n" not in message


def test_distributed_workers_without_gazetteer_is_a_config_error(
    tmp_path: Path, corpus: Path, cluster: Any
) -> None:
    """Workers that cannot open the gazetteer stop the run at once with a one-line ConfigError."""
    db = tmp_path / "events.sqlite"
    missing = tmp_path / "nowhere" / "gazetteer.sqlite"
    with Store.open(db) as store:
        with pytest.raises(ConfigError) as raised:
            run_on_dask(
                _settings(db, missing), [corpus], store, scheduler=cluster.scheduler_address
            )
        assert store.runs() == []
    message = str(raised.value)
    assert str(missing) in message and "shared filesystem" in message and "\n" not in message


def test_distributed_interrupt_marks_run_and_closes_cluster(
    tmp_path: Path,
    corpus: Path,
    gazetteer_path: Path,
    cluster: Any,
    reference: tuple[Path, RunReport],
) -> None:
    """Ctrl-C keeps what was saved, marks the run interrupted, stops the workers; a rerun completes it."""
    me = psutil.Process()
    children_before = {child.pid for child in me.children(recursive=True)}

    def interrupt(done: int, events: int, failed: int) -> None:
        if done == 5:
            raise KeyboardInterrupt

    db = tmp_path / "events.sqlite"
    settings = _settings(db, gazetteer_path)
    with Store.open(db) as store:
        with pytest.raises(KeyboardInterrupt):
            # One worker is enough to show that the cluster this run started is closed.
            run_on_dask(settings, [corpus], store, workers=1, chunk_size=2, progress=interrupt)
        (run,) = store.runs()
        assert run.status == "interrupted" and run.articles == 5
    deadline = time.monotonic() + 20
    while {
        child.pid for child in me.children(recursive=True)
    } - children_before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert {child.pid for child in me.children(recursive=True)} - children_before == set()

    with Store.open(db) as store:
        resumed = run_on_dask(settings, [corpus], store, scheduler=cluster.scheduler_address)
    assert (resumed.summary.skipped, resumed.summary.articles) == (5, GUARDIAN_ARTICLES + 2 - 5)
    assert _events(db) == _events(reference[0])


def test_distributed_cli_engine_dask(
    tmp_path: Path, shared_dir: Path, gazetteer_path: Path, sample_text: str, sample_published: date
) -> None:
    """`eventcoder code --engine dask --workers 2` codes the input and prints its events."""
    records = _sample_records(sample_text, sample_published)[:1] + _guardian_records(shared_dir, 3)
    path = _write_jsonl(tmp_path / "news.jsonl", records)
    db = tmp_path / "events.sqlite"
    env = {
        "EVENTCODER_GAZETTEER": str(gazetteer_path),
        "EVENTCODER_DB": str(db),
        "EVENTCODER_HOME": str(tmp_path / "home"),
    }
    result = CliRunner().invoke(
        main,
        ["code", "--engine", "dask", "--workers", "2", "--format", "jsonl", str(path)],
        env=env,
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    assert "4 article(s) coded, 0 already coded, 0 failed" in result.stderr
    printed = sorted(json.loads(line)["event_id"] for line in result.stdout.splitlines())
    assert printed and printed == [event["event_id"] for event in _events(db)]
    assert any(event["article_id"] == "fna-khan-al-shih" for event in _events(db))
