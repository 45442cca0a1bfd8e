"""The records that flow through eventcoder's pipeline.

Every record is a frozen dataclass: a stage never mutates what an earlier stage produced, it
returns a new record (``dataclasses.replace``). Dicts appear only at the I/O edges (ingest,
store, export). Character offsets always index the *article text* (``Article.text``), so every
field of an event can be traced back to the words it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

#: The ACLED columns eventcoder emits, in ACLED's order. Exports use exactly these names.
ACLED_COLUMNS: tuple[str, ...] = (
    "event_date",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "country",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
)

#: Fields eventcoder adds beyond ACLED, in output order.
EXTRA_COLUMNS: tuple[str, ...] = (
    "article_id",
    "geonameid",
    "evidence",
    "modality",
    "attribution",
    "confidence",
    "reasons",
)

MODALITIES: tuple[str, ...] = ("asserted", "claimed", "denied", "planned", "hypothetical")


@dataclass(frozen=True, slots=True)
class Article:
    """One news report, as read from a file, a JSONL line or a feed entry.

    Attributes:
        id: stable identifier: the input's own ``id`` when it has one, else a hash of the
            normalized text (so re-reading the same text gives the same id).
        text: the main text, already extracted from HTML; offsets index this string.
        title: headline, "" when unknown.
        url: canonical URL, "" when unknown.
        outlet: the publishing outlet ("FNA", "The Guardian"), "" when unknown.
        published: publication date; relative dates resolve against it. None when unknown.
        origin: where the article came from ("path/to/file.jsonl:12"), for error messages.
        country: the country the report is about when the text may not say (ISO code or
            name, "" when unknown): a hint for reports that name no place, such as coder notes.
    """

    id: str
    text: str
    title: str = ""
    url: str = ""
    outlet: str = ""
    published: date | None = None
    origin: str = ""
    country: str = ""


@dataclass(frozen=True, slots=True)
class Span:
    """Characters ``[start, end)`` of the article text, with the text they cover."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """The words an event field was read from.

    ``field`` names the output field ("sub_event_type", "actor1", "location", "event_date",
    "fatalities", "attribution", "modality", "sentence").
    """

    field: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry.

    ``geonameid`` is the GeoNames id as a string for GeoNames rows, and ``"<list>:<id>"``
    for rows from user place lists (e.g. ``"iom:C2466"``), so ids never collide.
    ``admin1``/``admin2`` are names (ACLED style), not codes.
    """

    geonameid: str
    name: str
    latitude: float
    longitude: float
    country_code: str
    country: str
    admin1: str = ""
    admin2: str = ""
    feature_class: str = ""
    feature_code: str = ""
    population: int = 0
    source: str = ""

    @property
    def area_name(self) -> str:
        """A region by its admin name, as ACLED writes it ("Rural Damascus"), other places by
        their own name: what reasons and notes call it."""
        if self.feature_code == "ADM1" and self.admin1:
            return self.admin1
        if self.feature_code == "ADM2" and self.admin2:
            return self.admin2
        return self.name


@dataclass(frozen=True, slots=True)
class Toponym:
    """A place name found in an article, resolved (``place``) or an explicit no-match.

    ``score`` is the resolver's confidence in ``place`` (0-1); ``reason`` says in one line why
    this candidate won, or why none did.
    """

    start: int
    end: int
    text: str
    place: Place | None
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class Location:
    """Where an event happened, as decided by the event-location step.

    ``name`` is the location as ACLED would write it: the gazetteer name when resolved, else the
    name as written in the text. ``place`` is the gazetteer entry whose coordinates are used (it
    may be a containing place when the named one is unknown). ``geo_precision`` follows ACLED:
    1 the town itself, 2 near it / part of it, 3 only the region is known.
    """

    name: str
    place: Place | None
    geo_precision: int
    reason: str
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """An actor named the ACLED way.

    ``name`` is the ACLED actor name ("Military Forces of Syria (2000-)"); ``inter`` is the ACLED
    inter code (1 state forces ... 8 external/other); ``span`` is the mention it was read from
    (None for an actor inferred from context); ``reason`` says why this name.
    """

    name: str
    inter: int
    span: Span | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Fatalities:
    """A death count read from text, the ACLED way (deaths only, most conservative)."""

    count: int
    span: Span | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class EventDate:
    """A resolved event date and ACLED time_precision (1 day, 2 week, 3 month)."""

    value: date
    precision: int
    reason: str
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """One coded event: ACLED's columns plus the evidence behind them.

    ``event_id`` is a stable hash of the article id and the ACLED disaggregation key (date,
    place, actors, sub-event type), so coding the same article twice yields the same ids.
    ``sources`` lists every article id that reported the event (merged across articles).
    """

    event_id: str
    article_id: str
    event_date: date | None
    time_precision: int
    disorder_type: str
    event_type: str
    sub_event_type: str
    actor1: str
    assoc_actor_1: str
    inter1: int
    actor2: str
    assoc_actor_2: str
    inter2: int
    interaction: int
    civilian_targeting: str
    country: str
    admin1: str
    admin2: str
    location: str
    latitude: float | None
    longitude: float | None
    geo_precision: int
    geonameid: str
    source: str
    notes: str
    fatalities: int
    evidence: tuple[Evidence, ...] = ()
    modality: str = "asserted"
    attribution: str = ""
    confidence: float = 0.0
    reasons: tuple[str, ...] = ()
    sources: tuple[str, ...] = field(default=())

    def acled_row(self) -> dict[str, object]:
        """The event as a dict keyed by ACLED column names (values not yet stringified)."""
        row: dict[str, object] = {name: getattr(self, name) for name in ACLED_COLUMNS}
        row["event_date"] = self.event_date.isoformat() if self.event_date else ""
        return row

    def to_dict(self) -> dict[str, object]:
        """ACLED columns plus eventcoder's extras, JSON-ready (the JSONL export format)."""
        row = self.acled_row()
        row["article_id"] = self.article_id
        row["geonameid"] = self.geonameid
        row["evidence"] = [
            {"field": ev.field, "start": ev.start, "end": ev.end, "text": ev.text}
            for ev in self.evidence
        ]
        row["modality"] = self.modality
        row["attribution"] = self.attribution
        row["confidence"] = round(self.confidence, 3)
        row["reasons"] = list(self.reasons)
        row["event_id"] = self.event_id
        row["sources"] = list(self.sources) or [self.article_id]
        return row


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that could not be coded, with the one-line message the user sees."""

    origin: str
    message: str
    article_id: str = ""
