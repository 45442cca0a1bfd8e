"""The sides a sentence leaves implicit are filled in the way an ACLED coder would."""

from __future__ import annotations

from datetime import date

import pytest

from eventcoder.actors import ActorContext
from eventcoder.implicit_sides import complete_actors
from eventcoder.models import Actor
from eventcoder.roles import Roles

SYRIA = Actor("Military Forces of Syria (2000-)", 1)
MILITIA = Actor("Militia (Pro-Government)", 3)
IS = Actor("Islamic State (Syria)", 2)
HTS = Actor("HTS: Hayat Tahrir al Sham", 2)
NO_ROLES = Roles(frozenset(), frozenset())


def context(*actors: Actor, armed_group: Actor | None = None) -> ActorContext:
    """An article's actors, most mentioned first."""
    return ActorContext("SY", date(2018, 1, 1), tuple((a, 1) for a in actors), armed_group)


@pytest.mark.parametrize(
    ("sub_event_type", "name", "inter"),
    [
        ("Peaceful protest", "Protesters (Syria)", 6),
        ("Violent demonstration", "Rioters (Syria)", 5),
    ],
)
def test_implicit_sides_demonstrators_are_protesters_or_rioters(
    sub_event_type: str, name: str, inter: int
) -> None:
    """A demonstration's actor1 is Protesters, Rioters when violent, named for the country."""
    actor1, actor2, reasons = complete_actors(sub_event_type, None, None, context(), "SY", NO_ROLES)
    assert actor1 is not None and (actor1.name, actor1.inter) == (name, inter)
    assert actor2 is None
    assert reasons == (actor1.reason,)


def test_implicit_sides_the_victims_of_an_attack_are_civilians() -> None:
    """Violence against civilians has Civilians as actor2 whoever the sentence named."""
    _, actor2, _ = complete_actors("Attack", IS, None, context(), "SY", NO_ROLES)
    assert actor2 is not None and (actor2.name, actor2.inter) == ("Civilians (Syria)", 7)


def test_implicit_sides_the_other_side_is_the_rival_fought_earlier() -> None:
    """A battle that names one side is fought against the side it fought earlier in the article."""
    _, actor2, reasons = complete_actors(
        "Armed clash",
        SYRIA,
        None,
        context(SYRIA, HTS, armed_group=HTS),
        "SY",
        NO_ROLES,
        rivals={SYRIA.name: IS},
    )
    assert actor2 is not None and actor2.name == IS.name
    assert any("earlier in the article" in reason for reason in reasons)


def test_implicit_sides_state_forces_fight_the_articles_armed_group() -> None:
    """With no rival known, state forces fight the article's main armed group."""
    _, actor2, _ = complete_actors(
        "Armed clash", SYRIA, None, context(SYRIA, HTS, armed_group=HTS), "SY", NO_ROLES
    )
    assert actor2 is not None and actor2.name == HTS.name


def test_implicit_sides_allies_are_never_the_other_side() -> None:
    """A rival or armed group that is an ally of the known side is skipped."""
    _, actor2, _ = complete_actors(
        "Armed clash",
        SYRIA,
        None,
        context(SYRIA, MILITIA, IS, armed_group=MILITIA),
        "SY",
        NO_ROLES,
        rivals={SYRIA.name: MILITIA},
    )
    assert actor2 is not None and actor2.name == IS.name


def test_implicit_sides_an_unnamed_opponent_is_an_unidentified_armed_group() -> None:
    """A battle whose other side is named nowhere is fought against an unidentified armed group."""
    _, actor2, _ = complete_actors("Armed clash", SYRIA, None, context(SYRIA), "SY", NO_ROLES)
    assert actor2 is not None and actor2.name == "Unidentified Armed Group (Syria)"


@pytest.mark.parametrize(("infighting", "expected"), [(True, HTS.name), (False, None)])
def test_implicit_sides_one_group_is_on_both_sides_only_in_infighting(
    infighting: bool, expected: str | None
) -> None:
    """X against X is kept for a fight within X, and dropped otherwise."""
    _, actor2, _ = complete_actors(
        "Armed clash", HTS, HTS, context(), "SY", NO_ROLES, infighting=infighting
    )
    assert (actor2.name if actor2 else None) == expected
