"""The pipeline: articles in, stored events out. The library API that the CLI wraps.

The stages, in order (each a plain callable; the order is fixed here, in code):

    read_inputs        ingest.py     paths -> Article | Failure
    skip coded         store.py      articles already in the store are not coded again
    parse              nlp.py        Article -> (Article, spaCy Doc), batched with nlp.pipe
    EventExtractor     extract.py    (Article, Doc) -> [Event]   (toponyms, triggers, modality,
                                     actors, sub-types, location, date, fatalities, ACLED merge)
    Store.save_article store.py      one transaction per article

One bad article never stops a batch: its failure is recorded in the store and reported, and the
run goes on. A run interrupted at any point keeps every article already saved, and the next run
over the same inputs resumes by skipping them.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from eventcoder.classify import EventClassifier
from eventcoder.errors import EventcoderError, ModelNotFound
from eventcoder.extract import EventExtractor
from eventcoder.gazetteer import Gazetteer
from eventcoder.ingest import article_id_for, read_inputs
from eventcoder.models import Article, Event, Failure
from eventcoder.nlp import load_nlp, parse
from eventcoder.settings import Settings
from eventcoder.store import RunSummary, Store

log = logging.getLogger(__name__)

#: Called after each input is handled: (articles done, events so far, failures so far).
ProgressCallback = Callable[[int, int, int], None]

#: What coding one article gives: the article with its events, or why it failed.
CodeResult = tuple[Article, list[Event]] | Failure


#: The stages whose time a run records, in pipeline order.
STAGES: tuple[str, ...] = ("ingest", "parse", "extract", "store")


@dataclass(slots=True)
class StageTimes:
    """Seconds spent in each stage of a run (for the throughput benchmark and ``--verbose``).

    ``ingest`` ... ``store`` are wall-clock seconds; the ``*_cpu`` twins are the CPU seconds of
    the process that ran the stage, which a busy machine does not inflate. With worker
    processes, parse and extract add up over the workers, so they can exceed the run's length.
    """

    ingest: float = 0.0
    parse: float = 0.0
    extract: float = 0.0
    store: float = 0.0
    ingest_cpu: float = 0.0
    parse_cpu: float = 0.0
    extract_cpu: float = 0.0
    store_cpu: float = 0.0

    def add(self, stage: str, wall: float, cpu: float) -> None:
        """Count ``wall`` and ``cpu`` seconds toward ``stage``."""
        setattr(self, stage, getattr(self, stage) + wall)
        setattr(self, f"{stage}_cpu", getattr(self, f"{stage}_cpu") + cpu)

    def merge(self, other: StageTimes) -> None:
        """Add the times of ``other`` (a worker's chunk) to these."""
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, float]:
        """The wall-clock times as a plain dict, rounded to milliseconds."""
        return {name: round(getattr(self, name), 3) for name in STAGES}

    def cpu_dict(self) -> dict[str, float]:
        """The CPU times as a plain dict keyed by stage, rounded to milliseconds."""
        return {name: round(getattr(self, f"{name}_cpu"), 3) for name in STAGES}


class _Clock:
    """Wall-clock and CPU time since it started (or since :meth:`lap`)."""

    __slots__ = ("cpu", "wall")

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def lap(self, times: StageTimes, stage: str) -> None:
        """Count the time since the last lap toward ``stage`` and start a new lap."""
        wall, cpu = time.perf_counter(), time.process_time()
        times.add(stage, wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu


@dataclass(slots=True)
class RunReport:
    """What a run did: the store's run summary, the article ids it saw, and stage times."""

    summary: RunSummary
    article_ids: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    times: StageTimes = field(default_factory=StageTimes)


class Pipeline:
    """Code articles into events with the components named by ``settings``.

    The spaCy model, gazetteer and classifier load lazily, once, on first use, so building a
    ``Pipeline`` is cheap and a missing component is reported only when it is needed.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._nlp: Language | None = None
        self._extractor: EventExtractor | None = None

    @property
    def nlp(self) -> Language:
        """The spaCy pipeline (loaded on first use)."""
        if self._nlp is None:
            self._nlp = load_nlp(self.settings.spacy_model)
            # spaCy refuses texts over nlp.max_length (1,000,000 characters) inside nlp.pipe,
            # which would end the whole batch; max_chars already bounds every article.
            self._nlp.max_length = max(self._nlp.max_length, self.settings.max_chars + 1)
        return self._nlp

    @property
    def extractor(self) -> EventExtractor:
        """The event extractor with its gazetteer, actor table and classifier (loaded on first use)."""
        if self._extractor is None:
            gazetteer = Gazetteer.open(self.settings.gazetteer)
            self._extractor = EventExtractor(gazetteer, classifier=_load_classifier())
        return self._extractor

    def code_docs(self, pairs: Iterable[tuple[Article, Doc]]) -> Iterator[CodeResult]:
        """Extract events from parsed articles; an article that fails yields a Failure."""
        extractor = self.extractor
        for article, doc in pairs:
            try:
                yield article, extractor(article, doc)
            except EventcoderError as error:
                yield Failure(article.origin or article.id, str(error), article.id)
            except Exception as error:  # noqa: BLE001 - one bad article must not stop a batch
                log.exception("internal error while coding %s", article.origin or article.id)
                yield Failure(
                    article.origin or article.id,
                    f"internal error while coding this article ({type(error).__name__}: {error}); "
                    "please report it with the article",
                    article.id,
                )

    def code_articles(self, articles: Iterable[Article]) -> Iterator[CodeResult]:
        """Parse and code articles in batches, in input order (no store involved)."""
        code = self._code_in_workers if self.settings.n_process > 1 else self._code_in_process
        yield from code(iter(articles), StageTimes())

    def code_text(self, text: str, *, published: date | None = None, outlet: str = "", article_id: str = "") -> list[Event]:
        """Code one text (a convenience for notebooks and evaluation).

        Raises:
            EventcoderError: the text could not be coded.
        """
        article = Article(id=article_id or article_id_for(text), text=text, outlet=outlet, published=published)
        for result in self.code_articles([article]):
            if isinstance(result, Failure):
                raise EventcoderError(result.message)
            return result[1]
        return []

    def code_chunk(self, articles: Sequence[Article]) -> tuple[list[CodeResult], StageTimes]:
        """Parse and code a chunk of articles, timing each stage (what a worker process runs)."""
        times = StageTimes()
        results = list(self._code_in_process(iter(articles), times))
        return results, times

    def _code_in_process(self, articles: Iterator[Article], times: StageTimes) -> Iterator[CodeResult]:
        # Pulling from a stage also runs the stages before it: each stage's own time is what
        # remains after taking theirs out (reading inputs is timed by RunRecorder.fresh).
        read = times.ingest, times.ingest_cpu
        parsing = StageTimes()
        pairs = _timed(parse(articles, self.nlp, batch_size=self.settings.batch_size), parsing, "parse")
        coding = StageTimes()
        yield from _timed(self.code_docs(pairs), coding, "extract")
        parse_wall = max(parsing.parse - (times.ingest - read[0]), 0.0)
        parse_cpu = max(parsing.parse_cpu - (times.ingest_cpu - read[1]), 0.0)
        times.add("parse", parse_wall, parse_cpu)
        times.add("extract", max(coding.extract - parsing.parse, 0.0), max(coding.extract_cpu - parsing.parse_cpu, 0.0))

    def _code_in_workers(self, articles: Iterator[Article], times: StageTimes) -> Iterator[CodeResult]:
        """Code in ``n_process`` worker processes, each with its own pipeline, in input order.

        The whole per-article work (parse and extraction) runs in the workers, not only spaCy's
        parse; this process only reads inputs and writes the store. At most two chunks per
        worker are in flight, so a huge input streams through in bounded memory.
        """
        workers = self.settings.n_process
        context = multiprocessing.get_context("spawn")
        window = 2 * workers
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(self.settings,)
        ) as pool:
            pending: deque[Future[tuple[list[CodeResult], StageTimes]]] = deque()
            for chunk in chunked(articles, self.settings.batch_size):
                pending.append(pool.submit(_code_chunk_in_worker, chunk))
                while len(pending) >= window:
                    yield from _collect(pending.popleft(), times)
            while pending:
                yield from _collect(pending.popleft(), times)

    def run(
        self,
        paths: Sequence[str | Path],
        store: Store,
        *,
        published: date | None = None,
        outlet: str | None = None,
        country: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> RunReport:
        """Read ``paths``, code every article not yet coded, and save the events in ``store``.

        An interrupt (Ctrl-C) marks the run interrupted and re-raises; everything saved so far
        stays, and running again resumes.
        """
        items = read_inputs(
            paths, published=published, outlet=outlet, country=country, max_chars=self.settings.max_chars
        )
        return self.run_items(items, store, inputs=[str(p) for p in paths], progress=progress)

    def run_items(
        self,
        items: Iterable[Article | Failure],
        store: Store,
        *,
        inputs: Sequence[str] = (),
        progress: ProgressCallback | None = None,
    ) -> RunReport:
        """Code already-read articles (or failures to record) into ``store``, as :meth:`run` does."""
        recorder = RunRecorder(store, inputs, self.settings, progress)
        code = self._code_in_workers if self.settings.n_process > 1 else self._code_in_process
        try:
            for result in code(recorder.fresh(items), recorder.times):
                recorder.save(result)
        except BaseException:
            recorder.interrupted()
            raise
        return recorder.finish()


class RunRecorder:
    """The bookkeeping of one run, shared by every engine: what to code, what was saved.

    It opens the run in the store, filters the input stream (failures are recorded, articles
    already coded are skipped, an article repeated within the input is coded once), saves each
    result in its own transaction, and closes the run with its summary.
    """

    def __init__(
        self, store: Store, inputs: Sequence[str], settings: Settings, progress: ProgressCallback | None = None
    ) -> None:
        self.store = store
        self.progress = progress
        self.run_id = store.begin_run(list(inputs), settings_record(settings))
        self.times = StageTimes()
        self.article_ids: list[str] = []
        self.failures: list[Failure] = []
        self._seen: set[str] = set()
        self._done = 0
        self._events = 0

    def fresh(self, items: Iterable[Article | Failure]) -> Iterator[Article]:
        """The articles of ``items`` that still need coding; the rest is recorded on the way."""
        clock = _Clock()  # reading inputs and this bookkeeping count as ingest
        for item in items:
            if isinstance(item, Failure):
                self._fail(item)
            elif item.id in self._seen:
                continue  # the same article twice in one input: code it once
            elif self.store.is_coded(item.id):
                self._seen.add(item.id)
                self.article_ids.append(item.id)
                self.store.record_skip(self.run_id, item.id)
                self._tick()
            else:
                self._seen.add(item.id)
                self.article_ids.append(item.id)
                clock.lap(self.times, "ingest")
                yield item
                clock = _Clock()
        clock.lap(self.times, "ingest")

    def save(self, result: CodeResult) -> None:
        """Store one coded article (one transaction), or record its failure."""
        clock = _Clock()
        if isinstance(result, Failure):
            self._fail(result)
        else:
            article, events = result
            try:
                self.store.save_article(article, events, self.run_id)
                self._events += len(events)
                self._tick()
            except EventcoderError as error:
                self._fail(Failure(article.origin or article.id, str(error), article.id))
        clock.lap(self.times, "store")

    def interrupted(self) -> None:
        """Mark the run interrupted: what was saved stays, the next run resumes."""
        self.store.finish_run(self.run_id, status="interrupted")

    def finish(self) -> RunReport:
        """Close the run and report it."""
        summary = self.store.finish_run(self.run_id)
        return RunReport(summary=summary, article_ids=self.article_ids, failures=self.failures, times=self.times)

    def _fail(self, failure: Failure) -> None:
        self.store.record_failure(self.run_id, failure)
        self.failures.append(failure)
        self._tick()

    def _tick(self) -> None:
        self._done += 1
        if self.progress is not None:
            self.progress(self._done, self._events, len(self.failures))


def chunked(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """Consecutive lists of ``size`` articles (the last may be shorter)."""
    chunk: list[Article] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# One pipeline per worker process, built by the pool's initializer: a process-scoped cache, so
# the model, gazetteer and classifier load once per worker rather than once per chunk.
_WORKER_PIPELINE: Pipeline | None = None
# Why the worker's pipeline could not load: raised again by its first chunk, so the driver
# reports the model or gazetteer error itself rather than a broken process pool.
_WORKER_ERROR: Exception | None = None


def _start_worker(settings: Settings) -> None:
    """Build the worker's pipeline and load its models now, before the first chunk is timed."""
    global _WORKER_PIPELINE, _WORKER_ERROR  # noqa: PLW0603 - the worker process's one pipeline
    _WORKER_PIPELINE = Pipeline(settings.with_(n_process=1))
    try:
        _ = _WORKER_PIPELINE.nlp, _WORKER_PIPELINE.extractor
    except Exception as error:  # noqa: BLE001 - re-raised where the driver sees it
        _WORKER_ERROR = error


def _code_chunk_in_worker(articles: list[Article]) -> tuple[list[CodeResult], StageTimes]:
    assert _WORKER_PIPELINE is not None, "worker started without its pipeline"
    if _WORKER_ERROR is not None:
        raise _WORKER_ERROR
    return _WORKER_PIPELINE.code_chunk(articles)


def _collect(future: Future[tuple[list[CodeResult], StageTimes]], times: StageTimes) -> list[CodeResult]:
    results, chunk_times = future.result()
    times.merge(chunk_times)
    return results


def _timed(iterable: Iterable[object], times: StageTimes, stage: str) -> Iterator:  # type: ignore[type-arg]
    """Yield from ``iterable``, adding the time spent producing each item to ``stage`` of ``times``."""
    iterator = iter(iterable)
    while True:
        clock = _Clock()
        try:
            item = next(iterator)
        except StopIteration:
            clock.lap(times, stage)
            return
        clock.lap(times, stage)
        yield item


def _load_classifier() -> EventClassifier | None:
    """The packaged classifier; without it the lexicon alone decides (with a warning)."""
    try:
        return EventClassifier.load()
    except ModelNotFound as error:
        log.warning("event classifier not available, using the trigger lexicon alone: %s", error)
        return None


def settings_record(settings: Settings) -> dict[str, object]:
    """The settings of a run as stored with it (paths as strings)."""
    record: dict[str, object] = {}
    for item in fields(settings):
        value = getattr(settings, item.name)
        record[item.name] = str(value) if isinstance(value, Path) else value
    return record
