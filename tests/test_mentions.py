"""Several mentions of one event are one event: follow-up sentences fold into the event before."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Span

from eventcoder.candidates import Candidate
from eventcoder.mentions import ArticleEvents
from eventcoder.modality import Modality
from eventcoder.models import Actor
from eventcoder.triggers import Trigger


@pytest.fixture(scope="module")
def blank() -> Language:
    """A blank English pipeline that only splits sentences: no model needed."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def sentences(nlp: Language, text: str) -> list[Span]:
    """The sentences of ``text``."""
    return list(nlp(text).sents)


def candidate(sentence: Span, *, anaphoric: bool = False, named: bool = True) -> Candidate:
    """An armed clash read from the first word of ``sentence``, counting its dead."""
    trigger = Trigger(sentence[0:1], "Armed clash", True, 1.0, "clash")
    actor1 = Actor("Islamic State (Syria)", 2) if named else None
    return Candidate(
        "Armed clash", 1.0, trigger, Modality("asserted", "", "the outlet's own report"),
        actor1, None, (), (), None, None, (sentence,), ("read",), anaphoric=anaphoric,
    )  # fmt: skip


def test_mentions_a_death_report_after_an_event_counts_toward_it(blank: Language) -> None:
    """ "1 of the attackers was also killed.": a sentence with no event of its own adds its dead."""
    first, toll = sentences(
        blank, "Clashes broke out in Hajin. One of the attackers was also killed."
    )
    events = ArticleEvents()
    events.add(first, [candidate(first)])
    events.add(toll, [])
    [clash] = events.candidates
    assert clash.death_sentences == (first, toll)


@pytest.mark.parametrize(("quiet", "counted"), [(1, True), (2, False)])
def test_mentions_one_sentence_of_other_matters_does_not_end_the_story(
    blank: Language, quiet: int, counted: bool
) -> None:
    """One unrelated sentence between an event and its toll keeps them together; two part them."""
    text = (
        "Clashes broke out in Hajin. "
        + "No advances were made. " * quiet
        + "Two fighters were killed."
    )
    first, *others, toll = sentences(blank, text)
    events = ArticleEvents()
    events.add(first, [candidate(first)])
    for other in others:
        events.add(other, [])
    events.add(toll, [])
    assert (toll in events.candidates[0].death_sentences) is counted


def test_mentions_an_actorless_re_mention_folds_into_the_event(blank: Language) -> None:
    """ "During the clashes, 8 fighters were killed.": the same event mentioned again, not a new one."""
    first, again = sentences(
        blank, "Clashes broke out in Hajin. During the clashes, 8 fighters were killed."
    )
    events = ArticleEvents()
    events.add(first, [candidate(first)])
    events.add(again, [candidate(again, anaphoric=True, named=False)])
    [clash] = events.candidates
    assert clash.death_sentences == (first, again)
    assert any("refers back" in reason for reason in clash.reasons)


def test_mentions_a_new_event_sentence_is_a_new_event(blank: Language) -> None:
    """A sentence whose event names its own actor is an event of its own."""
    first, second = sentences(blank, "Clashes broke out in Hajin. Clashes broke out in Tafas.")
    events = ArticleEvents()
    events.add(first, [candidate(first)])
    events.add(second, [candidate(second)])
    assert len(events.candidates) == 2
