"""The sides a sentence leaves implicit, filled in the way an ACLED coder would, saying why.

Demonstrators are Protesters (Rioters when violent); the victims of violence against civilians
are Civilians. A side left unnamed is the one its counterpart fought earlier in the article,
else the article's main opponent (its armed group against state forces, its state forces
against the others), else, in a battle, an unidentified armed group. Allies are never the
opponent. A fight within one group has it on both sides; otherwise one actor is never on both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from eventcoder import taxonomy
from eventcoder.actors import ActorContext, allied, country_name
from eventcoder.models import Actor
from eventcoder.roles import Roles

#: Sub-event types where one side acts alone (actor2 is optional).
_ONE_SIDED = frozenset(
    {
        "Peaceful protest",
        "Violent demonstration",
        "Change to group/activity",
        "Headquarters or base established",
        "Other",
        "Remote explosive/landmine/IED",
    }
)


def complete_actors(
    sub_event_type: str,
    agent: Actor | None,
    target: Actor | None,
    context: ActorContext,
    country: str,
    roles: Roles,
    *,
    infighting: bool = False,
    rivals: Mapping[str, Actor] | None = None,
    allies: Sequence[str] = (),
) -> tuple[Actor | None, Actor | None, tuple[str, ...]]:
    """Fill in the sides the sentence leaves implicit, saying why, the way a coder would.

    ``infighting``: the sentence reports a fight inside one group ("clashes among members of
    the Sultan Murad Division"), which ACLED codes with that group on both sides. ``rivals``
    maps each actor to the side it fought earlier in the article; ``allies`` names the actors
    on the agent's side, which are never its opponent (see :func:`_opponent`). A battle whose
    other side is nowhere to be found is fought against an unidentified armed group.
    """
    rivals = rivals or {}
    reasons: list[str] = []
    event_type = taxonomy.event_type_of(sub_event_type)
    if sub_event_type in taxonomy_protest_types():
        protesters = Actor(
            _generic("Protesters", country), 6, None, "demonstrators are coded as Protesters"
        )
        if event_type == "Riots":
            protesters = Actor(
                _generic("Rioters", country), 5, None, "violent demonstrators are coded as Rioters"
            )
        if agent is None or agent.inter not in (5, 6):
            reasons.append(protesters.reason)
            agent, target = (
                protesters,
                (agent if agent is not None and agent.inter in (1, 8) else target),
            )
        return agent, target, tuple(reasons)
    if sub_event_type in ("Attack", "Sexual violence", "Abduction/forced disappearance") and (
        target is None or target.inter != 7
    ):
        civilians = Actor(
            _generic("Civilians", country),
            7,
            None,
            "violence against civilians: the victims are Civilians",
        )
        reasons.append(civilians.reason)
        target = civilians
    if agent is None and target is not None and event_type != "Violence against civilians":
        agent = _opponent(target, context, country, rivals)
        if agent is not None:
            reasons.append(agent.reason)
    if agent is None:
        agent = _default_agent(sub_event_type, context, country)
        if agent is not None:
            reasons.append(agent.reason)
    if (
        target is None
        and sub_event_type not in _ONE_SIDED
        and agent is not None
        and (
            event_type in ("Battles", "Explosions/Remote violence") or sub_event_type == "Agreement"
        )
    ):
        target = _opponent(agent, context, country, rivals, allies)
        if target is None and event_type == "Battles":
            name = _generic("Unidentified Armed Group", country)
            target = Actor(
                name, 3, None, f"the other side is named nowhere in the article; coded {name}"
            )
        if target is not None:
            reasons.append(target.reason)
    if agent is not None and target is not None and agent.name == target.name:
        if event_type == "Battles" and (
            infighting or agent.name.startswith("Unidentified Armed Group")
        ):
            reasons.append(
                f"a fight within {agent.name}: the group is on both sides"
                if infighting
                else "neither side is named: both are unidentified armed groups"
            )
        else:
            target = None
    return agent, target, tuple(reasons)


def taxonomy_protest_types() -> frozenset[str]:
    """Sub-event types whose actor1 is Protesters or Rioters."""
    return frozenset(
        {
            "Peaceful protest",
            "Protest with intervention",
            "Excessive force against protesters",
            "Violent demonstration",
        }
    )


def _generic(kind: str, country: str) -> str:
    name = country_name(country) if country else ""
    return f"{kind} ({name})" if name else kind


def _opponent(
    actor: Actor,
    context: ActorContext,
    country: str,
    rivals: Mapping[str, Actor] | None = None,
    allies: Sequence[str] = (),
) -> Actor | None:
    """The other side of a fight whose one side is known, from the article's actors.

    The side ``actor`` fought earlier in the article, if any ("Clashes between the SDF and IS
    ... The SDF took control of the area": IS); else, for state forces, the article's main
    non-state armed group, or an unidentified one; for others, the article's state forces.
    Never an actor of ``allies`` or an ally of ``actor`` by definition.
    """

    def usable(candidate: Actor) -> bool:
        return candidate.name not in allies and not allied(candidate, actor)

    rival = (rivals or {}).get(actor.name)
    if rival is not None and usable(rival):
        return replace(
            rival,
            span=None,
            reason=f"the other side is not named in the sentence; {actor.name} fought {rival.name} earlier in the article",
        )
    if actor.inter in (1, 8):
        armed = context.armed_group
        if armed is not None and not usable(armed):
            armed = next(
                (a for a, _count in context.actors if 2 <= a.inter <= 4 and usable(a)), None
            )
        if armed is not None:
            return replace(
                armed,
                span=None,
                reason=f"the other side is not named in the sentence; the article's armed group is {armed.name}",
            )
        name = _generic("Unidentified Armed Group", country)
        return Actor(name, 3, None, f"the other side is not named; coded {name}")
    for candidate, _count in context.actors:
        if candidate.inter in (1, 8) and candidate.name != actor.name and usable(candidate):
            return replace(
                candidate,
                span=None,
                reason=f"the other side is not named in the sentence; the article's state forces are {candidate.name}",
            )
    return None


def _default_agent(sub_event_type: str, context: ActorContext, country: str) -> Actor | None:
    """Who acted when the sentence does not say: the article's own actors, else unidentified."""
    if sub_event_type in ("Air/drone strike", "Government regains territory"):
        for candidate, _count in context.actors:
            if candidate.inter in (1, 8):
                return replace(
                    candidate,
                    span=None,
                    reason=f"no actor named in the sentence; the article's state forces are {candidate.name}",
                )
    if context.armed_group is not None and sub_event_type in (
        "Non-state actor overtakes territory",
    ):
        return replace(
            context.armed_group, span=None, reason="no actor named; the article's armed group"
        )
    name = _generic("Unidentified Armed Group", country)
    return Actor(name, 3, None, f"no actor named in the sentence: {name}")
