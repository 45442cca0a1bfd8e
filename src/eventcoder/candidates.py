"""Candidate events: one per trigger and sub-event type, read from one sentence.

A candidate is an event before disaggregation (:mod:`eventcoder.disaggregate`): what one
trigger says happened, with the evidence for each coded field (character offsets into the
article) and the reasons for each coding decision, in the order a coder would give them, so
that every event can be traced back to its words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span

from eventcoder.classify import Prediction
from eventcoder.modality import Modality
from eventcoder.models import Actor, EventDate, Evidence, Location
from eventcoder.subtypes import Decision
from eventcoder.triggers import Trigger


@dataclass(frozen=True, slots=True)
class Candidate:
    """One event as read from one trigger, before disaggregation.

    ``death_sentences`` are the sentences whose dead it counts (its own and the follow-ups that
    report its toll); ``anaphoric`` marks a trigger that names no actor and no place of its own,
    which may be the event before it mentioned again (:mod:`eventcoder.mentions`).
    """

    sub_event_type: str
    weight: float
    trigger: Trigger
    modality: Modality
    actor1: Actor | None
    actor2: Actor | None
    assoc1: tuple[str, ...]
    assoc2: tuple[str, ...]
    location: Location | None
    event_date: EventDate | None
    death_sentences: tuple[Span, ...]
    reasons: tuple[str, ...]
    prediction: Prediction | None = None
    evidence: tuple[Evidence, ...] = field(default=())
    anaphoric: bool = False


def make_candidate(
    trigger: Trigger,
    decision: Decision,
    modality: Modality,
    actor1: Actor | None,
    actor2: Actor | None,
    assoc1: tuple[str, ...],
    assoc2: tuple[str, ...],
    location: Location | None,
    event_date: EventDate | None,
    death_sentences: tuple[Span, ...],
    role_reasons: tuple[str, ...],
    prediction: Prediction | None,
    *,
    anaphoric: bool = False,
) -> Candidate:
    """The candidate of one trigger and sub-event decision, with its evidence and reasons."""
    sentence = trigger.span.sent
    evidence = [
        Evidence("sentence", sentence.start_char, sentence.end_char, sentence.text.strip()),
        Evidence(
            "sub_event_type", trigger.span.start_char, trigger.span.end_char, trigger.span.text
        ),
    ]
    for name, actor in (("actor1", actor1), ("actor2", actor2)):
        if actor is not None and actor.span is not None:
            evidence.append(Evidence(name, actor.span.start, actor.span.end, actor.span.text))
    if location is not None and location.span is not None:
        evidence.append(
            Evidence("location", location.span.start, location.span.end, location.span.text)
        )
    if event_date is not None and event_date.span is not None:
        evidence.append(
            Evidence("event_date", event_date.span.start, event_date.span.end, event_date.span.text)
        )
    if modality.span is not None:
        evidence.append(
            Evidence("attribution", modality.span.start, modality.span.end, modality.span.text)
        )
    reasons = [f"sub_event_type {decision.sub_event_type}: {decision.reason}"]
    if prediction is not None and prediction.ranked:
        top, probability = prediction.ranked[0]
        reasons.append(f"classifier: {top} (p={probability:.2f}) for the sentence")
    reasons.append(f"modality {modality.value}: {modality.reason}")
    for name, actor in (("actor1", actor1), ("actor2", actor2)):
        if actor is not None and actor.reason:
            reasons.append(f"{name} {actor.name}: {actor.reason}")
    reasons += [r for r in role_reasons if not any(r in x for x in reasons)]
    if location is not None:
        reasons.append(
            f"location {location.name} (precision {location.geo_precision}): {location.reason}"
        )
    else:
        reasons.append("location: no place found in or before the sentence")
    if event_date is not None:
        reasons.append(f"event_date {event_date.value.isoformat()}: {event_date.reason}")
    return Candidate(
        sub_event_type=decision.sub_event_type,
        weight=decision.weight,
        trigger=trigger,
        modality=modality,
        actor1=actor1,
        actor2=actor2,
        assoc1=assoc1,
        assoc2=assoc2,
        location=location,
        event_date=event_date,
        death_sentences=death_sentences,
        reasons=tuple(reasons),
        prediction=prediction,
        evidence=tuple(evidence),
        anaphoric=anaphoric,
    )
