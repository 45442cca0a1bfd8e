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
import time
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


@dataclass(slots=True)
class StageTimes:
    """Seconds spent in each stage of a run (for the throughput benchmark and ``--verbose``)."""

    ingest: float = 0.0
    parse: float = 0.0
    extract: float = 0.0
    store: float = 0.0

    def as_dict(self) -> dict[str, float]:
        """The times as a plain dict, rounded to milliseconds."""
        return {name: round(value, 3) for name, value in asdict(self).items()}


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
        return self._nlp

    @property
    def extractor(self) -> EventExtractor:
        """The event extractor with its gazetteer, actor table and classifier (loaded on first use)."""
        if self._extractor is None:
            gazetteer = Gazetteer.open(self.settings.gazetteer)
            self._extractor = EventExtractor(gazetteer, classifier=_load_classifier())
        return self._extractor

    def code_docs(self, pairs: Iterable[tuple[Article, Doc]]) -> Iterator[tuple[Article, list[Event]] | Failure]:
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

    def code_articles(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[Event]] | Failure]:
        """Parse and code articles in batches (no store involved)."""
        pairs = parse(articles, self.nlp, batch_size=self.settings.batch_size, n_process=self.settings.n_process)
        yield from self.code_docs(pairs)

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

    def run(
        self,
        paths: Sequence[str | Path],
        store: Store,
        *,
        published: date | None = None,
        outlet: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> RunReport:
        """Read ``paths``, code every article not yet coded, and save the events in ``store``.

        An interrupt (Ctrl-C) marks the run interrupted and re-raises; everything saved so far
        stays, and running again resumes.
        """
        run_id = store.begin_run([str(p) for p in paths], _settings_record(self.settings))
        times = StageTimes()
        article_ids: list[str] = []
        failures: list[Failure] = []
        counts = {"done": 0, "events": 0}

        def fresh_articles() -> Iterator[Article]:
            started = time.perf_counter()
            for item in read_inputs(paths, published=published, outlet=outlet, max_chars=self.settings.max_chars):
                times.ingest += time.perf_counter() - started
                if isinstance(item, Failure):
                    store.record_failure(run_id, item)
                    failures.append(item)
                    _tick(progress, counts, failures)
                elif item.id in article_ids:
                    pass  # the same article twice in one input: code it once
                elif store.is_coded(item.id):
                    article_ids.append(item.id)
                    store.record_skip(run_id, item.id)
                    _tick(progress, counts, failures)
                else:
                    article_ids.append(item.id)
                    yield item
                started = time.perf_counter()
            times.ingest += time.perf_counter() - started

        try:
            pairs = _timed(
                parse(fresh_articles(), self.nlp, batch_size=self.settings.batch_size, n_process=self.settings.n_process),
                times,
                "parse",
            )
            for result in _timed(self.code_docs(pairs), times, "extract"):
                started = time.perf_counter()
                if isinstance(result, Failure):
                    store.record_failure(run_id, result)
                    failures.append(result)
                else:
                    article, events = result
                    try:
                        store.save_article(article, events, run_id)
                        counts["events"] += len(events)
                    except EventcoderError as error:
                        failure = Failure(article.origin or article.id, str(error), article.id)
                        store.record_failure(run_id, failure)
                        failures.append(failure)
                times.store += time.perf_counter() - started
                _tick(progress, counts, failures)
        except BaseException:
            store.finish_run(run_id, status="interrupted")
            raise
        summary = store.finish_run(run_id)
        # Time spent pulling from a stage includes the stages before it; report each alone.
        times.extract = max(times.extract - times.parse, 0.0)
        times.parse = max(times.parse - times.ingest, 0.0)
        return RunReport(summary=summary, article_ids=article_ids, failures=failures, times=times)


def _tick(progress: ProgressCallback | None, counts: dict[str, int], failures: list[Failure]) -> None:
    counts["done"] += 1
    if progress is not None:
        progress(counts["done"], counts["events"], len(failures))


def _timed(iterable: Iterable[object], times: StageTimes, stage: str) -> Iterator:  # type: ignore[type-arg]
    """Yield from ``iterable``, adding the time spent producing each item to ``times.<stage>``."""
    iterator = iter(iterable)
    while True:
        started = time.perf_counter()
        try:
            item = next(iterator)
        except StopIteration:
            setattr(times, stage, getattr(times, stage) + time.perf_counter() - started)
            return
        setattr(times, stage, getattr(times, stage) + time.perf_counter() - started)
        yield item


def _load_classifier() -> EventClassifier | None:
    """The packaged classifier; without it the lexicon alone decides (with a warning)."""
    try:
        return EventClassifier.load()
    except ModelNotFound as error:
        log.warning("event classifier not available, using the trigger lexicon alone: %s", error)
        return None


def _settings_record(settings: Settings) -> dict[str, object]:
    """The settings of a run as stored with it (paths as strings)."""
    record: dict[str, object] = {}
    for item in fields(settings):
        value = getattr(settings, item.name)
        record[item.name] = str(value) if isinstance(value, Path) else value
    return record
