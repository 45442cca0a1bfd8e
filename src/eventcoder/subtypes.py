"""Settle the ACLED sub-event type of a trigger from its instrument, target, agent and classifier.

A *specific* trigger names its type ("airstrike"). A *generic* one only names violence:
"pounded" is an air strike when the air force pounds and shelling when artillery does (and
both when both do); "attacked" is an attack on civilians when the target is civilians and an
armed clash when it is a checkpoint manned by police; "seized control" is "Government regains
territory" when state forces seize and "Non-state actor overtakes territory" when rebels do.
The classifier's sentence probabilities break the remaining ties, restricted to the types the
trigger can mean, so it can refine but never invent an event type the words do not support.

:func:`settle` returns one or more :class:`Decision` objects (several when a sentence names
several instruments for one action) or none (the words turned out not to report an event:
"captured five" fighters, an agreement merely discussed).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from eventcoder.classify import Prediction
from eventcoder.models import Actor
from eventcoder.roles import support_tokens
from eventcoder.triggers import Trigger

AIR_WORDS = frozenset(
    "air airstrike airstrikes warplane warplanes jet jets aircraft helicopter helicopters drone "
    "drones airforce plane planes bomber bombers gunship gunships sortie sorties".split()
)
ARTILLERY_WORDS = frozenset(
    "artillery mortar mortars rocket rockets missile missiles shell shells shelling tank tanks "
    "howitzer howitzers cannon cannons grad katyusha rpg rpgs".split()
)
EXPLOSIVE_WORDS = frozenset("ied ieds explosive explosives device landmine landmines mine mines".split())
SUICIDE_WORDS = frozenset({"suicide", "svbied"})
GRENADE_WORDS = frozenset({"grenade", "grenades"})
CIVILIAN_WORDS = frozenset(
    "civilian civilians resident residents villager villagers child children woman women girl "
    "girls boy boys farmer farmers worker workers student students teacher teachers journalist "
    "journalists family families worshipper worshippers passenger passengers shepherd shepherds "
    "man men people person displaced refugee refugees patient patients doctor doctors nurse "
    "nurses aid market school hospital mosque church home homes house houses".split()
)
ARMED_WORDS = frozenset(
    "soldier soldiers troop troops militant militants fighter fighters rebel rebels insurgent "
    "insurgents terrorist terrorists police policeman policemen officer officers army forces "
    "force checkpoint checkpoints position positions base bases gunman gunmen jihadist "
    "jihadists guard guards militia militias militiamen commander commanders unit units post "
    "posts convoy patrol barracks outpost".split()
)
PLACE_WORDS = frozenset(
    "town village city area district hill road farm farms neighbourhood neighborhood region "
    "base airport crossing border province countryside outskirts highway junction bridge dam "
    "complex mosque building camp field airbase checkpoint valley mountain".split()
)
#: Generic triggers that name ground fighting whatever instruments the clause mentions.
GROUND_ONLY = frozenset({"advance", "storm", "ambush", "repel", "repulse", "fend"})
WEAPON_WORDS = frozenset("weapon weapons arms ammunition cache rifle rifles explosives".split())
AGREEMENT_VERBS = frozenset(
    "reach sign conclude strike broker seal announce agree implement accept finalize finalise "
    "clinch hammer enter".split()
)
INTERVENTION_WORDS = frozenset(
    "disperse dispersed tear teargas water baton batons arrest arrested detain detained "
    "rubber".split()
)
PROTEST_VIOLENCE_WORDS = frozenset(
    "torch torched burn burned burnt vandalise vandalize vandalised vandalized stone stones "
    "pelt pelted block blocked barricade barricades clash clashed loot looted tyres tires".split()
)

VIOLENT_TYPES = frozenset(
    {
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
        "Mob violence",
    }
)
PROTEST_TYPES = frozenset(
    {
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
        "Violent demonstration",
    }
)


@dataclass(frozen=True, slots=True)
class Decision:
    """The sub-event type chosen for a trigger, how sure we are, and why."""

    sub_event_type: str
    weight: float
    reason: str


def _words(tokens: set[int] | frozenset[int], sentence: Span) -> set[str]:
    doc = sentence.doc
    return {doc[i].lower_ for i in tokens} | {doc[i].lemma_.lower() for i in tokens}


def _clause(head: Token) -> Token:
    """The verb that heads the clause of ``head`` (itself when it is a verb)."""
    node = head
    for _ in range(4):
        if node.pos_ in ("VERB", "AUX") or node.head.i == node.i:
            return node
        node = node.head
    return node


def _clause_words(trigger: Trigger) -> set[str]:
    """Words of the trigger's clause, without those naming support ("backed by helicopters")."""
    clause = _clause(trigger.head)
    tokens = {t.i for t in clause.subtree} - support_tokens(clause)
    return _words(tokens, trigger.span.sent)


def _compatible(trigger: Trigger) -> frozenset[str]:
    if trigger.sub_event_type in VIOLENT_TYPES:
        return VIOLENT_TYPES
    if trigger.sub_event_type in PROTEST_TYPES | {"Violent demonstration"}:
        return PROTEST_TYPES
    return frozenset({trigger.sub_event_type})


def _by_classifier(
    prediction: Prediction | None, allowed: frozenset[str], default: str
) -> tuple[str, float | None]:
    if prediction is None:
        return default, None
    for name, probability in prediction.ranked:
        if name in allowed:
            return name, probability
    return default, None


def settle(
    trigger: Trigger,
    *,
    agent: Actor | None,
    target_words: set[str],
    target_actor: Actor | None,
    prediction: Prediction | None,
) -> list[Decision]:
    """Decide the sub-event type(s) the trigger reports, or none.

    Args:
        trigger: the trigger words and the lexicon's suggestion.
        agent: the actor in the agent role, if one was found (decides territory types).
        target_words: lower-cased words of the target region (civilians? a town? weapons?).
        target_actor: the actor in the target role, if one was found.
        prediction: the classifier's view of the sentence, if a classifier is loaded.
    """
    suggested = trigger.sub_event_type
    words = trigger.span.text.lower()
    clause = _clause_words(trigger)
    decisions: list[Decision] = []

    if suggested in ("Government regains territory", "Non-state actor overtakes territory"):
        return _territory(trigger, agent, target_words, target_actor)
    if suggested == "Agreement":
        return _agreement(trigger)
    if suggested == "Non-violent transfer of territory":
        if target_words & PLACE_WORDS or any(t.ent_type_ in ("GPE", "LOC", "FAC") for t in trigger.span.sent):
            return [Decision(suggested, trigger.weight, f"'{words}' hands over a place")]
        return []
    if suggested in PROTEST_TYPES:
        return [_protest(trigger, clause)]
    if trigger.specific:
        return [Decision(suggested, trigger.weight, f"'{trigger.span.text}' names a {suggested.lower()}")]

    if trigger.head.lemma_.lower() in GROUND_ONLY:
        return [Decision(suggested, trigger.weight, f"'{words}' is ground fighting")]
    # Generic violence: instrument first, then target, then the classifier.
    if clause & SUICIDE_WORDS:
        decisions.append(Decision("Suicide bomb", max(trigger.weight, 0.8), "a suicide attack"))
    if clause & GRENADE_WORDS:
        decisions.append(Decision("Grenade", max(trigger.weight, 0.8), "a grenade was used"))
    if not decisions and clause & EXPLOSIVE_WORDS and suggested == "Remote explosive/landmine/IED":
        decisions.append(Decision(suggested, max(trigger.weight, 0.75), "an explosive device went off"))
    air = clause & AIR_WORDS
    artillery = clause & ARTILLERY_WORDS
    if not decisions and air:
        decisions.append(
            Decision("Air/drone strike", max(trigger.weight, 0.8), f"'{words}' by air ({sorted(air)[0]})")
        )
    if not decisions or (air and artillery):
        if artillery:
            decisions.append(
                Decision(
                    "Shelling/artillery/missile attack",
                    max(trigger.weight, 0.8),
                    f"'{words}' with {sorted(artillery)[0]}",
                )
            )
    if decisions:
        return decisions

    civilians = target_actor is not None and target_actor.inter == 7
    armed_target = target_actor is not None and target_actor.inter not in (0, 7)
    if not target_actor:
        civilians = bool(target_words & CIVILIAN_WORDS) and not target_words & ARMED_WORDS
        armed_target = bool(target_words & ARMED_WORDS)
    if civilians:
        return [Decision("Attack", max(trigger.weight, 0.7), f"'{words}' targets civilians")]
    if armed_target or (agent is not None and target_actor is not None):
        return [Decision("Armed clash", max(trigger.weight, 0.65), f"'{words}' between armed sides")]
    if suggested == "Remote explosive/landmine/IED":
        return [Decision(suggested, trigger.weight, f"'{words}': an explosion with no other instrument named")]
    chosen, probability = _by_classifier(prediction, _compatible(trigger), suggested)
    if probability is not None and chosen != suggested:
        return [
            Decision(
                chosen,
                trigger.weight * 0.5 + probability * 0.5,
                f"'{words}' names no instrument or target; the classifier prefers {chosen} (p={probability:.2f})",
            )
        ]
    if suggested == "Attack" and agent is None:
        return [Decision("Attack", trigger.weight * 0.8, f"'{words}': killing with no armed side named")]
    return [Decision(suggested, trigger.weight, f"'{words}' suggests a {suggested.lower()}")]


def _territory(
    trigger: Trigger, agent: Actor | None, target_words: set[str], target_actor: Actor | None
) -> list[Decision]:
    words = trigger.span.text.lower()
    lemma = trigger.head.lemma_.lower()
    person_object = target_actor is not None or any(
        w in ARMED_WORDS | CIVILIAN_WORDS for w in target_words
    )
    numeric_object = any(t.like_num for t in trigger.head.children if t.dep_ in ("dobj", "obj"))
    if lemma in ("capture", "seize") and "control" not in words:
        if target_words & WEAPON_WORDS:
            return [Decision("Disrupted weapons use", 0.6, f"'{words}' weapons")]
        if (person_object or numeric_object) and not target_words & PLACE_WORDS:
            return []  # captured fighters are part of the battle, not territory
        if not target_words & PLACE_WORDS and not _names_place(trigger):
            return []
    if agent is not None and 2 <= agent.inter <= 4:
        return [
            Decision(
                "Non-state actor overtakes territory",
                trigger.weight,
                f"'{words}' by {agent.name}, a non-state actor",
            )
        ]
    if agent is not None and agent.inter in (1, 8):
        return [
            Decision(
                "Government regains territory", trigger.weight, f"'{words}' by {agent.name}, state forces"
            )
        ]
    if trigger.sub_event_type == "Non-state actor overtakes territory":
        return [Decision(trigger.sub_event_type, trigger.weight * 0.8, f"'{words}': a place fell")]
    return [
        Decision(
            "Government regains territory",
            trigger.weight * 0.85,
            f"'{words}': territory regained (loaded words such as 'liberation' are coded, not copied)",
        )
    ]


def _names_place(trigger: Trigger) -> bool:
    for child in trigger.head.subtree:
        if child.ent_type_ in ("GPE", "LOC", "FAC") or child.lower_ in PLACE_WORDS:
            return True
    return False


def _agreement(trigger: Trigger) -> list[Decision]:
    """An agreement is an event when it is reached, signed or agreed; not when discussed."""
    head = trigger.head
    if head.pos_ == "VERB":
        if head.lemma_.lower() == "agree" and head.tag_ in ("VBD", "VBN", "VBZ", "VBP"):
            return [Decision("Agreement", 0.75, f"'{head.text}': the sides agreed")]
        return []
    governor = head.head
    while governor.dep_ == "prep" and governor.head.i != governor.i:
        governor = governor.head
    if governor.lemma_.lower() in AGREEMENT_VERBS and governor.i != head.i:
        return [Decision("Agreement", 0.7, f"an agreement was {governor.text!r}")]
    for child in head.children:
        if child.dep_ in ("amod", "acl") and child.lemma_.lower() in AGREEMENT_VERBS:
            return [Decision("Agreement", 0.7, f"a {child.text} {head.text}")]
    return []


def _protest(trigger: Trigger, clause: set[str]) -> Decision:
    words = trigger.span.text.lower()
    if trigger.sub_event_type == "Violent demonstration" or clause & PROTEST_VIOLENCE_WORDS:
        return Decision("Violent demonstration", trigger.weight, f"'{words}' with violence by demonstrators")
    killed = {"kill", "killed", "shot", "shoot", "dead"} & clause
    if killed and clause & {"police", "troops", "soldiers", "forces", "security"}:
        return Decision("Excessive force against protesters", trigger.weight, "protesters shot or killed by security forces")
    if clause & INTERVENTION_WORDS:
        return Decision("Protest with intervention", trigger.weight, "the protest was dispersed or suppressed")
    return Decision("Peaceful protest", trigger.weight, f"'{words}' with no violence reported")
