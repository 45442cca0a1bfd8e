"""Measure coding accuracy against human-coded ACLED data (``eventcoder evaluate``).

Each gold row's ``notes`` is coded by the real pipeline as if it were a short article published
on the row's ``event_date`` by the row's ``source``, so explicit dates in the note resolve and
relative ones resolve against the right day. The notes of every file are coded in one stream
through :meth:`Pipeline.code_articles`, which parses them in ``nlp.pipe`` batches.

**Matching rule.** ACLED writes one row per note, but a note may report several events ("clashes
..., while warplanes struck ..."), and the pipeline returns them all. The row is compared with
one predicted event, chosen in this order:

1. the events with the gold ``sub_event_type``, if any; else all of them;
2. among those, the one with the highest confidence;
3. on a tie, the first in text order.

A note that yields no event is a "No event" prediction. The rule favours the pipeline when it
found the right event among others, so the classification numbers are also given for the
highest-confidence event alone (``sub_event_type_top1``): the gap between the two is what
a better choice among the events of a note would gain.

**Actors.** ACLED's actor order carries no direction (actor1 is not always the attacker), so
actor agreement is reported both strictly (actor1 with actor1, actor2 with actor2) and
unordered (the two names as a pair, in either order), each on ACLED's exact names and after
:func:`eventcoder.actors.normalize_actor_name`. ``gold_actors_found`` pools actor1 and actor2: the
share of gold actors that are one of the predicted event's two actors.

**Dates.** A note is coded as an article published on the row's ``event_date``. In news, a
report that gives no date for the event gets its publication date with ``time_precision`` 2
(the event happened on or before it: :mod:`eventcoder.dates`), and evaluation keeps that
behaviour rather than tuning it to notes. But most ACLED notes carry no time expression at all
(about 97% of the Syria dev notes: the coder knew the day from the source, not from the note),
so on an undated note ``event_date`` agrees by construction and ``time_precision`` compares
that news rule with ACLED's source-based precision (almost always 1). The date numbers are
therefore reported twice: over the notes that contain a time expression
(:func:`eventcoder.dates.mentions_time`), which measure date resolution, and over all notes;
``undated_notes`` is the share of notes with no time expression.

Every number is computed over the rows where it is defined, and its denominator ``n`` is
reported beside it: location numbers need gold coordinates, actor2 numbers a file with an
actor2 column, fatalities a gold count. Agreement numbers (actors, location, fatalities, dates)
are measured on the rows with a predicted event; rows with no event are counted once, in
``no_event_share`` and in the classification numbers.
"""

from __future__ import annotations

import math
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.table import Table

from eventcoder.acled import GoldRow, read_acled_files
from eventcoder.actors import normalize_actor_name
from eventcoder.dates import mentions_time
from eventcoder.gazetteer import haversine_km
from eventcoder.models import Article, Event, Failure
from eventcoder.placenames import index_keys, similarity
from eventcoder.settings import Settings

#: The label of a row for which the pipeline reported no event.
NO_EVENT = "No event"

#: Distance thresholds (km) of the location numbers: the town, the district, 100 miles.
DISTANCES_KM: tuple[int, ...] = (5, 25, 161)

#: Relative tolerance of the "fatalities within" number.
FATALITY_TOLERANCE = 0.2

#: Key-similarity (0-1) above which two admin names are the same region.
ADMIN_SIMILARITY = 0.85

#: Words GeoNames puts in admin names that ACLED's admin1/admin2 names do not carry.
_ADMIN_WORDS = re.compile(
    r"\b(?:division|county|province|governorate|region|district|state|prefecture|department|"
    r"oblast|muhafazat|wilayat|wilayah|velayat)\b",
    re.IGNORECASE,
)

#: Called as ``progress(rows done, rows total)`` while coding.
EvaluationProgress = Callable[[int, int], None]


# --------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True, slots=True)
class RowResult:
    """One gold row with the pipeline's answer for its note.

    ``predicted`` is the event chosen by the matching rule (None: no event, or a failure);
    ``top`` the highest-confidence event; ``events`` how many the note yielded; ``failure``
    the pipeline's message when the note could not be coded.
    """

    gold: GoldRow
    predicted: Event | None
    top: Event | None = None
    events: int = 0
    failure: str = ""
    all_events: tuple[Event, ...] = ()


@dataclass(frozen=True, slots=True)
class Classification:
    """Agreement on one label (event_type or sub_event_type), "No event" included.

    ``macro_f1`` averages F1 over the gold labels (each counts once), ``weighted_f1`` weighs
    each by its support. ``accuracy_given_event`` leaves out rows with no predicted event.
    ``confusion[i][j]`` counts rows of gold label ``labels[i]`` predicted as ``labels[j]``.
    """

    n: int
    accuracy: float | None
    macro_f1: float | None
    weighted_f1: float | None
    accuracy_given_event: float | None
    labels: tuple[str, ...] = ()
    confusion: tuple[tuple[int, ...], ...] = ()
    per_class: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Share:
    """A share of agreeing rows and its denominator."""

    n: int
    share: float | None


@dataclass(frozen=True, slots=True)
class ActorAgreement:
    """Actor agreement: exact ACLED names and after alias normalization, strict and unordered."""

    actor1_exact: Share
    actor1_normalized: Share
    actor2_exact: Share
    actor2_normalized: Share
    pair_strict_exact: Share
    pair_strict_normalized: Share
    pair_unordered_exact: Share
    pair_unordered_normalized: Share
    gold_actors_found_exact: Share
    gold_actors_found_normalized: Share


@dataclass(frozen=True, slots=True)
class LocationAgreement:
    """Distances from ACLED's point to the predicted one, and admin1 agreement.

    ``n`` counts rows with a predicted event and gold coordinates; a prediction without
    coordinates counts as not within any distance. ``median_km`` is over located rows.
    """

    n: int
    located: float | None
    within_km: dict[str, float | None]
    median_km: float | None
    admin1: Share
    other_country: Share


@dataclass(frozen=True, slots=True)
class FatalityAgreement:
    """Fatalities: exact, within ±20% (a gold 0 needs a predicted 0), mean absolute error."""

    n: int
    exact: float | None
    within_20pct: float | None
    mean_abs_error: float | None


@dataclass(frozen=True, slots=True)
class Metrics:
    """Every number for one set of rows (one file, or all files together)."""

    rows: int
    failures: int
    no_event_share: float | None
    events_per_row: float | None
    event_type: Classification
    sub_event_type: Classification
    sub_event_type_top1: Classification
    actors: ActorAgreement
    location: LocationAgreement
    fatalities: FatalityAgreement
    time_precision: Share
    event_date: Share
    undated_notes: Share = Share(0, None)
    time_precision_dated: Share = Share(0, None)
    event_date_dated: Share = Share(0, None)


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """The outcome of :func:`evaluate`: numbers overall and per file, and the rows behind them."""

    files: tuple[str, ...]
    overall: Metrics
    by_file: dict[str, Metrics]
    rows: tuple[RowResult, ...]
    sample: int | None
    seed: int
    seconds: float
    gazetteer: str = ""

    def to_json(self, *, include_rows: bool = False) -> dict[str, Any]:
        """Every number as a JSON-ready dict; ``include_rows`` adds one compact record per row."""
        data: dict[str, Any] = {
            "files": list(self.files),
            "rows": len(self.rows),
            "sample": self.sample,
            "seed": self.seed,
            "seconds": round(self.seconds, 1),
            "gazetteer": self.gazetteer,
            "matching_rule": (
                "per gold row, among the note's predicted events: those with the gold "
                "sub_event_type if any, else all; then the highest confidence; then text order"
            ),
            "dates_rule": (
                "notes are coded as published on the gold event_date; a note with no time "
                "expression gets that date with time_precision 2 (news rule: an upper bound), so "
                "*_dated numbers score only notes with a time expression; undated_notes is the "
                "share of notes without one"
            ),
            "overall": _rounded(asdict(self.overall)),
            "by_file": {name: _rounded(asdict(metrics)) for name, metrics in self.by_file.items()},
        }
        if include_rows:
            data["row_results"] = [_row_record(row) for row in self.rows]
        return data


# --------------------------------------------------------------------------------------------
# Running


def evaluate(
    gold_files: Sequence[Path],
    settings: Settings,
    *,
    sample: int | None = None,
    seed: int = 0,
    progress: EvaluationProgress | None = None,
) -> EvaluationReport:
    """Code the notes of human-coded ACLED files and measure agreement with the human coding.

    Args:
        gold_files: ACLED CSV files (plain or gzipped), in any of ACLED's column sets.
        settings: the pipeline settings (gazetteer, spaCy model, batch size).
        sample: code only this many rows of each file, drawn at random (None: every row).
        seed: the random seed of the sample, so a quick run can be repeated.
        progress: called as ``progress(done, total)`` after each row is coded.

    Raises:
        EvaluationError: a file is not ACLED-shaped (the message names it and what is missing).
        GazetteerError, ModelNotFound: the pipeline cannot be built.
    """
    from eventcoder.pipeline import Pipeline  # the pipeline imports spaCy; keep this module light

    started = time.perf_counter()
    by_file = read_acled_files([Path(p) for p in gold_files])
    gold = sample_rows(by_file, sample, seed)
    pipeline = Pipeline(settings)
    results = code_rows(pipeline, gold, progress=progress)
    return build_report(
        results,
        files=tuple(by_file),
        sample=sample,
        seed=seed,
        seconds=time.perf_counter() - started,
        gazetteer=str(settings.gazetteer),
    )


def sample_rows(by_file: dict[str, list[GoldRow]], sample: int | None, seed: int = 0) -> list[GoldRow]:
    """Up to ``sample`` rows of each file, drawn with ``seed`` (all rows when None), in file order.

    Sampling per file keeps the per-file breakdown meaningful when files differ in size.
    """
    chosen: list[GoldRow] = []
    for rows in by_file.values():
        if sample is not None and sample < len(rows):
            rows = random.Random(seed).sample(rows, sample)
        chosen.extend(rows)
    return chosen


def code_rows(pipeline: Any, gold: Sequence[GoldRow], *, progress: EvaluationProgress | None = None) -> list[RowResult]:
    """Code every gold row's note with ``pipeline`` (batched) and pick the matching event.

    The note is published on the row's event_date by the row's source; its article id is the
    row's origin, so every row is coded even when two rows share a note.
    """
    articles = (
        Article(
            id=row.origin,
            text=row.notes,
            outlet=row.source,
            published=row.event_date,
            origin=row.origin,
            country=row.country or "",
        )
        for row in gold
    )
    results: list[RowResult] = []
    for row, result in zip(gold, pipeline.code_articles(articles), strict=True):
        if isinstance(result, Failure):
            results.append(RowResult(row, None, failure=result.message))
        else:
            events = result[1]
            results.append(
                RowResult(row, match_event(row, events), _top(events), len(events), all_events=tuple(events))
            )
        if progress is not None:
            progress(len(results), len(gold))
    return results


def match_event(gold: GoldRow, events: Sequence[Event]) -> Event | None:
    """The predicted event compared with a gold row (see the module docstring for the rule)."""
    if not events:
        return None
    same = [e for e in events if e.sub_event_type == gold.sub_event_type]
    pool = same or list(events)
    return max(enumerate(pool), key=lambda item: (item[1].confidence, -item[0]))[1]


def _top(events: Sequence[Event]) -> Event | None:
    if not events:
        return None
    return max(enumerate(events), key=lambda item: (item[1].confidence, -item[0]))[1]


def build_report(
    results: Sequence[RowResult],
    *,
    files: Sequence[str] = (),
    sample: int | None = None,
    seed: int = 0,
    seconds: float = 0.0,
    gazetteer: str = "",
) -> EvaluationReport:
    """The report of already-coded rows: numbers overall and per file."""
    names = tuple(files) or tuple(dict.fromkeys(r.gold.file for r in results))
    per_file = {name: score_rows([r for r in results if r.gold.file == name]) for name in names}
    return EvaluationReport(
        files=names,
        overall=score_rows(results),
        by_file=per_file,
        rows=tuple(results),
        sample=sample,
        seed=seed,
        seconds=seconds,
        gazetteer=gazetteer,
    )


# --------------------------------------------------------------------------------------------
# Metrics


def score_rows(results: Sequence[RowResult]) -> Metrics:
    """Every number of the report for one set of rows."""
    pairs: list[tuple[GoldRow, Event]] = [(r.gold, r.predicted) for r in results if r.predicted is not None]
    return Metrics(
        rows=len(results),
        failures=sum(1 for r in results if r.failure),
        no_event_share=_ratio(len(results) - len(pairs), len(results)),
        events_per_row=_ratio(sum(r.events for r in results), len(results)),
        event_type=classification(
            [r.gold.event_type for r in results],
            [r.predicted.event_type if r.predicted else NO_EVENT for r in results],
        ),
        sub_event_type=classification(
            [r.gold.sub_event_type for r in results],
            [r.predicted.sub_event_type if r.predicted else NO_EVENT for r in results],
        ),
        sub_event_type_top1=classification(
            [r.gold.sub_event_type for r in results],
            [r.top.sub_event_type if r.top else NO_EVENT for r in results],
            confusion=False,
        ),
        actors=actor_agreement(pairs),
        location=location_agreement(pairs),
        fatalities=fatality_agreement([(g.fatalities, e.fatalities) for g, e in pairs if g.fatalities is not None]),
        time_precision=_share([g.time_precision == e.time_precision for g, e in pairs if g.time_precision]),
        event_date=_share([g.event_date == e.event_date for g, e in pairs if g.event_date]),
        undated_notes=_share([not mentions_time(r.gold.notes) for r in results]),
        time_precision_dated=_share(
            [
                g.time_precision == e.time_precision
                for g, e in pairs
                if g.time_precision and mentions_time(g.notes)
            ]
        ),
        event_date_dated=_share(
            [
                g.event_date == e.event_date
                for g, e in pairs
                if g.event_date and mentions_time(g.notes)
            ]
        ),
    )


def classification(gold: Sequence[str], predicted: Sequence[str], *, confusion: bool = True) -> Classification:
    """Accuracy, macro and weighted F1 over the gold labels, and the confusion matrix.

    Macro and weighted F1 average over the labels that occur in ``gold`` (a label only ever
    predicted still costs precision on the others, but gets no F1 of its own). The confusion
    matrix has every label of either side, in ACLED's order, then "No event".
    """
    from sklearn.metrics import (
        accuracy_score,
        confusion_matrix,
        f1_score,
        precision_recall_fscore_support,
    )

    if not gold:
        return Classification(0, None, None, None, None)
    gold_labels = sorted(set(gold), key=_label_order)
    given = [(g, p) for g, p in zip(gold, predicted, strict=True) if p != NO_EVENT]
    result = Classification(
        n=len(gold),
        accuracy=float(accuracy_score(gold, predicted)),
        macro_f1=float(f1_score(gold, predicted, labels=gold_labels, average="macro", zero_division=0)),
        weighted_f1=float(f1_score(gold, predicted, labels=gold_labels, average="weighted", zero_division=0)),
        accuracy_given_event=_ratio(sum(g == p for g, p in given), len(given)),
    )
    if not confusion:
        return result
    labels = sorted(set(gold) | set(predicted) - {NO_EVENT}, key=_label_order) + [NO_EVENT]
    matrix = confusion_matrix(gold, predicted, labels=labels)
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=gold_labels, zero_division=0
    )
    per_class = {
        label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
        for label, p, r, f, s in zip(gold_labels, precision, recall, f1, support, strict=True)
    }
    return Classification(
        n=result.n,
        accuracy=result.accuracy,
        macro_f1=result.macro_f1,
        weighted_f1=result.weighted_f1,
        accuracy_given_event=result.accuracy_given_event,
        labels=tuple(labels),
        confusion=tuple(tuple(int(v) for v in line) for line in matrix),
        per_class=per_class,
    )


def _label_order(label: str) -> tuple[int, str]:
    from eventcoder.taxonomy import EVENT_TYPES, SUB_EVENT_NAMES

    order = {name: i for i, name in enumerate((*EVENT_TYPES, *SUB_EVENT_NAMES))}
    if label == NO_EVENT:
        return (len(order) + 1, label)
    return (order.get(label, len(order)), label)


def actor_agreement(pairs: Sequence[tuple[GoldRow, Event]]) -> ActorAgreement:
    """Actor numbers over (gold row, predicted event) pairs (see the module docstring).

    actor1 is compared wherever the gold row has one; actor2 and the pairs only where the file
    has an actor2 column (an empty gold actor2 agrees with an empty predicted one).
    """
    exact: dict[str, list[bool]] = {k: [] for k in ("a1", "a2", "strict", "unordered", "found")}
    norm: dict[str, list[bool]] = {k: [] for k in ("a1", "a2", "strict", "unordered", "found")}
    for gold, event in pairs:
        if not gold.actor1:
            continue
        for keyed, out in ((_same, exact), (_normalized, norm)):
            g1, p1, p2 = keyed(gold.actor1), keyed(event.actor1), keyed(event.actor2)
            out["a1"].append(g1 == p1)
            out["found"].append(g1 in (p1, p2))
            if gold.actor2 is None:
                continue
            g2 = keyed(gold.actor2)
            out["a2"].append(g2 == p2)
            out["strict"].append((g1, g2) == (p1, p2))
            out["unordered"].append(sorted((g1, g2)) == sorted((p1, p2)))
            if g2:
                out["found"].append(g2 in (p1, p2))
    return ActorAgreement(
        actor1_exact=_share(exact["a1"]),
        actor1_normalized=_share(norm["a1"]),
        actor2_exact=_share(exact["a2"]),
        actor2_normalized=_share(norm["a2"]),
        pair_strict_exact=_share(exact["strict"]),
        pair_strict_normalized=_share(norm["strict"]),
        pair_unordered_exact=_share(exact["unordered"]),
        pair_unordered_normalized=_share(norm["unordered"]),
        gold_actors_found_exact=_share(exact["found"]),
        gold_actors_found_normalized=_share(norm["found"]),
    )


def _same(name: str) -> str:
    return name.strip()


def _normalized(name: str) -> str:
    return normalize_actor_name(name) if name else ""


def same_admin(gold: str, predicted: str) -> bool:
    """True when two admin-region names are the same region as spelled by different sources.

    Transliteration variants agree ("Dar'a" ~ "Dara", "Deir-ez-Zor" ~ "Deir ez Zor",
    "Idleb" ~ "Idlib", "Al Hasakeh" ~ "Hasakah"): same key or consonant skeleton of
    :mod:`eventcoder.placenames`, or keys at least :data:`ADMIN_SIMILARITY` alike. The words
    GeoNames adds to admin names and ACLED leaves out ("Dhaka Division", "Nairobi County",
    "Muhafazat Hamah") are dropped first. Empty names never agree.
    """
    if not gold.strip() or not predicted.strip():
        return False
    key_a, loose_a, _ = index_keys(_ADMIN_WORDS.sub(" ", gold))
    key_b, loose_b, _ = index_keys(_ADMIN_WORDS.sub(" ", predicted))
    if not key_a or not key_b:
        return False
    if key_a == key_b or (loose_a and loose_a == loose_b):
        return True
    return similarity(key_a, key_b) >= ADMIN_SIMILARITY


def distance_km(gold: GoldRow, event: Event) -> float | None:
    """Great-circle km from ACLED's point to the event's, None when either has no coordinates."""
    if gold.latitude is None or gold.longitude is None or event.latitude is None or event.longitude is None:
        return None
    return haversine_km(gold.latitude, gold.longitude, event.latitude, event.longitude)


def location_agreement(pairs: Sequence[tuple[GoldRow, Event]]) -> LocationAgreement:
    """Location numbers over (gold row, predicted event) pairs with gold coordinates."""
    located = [(g, e) for g, e in pairs if g.latitude is not None]
    distances = [distance_km(g, e) for g, e in located]
    found = [d for d in distances if d is not None]
    within = {
        f"{km}": _ratio(sum(1 for d in found if d <= km), len(located)) for km in DISTANCES_KM
    }
    admin = [same_admin(g.admin1, e.admin1) for g, e in located if g.admin1]
    countries = [
        bool(e.country) and not same_admin(g.country, e.country)
        for g, e in located
        if g.country and e.latitude is not None
    ]
    return LocationAgreement(
        n=len(located),
        located=_ratio(len(found), len(located)),
        within_km=within,
        median_km=statistics.median(found) if found else None,
        admin1=_share(admin),
        other_country=_share(countries),
    )


def within_tolerance(gold: int, predicted: int, tolerance: float = FATALITY_TOLERANCE) -> bool:
    """True when ``predicted`` is within ``tolerance`` (relative) of ``gold``; 0 needs 0."""
    return abs(predicted - gold) <= tolerance * gold


def fatality_agreement(pairs: Sequence[tuple[int, int]]) -> FatalityAgreement:
    """Fatality numbers over (gold, predicted) count pairs."""
    if not pairs:
        return FatalityAgreement(0, None, None, None)
    return FatalityAgreement(
        n=len(pairs),
        exact=_ratio(sum(g == p for g, p in pairs), len(pairs)),
        within_20pct=_ratio(sum(within_tolerance(g, p) for g, p in pairs), len(pairs)),
        mean_abs_error=statistics.fmean(abs(g - p) for g, p in pairs),
    )


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _share(flags: Sequence[bool]) -> Share:
    return Share(len(flags), _ratio(sum(flags), len(flags)))


def _rounded(value: Any) -> Any:
    """Floats rounded to 4 places, tuples as lists, recursively (for JSON)."""
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return value


def _row_record(row: RowResult) -> dict[str, Any]:
    gold, event = row.gold, row.predicted
    record: dict[str, Any] = {
        "origin": gold.origin,
        "event_id": gold.event_id,
        "gold": {
            "sub_event_type": gold.sub_event_type,
            "actor1": gold.actor1,
            "actor2": gold.actor2,
            "location": gold.location,
            "admin1": gold.admin1,
            "latitude": gold.latitude,
            "longitude": gold.longitude,
            "fatalities": gold.fatalities,
            "event_date": gold.event_date.isoformat() if gold.event_date else None,
            "time_precision": gold.time_precision,
        },
        "dated_note": mentions_time(gold.notes),
        "events": row.events,
        "failure": row.failure,
        "predicted": None,
    }
    if event is not None:
        distance = distance_km(gold, event)
        record["predicted"] = {
            "sub_event_type": event.sub_event_type,
            "actor1": event.actor1,
            "actor2": event.actor2,
            "location": event.location,
            "admin1": event.admin1,
            "latitude": event.latitude,
            "longitude": event.longitude,
            "fatalities": event.fatalities,
            "event_date": event.event_date.isoformat() if event.event_date else None,
            "time_precision": event.time_precision,
            "confidence": event.confidence,
            "distance_km": round(distance, 1) if distance is not None else None,
        }
    return record


# --------------------------------------------------------------------------------------------
# Presenting


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _counted(share: Share) -> str:
    """A share with its denominator, for numbers over few rows: "85.0% (n=40)"."""
    return "-" if share.share is None else f"{_pct(share.share)} (n={share.n})"


def _table_rows(m: Metrics) -> list[tuple[str, str]]:
    a, loc, fat = m.actors, m.location, m.fatalities
    return [
        ("rows", str(m.rows)),
        ("no event", _pct(m.no_event_share)),
        ("events per row", _num(m.events_per_row, 2)),
        ("event_type accuracy", _pct(m.event_type.accuracy)),
        ("event_type macro F1", _num(m.event_type.macro_f1)),
        ("event_type weighted F1", _num(m.event_type.weighted_f1)),
        ("sub_event_type accuracy", _pct(m.sub_event_type.accuracy)),
        ("sub_event_type macro F1", _num(m.sub_event_type.macro_f1)),
        ("sub_event_type weighted F1", _num(m.sub_event_type.weighted_f1)),
        ("sub_event_type acc. | event", _pct(m.sub_event_type.accuracy_given_event)),
        ("sub_event_type acc. (top-1)", _pct(m.sub_event_type_top1.accuracy)),
        ("actor1 exact / normalized", f"{_pct(a.actor1_exact.share)} / {_pct(a.actor1_normalized.share)}"),
        ("actor2 exact / normalized", f"{_pct(a.actor2_exact.share)} / {_pct(a.actor2_normalized.share)}"),
        ("pair strict (normalized)", _pct(a.pair_strict_normalized.share)),
        ("pair unordered (normalized)", _pct(a.pair_unordered_normalized.share)),
        ("gold actors found (norm.)", _pct(a.gold_actors_found_normalized.share)),
        ("located", _pct(loc.located)),
        *((f"within {km} km", _pct(loc.within_km.get(f"{km}"))) for km in DISTANCES_KM),
        ("median km", _num(loc.median_km, 1)),
        ("admin1 agreement", _pct(loc.admin1.share)),
        ("fatalities exact", _pct(fat.exact)),
        ("fatalities within ±20%", _pct(fat.within_20pct)),
        ("notes with no time expression", _pct(m.undated_notes.share)),
        ("time_precision agr. (dated notes)", _counted(m.time_precision_dated)),
        ("event_date agr. (dated notes)", _counted(m.event_date_dated)),
        ("time_precision agr. (all notes)", _pct(m.time_precision.share)),
        ("event_date agr. (all notes)", _pct(m.event_date.share)),
    ]


def report_table(report: EvaluationReport) -> Table:
    """The report as a rich table: one row per number, one column overall and per file."""
    table = Table(
        title="eventcoder evaluate: agreement with human ACLED coding",
        title_justify="left",
        caption=(
            "Dates: a note with no time expression is coded on its event_date with time_precision 2 "
            "(the news rule for undated reports), so date agreement is meaningful on dated notes only."
        ),
        caption_justify="left",
    )
    table.add_column("metric")
    table.add_column("all", justify="right")
    names = list(report.by_file) if len(report.by_file) > 1 else []
    for name in names:
        table.add_column(_short(name), justify="right")
    columns = [_table_rows(report.overall)] + [_table_rows(report.by_file[n]) for n in names]
    for index, (label, _value) in enumerate(columns[0]):
        table.add_row(label, *(column[index][1] for column in columns))
    return table


def _short(name: str) -> str:
    base = Path(name).name
    for suffix in (".gz", ".csv"):
        base = base.removesuffix(suffix)
    return base


def write_figures(report: EvaluationReport, out_dir: Path) -> list[Path]:
    """Draw the sub-event confusion matrix and the location error map as PNG files.

    The confusion matrix is normalized by gold row (each row sums to 1, counts written in the
    cells), so rare classes are as readable as common ones. The error map draws each located
    row as a line from ACLED's point to the predicted one, coloured by distance; gold points
    with no predicted coordinates are grey crosses.

    Returns:
        the paths written: ``confusion_matrix.png`` and ``error_map.png`` in ``out_dir``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [_confusion_figure(report, out_dir / "confusion_matrix.png", plt)]
    written.append(_error_map(report, out_dir / "error_map.png", plt))
    return written


def _confusion_figure(report: EvaluationReport, path: Path, plt: Any) -> Path:
    import numpy as np

    result = report.overall.sub_event_type
    labels = list(result.labels) or [NO_EVENT]
    matrix = np.array(result.confusion, dtype=float) if result.confusion else np.zeros((1, 1))
    sums = matrix.sum(axis=1, keepdims=True)
    share = np.divide(matrix, sums, out=np.zeros_like(matrix), where=sums > 0)
    size = max(5.0, 0.45 * len(labels) + 3)
    figure, axes = plt.subplots(figsize=(size + 1.5, size))
    image = axes.imshow(share, cmap="Blues", vmin=0, vmax=1)
    axes.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=8)
    axes.set_yticks(range(len(labels)), labels, fontsize=8)
    axes.set_xlabel("predicted")
    axes.set_ylabel("ACLED (gold)")
    for i in range(len(labels)):
        for j in range(len(labels)):
            if matrix[i, j]:
                colour = "white" if share[i, j] > 0.5 else "black"
                axes.text(j, i, f"{int(matrix[i, j])}", ha="center", va="center", fontsize=7, color=colour)
    accuracy = _pct(result.accuracy)
    macro = _num(result.macro_f1)
    axes.set_title(f"sub_event_type, {result.n} rows: accuracy {accuracy}, macro F1 {macro}", fontsize=10)
    figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04, label="share of gold row")
    figure.tight_layout()
    figure.savefig(path, dpi=130)
    plt.close(figure)
    return path


def _error_map(report: EvaluationReport, path: Path, plt: Any) -> Path:
    """One panel per file, framed on ACLED's points, so a far-off answer is a line leaving it."""
    colours = ((5, "#1a9850", "≤ 5 km"), (25, "#91cf60", "≤ 25 km"), (161, "#fc8d59", "≤ 161 km"),
               (math.inf, "#d73027", "> 161 km"))
    names = [n for n in report.files if any(r.gold.file == n and r.gold.latitude is not None for r in report.rows)]
    names = names or list(report.files[:1]) or [""]
    across = min(len(names), 2)
    down = math.ceil(len(names) / across)
    figure, grid = plt.subplots(down, across, figsize=(7 * across, 6 * down), squeeze=False)
    for axes in grid.flat[len(names):]:
        axes.set_visible(False)
    for name, axes in zip(names, grid.flat, strict=False):
        rows = [r for r in report.rows if r.gold.file == name and r.gold.latitude is not None]
        counts: Counter[str] = Counter()
        for row in rows:
            gold, event = row.gold, row.predicted
            distance = distance_km(gold, event) if event is not None else None
            if event is None or distance is None:
                axes.plot(gold.longitude, gold.latitude, "x", color="#999999", markersize=4, alpha=0.7)
                counts["no prediction"] += 1
                continue
            for limit, colour, label in colours:
                if distance <= limit:
                    axes.plot([gold.longitude, event.longitude], [gold.latitude, event.latitude],
                              "-", color=colour, linewidth=0.6, alpha=0.6)
                    axes.plot(gold.longitude, gold.latitude, "o", color=colour, markersize=2.5)
                    counts[label] += 1
                    break
        lats = [r.gold.latitude for r in rows if r.gold.latitude is not None]
        lons = [r.gold.longitude for r in rows if r.gold.longitude is not None]
        if lats and lons:
            margin = 0.5
            axes.set_xlim(min(lons) - margin, max(lons) + margin)
            axes.set_ylim(min(lats) - margin, max(lats) + margin)
            axes.set_aspect(1 / max(math.cos(math.radians(statistics.median(lats))), 0.2))
        handles = [
            plt.Line2D([], [], color=colour, marker="o", linestyle="-", label=f"{label} ({counts[label]})")
            for _, colour, label in colours
        ]
        handles.append(plt.Line2D([], [], color="#999999", marker="x", linestyle="",
                                  label=f"no prediction ({counts['no prediction']})"))
        axes.legend(handles=handles, loc="best", fontsize=7)
        axes.set_xlabel("longitude")
        axes.set_ylabel("latitude")
        axes.grid(True, linewidth=0.3)
        loc = report.by_file[name].location if name in report.by_file else report.overall.location
        axes.set_title(
            f"{_short(name)}: ACLED point → predicted ({loc.n} rows)\nwithin 25 km "
            f"{_pct(loc.within_km.get('25'))}, median {_num(loc.median_km, 1)} km",
            fontsize=9,
        )
    figure.tight_layout()
    figure.savefig(path, dpi=130)
    plt.close(figure)
    return path
