"""The event database: articles, events, their evidence and sources, and the runs that coded them.

Why it is shaped this way:

- **One transaction per article.** ``save_article`` writes an article and all its events or
  nothing, so a run killed at any moment leaves every article it finished intact, and the next
  run resumes by skipping them (``is_coded``).
- **No duplicates.** The pipeline gives each event a stable ``event_id``; re-saving an article
  replaces that article's own reports. Across articles, ACLED's rule applies: reports with the
  same day, place, actor pair and sub-event type are *one* event (:func:`merge_key`), so a
  second article is linked to the existing event as an extra source instead of adding a row.
- **Merged events can be rebuilt.** ``event_sources`` keeps every article's own report of an
  event (as JSON), and the ``events`` row is always recomputed from those reports by
  :func:`merge_reports`. The result depends only on which reports are stored, not on the order
  in which articles were saved, so re-saving any article leaves the same rows behind.
- **Portable SQL.** Queries use plain SQL with ``?`` placeholders; everything SQLite-specific
  (connecting, pragmas, locking, auto ids, error texts) lives in ``_SQLiteBackend`` so a
  PostgreSQL backend can follow behind the same ``Store`` methods.

Tables: ``schema_version``, ``runs``, ``articles``, ``events``, ``event_sources``, ``evidence``,
``failures``. ``Event.sources`` lists every article that reported an event; ``evidence`` rows
carry the article whose text their offsets index.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import socket
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import psutil

from eventcoder.errors import StoreError
from eventcoder.models import ACLED_COLUMNS, MODALITIES, Article, Event, Evidence, Failure

RUN_STATUSES: tuple[str, ...] = ("running", "finished", "interrupted")

#: Event columns stored as-is in ``events`` (besides ids, position, merge key and reasons).
_EVENT_FIELDS: tuple[str, ...] = (
    *ACLED_COLUMNS,
    "geonameid",
    "modality",
    "attribution",
    "confidence",
)

#: The order in which an event's sources are listed: earliest publication first (unknown dates
#: last), ties by article id. The first source is the event's primary report.
_SOURCE_ORDER = "(a.published IS NULL), a.published, a.id"

# Migrations by number: _MIGRATIONS[n - 1] brings a version n - 1 database to version n.
# ``{auto_id}`` is the backend's auto-incrementing integer primary key.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE runs (
            id {auto_id},
            started TEXT NOT NULL,
            finished TEXT,
            status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'interrupted')),
            inputs TEXT NOT NULL,
            settings TEXT NOT NULL,
            articles INTEGER NOT NULL DEFAULT 0,
            events INTEGER NOT NULL DEFAULT 0,
            failed INTEGER NOT NULL DEFAULT 0,
            skipped INTEGER NOT NULL DEFAULT 0,
            writer TEXT NOT NULL DEFAULT ''
        )""",
        """CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            seq INTEGER NOT NULL UNIQUE,
            origin TEXT NOT NULL,
            title TEXT NOT NULL,
            url TEXT NOT NULL,
            outlet TEXT NOT NULL,
            published TEXT,
            text_sha256 TEXT NOT NULL,
            coded_at TEXT NOT NULL,
            run_id INTEGER NOT NULL REFERENCES runs (id)
        )""",
        """CREATE TABLE events (
            event_id TEXT PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles (id),
            position INTEGER NOT NULL,
            merge_key TEXT,
            event_date TEXT,
            time_precision INTEGER NOT NULL,
            disorder_type TEXT NOT NULL,
            event_type TEXT NOT NULL,
            sub_event_type TEXT NOT NULL,
            actor1 TEXT NOT NULL,
            assoc_actor_1 TEXT NOT NULL,
            inter1 INTEGER NOT NULL,
            actor2 TEXT NOT NULL,
            assoc_actor_2 TEXT NOT NULL,
            inter2 INTEGER NOT NULL,
            interaction INTEGER NOT NULL,
            civilian_targeting TEXT NOT NULL,
            country TEXT NOT NULL,
            admin1 TEXT NOT NULL,
            admin2 TEXT NOT NULL,
            location TEXT NOT NULL,
            latitude REAL CHECK (latitude BETWEEN -90 AND 90),
            longitude REAL CHECK (longitude BETWEEN -180 AND 180),
            geo_precision INTEGER NOT NULL,
            source TEXT NOT NULL,
            notes TEXT NOT NULL,
            fatalities INTEGER NOT NULL CHECK (fatalities >= 0),
            geonameid TEXT NOT NULL,
            modality TEXT NOT NULL
                CHECK (modality IN ('asserted', 'claimed', 'denied', 'planned', 'hypothetical')),
            attribution TEXT NOT NULL,
            confidence REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
            reasons TEXT NOT NULL
        )""",
        "CREATE INDEX events_merge_key ON events (merge_key)",
        "CREATE INDEX events_article ON events (article_id, position)",
        """CREATE TABLE event_sources (
            event_id TEXT NOT NULL
                REFERENCES events (event_id) ON UPDATE CASCADE ON DELETE CASCADE,
            article_id TEXT NOT NULL REFERENCES articles (id),
            report_id TEXT NOT NULL UNIQUE,
            position INTEGER NOT NULL,
            report TEXT NOT NULL,
            PRIMARY KEY (event_id, article_id)
        )""",
        "CREATE INDEX event_sources_article ON event_sources (article_id)",
        """CREATE TABLE evidence (
            event_id TEXT NOT NULL
                REFERENCES events (event_id) ON UPDATE CASCADE ON DELETE CASCADE,
            article_id TEXT NOT NULL REFERENCES articles (id),
            ord INTEGER NOT NULL,
            field TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (event_id, article_id, ord),
            CHECK (0 <= start AND start <= "end")
        )""",
        "CREATE INDEX evidence_article ON evidence (article_id)",
        """CREATE TABLE failures (
            id {auto_id},
            run_id INTEGER NOT NULL REFERENCES runs (id),
            origin TEXT NOT NULL,
            article_id TEXT NOT NULL,
            message TEXT NOT NULL
        )""",
    ),
)

SCHEMA_VERSION = len(_MIGRATIONS)


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What ``save_article`` did with one article.

    Attributes:
        article_id: the article saved.
        event_ids: for each event passed in, in order, the id of the stored event it now
            belongs to (its own id, or the id of the event it was merged into).
        inserted: events stored as new rows.
        merged: events linked to an existing event from another article (ACLED's rule).
        replaced: reports from an earlier save of the same article that were replaced.
    """

    article_id: str
    event_ids: tuple[str, ...]
    inserted: int
    merged: int
    replaced: int


@dataclass(frozen=True, slots=True)
class RunSummary:
    """One run of the coder: what it read, with which settings, and what came of it."""

    id: int
    started: datetime
    finished: datetime | None
    status: str
    inputs: tuple[str, ...]
    settings: Mapping[str, object]
    articles: int
    events: int
    failed: int
    skipped: int
    failures: tuple[Failure, ...] = ()


def merge_key(event: Event) -> str | None:
    """ACLED's disaggregation key: reports with equal keys describe one event.

    The key is (event_date, time_precision, place, sub_event_type, {actor1, actor2}). The place is
    the GeoNames id when the event was geocoded, else the normalized location name within its
    country and admin1. The actors form an unordered pair, since ACLED's actor1 is "not
    necessarily the aggressor". time_precision is part of the key so that a report dated only
    "in November" is never merged into one dated to the day. Returns None when an event cannot
    be merged safely (no date, or no place at all): such events stay separate.
    """
    if event.event_date is None:
        return None
    if event.geonameid:
        place = f"geonames:{event.geonameid}"
    elif _normalize(event.location):
        place = "name:" + "/".join(
            _normalize(part) for part in (event.country, event.admin1, event.location)
        )
    else:
        return None
    actors = sorted(_normalize(name) for name in (event.actor1, event.actor2))
    parts = (
        event.event_date.isoformat(),
        str(event.time_precision),
        place,
        _normalize(event.sub_event_type),
        *actors,
    )
    return "|".join(parts)


def merge_reports(reports: Sequence[Event]) -> Event:
    """Combine several articles' reports of one event into the event ACLED would code.

    ``reports`` must be in source order (see ``_SOURCE_ORDER``); the first is the primary
    report and gives the event its id, place, date, actors, notes, modality and attribution.
    The rest add:

    - ``source``: every outlet, in source order without repeats, joined ACLED-style ("FNA; SANA").
    - ``fatalities``: the lowest *non-zero* figure among the reports (ACLED codes the most
      conservative estimate), or 0 when no report gives a death toll. Zero is left out on
      purpose: a report that does not mention deaths is silence, not a credible figure of none.
    - ``confidence``: the highest, since independent reports corroborate each other.
    - ``evidence``: the union, primary report first (each evidence row in the store keeps the
      article whose text its offsets index).
    - ``reasons``: the primary's reasons plus one line per extra source and one for fatalities.
    - ``sources``: every article id, in source order.
    """
    if not reports:
        raise StoreError("merge_reports needs at least one report (this is a bug in eventcoder)")
    primary = reports[0]
    if len(reports) == 1:
        return dataclasses.replace(primary, sources=(primary.article_id,))
    outlets: list[str] = []
    for report in reports:
        for outlet in report.source.split(";"):
            if outlet.strip() and outlet.strip() not in outlets:
                outlets.append(outlet.strip())
    tolls = [report.fatalities for report in reports if report.fatalities > 0]
    fatalities = min(tolls) if tolls else 0
    reasons = list(primary.reasons)
    for report in reports[1:]:
        reasons.append(
            f"also reported by article {report.article_id} ({report.source or 'unknown outlet'}): "
            "same day, place, actors and sub-event type, so one event (ACLED's rule)"
        )
    if len({report.fatalities for report in reports}) > 1:
        figures = ", ".join(f"{r.source or r.article_id} {r.fatalities}" for r in reports)
        reasons.append(
            f"fatalities {fatalities}: the lowest non-zero figure among the reports ({figures})"
        )
    return dataclasses.replace(
        primary,
        source="; ".join(outlets),
        fatalities=fatalities,
        confidence=max(report.confidence for report in reports),
        evidence=tuple(ev for report in reports for ev in report.evidence),
        reasons=tuple(reasons),
        sources=tuple(report.article_id for report in reports),
    )


class _SQLiteBackend:
    """Everything SQLite-specific, in one place: a PostgreSQL backend would replace this class."""

    auto_id = "INTEGER PRIMARY KEY"

    @staticmethod
    def connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
        """Open ``path`` in autocommit mode (transactions are explicit), WAL, foreign keys on."""
        connection = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
        connection.row_factory = sqlite3.Row
        try:
            # WAL lets readers read while one writer writes; NORMAL sync is durable in WAL mode
            # except for the last transactions on power loss, never corrupting.
            connection.execute("PRAGMA journal_mode = WAL").fetchone()
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        except sqlite3.Error:
            connection.close()
            raise
        return connection

    @staticmethod
    def begin(connection: sqlite3.Connection) -> None:
        """Start a write transaction, taking the write lock now rather than at the first write."""
        connection.execute("BEGIN IMMEDIATE")

    @staticmethod
    def table_names(connection: sqlite3.Connection) -> set[str]:
        rows = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        return {row[0] for row in rows}

    @staticmethod
    def explain(error: sqlite3.Error) -> str:
        """A fix for the user, from SQLite's error text."""
        text = str(error).lower()
        if "locked" in text or "busy" in text:
            return "another eventcoder process is writing to it; wait for it to finish"
        if "readonly" in text or "unable to open" in text:
            return "check the file's permissions or pass --db with a writable path"
        if "disk is full" in text or "disk i/o" in text:
            return "free some disk space or pass --db on another disk"
        if "not a database" in text or "malformed" in text:
            return "it is not an eventcoder database; pass --db with another path or move it away"
        if "constraint" in text:
            return "an event breaks a database rule; this is a bug in the coding stage, please report it"
        return "pass --db with another path if the problem persists"


class Store:
    """The event database. Open it with :meth:`Store.open`; use it as a context manager.

    One process writes at a time (SQLite's write lock, waited for up to ``busy_timeout``
    seconds); readers in other processes read while it writes.
    """

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        """Wrap an open connection; use :meth:`open` instead, which also migrates the schema."""
        self._db = connection
        self._backend = _SQLiteBackend
        self.path = path
        self._open_runs: set[int] = set()
        self._closed = False

    # -- opening and closing ---------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, busy_timeout: float = 30.0) -> Store:
        """Open (creating it, its folder and its schema when needed) the database at ``path``.

        Runs left ``running`` by a process that no longer exists are marked ``interrupted``.

        Raises:
            StoreError: the folder cannot be created, the file is not an SQLite database or not
                an eventcoder one, or it was written by a newer eventcoder (schema version).
        """
        path = Path(path).expanduser()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(
                f"{path}: cannot create the folder {path.parent} ({error.strerror or error}); "
                "pass --db with a path in a writable folder"
            ) from None
        if path.is_dir():
            raise StoreError(
                f"{path}: is a folder, not a database file; pass --db with a file path"
            )
        try:
            connection = _SQLiteBackend.connect(path, busy_timeout)
        except sqlite3.Error as error:
            raise StoreError(
                f"{path}: cannot open the event database ({error}); {_SQLiteBackend.explain(error)}"
            ) from None
        store = cls(connection, path)
        try:
            store._migrate()
            store._mark_interrupted()
        except BaseException:
            connection.close()
            raise
        return store

    def close(self) -> None:
        """Close the database; runs begun here and not finished are marked ``interrupted``."""
        if self._closed:
            return
        try:
            for run_id in sorted(self._open_runs):
                try:
                    self.finish_run(run_id, status="interrupted")
                except StoreError:
                    # Closing must not mask the error that is unwinding the run (often Ctrl-C);
                    # the next open marks the run interrupted anyway, as its writer is gone.
                    pass
        finally:
            self._closed = True
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- runs -------------------------------------------------------------------------------

    def begin_run(self, inputs: Sequence[str], settings: Mapping[str, object]) -> int:
        """Record the start of a run (its inputs and settings) and return its id."""
        with self._transaction("start a run"):
            cursor = self._db.execute(
                "INSERT INTO runs (started, status, inputs, settings, writer) "
                "VALUES (?, 'running', ?, ?, ?)",
                (
                    _now(),
                    json.dumps([str(item) for item in inputs], ensure_ascii=False),
                    json.dumps(dict(settings), default=str, sort_keys=True, ensure_ascii=False),
                    _writer_tag(),
                ),
            )
            run_id = cursor.lastrowid
        if run_id is None:  # pragma: no cover - SQLite always reports the new rowid
            raise StoreError(f"{self.path}: the new run got no id; pass --db with another path")
        self._open_runs.add(run_id)
        return run_id

    def record_failure(self, run_id: int, failure: Failure) -> None:
        """Record an input that could not be coded, so the run can report how many failed and why."""
        with self._transaction(f"record a failure of {failure.origin}"):
            self._require_run(run_id)
            self._db.execute(
                "INSERT INTO failures (run_id, origin, article_id, message) VALUES (?, ?, ?, ?)",
                (run_id, failure.origin, failure.article_id, failure.message),
            )
            self._db.execute("UPDATE runs SET failed = failed + 1 WHERE id = ?", (run_id,))

    def record_skip(self, run_id: int, article_id: str) -> None:
        """Count an article the run skipped because an earlier run already coded it."""
        with self._transaction(f"record that article {article_id} was skipped"):
            self._require_run(run_id)
            self._db.execute("UPDATE runs SET skipped = skipped + 1 WHERE id = ?", (run_id,))

    def finish_run(self, run_id: int, *, status: str = "finished") -> RunSummary:
        """Mark a run ``finished`` (or ``interrupted``) and return its summary."""
        if status not in ("finished", "interrupted"):
            raise StoreError(f"a run ends 'finished' or 'interrupted', not {status!r}")
        with self._transaction(f"finish run {run_id}"):
            self._require_run(run_id)
            self._db.execute(
                "UPDATE runs SET status = ?, finished = ? WHERE id = ?", (status, _now(), run_id)
            )
        self._open_runs.discard(run_id)
        return self._run_summary(run_id)

    def runs(self) -> list[RunSummary]:
        """Every run, oldest first."""
        rows = self._read("list runs", "SELECT id FROM runs ORDER BY id")
        return [self._run_summary(row["id"]) for row in rows]

    # -- articles and events ------------------------------------------------------------------

    def is_coded(self, article_id: str) -> bool:
        """Whether the article is already stored, so a resumed run can skip it."""
        rows = self._read(
            "look up an article", "SELECT 1 FROM articles WHERE id = ?", (article_id,)
        )
        return bool(rows)

    def save_article(self, article: Article, events: Sequence[Event], run_id: int) -> SaveResult:
        """Store an article and its events in ONE transaction: all of it, or nothing.

        Saving an article again replaces its own earlier reports (no duplicates). An event whose
        :func:`merge_key` matches an event from another article is linked to it as an extra
        source instead of being stored twice (ACLED's rule; see :func:`merge_reports`).

        Raises:
            StoreError: an event does not belong to the article or breaks a database rule, or
                the database cannot be written. Nothing of this article is then stored, and
                everything stored before is intact.
        """
        for event in events:
            if event.article_id != article.id:
                raise StoreError(
                    f"{article.origin or article.id}: event {event.event_id} belongs to article "
                    f"{event.article_id!r}, not {article.id!r}; this is a bug in the coding stage"
                )
        with self._transaction(f"save article {article.id} ({article.origin or 'no origin'})"):
            self._require_run(run_id)
            self._upsert_article(article, run_id)
            replaced = self._remove_reports(article.id)
            inserted = merged = 0
            for position, event in enumerate(events):
                _check(event, article.origin or article.id)
                if self._add_report(event, position):
                    merged += 1
                else:
                    inserted += 1
            self._db.execute(
                "UPDATE runs SET articles = articles + 1, events = events + ? WHERE id = ?",
                (len(events), run_id),
            )
            event_ids = tuple(
                self._db.execute(
                    "SELECT event_id FROM event_sources WHERE report_id = ?", (event.event_id,)
                ).fetchone()[0]
                for event in events
            )
        return SaveResult(article.id, event_ids, inserted, merged, replaced)

    def events(
        self, *, article_ids: Sequence[str] | None = None, run_id: int | None = None
    ) -> Iterator[Event]:
        """Stored events, rebuilt as :class:`Event` records, in a stable order.

        The order is the order in which their primary articles were first stored, then the
        event's position in its article. ``article_ids`` keeps events any of those articles
        reported; ``run_id`` keeps events reported by articles that run coded. Both may be given.
        """
        clauses: list[str] = []
        params: list[object] = []
        if article_ids is not None:
            if not article_ids:
                return
            marks = ", ".join("?" for _ in article_ids)
            clauses.append(
                "EXISTS (SELECT 1 FROM event_sources s WHERE s.event_id = e.event_id "
                f"AND s.article_id IN ({marks}))"
            )
            params.extend(article_ids)
        if run_id is not None:
            clauses.append(
                "EXISTS (SELECT 1 FROM event_sources s JOIN articles a ON a.id = s.article_id "
                "WHERE s.event_id = e.event_id AND a.run_id = ?)"
            )
            params.append(run_id)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        query = (
            "SELECT e.* FROM events e JOIN articles p ON p.id = e.article_id "
            f"{where} ORDER BY p.seq, e.position"
        )
        try:
            cursor = self._db.execute(query, params)
            for row in cursor:
                yield self._event_from_row(row)
        except sqlite3.Error as error:
            raise self._error("read events", error) from None

    # -- internals ----------------------------------------------------------------------------

    def _transaction(self, action: str) -> _Transaction:
        return _Transaction(self, action)

    def _error(self, action: str, error: sqlite3.Error) -> StoreError:
        return StoreError(
            f"{self.path}: could not {action} ({error}); {self._backend.explain(error)}"
        )

    def _read(self, action: str, query: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        try:
            return self._db.execute(query, params).fetchall()
        except sqlite3.Error as error:
            raise self._error(action, error) from None

    def _migrate(self) -> None:
        """Bring the schema to ``SCHEMA_VERSION``, one numbered migration at a time.

        The version is read first without a lock, so opening an up-to-date database to read it
        never waits for a writer; the write lock is taken only when there is something to do.
        """
        if self._schema_version() == SCHEMA_VERSION:
            return
        with self._transaction("create the schema"):
            current = self._schema_version()
            if current == 0 and "schema_version" not in self._backend.table_names(self._db):
                self._db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
                self._db.execute("INSERT INTO schema_version (version) VALUES (0)")
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[version - 1]:
                    self._db.execute(statement.format(auto_id=self._backend.auto_id))
                self._db.execute("UPDATE schema_version SET version = ?", (version,))

    def _schema_version(self) -> int:
        """The database's schema version (0 when empty), refusing foreign and newer databases."""
        try:
            tables = self._backend.table_names(self._db)
            if "schema_version" in tables:
                row = self._db.execute("SELECT version FROM schema_version").fetchone()
                current = int(row[0]) if row else 0
            elif tables:
                raise StoreError(
                    f"{self.path}: is an SQLite database but not an eventcoder event database "
                    f"(it has tables {', '.join(sorted(tables)[:5])}); pass --db with another path"
                )
            else:
                current = 0
        except sqlite3.Error as error:
            raise self._error("read the schema version", error) from None
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: was written by a newer eventcoder (schema version {current}, "
                f"this one reads up to {SCHEMA_VERSION}); upgrade eventcoder "
                "(pip install -U eventcoder) or pass --db with another path"
            )
        return current

    def _mark_interrupted(self) -> None:
        """Mark runs still ``running`` whose writing process has died as ``interrupted``."""
        rows = self._read(
            "check for interrupted runs", "SELECT id, writer FROM runs WHERE status = 'running'"
        )
        dead = [row["id"] for row in rows if not _writer_alive(row["writer"])]
        if not dead:
            return
        with self._transaction("mark interrupted runs"):
            for run_id in dead:
                # The run ended at its last saved article (or when it started, if none was saved).
                self._db.execute(
                    "UPDATE runs SET status = 'interrupted', finished = COALESCE("
                    "(SELECT MAX(coded_at) FROM articles WHERE run_id = runs.id), started) "
                    "WHERE id = ? AND status = 'running'",
                    (run_id,),
                )

    def _require_run(self, run_id: int) -> None:
        row = self._db.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: there is no run {run_id}; call begin_run first")

    def _upsert_article(self, article: Article, run_id: int) -> None:
        values = (
            article.origin,
            article.title,
            article.url,
            article.outlet,
            article.published.isoformat() if article.published else None,
            hashlib.sha256(article.text.encode("utf-8")).hexdigest(),
            _now(),
            run_id,
        )
        updated = self._db.execute(
            "UPDATE articles SET origin = ?, title = ?, url = ?, outlet = ?, published = ?, "
            "text_sha256 = ?, coded_at = ?, run_id = ? WHERE id = ?",
            (*values, article.id),
        )
        if updated.rowcount == 0:
            self._db.execute(
                "INSERT INTO articles (id, seq, origin, title, url, outlet, published, "
                "text_sha256, coded_at, run_id) VALUES "
                "(?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM articles), ?, ?, ?, ?, ?, ?, ?, ?)",
                (article.id, *values),
            )

    def _remove_reports(self, article_id: str) -> int:
        """Remove an article's own reports and rebuild the events they were part of."""
        affected = [
            row[0]
            for row in self._db.execute(
                "SELECT event_id FROM event_sources WHERE article_id = ?", (article_id,)
            )
        ]
        self._db.execute("DELETE FROM evidence WHERE article_id = ?", (article_id,))
        self._db.execute("DELETE FROM event_sources WHERE article_id = ?", (article_id,))
        for event_id in affected:
            self._rebuild(event_id)
        return len(affected)

    def _add_report(self, event: Event, position: int) -> bool:
        """Store one article's report; return True when it joined another article's event."""
        key = merge_key(event)
        target = None
        if key is not None:
            row = self._db.execute(
                "SELECT e.event_id FROM events e WHERE e.merge_key = ? AND NOT EXISTS ("
                "SELECT 1 FROM event_sources s WHERE s.event_id = e.event_id AND s.article_id = ?"
                ") ORDER BY e.event_id LIMIT 1",
                (key, event.article_id),
            ).fetchone()
            target = row[0] if row else None
        event_id = target or event.event_id
        if target is None:
            self._write_event(event, event.event_id, position, insert=True)
        self._db.execute(
            "INSERT INTO event_sources (event_id, article_id, report_id, position, report) "
            "VALUES (?, ?, ?, ?, ?)",
            (event_id, event.article_id, event.event_id, position, _report_json(event)),
        )
        self._db.executemany(
            'INSERT INTO evidence (event_id, article_id, ord, field, start, "end", text) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (event_id, event.article_id, ord_, ev.field, ev.start, ev.end, ev.text)
                for ord_, ev in enumerate(event.evidence)
            ],
        )
        if target is not None:
            self._rebuild(target)
        return target is not None

    def _rebuild(self, event_id: str) -> None:
        """Recompute an event row from the reports linked to it; delete it when none are left."""
        rows = self._db.execute(
            "SELECT s.report, s.position FROM event_sources s JOIN articles a "
            f"ON a.id = s.article_id WHERE s.event_id = ? ORDER BY {_SOURCE_ORDER}",
            (event_id,),
        ).fetchall()
        if not rows:
            self._db.execute("DELETE FROM events WHERE event_id = ?", (event_id,))
            return
        event = merge_reports([_report_from_json(row["report"]) for row in rows])
        # The event takes its primary report's id; ON UPDATE CASCADE carries sources and evidence.
        self._write_event(event, event_id, rows[0]["position"], insert=False)

    def _write_event(self, event: Event, current_id: str, position: int, *, insert: bool) -> None:
        values: dict[str, object] = {
            "event_id": event.event_id,
            "article_id": event.article_id,
            "position": position,
            "merge_key": merge_key(event),
            **{name: getattr(event, name) for name in _EVENT_FIELDS},
            "event_date": event.event_date.isoformat() if event.event_date else None,
            "reasons": json.dumps(list(event.reasons), ensure_ascii=False),
        }
        names = list(values)
        if insert:
            self._db.execute(
                f"INSERT INTO events ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                list(values.values()),
            )
        else:
            self._db.execute(
                f"UPDATE events SET {', '.join(f'{name} = ?' for name in names)} "
                "WHERE event_id = ?",
                [*values.values(), current_id],
            )

    def _event_from_row(self, row: sqlite3.Row) -> Event:
        event_id = row["event_id"]
        evidence = tuple(
            Evidence(field=ev["field"], start=ev["start"], end=ev["end"], text=ev["text"])
            for ev in self._db.execute(
                'SELECT v.field, v.start, v."end", v.text FROM evidence v JOIN articles a '
                f"ON a.id = v.article_id WHERE v.event_id = ? ORDER BY {_SOURCE_ORDER}, v.ord",
                (event_id,),
            )
        )
        sources = tuple(
            source[0]
            for source in self._db.execute(
                "SELECT s.article_id FROM event_sources s JOIN articles a ON a.id = s.article_id "
                f"WHERE s.event_id = ? ORDER BY {_SOURCE_ORDER}",
                (event_id,),
            )
        )
        fields: dict[str, Any] = {name: row[name] for name in _EVENT_FIELDS}
        fields["event_date"] = date.fromisoformat(row["event_date"]) if row["event_date"] else None
        return Event(
            event_id=event_id,
            article_id=row["article_id"],
            evidence=evidence,
            reasons=tuple(json.loads(row["reasons"])),
            sources=sources,
            **fields,
        )

    def _run_summary(self, run_id: int) -> RunSummary:
        row = self._read("read a run", "SELECT * FROM runs WHERE id = ?", (run_id,))
        if not row:
            raise StoreError(f"{self.path}: there is no run {run_id}; list runs with Store.runs()")
        run = row[0]
        failures = self._read(
            "read a run's failures",
            "SELECT origin, message, article_id FROM failures WHERE run_id = ? ORDER BY id",
            (run_id,),
        )
        return RunSummary(
            id=run["id"],
            started=datetime.fromisoformat(run["started"]),
            finished=datetime.fromisoformat(run["finished"]) if run["finished"] else None,
            status=run["status"],
            inputs=tuple(json.loads(run["inputs"])),
            settings=json.loads(run["settings"]),
            articles=run["articles"],
            events=run["events"],
            failed=run["failed"],
            skipped=run["skipped"],
            failures=tuple(Failure(f["origin"], f["message"], f["article_id"]) for f in failures),
        )


class _Transaction:
    """``with store._transaction(action):`` commits on success and rolls back on any exception.

    SQLite errors become one-line ``StoreError`` messages naming the database, the action and
    the fix.
    """

    def __init__(self, store: Store, action: str) -> None:
        self._store = store
        self._action = action

    def __enter__(self) -> None:
        if self._store._closed:
            raise StoreError(
                f"{self._store.path}: the store is closed; open it again to {self._action}"
            )
        try:
            self._store._backend.begin(self._store._db)
        except sqlite3.Error as error:
            raise self._store._error(self._action, error) from None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        db = self._store._db
        if error is None:
            try:
                db.execute("COMMIT")
                return
            except sqlite3.Error as commit_error:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise self._store._error(self._action, commit_error) from None
        if db.in_transaction:
            db.execute("ROLLBACK")
        if isinstance(error, sqlite3.Error):
            raise self._store._error(self._action, error) from None


def _check(event: Event, origin: str) -> None:
    """Refuse an event the database would hold wrongly; the CHECK constraints say the same, but a
    report merged into another article's event never reaches them."""
    problems = []
    if event.fatalities < 0:
        problems.append(f"fatalities {event.fatalities} is negative")
    if event.modality not in MODALITIES:
        problems.append(f"modality {event.modality!r} is not one of {', '.join(MODALITIES)}")
    if not 0.0 <= event.confidence <= 1.0:
        problems.append(f"confidence {event.confidence} is outside 0-1")
    if (event.latitude is None) != (event.longitude is None):
        problems.append("it has only one of latitude and longitude")
    if any(not 0 <= ev.start <= ev.end for ev in event.evidence):
        problems.append("an evidence span does not satisfy 0 <= start <= end")
    if problems:
        raise StoreError(
            f"{origin}: event {event.event_id}: {'; '.join(problems)}; nothing of this article "
            "was stored (this is a bug in the coding stage, please report it)"
        )


_NON_WORD = re.compile(r"[^\w]+")


def _normalize(text: str) -> str:
    """Case-folded, with punctuation and repeated spaces removed, for comparing names."""
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def _report_json(event: Event) -> str:
    """One article's report of an event, losslessly as JSON (``sources`` is the store's business)."""
    record: dict[str, object] = {
        field.name: getattr(event, field.name)
        for field in dataclasses.fields(event)
        if field.name != "sources"
    }
    record["event_date"] = event.event_date.isoformat() if event.event_date else None
    record["evidence"] = [
        {"field": ev.field, "start": ev.start, "end": ev.end, "text": ev.text}
        for ev in event.evidence
    ]
    record["reasons"] = list(event.reasons)
    return json.dumps(record, ensure_ascii=False)


def _report_from_json(text: str) -> Event:
    record = json.loads(text)
    record["event_date"] = (
        date.fromisoformat(record["event_date"]) if record["event_date"] else None
    )
    record["evidence"] = tuple(Evidence(**ev) for ev in record["evidence"])
    record["reasons"] = tuple(record["reasons"])
    return Event(**record)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _writer_tag() -> str:
    """Identifies this process (host, pid, start time) so a dead writer can be told from a live one."""
    return f"{socket.gethostname()}|{os.getpid()}|{psutil.Process().create_time():.3f}"


def _writer_alive(tag: str) -> bool:
    """Whether the process that wrote ``tag`` still runs. A writer on another host counts as alive:
    there is no way to tell from here, and marking a live run interrupted would be worse."""
    try:
        host, pid, started = tag.split("|")
        if host != socket.gethostname():
            return True
        process = psutil.Process(int(pid))
        # A recycled pid belongs to a process started at another time.
        if abs(process.create_time() - float(started)) > 1.0:
            return False
        return bool(process.status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False
    except (ValueError, psutil.Error):
        return True
