"""The event database: real SQLite files in tmp_path, real processes killed mid-run."""

from __future__ import annotations

import dataclasses
import hashlib
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from eventcoder.errors import StoreError
from eventcoder.models import Article, Event, Evidence, Failure
from eventcoder.store import SCHEMA_VERSION, Store, merge_key

TESTS = Path(__file__).resolve().parent

KHAN_TEXT = (
    "The Syrian army units continued to press militants in the town of Khan al-Sheih in "
    "Southwestern Damascus on Sunday. The Syrian warplanes pounded the militants' positions in "
    "Khan al-Sheih, killing 5 of them."
)


def make_article(
    article_id: str, *, outlet: str = "FNA", published: date | None = date(2016, 11, 28)
) -> Article:
    """A realistic article; the text differs per id so its sha256 does too."""
    return Article(
        id=article_id,
        text=f"{KHAN_TEXT} ({article_id})",
        title="Syrian Army Tightens Siege on Militants in Khan al-Sheih",
        url=f"https://en.farsnews.ir/newstext.aspx?nn={article_id}",
        outlet=outlet,
        published=published,
        origin=f"news/{article_id}.txt",
    )


def make_event(article: Article, number: int = 0, **changes: object) -> Event:
    """An air strike on Khan ash Shih as the pipeline would code it from ``article``."""
    start = KHAN_TEXT.index("The Syrian warplanes")
    sentence = KHAN_TEXT[start:]
    event = Event(
        event_id=hashlib.sha256(f"{article.id}|{number}".encode()).hexdigest()[:16],
        article_id=article.id,
        event_date=date(2016, 11, 27),
        time_precision=1,
        disorder_type="Political violence",
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        actor1="Military Forces of Syria (2000-)",
        assoc_actor_1="",
        inter1=1,
        actor2="Jabhat Fateh al-Sham",
        assoc_actor_2="",
        inter2=2,
        interaction=12,
        civilian_targeting="",
        country="Syria",
        admin1="Rif Dimashq",
        admin2="Qatana",
        location="Khan ash Shih",
        latitude=33.3764,
        longitude=36.1198,
        geo_precision=1,
        geonameid="",
        source=article.outlet,
        notes=(
            "On 27 November 2016, Syrian warplanes struck militant positions in Khan ash Shih "
            "(Rif Dimashq), killing 5 militants. 5 fatalities."
        ),
        fatalities=5,
        evidence=(
            Evidence("sub_event_type", start + 12, start + 29, "warplanes pounded"),
            Evidence("location", start + 59, start + 72, "Khan al-Sheih"),
            Evidence("sentence", start, start + len(sentence), sentence),
        ),
        modality="asserted",
        attribution=article.outlet,
        confidence=0.82,
        reasons=(
            "Air/drone strike: trigger 'warplanes pounded'",
            "Khan al-Sheih -> Khan ash Shih (transliteration variant)",
        ),
    )
    return dataclasses.replace(event, **changes)  # type: ignore[arg-type]


def count(db: Path, table: str) -> int:
    """Rows in ``table``, read with a plain sqlite3 connection (not through the Store)."""
    with sqlite3.connect(db) as connection:
        return int(connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def code_articles(db: Path, total: int, events_per_article: int, pause: float) -> None:
    """What the CLI does: code ``total`` articles, skipping those already coded (resume).

    Run in a subprocess by the interruption test, and in-process to resume.
    """
    with Store.open(db) as store:
        run_id = store.begin_run([f"batch-of-{total}.jsonl"], {"batch_size": 16})
        for number in range(total):
            article = make_article(f"article-{number:04d}")
            if store.is_coded(article.id):
                store.record_skip(run_id, article.id)
                continue
            # A different day for every event, so no two articles report the same event.
            first_day = date(2012, 1, 1) + timedelta(days=number * events_per_article)
            events = [
                make_event(article, n, event_date=first_day + timedelta(days=n), fatalities=n)
                for n in range(events_per_article)
            ]
            store.save_article(article, events, run_id)
            print(number, flush=True)
            time.sleep(pause)
        store.finish_run(run_id)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "events.sqlite"


def test_store_round_trips_events_through_a_file(db: Path) -> None:
    """Events read back after reopening the file equal the events saved, evidence included."""
    article = make_article("fna-20161128")
    clashes = make_event(
        article,
        1,
        event_type="Battles",
        sub_event_type="Armed clash",
        location="Khan ash Shih farms",
        geo_precision=2,
        fatalities=0,
        notes='Clashes in the "farms" of Khan ash Shih, near Damascus; no fatalities reported.',
        latitude=None,
        longitude=None,
        event_date=None,
        reasons=("location not in the gazetteer: kept as written",),
    )
    events = [make_event(article), clashes]
    with Store.open(db) as store:
        run_id = store.begin_run(["khan-al-shih-2016.txt"], {"db": db})
        result = store.save_article(article, events, run_id)
        store.finish_run(run_id)
    assert result.inserted == 2 and result.merged == 0
    assert result.event_ids == tuple(event.event_id for event in events)
    with Store.open(db) as store:
        stored = list(store.events())
    assert stored == [dataclasses.replace(event, sources=(article.id,)) for event in events]
    assert stored[0].to_dict()["sources"] == ["fna-20161128"]


def test_store_creates_folders_schema_and_wal(db: Path) -> None:
    """Opening a path in a missing folder creates it, the schema and a WAL-mode database."""
    Store.open(db).close()
    with sqlite3.connect(db) as connection:
        version = connection.execute("SELECT version FROM schema_version").fetchone()[0]
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert version == SCHEMA_VERSION
    assert mode == "wal"
    assert {"articles", "events", "evidence", "event_sources", "runs", "failures"} <= tables


def test_store_resaving_an_article_adds_no_duplicates(db: Path) -> None:
    """Saving an article again replaces its own events instead of adding rows."""
    article = make_article("fna-20161128")
    events = [make_event(article, n, event_date=date(2016, 11, 20 + n)) for n in range(3)]
    with Store.open(db) as store:
        for _ in range(2):
            run_id = store.begin_run(["khan.txt"], {})
            store.save_article(article, events, run_id)
            store.finish_run(run_id)
        assert store.is_coded(article.id)
        assert len(list(store.events())) == 3
        rows = (count(db, "articles"), count(db, "events"), count(db, "evidence"))
        assert rows == (1, 3, 9)
        run_id = store.begin_run(["khan.txt"], {})
        result = store.save_article(article, events[:1], run_id)
        store.finish_run(run_id)
    assert result.replaced == 3
    assert (count(db, "events"), count(db, "event_sources"), count(db, "evidence")) == (1, 1, 3)


def test_store_merges_the_same_event_from_several_articles(db: Path) -> None:
    """Reports of one strike (same day, place, actor pair, sub-type) from three outlets are one event."""
    fna = make_article("fna", outlet="FNA", published=date(2016, 11, 28))
    sana = make_article("sana", outlet="SANA", published=date(2016, 11, 29))
    sohr = make_article("sohr", outlet="SOHR", published=None)
    reports = {
        "fna": make_event(fna, fatalities=0),
        # Actors the other way round and another spelling of the place: still the same event.
        "sana": make_event(
            sana,
            actor1="Jabhat Fateh al-Sham",
            inter1=2,
            actor2="Military Forces of Syria (2000-)",
            inter2=1,
            location="Khan Ash-Shih",
            fatalities=8,
        ),
        "sohr": make_event(sohr, fatalities=5, confidence=0.9),
    }
    articles = {"fna": fna, "sana": sana, "sohr": sohr}
    with Store.open(db) as store:
        run_id = store.begin_run(["three-outlets.jsonl"], {})
        results = [
            store.save_article(articles[k], [reports[k]], run_id) for k in ("sana", "sohr", "fna")
        ]
        (event,) = store.events()
    assert [r.merged for r in results] == [0, 1, 1]
    assert (count(db, "events"), count(db, "event_sources"), count(db, "evidence")) == (1, 3, 9)
    # The earliest-published article is the primary report, whatever order they were saved in.
    assert event.event_id == reports["fna"].event_id
    assert event.article_id == "fna"
    assert event.sources == ("fna", "sana", "sohr")
    assert event.source == "FNA; SANA; SOHR"
    assert event.fatalities == 5  # lowest non-zero figure: FNA's silence is not "no deaths"
    assert event.confidence == 0.9
    assert len(event.evidence) == 9
    assert any("also reported by article sana" in reason for reason in event.reasons)
    assert results[-1].event_ids == (event.event_id,)


def test_store_merge_result_does_not_depend_on_save_order(tmp_path: Path) -> None:
    """Saving the same articles in opposite orders stores identical events."""
    articles = [make_article(f"a{n}", outlet=o) for n, o in enumerate(("FNA", "SANA", "Reuters"))]
    stored = []
    for name, order in (("forward", articles), ("backward", articles[::-1])):
        with Store.open(tmp_path / f"{name}.sqlite") as store:
            run_id = store.begin_run([name], {})
            for article in order:
                store.save_article(article, [make_event(article, fatalities=3)], run_id)
            stored.append(list(store.events()))
    assert stored[0] == stored[1]
    assert len(stored[0]) == 1 and stored[0][0].source == "FNA; SANA; Reuters"


def test_store_keeps_different_events_apart(db: Path) -> None:
    """Another day, sub-event type, actor or place is another event (ACLED's disaggregation)."""
    fna, sana = make_article("fna"), make_article("sana", outlet="SANA")
    base = make_event(fna)
    variants = [
        make_event(sana, 0, event_date=date(2016, 11, 26)),
        make_event(sana, 1, sub_event_type="Shelling/artillery/missile attack"),
        make_event(sana, 2, actor2="Civilians (Syria)", inter2=7, interaction=17),
        make_event(sana, 3, location="Darayya", geonameid="170892"),
        make_event(sana, 4, time_precision=3),
        make_event(sana, 5, event_date=None),
    ]
    assert len({merge_key(event) for event in [base, *variants]}) == 7
    with Store.open(db) as store:
        run_id = store.begin_run(["two.jsonl"], {})
        store.save_article(fna, [base], run_id)
        result = store.save_article(sana, variants, run_id)
    assert result.merged == 0
    assert count(db, "events") == 7


def test_store_resaving_the_primary_article_keeps_the_merge(db: Path) -> None:
    """Re-coding the article a merged event came from first leaves the same rows behind."""
    fna, sana = make_article("fna"), make_article("sana", outlet="SANA")
    with Store.open(db) as store:
        run_id = store.begin_run(["x"], {})
        store.save_article(fna, [make_event(fna, fatalities=2)], run_id)
        store.save_article(sana, [make_event(sana, fatalities=4)], run_id)
        before = list(store.events())
        result = store.save_article(fna, [make_event(fna, fatalities=2)], run_id)
        after = list(store.events())
    assert result.replaced == 1 and result.merged == 1
    assert after == before
    assert (count(db, "events"), count(db, "event_sources")) == (1, 2)


def test_store_failed_save_rolls_back_the_whole_article(db: Path) -> None:
    """An event that breaks a rule rolls back its whole article; everything stored before stays."""
    first, second = make_article("first"), make_article("second")
    good = make_event(second, 0, event_date=date(2016, 11, 20))
    bad = make_event(second, 1, event_date=date(2016, 11, 21), fatalities=-3)
    with Store.open(db) as store:
        run_id = store.begin_run(["batch.jsonl"], {})
        store.save_article(first, [make_event(first)], run_id)
        with pytest.raises(StoreError, match="fatalities -3 is negative") as error:
            store.save_article(second, [good, bad], run_id)
        assert second.origin in str(error.value)
        # A failed re-save of an article already stored leaves its earlier events in place.
        with pytest.raises(StoreError):
            store.save_article(
                first,
                [
                    make_event(first, 1, event_date=date(2016, 11, 2)),
                    make_event(first, 2, fatalities=-1),
                ],
                run_id,
            )
        with pytest.raises(StoreError, match="belongs to article"):
            store.save_article(second, [make_event(first)], run_id)
        assert not store.is_coded("second")
        assert [event.event_id for event in store.events()] == [make_event(first).event_id]
        summary = store.finish_run(run_id)
    assert (count(db, "articles"), count(db, "events"), count(db, "evidence")) == (1, 1, 3)
    assert summary.articles == 1 and summary.events == 1


def test_store_rejects_duplicate_event_ids_within_an_article(db: Path) -> None:
    """Two events with one id in an article are a coding bug: the article is not stored."""
    article = make_article("fna")
    twin = make_event(article, 0, event_date=date(2016, 11, 1))
    with Store.open(db) as store:
        run_id = store.begin_run(["x"], {})
        with pytest.raises(StoreError, match=str(db)):
            store.save_article(article, [make_event(article, 0), twin], run_id)
    assert count(db, "articles") == 0 and count(db, "events") == 0


def test_store_rejects_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    """A text file passed as the database gives a StoreError naming it, and is left untouched."""
    path = tmp_path / "notes.txt"
    path.write_text("event_date,location\n2016-11-27,Khan ash Shih\n", encoding="utf-8")
    with pytest.raises(StoreError, match="not an eventcoder database") as error:
        Store.open(path)
    assert str(path) in str(error.value) and "--db" in str(error.value)
    assert path.read_text(encoding="utf-8").startswith("event_date,location")


def test_store_rejects_another_sqlite_database(tmp_path: Path) -> None:
    """An SQLite file of another program (e.g. the gazetteer) is refused, not written into."""
    path = tmp_path / "gazetteer.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE places (geonameid TEXT, name TEXT)")
    with pytest.raises(StoreError, match="not an eventcoder event database") as error:
        Store.open(path)
    assert str(path) in str(error.value)
    with sqlite3.connect(path) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master")]
    assert tables == ["places"]


def test_store_rejects_a_newer_schema(db: Path) -> None:
    """A database written by a newer eventcoder is refused with an upgrade hint."""
    Store.open(db).close()
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match="newer eventcoder") as error:
        Store.open(db)
    assert str(db) in str(error.value) and "upgrade" in str(error.value)


def test_store_reports_an_unusable_folder(tmp_path: Path) -> None:
    """A database path under a file (not a folder) gives a StoreError naming the path."""
    blocker = tmp_path / "data"
    blocker.write_text("not a folder", encoding="utf-8")
    path = blocker / "events.sqlite"
    with pytest.raises(StoreError, match="cannot create the folder") as error:
        Store.open(path)
    assert str(path) in str(error.value)


def test_store_run_summary_counts_articles_failures_and_skips(db: Path) -> None:
    """A run records its inputs, settings, counts and the failures with their messages."""
    article = make_article("fna")
    failure = Failure("news/broken.html", "news/broken.html: no main text found (check the file)")
    with Store.open(db) as store:
        first = store.begin_run(["news/"], {"db": db, "countries": ("SY",), "batch_size": 16})
        store.save_article(
            article,
            [
                make_event(article),
                make_event(article, 1, fatalities=1, event_date=date(2016, 11, 2)),
            ],
            first,
        )
        store.record_failure(first, failure)
        store.finish_run(first)
        second = store.begin_run(["news/"], {})
        store.record_skip(second, article.id)
        store.finish_run(second)
        summaries = store.runs()
    assert [s.id for s in summaries] == [first, second]
    one, two = summaries
    assert (one.status, one.articles, one.events, one.failed, one.skipped) == (
        "finished",
        1,
        2,
        1,
        0,
    )
    assert one.failures == (failure,)
    assert one.inputs == ("news/",)
    assert one.settings == {"db": str(db), "countries": ["SY"], "batch_size": 16}
    assert one.finished is not None and one.finished >= one.started
    assert (two.articles, two.skipped, two.failed) == (0, 1, 0)


def test_store_closing_without_finishing_marks_the_run_interrupted(db: Path) -> None:
    """A run whose store is closed by an exception (e.g. Ctrl-C) is recorded as interrupted."""
    article = make_article("fna")
    with pytest.raises(KeyboardInterrupt), Store.open(db) as store:
        run_id = store.begin_run(["x"], {})
        store.save_article(article, [make_event(article)], run_id)
        raise KeyboardInterrupt
    with Store.open(db) as store:
        (summary,) = store.runs()
        assert store.is_coded("fna")
    assert summary.status == "interrupted" and summary.articles == 1


def test_store_events_filter_by_article_and_run(db: Path) -> None:
    """events() can be limited to some articles or to one run, in a stable order."""
    articles = [make_article(f"a{n}") for n in range(3)]
    with Store.open(db) as store:
        runs = []
        for n, article in enumerate(articles):
            runs.append(store.begin_run([article.origin], {}))
            store.save_article(
                article,
                [
                    make_event(article, k, event_date=date(2016, 10, 1 + n * 3 + k))
                    for k in range(2)
                ],
                runs[-1],
            )
        everything = list(store.events())
        assert [e.article_id for e in everything] == ["a0", "a0", "a1", "a1", "a2", "a2"]
        assert list(store.events()) == everything
        assert [e.article_id for e in store.events(article_ids=["a2", "a0"])] == [
            "a0",
            "a0",
            "a2",
            "a2",
        ]
        assert [e.article_id for e in store.events(run_id=runs[1])] == ["a1", "a1"]
        assert list(store.events(article_ids=["a1"], run_id=runs[2])) == []
        assert list(store.events(article_ids=[])) == []


def test_store_readers_read_while_a_writer_holds_the_lock(db: Path) -> None:
    """While another process holds the write lock, readers still read and writers get a clear error."""
    article = make_article("fna")
    with Store.open(db) as store:
        run_id = store.begin_run(["x"], {})
        store.save_article(article, [make_event(article)], run_id)
        store.finish_run(run_id)
    writer = sqlite3.connect(db, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM evidence")
        with Store.open(db, busy_timeout=0.2) as reader:
            assert len(next(reader.events()).evidence) == 3
            assert reader.is_coded("fna")
            started = time.monotonic()
            with pytest.raises(StoreError, match="another eventcoder process is writing"):
                reader.begin_run(["y"], {})
            assert time.monotonic() - started >= 0.15
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_store_resumes_after_the_coding_process_is_killed(db: Path) -> None:
    """A coder killed with SIGKILL mid-run loses no saved article; the next run codes only the rest."""
    total, per_article = 400, 6
    script = (
        "import sys; from pathlib import Path; "
        f"sys.path.insert(0, {str(TESTS)!r}); "
        "from test_store import code_articles; "
        f"code_articles(Path({str(db)!r}), {total}, {per_article}, 0.002)"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    for _ in range(15):
        assert child.stdout.readline(), "the coding process stopped before it could be killed"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL

    saved = count(db, "articles")
    assert 15 <= saved < total
    # Every stored article is complete: all its events, sources and evidence, or nothing at all.
    with sqlite3.connect(db) as connection:
        per_article_rows = connection.execute(
            "SELECT a.id, COUNT(s.report_id) FROM articles a "
            "LEFT JOIN event_sources s ON s.article_id = a.id GROUP BY a.id"
        ).fetchall()
    assert {n for _, n in per_article_rows} == {per_article}
    assert count(db, "events") == saved * per_article
    assert count(db, "evidence") == saved * per_article * 3
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    with Store.open(db) as store:
        (killed,) = store.runs()
    assert killed.status == "interrupted" and killed.articles == saved

    code_articles(db, total, per_article, 0)
    with Store.open(db) as store:
        killed, resumed = store.runs()
        assert len(list(store.events())) == total * per_article
    assert (killed.status, resumed.status) == ("interrupted", "finished")
    assert (resumed.skipped, resumed.articles) == (saved, total - saved)
    assert count(db, "articles") == total
    assert count(db, "events") == total * per_article
    assert count(db, "evidence") == total * per_article * 3
