"""The two sides of one action, read the way a coder would: who acted, who was acted upon."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from eventcoder import taxonomy
from eventcoder.actors import ActorResolver
from eventcoder.candidates import Candidate
from eventcoder.modality import Modality
from eventcoder.models import Actor, Span
from eventcoder.roles import read_roles
from eventcoder.side_lists import between_sides
from eventcoder.sides import Fights, Sides, read_sides
from eventcoder.triggers import TriggerFinder


@pytest.fixture(scope="module")
def resolver() -> ActorResolver:
    """The packaged alias table."""
    return ActorResolver.load()


def battle_sides(
    nlp: Language,
    resolver: ActorResolver,
    text: str,
    country: str,
    on: date,
    fights: Fights | None = None,
) -> Sides:
    """The sides of the first battle trigger of ``text``."""
    sentence = next(iter(nlp(text).sents))
    trigger = next(
        t
        for t in TriggerFinder()(sentence)
        if taxonomy.event_type_of(t.sub_event_type) == "Battles"
    )
    mentions = resolver.find_mentions(sentence, country=country, on=on)
    listed = between_sides(trigger, mentions)
    return read_sides(
        sentence, trigger, read_roles(trigger.span), mentions,
        listed=listed, sentence_sides=listed, fights=fights or Fights(),
    )  # fmt: skip


def names(sides: Sides) -> tuple[str | None, str | None]:
    """The agent and target names."""
    return (
        sides.agent.name if sides.agent else None,
        sides.target.name if sides.target else None,
    )


def test_sides_two_factions_of_one_group_are_both_sides(
    nlp: Language, resolver: ActorResolver
) -> None:
    """ "two factions of the Awami League engaged in a clash": the group fights itself."""
    text = (
        "On 16 November 2023, two factions of Awami League engaged in a clash in Nabiganj town (Habiganj, "
        "Sylhet), following an altercation over establishing dominance."
    )
    sides = battle_sides(nlp, resolver, text, "BD", date(2023, 11, 16))
    assert names(sides) == ("AL: Bangladesh Awami League", "AL: Bangladesh Awami League")
    assert sides.infighting


def test_sides_the_dead_of_a_mutual_fight_are_acted_upon(
    nlp: Language, resolver: ActorResolver
) -> None:
    """ "3 'Arbakis' were killed during clashes with Taliban militants": the Taliban killed them."""
    text = (
        "On 5 March 2020, 3 'Arbakis' were killed and 1 was wounded during clashes with Taliban militants in "
        "Nijrab distrct, Kapisa."
    )
    assert names(battle_sides(nlp, resolver, text, "AF", date(2020, 3, 21))) == (
        "Taliban", "Militia (Pro-Government)",
    )  # fmt: skip


def test_sides_both_sides_are_the_sides_of_the_fight_before(
    nlp: Language, resolver: ActorResolver
) -> None:
    """ "casualties on both sides" names no actor: the sides are those of the last fight."""
    fights = Fights(
        last=(Actor("QSD: Syrian Democratic Forces", 2), Actor("Islamic State (Syria)", 2))
    )
    text = "Clashes in Oqeirbat resulted in casualties on both sides."
    sides = battle_sides(nlp, resolver, text, "SY", date(2018, 11, 20), fights)
    assert names(sides) == ("QSD: Syrian Democratic Forces", "Islamic State (Syria)")


def test_sides_fights_remember_opponents_named_in_the_text() -> None:
    """Armed opponents both named in the text are rivals; allies and inferred sides are not."""
    named = Span(0, 1, "x")  # where the text names the actor
    sdf = Actor("QSD: Syrian Democratic Forces", 2, span=None)
    named_sdf = Actor(sdf.name, 2, span=named)
    named_is = Actor("Islamic State (Syria)", 2, span=named)
    named_army = Actor("Military Forces of Syria (2000-)", 1, span=named)
    named_militia = Actor("Militia (Pro-Government)", 3, span=named)
    fights = Fights()
    fights.note([_clash(sdf, named_is), _clash(named_army, named_militia)])
    assert fights.rival == {} and fights.last is None
    fights.note([_clash(named_sdf, named_is)])
    assert fights.rival == {sdf.name: named_is, named_is.name: named_sdf}
    assert fights.last == (named_sdf, named_is)


def _clash(actor1: Actor, actor2: Actor) -> Candidate:
    """A clash between two actors (its trigger plays no part in who fought whom)."""
    return Candidate(
        "Armed clash", 1.0, None, Modality("asserted", "", ""),  # type: ignore[arg-type]
        actor1, actor2, (), (), None, None, (), (),
    )  # fmt: skip
