"""Trigger words: lexicon matches on lemmas, longest first, the same in every process."""

from __future__ import annotations

import pytest
from spacy.language import Language

from eventcoder.triggers import TriggerFinder, _keys


@pytest.fixture(scope="module")
def find() -> TriggerFinder:
    """The packaged lexicon's finder."""
    return TriggerFinder()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Government jets carried out air strikes on the town.", [("air strikes", "Air/drone strike")]),
        ("Artillery units opened fire on the farms.", [("opened fire", "Armed clash")]),
        ("The Free Syrian Army attacked the Liberation Army of Syria.", [("attacked", "Armed clash")]),
        ("The army said it was a quiet day.", []),
    ],
)
def test_triggers_find_lexicon_words(
    nlp: Language, find: TriggerFinder, text: str, expected: list[tuple[str, str]]
) -> None:
    """Entries match on lemmas ("strikes", "opened"); names ("Liberation Army") are no triggers."""
    found = find(next(nlp(text).sents))
    assert [(t.span.text, t.sub_event_type) for t in found] == expected


def test_triggers_prefer_the_longest_match(nlp: Language, find: TriggerFinder) -> None:
    """"air strike" wins over a shorter entry inside it; the triggers do not overlap."""
    found = find(next(nlp("Russian jets launched an air strike on Idlib.").sents))
    assert [t.span.text for t in found] == ["air strike"]


def test_triggers_keys_are_ordered_lemma_first(nlp: Language) -> None:
    """A token's lexicon keys come lemma first, once each, so every process tries them alike."""
    doc = nlp("Rebels shelled the base. The attack failed.")
    by_text = {t.text: _keys(t) for t in doc}
    assert by_text["shelled"] == ("shell", "shelled")
    assert by_text["attack"] == ("attack",)


def test_triggers_same_result_twice(nlp: Language, find: TriggerFinder) -> None:
    """Calling the finder again on the same sentence gives the same triggers."""
    sentence = next(nlp("Fierce clashes broke out as jets pounded the farms with air raids.").sents)
    first = [(t.span.start, t.span.end, t.sub_event_type) for t in find(sentence)]
    assert first and first == [(t.span.start, t.span.end, t.sub_event_type) for t in find(sentence)]
