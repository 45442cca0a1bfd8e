"""ACLED's disaggregation: one event per (day, place, actors, sub-event type)."""

from __future__ import annotations

from datetime import date

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Span

from eventcoder.candidates import Candidate
from eventcoder.disaggregate import MIN_CONFIDENCE, disaggregate
from eventcoder.modality import Modality
from eventcoder.models import Actor, Article, EventDate, Location
from eventcoder.triggers import Trigger

TEXT = "Clashes broke out in Hajin. Clashes went on in Hajin. Clashes broke out in Tafas."
ARTICLE = Article(id="a", text=TEXT, outlet="FNA", published=date(2018, 11, 20))
SDF = Actor("QSD: Syrian Democratic Forces", 2)
IS = Actor("Islamic State (Syria)", 2)


@pytest.fixture(scope="module")
def sentences() -> list[Span]:
    """The article's three sentences (a blank pipeline that only splits sentences)."""
    nlp: Language = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return list(nlp(TEXT).sents)


def candidate(
    sentence: Span, place: str, *, weight: float = 1.0, sides: tuple[Actor, Actor] = (SDF, IS)
) -> Candidate:
    """An armed clash between ``sides`` read from the first word of ``sentence``."""
    trigger = Trigger(sentence[0:1], "Armed clash", True, weight, "clash")
    return Candidate(
        "Armed clash", weight, trigger, Modality("asserted", "", "the outlet's own report"),
        sides[0], sides[1], (), (), Location(place, None, 1, "named"),
        EventDate(date(2018, 11, 20), 1, "published"), (), (f"read from '{sentence.text}'",),
    )  # fmt: skip


def test_disaggregate_two_mentions_of_one_event_merge(sentences: list[Span]) -> None:
    """The same day, place, actors and sub-event type twice is one event with both reasons."""
    hajin, again, _ = sentences
    [event] = disaggregate(ARTICLE, [candidate(hajin, "Hajin"), candidate(again, "Hajin")], "SY")
    assert (event.actor1, event.actor2, event.location) == (SDF.name, IS.name, "Hajin")
    assert any(hajin.text in reason for reason in event.reasons)
    assert any(again.text in reason for reason in event.reasons)
    assert any("merged 2 mentions" in reason for reason in event.reasons)


def test_disaggregate_actors_in_either_order_are_the_same_event(sentences: list[Span]) -> None:
    """X against Y and Y against X on the same day and place are one event."""
    hajin, again, _ = sentences
    events = disaggregate(
        ARTICLE, [candidate(hajin, "Hajin"), candidate(again, "Hajin", sides=(IS, SDF))], "SY"
    )
    assert len(events) == 1


def test_disaggregate_another_place_is_another_event(sentences: list[Span]) -> None:
    """The same fight in two places is two events, with distinct stable ids."""
    hajin, _, tafas = sentences
    events = disaggregate(ARTICLE, [candidate(hajin, "Hajin"), candidate(tafas, "Tafas")], "SY")
    assert [e.location for e in events] == ["Hajin", "Tafas"]
    assert len({e.event_id for e in events}) == 2
    assert events == disaggregate(
        ARTICLE, [candidate(hajin, "Hajin"), candidate(tafas, "Tafas")], "SY"
    )


def test_disaggregate_drops_what_is_too_uncertain_to_code(sentences: list[Span]) -> None:
    """A candidate whose confidence is under MIN_CONFIDENCE is not an event."""
    hajin, _, _ = sentences
    assert disaggregate(ARTICLE, [candidate(hajin, "Hajin", weight=MIN_CONFIDENCE / 2)], "SY") == []
