"""Lists of sides, read linearly: "clashes between X, backed by Y, and Z against W"."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from eventcoder.actors import ActorResolver
from eventcoder.roles import read_roles
from eventcoder.side_lists import ListedSides, between_sides, subject_sides
from eventcoder.triggers import TriggerFinder

SYRIA = "Military Forces of Syria (2000-)"


@pytest.fixture(scope="module")
def resolver() -> ActorResolver:
    """The packaged alias table."""
    return ActorResolver.load()


def listed(
    nlp: Language, resolver: ActorResolver, text: str, on: date, *, subjects: bool = False
) -> ListedSides | None:
    """The sides the first trigger of ``text`` lists ("between ..."), or its subjects list."""
    sentence = next(iter(nlp(text).sents))
    trigger = TriggerFinder()(sentence)[0]
    mentions = resolver.find_mentions(sentence, country="SY", on=on)
    if subjects:
        return subject_sides(sentence.doc, mentions, read_roles(trigger.span).agent)
    return between_sides(trigger, mentions)


def names(
    sides: ListedSides | None,
) -> tuple[str, tuple[str, ...], str, tuple[str, ...], bool] | None:
    """The sides as plain names."""
    if sides is None:
        return None
    return sides.actor1.name, sides.assoc1, sides.actor2.name, sides.assoc2, sides.infighting


@pytest.mark.parametrize(
    ("text", "on", "expected"),
    [
        (  # by camp: the state's militias are on its side, the rebels' Islamists on theirs
            (
                "Clashes took place between regime forces and loyalist militias and rebel and Islamist faction "
                "fighters in the al-Mansheyyi neighborhood of Dar'a."
            ),
            date(2017, 6, 10),
            (
                SYRIA,
                ("Militia (Pro-Government)",),
                "Opposition Rebels (Syria)",
                ("Islamist Militia (Syria)",),
                False,
            ),
        ),
        (  # "on one hand ... on other" splits the list
            (
                "Clashes between the Syrian army supported by allied fighters and Shiite militias on one hand and "
                "Al-Rahman Corps on other took place in Ein Terma town in Rural Damascus."
            ),
            date(2017, 6, 10),
            (SYRIA, ("Shiite Muslim Militia (Syria)",), "FaR: Al Rahman Corps", (), False),
        ),
        (  # a list naming one group only is a fight within it
            "Clashes took place among members of the Sultan Murad Division in Kafr Janna in northern Aleppo.",
            date(2018, 6, 1),
            ("Sultan Murad Division", (), "Sultan Murad Division", (), True),
        ),
    ],
)
def test_side_lists_between_lists_are_split_into_two_sides(
    nlp: Language, resolver: ActorResolver, text: str, on: date, expected: tuple[object, ...]
) -> None:
    """A "between" list splits by "against" or "on one hand", else by camp."""
    assert names(listed(nlp, resolver, text, on)) == expected


def test_side_lists_no_between_no_list(nlp: Language, resolver: ActorResolver) -> None:
    """A trigger without a "between" list lists no sides."""
    text = "Regime forces shelled rebel positions in the countryside of Hama."
    assert listed(nlp, resolver, text, date(2017, 10, 5)) is None


def test_side_lists_subjects_of_a_reciprocal_verb_are_two_sides(
    nlp: Language, resolver: ActorResolver
) -> None:
    """ "HTS and Ahrar al Sham fighters clashed": the coordinated subjects are the two sides."""
    text = "HTS and Ahrar al Sham fighters clashed in the town of Bennsh with no injuries or fatalities reported."
    found = names(listed(nlp, resolver, text, date(2018, 10, 30), subjects=True))
    assert found == ("HTS: Hayat Tahrir al Sham", (), "AAS: Ahrar al Sham", (), False)
