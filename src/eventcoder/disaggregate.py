"""ACLED's disaggregation: one event per (day, place, actors, sub-event type).

The same day, place, actors and sub-event type mentioned twice in an article is one event,
with the evidence and reasons of both mentions; its dead are counted over all its sentences at
once (:func:`eventcoder.fatalities.count_fatalities`), whose rules tell a toll repeated in
two sentences from an additional one. Candidates too uncertain to code (:data:`MIN_CONFIDENCE`)
are dropped first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from eventcoder import fatalities, notes, taxonomy
from eventcoder.actors import country_name, interaction_code
from eventcoder.candidates import Candidate
from eventcoder.models import Article, Event, Evidence

#: Events scoring below this confidence are not emitted (see :func:`_confidence`).
MIN_CONFIDENCE = 0.3

#: Modality weights in the confidence: a claim is less certain than the outlet's own report.
_MODALITY_FACTOR = {"asserted": 1.0, "claimed": 0.85}
#: Location weights: ACLED geo_precision 1 (the place), 2 (near it), 3 (only the region).
_PRECISION_FACTOR = {1: 1.0, 2: 0.9, 3: 0.75}


def _confidence(candidate: Candidate) -> float:
    """How sure the coding is, 0-1: the trigger's weight, the classifier's agreement, the
    modality (claims count less than the outlet's own report) and the location's precision."""
    score = candidate.weight
    if candidate.prediction is not None:
        agreement = dict(candidate.prediction.ranked).get(candidate.sub_event_type)
        if agreement is not None:
            score = 0.6 * score + 0.4 * agreement
    score *= _MODALITY_FACTOR.get(candidate.modality.value, 0.5)
    if candidate.location is None:
        score *= 0.6
    else:
        score *= _PRECISION_FACTOR.get(candidate.location.geo_precision, 0.6)
    if candidate.actor1 is None or candidate.actor1.name.startswith("Unidentified"):
        score *= 0.9
    return round(min(max(score, 0.0), 1.0), 3)


def _merge_key(candidate: Candidate) -> tuple[object, ...]:
    """What makes two mentions one event: the day, the place, the sub-event type and the
    actors (in either order)."""
    location = candidate.location
    place = ""
    if location is not None:
        place = location.place.geonameid if location.place is not None else location.name.lower()
    sides = tuple(sorted({a.name for a in (candidate.actor1, candidate.actor2) if a is not None}))
    when = candidate.event_date.value if candidate.event_date else None
    return (when, place, candidate.sub_event_type, sides)


def disaggregate(article: Article, candidates: Sequence[Candidate], country: str) -> list[Event]:
    """ACLED's rule: one event per (day, place, actors, sub-event type), with all its mentions."""
    groups: dict[tuple[object, ...], list[Candidate]] = {}
    for candidate in candidates:
        if _confidence(candidate) < MIN_CONFIDENCE:
            continue
        groups.setdefault(_merge_key(candidate), []).append(candidate)
    events = [_event(article, key, group, country) for key, group in groups.items()]
    return sorted(
        events, key=lambda e: (e.evidence[0].start if e.evidence else 0, e.sub_event_type)
    )


def _event(
    article: Article, key: tuple[object, ...], group: list[Candidate], country: str
) -> Event:
    """The event of one group: the coding of its most confident mention, the evidence of all."""
    first = max(group, key=_confidence)
    location = first.location
    place = location.place if location is not None else None
    actor1, actor2 = first.actor1, first.actor2
    inter1 = actor1.inter if actor1 else 0
    inter2 = actor2.inter if actor2 else 0
    assoc1, assoc2 = first.assoc1, first.assoc2
    death_sentences = sorted(
        {s.start: s for c in group for s in c.death_sentences}.values(), key=lambda s: s.start
    )
    counted = fatalities.count_fatalities(death_sentences) if death_sentences else None
    deaths = counted.count if counted is not None else 0
    modality = (
        "asserted" if any(c.modality.value == "asserted" for c in group) else first.modality.value
    )
    attributions = list(
        dict.fromkeys(c.modality.attribution for c in group if c.modality.attribution)
    )
    event_country = place.country if place is not None else country_name(country) if country else ""
    event_date = first.event_date
    evidence: list[Evidence] = []
    reasons: list[str] = []
    for candidate in sorted(group, key=lambda c: c.trigger.span.start):
        evidence += [e for e in candidate.evidence if e not in evidence]
        reasons += [r for r in candidate.reasons if r not in reasons]
    if counted is not None:
        if counted.span is not None:
            evidence.append(
                Evidence("fatalities", counted.span.start, counted.span.end, counted.span.text)
            )
        reasons.append(f"fatalities {counted.count}: {counted.reason}")
    if len(group) > 1:
        reasons.append(
            f"merged {len(group)} mentions of the same day, place, actors and sub-event type (ACLED disaggregation)"
        )
    civilian = "Civilian targeting" if inter2 == 7 or inter1 == 7 else ""
    interaction = interaction_code(inter1, inter2)
    when = event_date.value if event_date else None
    precision = event_date.precision if event_date else 3
    geo_precision = location.geo_precision if location else 3
    note = notes.write_note(
        event_date=when,
        time_precision=precision,
        sub_event_type=first.sub_event_type,
        actor1=actor1.name if actor1 else "",
        actor2=actor2.name if actor2 else "",
        location=location.name if location else "",
        admin1=place.admin1 if place else "",
        geo_precision=geo_precision,
        fatalities=deaths,
        modality=modality,
        attribution=", ".join(attributions),
    )
    digest = hashlib.sha1(repr((article.id, key)).encode("utf-8")).hexdigest()[:16]
    return Event(
        event_id=digest,
        article_id=article.id,
        event_date=when,
        time_precision=precision,
        disorder_type=taxonomy.disorder_type_of(first.sub_event_type),
        event_type=taxonomy.event_type_of(first.sub_event_type),
        sub_event_type=first.sub_event_type,
        actor1=actor1.name if actor1 else "",
        assoc_actor_1="; ".join(assoc1),
        inter1=inter1,
        actor2=actor2.name if actor2 else "",
        assoc_actor_2="; ".join(assoc2),
        inter2=inter2,
        interaction=interaction,
        civilian_targeting=civilian,
        country=event_country,
        admin1=place.admin1 if place else "",
        admin2=place.admin2 if place else "",
        location=location.name if location else "",
        latitude=round(place.latitude, 4) if place else None,
        longitude=round(place.longitude, 4) if place else None,
        geo_precision=geo_precision,
        geonameid=place.geonameid if place else "",
        source=article.outlet,
        notes=note,
        fatalities=deaths,
        evidence=tuple(evidence),
        modality=modality,
        attribution="; ".join(attributions),
        confidence=max(_confidence(c) for c in group),
        reasons=tuple(reasons),
        sources=(article.id,),
    )
