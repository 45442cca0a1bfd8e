"""The two sides of one reported action: actor1 acts, actor2 is acted upon.

actor1 is the side that acts (the agent of the trigger), actor2 the side acted upon; when the
text gives no direction the side named first is actor1. The sides come first from a list of
sides the trigger names ("clashes between X and Y", :mod:`eventcoder.side_lists`), else from
the trigger's agent and target regions (:mod:`eventcoder.roles`). Then, for what the parse
leaves open, the way a coder reads the sentence:

- a fight within one group ("two factions of X clashed", "infighting") has it on both sides;
- a pronoun agent ("their failed attacks") is the sentence's other actor, unless a victim;
- "casualties on both sides" refers to the sides of the fight before;
- the dead of a mutual fight are the side acted upon; the dead of a one-way attack made it;
- the coordinated subjects of a reciprocal verb ("X and Y clashed") are two sides;
- allies are never the opponent: "regime forces and allied militias took ..." names one side;
- civilians caught in a fight are never one of its sides.

A side still unnamed after this is filled in from the article (:mod:`eventcoder.implicit_sides`),
using who fought whom earlier in it (:class:`Fights`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from spacy.tokens import Span

from eventcoder import taxonomy
from eventcoder.actors import ActorMention, allied
from eventcoder.candidates import Candidate
from eventcoder.models import Actor
from eventcoder.roles import Roles, ally_tokens
from eventcoder.side_lists import ListedSides, pick_actor, subject_sides
from eventcoder.triggers import Trigger

#: Inter codes of armed, organised actors (state forces, rebels, militias, external forces).
_ARMED = frozenset({1, 2, 3, 4, 8})
#: Verbs whose coordinated subjects fight each other: "HTS and Ahrar al-Sham clashed".
_RECIPROCAL = frozenset(
    {
        "clash",
        "fight",
        "fighting",
        "battle",
        "skirmish",
        "exchange",
        "firefight",
        "gunfight",
        "confrontation",
    }
)


#: Words that refer to the two sides of a fight already reported: "casualties on both sides".
_BOTH_SIDES = re.compile(r"\b(?:both|the two) (?:sides|parties)\b", re.IGNORECASE)


@dataclass
class Fights:
    """Who fought whom so far in an article, for the later sentences that name one side or none.

    ``rival`` maps each actor to the side it was last seen fighting; ``last`` is the last pair
    named as opponents.
    """

    rival: dict[str, Actor] = field(default_factory=dict)
    last: tuple[Actor, Actor] | None = None

    def note(self, candidates: Sequence[Candidate]) -> None:
        """Remember the opponents that ``candidates`` name (both sides named in the text)."""
        for candidate in candidates:
            first, second = candidate.actor1, candidate.actor2
            if first is None or second is None or first.span is None or second.span is None:
                continue
            if first.inter in _ARMED and second.inter in _ARMED and not allied(first, second):
                self.rival[first.name], self.rival[second.name] = second, first
                self.last = (first, second)


#: Verbs whose passive subject or object is the victim ("six fighters were killed").
_HARM_VERBS = frozenset(
    {"kill", "wound", "injure", "die", "shoot", "execute", "behead", "abduct", "kidnap", "target"}
)


def victim_tokens(sentence: Span) -> frozenset[int]:
    """Tokens naming the people harmed: passive subjects and objects of verbs of harm."""
    found: set[int] = set()
    for token in sentence:
        if token.pos_ != "VERB" or token.lemma_.lower() not in _HARM_VERBS:
            continue
        for child in token.children:
            if child.dep_ in ("nsubjpass", "dobj", "obj"):
                found |= {t.i for t in child.subtree}
    return frozenset(found)


#: Words that say a fight is within one group: "two factions of X", "rival groups of X",
#: "infighting", "a factional clash".
_FACTIONS = re.compile(
    r"\b(?:(?:two|rival|opposing|different) (?:factions|groups|wings|camps) (?:of|within|in)\b|infighting\b|factional\b|intra-)",
    re.IGNORECASE,
)


def _factions_of(sentence: Span, mentions: Sequence[ActorMention]) -> Actor | None:
    """The group a sentence reports fighting within itself, if any.

    "two factions of the Awami League clashed", "rival groups of the BCL", or "infighting"
    and "a factional clash" in a sentence that names no other actor.
    """
    found = _FACTIONS.search(sentence.text)
    if found is None or len({m.actor.name for m in mentions}) != 1:
        return None
    mention = mentions[0]
    if mention.actor.inter not in _ARMED:
        return None
    offset = sentence.start_char + found.end()
    if (
        found.group(0).lower().startswith(("infighting", "factional", "intra"))
        or 0 <= mention.span.start - offset <= 12
    ):
        return mention.actor
    return None


@dataclass(frozen=True, slots=True)
class Sides:
    """The sides of one trigger as the sentence names them; None where it names none.

    ``infighting`` is True for a fight within one group, which has it on both sides.
    """

    agent: Actor | None
    assoc1: tuple[str, ...]
    target: Actor | None
    assoc2: tuple[str, ...]
    infighting: bool = False


def read_sides(
    sentence: Span,
    trigger: Trigger,
    roles: Roles,
    mentions: Sequence[ActorMention],
    *,
    listed: ListedSides | None,
    sentence_sides: ListedSides | None,
    fights: Fights,
) -> Sides:
    """The agent and target of ``trigger`` with their associates, read the way a coder would.

    Args:
        sentence: the sentence of the trigger.
        trigger: the trigger whose sides are read.
        roles: the trigger's agent and target regions (:func:`eventcoder.roles.read_roles`).
        mentions: the actors named in the sentence.
        listed: the sides the trigger itself lists ("clashes between X and Y"), if any.
        sentence_sides: the sides another trigger of the sentence lists; they are the sides
            of this one too ("clashes between X and Y, where X took control").
        fights: who fought whom earlier in the article.
    """
    agent, assoc1 = pick_actor(sentence.doc, mentions, roles.agent)
    target, assoc2 = pick_actor(sentence.doc, mentions, roles.target)
    infighting = False
    if listed is not None:
        agent, assoc1, target, assoc2, infighting = (
            listed.actor1,
            listed.assoc1,
            listed.actor2,
            listed.assoc2,
            listed.infighting,
        )
    whole = frozenset(range(sentence.start, sentence.end))
    victims = victim_tokens(sentence)
    battle = taxonomy.event_type_of(trigger.sub_event_type) == "Battles"
    backing = frozenset(ally_tokens(sentence.root))
    if listed is None and battle:
        inside = _factions_of(sentence, mentions)
        if inside is not None:
            # "two factions of the Awami League clashed": one group on both sides.
            agent = target = inside
            assoc1 = assoc2 = ()
            infighting = True
    # Civilians caught in a fight are never one of its sides (ACLED: a battle is between
    # organised armed groups); only the parse may still name them as one.
    fighters = [m for m in mentions if m.actor.inter in _ARMED] if battle else list(mentions)
    if agent is None:
        # "their failed attacks": a pronoun; the sentence's other actor is the agent,
        # unless it is a victim ("six Islamic State fighters were killed").
        agent, _ = pick_actor(sentence.doc, fighters, whole - roles.target - victims)
        if agent is not None and target is not None and agent.name == target.name:
            agent = None
    if (
        agent is None
        and target is None
        and battle
        and fights.last
        and _BOTH_SIDES.search(sentence.text)
    ):
        # "Clashes in Oqeirbat resulted in casualties on both sides": the sides of the
        # fight before it.
        agent, target = (
            replace(a, span=None, reason=f"'both sides' of the fight before: {a.name}")
            for a in fights.last
        )
    if agent is None and battle:
        # "2 soldiers were killed in clashes with Taliban militants": in a fight the dead
        # are one of its sides, the side acted upon; the side they fought killed them.
        armed = [
            m
            for m in fighters
            if m.actor.inter in _ARMED and (target is None or not allied(m.actor, target))
        ]
        # But "10 Taliban were killed following their attacks on Afghan forces": the dead
        # of a one-way attack made it.
        fallen, _ = pick_actor(sentence.doc, armed, victims - roles.target)
        if fallen is not None:
            mutual = target is not None and trigger.head.lemma_.lower() in _RECIPROCAL
            agent, target = (target, fallen) if mutual else (fallen, target)
    if (
        target is None
        and agent is not None
        and battle
        and trigger.head.lemma_.lower() in _RECIPROCAL
    ):
        # "HTS and Ahrar al-Sham fighters clashed": the subjects of a reciprocal verb
        # are its two sides, unless one backs the other.
        sides = subject_sides(sentence.doc, mentions, roles.agent)
        if sides is not None:
            agent, assoc1, target, assoc2 = (
                sides.actor1,
                sides.assoc1,
                sides.actor2,
                sides.assoc2,
            )
    if target is None and agent is not None and sentence_sides is not None:
        first, second = sentence_sides.actor1, sentence_sides.actor2
        target = second if allied(agent, first) else first if allied(agent, second) else None
    if target is None:
        # "2 soldiers were killed following attacks by Taliban militants": the side acted
        # upon is named outside the trigger's own phrase; the victims, else any other actor.
        # Allies are never the other side: "regime forces and allied militias took ...".
        others = [m for m in fighters if agent is None or not allied(m.actor, agent)]
        target, _ = pick_actor(sentence.doc, others, victims - roles.agent - backing)
        if target is None and agent is not None and trigger.sub_event_type != "Agreement":
            # (An agreement's other party is its counterpart, not whoever else is named.)
            target, _ = pick_actor(sentence.doc, others, whole - roles.agent - backing)
    return Sides(agent, assoc1, target, assoc2, infighting)
