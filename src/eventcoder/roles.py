"""Who did what to whom: read the agent and the target of a trigger from the parse.

ACLED's actor1/actor2 carry no strict direction, but a coder still reads them off the sentence:
the side that acts (subject, "by X", "X's attack") and the side acted upon (object, "on X's
positions", "against X", "clashes with X"). This module finds those two regions of the
sentence for one trigger; :mod:`eventcoder.extract` then places the actor mentions found by
:mod:`eventcoder.actors` into them.

The regions are token index sets, because actor mentions are matched against them by overlap.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

#: Verbs that carry a trigger noun: "launched sorties", "engaged in clashes", "opened fire".
SUPPORT_VERBS = frozenset(
    "launch carry conduct stage engage mount wage open resume restart intensify continue step "
    "unleash lead begin start make fire commit perpetrate execute claim".split()
)
#: Verbs whose subject is the side that was attacked: "soldiers fended off an attack".
DEFENCE_VERBS = frozenset("fend repel repulse thwart foil counter".split())
#: Prepositions that introduce the target of an attack.
TARGET_PREPS = frozenset({"on", "against", "at", "over", "with", "targeting", "upon", "into"})
#: Prepositions that introduce the side that acts.
AGENT_PREPS = frozenset({"by"})
#: Verbs/nouns through which support is named: "backed up by artillery fire and helicopters".
SUPPORT_MARKERS = frozenset("back support cover assist aid accompany".split())


@dataclass(frozen=True, slots=True)
class Roles:
    """Token indices where the agent and the target of one trigger are named.

    ``swapped`` is True when the sentence's subject defended rather than attacked ("fended off
    terrorists' attack"): the attack's own agent is then actor1 and the subject actor2.
    """

    agent: frozenset[int]
    target: frozenset[int]
    swapped: bool = False


def _subtree(token: Token, exclude: Token | None = None) -> set[int]:
    """Indices of ``token``'s subtree, without ``exclude``'s subtree.

    A relative clause inside it is left out: in "the militants, who agreed to leave", only
    "the militants" names the actor.
    """
    skip = {t.i for t in exclude.subtree} if exclude is not None else set()
    for child in token.children:
        if child.dep_ == "relcl":
            skip |= {t.i for t in child.subtree}
    return {t.i for t in token.subtree if t.i not in skip}


RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})


def _subject(verb: Token) -> Token | None:
    """The subject of ``verb``, borrowed along conjunctions ("soldiers ... engaged and advanced").

    A relative pronoun stands for the noun its clause modifies: in "the militants, who agreed
    on Saturday", the subject of "agreed" is "militants".
    """
    seen = 0
    while seen < 4:
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                if child.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                    return verb.head
                return child
        if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.i != verb.i:
            verb = verb.head
            seen += 1
            continue
        return None
    return None


def _passive_agent(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ in AGENT_PREPS):
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    return None


def _is_passive(verb: Token) -> bool:
    return any(child.dep_ in ("nsubjpass", "auxpass") for child in verb.children)


def _noun_agent(noun: Token) -> set[int]:
    """Agent words attached to a trigger noun: "terrorists' attack", "army siege", "attack by X"."""
    region: set[int] = set()
    for child in noun.children:
        if child.dep_ == "poss" or (child.dep_ in ("compound", "amod", "nmod") and child.i < noun.i):
            region |= _subtree(child)
        elif child.dep_ == "prep" and child.lower_ in AGENT_PREPS | {"of"}:
            region |= _subtree(child)
    return region


def _targets(head: Token, exclude: set[int]) -> set[int]:
    """Target words governed by ``head``: objects and "on/against/at/over/with X" phrases."""
    region: set[int] = set()
    for child in head.children:
        if child.dep_ in ("dobj", "obj", "attr") and child.i not in exclude:
            region |= _subtree(child)
        elif child.dep_ == "prep" and child.lower_ in TARGET_PREPS:
            region |= _subtree(child)
    return region - exclude


def read_roles(trigger: Span) -> Roles:
    """The agent and target regions of the event reported by ``trigger``."""
    head = trigger.root
    trigger_tokens = {t.i for t in trigger}
    agent: set[int] = set()
    target: set[int] = set()
    swapped = False
    if head.pos_ in ("VERB", "AUX"):
        passive = _is_passive(head)
        subject = _subject(head)
        by_agent = _passive_agent(head)
        if passive:
            if by_agent is not None:
                agent |= _subtree(by_agent)
            if subject is not None:
                target |= _subtree(subject)
        else:
            if subject is not None:
                agent |= _subtree(subject)
            target |= _targets(head, trigger_tokens)
        if head.lemma_.lower() in DEFENCE_VERBS:
            # "fended off terrorists' attack on their positions": the attack's author attacked.
            for child in head.children:
                if child.dep_ in ("dobj", "obj"):
                    attacker = _noun_agent(child)
                    if attacker:
                        agent, target, swapped = attacker, agent | (_targets(child, attacker)), True
    else:
        agent |= _noun_agent(head)
        target |= _targets(head, trigger_tokens)
        governor = head.head
        if head.dep_ in ("dobj", "pobj", "obj") and governor.i != head.i:
            verb = governor.head if governor.dep_ == "prep" else governor
            lemma = verb.lemma_.lower()
            if lemma in DEFENCE_VERBS and not agent:
                subject = _subject(verb)
                if subject is not None:
                    target |= _subtree(subject)
            elif (lemma in SUPPORT_VERBS or verb.pos_ == "VERB") and not agent:
                subject = _subject(verb)
                if subject is not None and subject.i not in trigger_tokens:
                    agent |= _subtree(subject)
                target |= _targets(verb, trigger_tokens | agent | {head.i})
        elif head.dep_ in ("nsubj", "nsubjpass") and governor.i != head.i:
            target |= _targets(governor, trigger_tokens | agent)
    target -= agent
    return Roles(frozenset(agent - trigger_tokens), frozenset(target - trigger_tokens), swapped)


def support_tokens(clause: Token) -> set[int]:
    """Tokens naming support inside a clause: "supported by the missile and artillery units"."""
    found: set[int] = set()
    for token in clause.subtree:
        if token.lemma_.lower() in SUPPORT_MARKERS and token.i != clause.i:
            found |= {t.i for t in token.subtree}
        elif token.lower_ == "support" and token.dep_ in ("pobj", "dobj"):
            found |= {t.i for t in token.subtree}
    return found


#: Verbs/nouns through which allies are named: "backed by", "with the support of", "air cover".
#: Unlike :data:`SUPPORT_MARKERS`, "accompanied by" is not among them: what accompanies a
#: clash ("accompanied by regime shelling") may come from the other side.
ALLY_MARKERS = frozenset({"back", "support", "cover", "assist", "aid", "reinforce"})
#: Prepositions that add allies or members to an actor: "alongside X", "including X".
ALLY_PREPS = frozenset({"alongside", "including"})


def ally_tokens(clause: Token) -> set[int]:
    """Tokens naming the allies of a side inside a clause.

    "QSD, backed by the Coalition, ...", "regime forces with Russian air cover", "rebels,
    including Ahrar al-Sham": the actors named there fight beside the side they qualify, so
    they are never its opponent.
    """
    found: set[int] = set()
    for token in clause.subtree:
        if token.i == clause.i:
            continue
        if token.lemma_.lower() in ALLY_MARKERS or (
            token.dep_ == "prep" and token.lower_ in ALLY_PREPS
        ):
            found |= {t.i for t in token.subtree}
    return found


def is_anchored(trigger: Span) -> bool:
    """True when a trigger noun is reported by a verb, not just mentioned in passing.

    "after continued attacks by the terrorists, talks are ending": the attacks are part of what
    is reported. "accused militants of betrayal in their battle": the battle is a reference
    inside an accusation's noun phrase, too weak to code on its own. Verbs are always anchored.
    """
    node = trigger.root
    if node.pos_ in ("VERB", "AUX"):
        return True
    for _ in range(6):
        if node.head.i == node.i:
            return True
        parent = node.head
        if parent.pos_ in ("VERB", "AUX"):
            return True
        if parent.pos_ in ("NOUN", "PROPN") and node.dep_ not in ("compound", "conj", "appos"):
            return False
        node = parent
    return False


def is_support_phrase(trigger: Span) -> bool:
    """True for a trigger that only names support of another action.

    "soldiers, backed up by the artillery fire and military helicopters, engaged in clashes":
    the artillery fire is part of the clash (ACLED merges remote violence during a battle into
    the battle), not an event of its own. Only the words inside the "by ..." (or "with the
    support of ...") phrase of a support verb count; the clashes themselves do not.
    """
    node = trigger.root
    for _ in range(4):
        if node.head.i == node.i:
            return False
        parent = node.head
        if node.dep_ == "pobj" and parent.lower_ in ("by", "with", "of"):
            carrier = parent.head
            if carrier.lemma_.lower() in SUPPORT_MARKERS:
                return True
        if node.dep_ == "pobj" and parent.lower_ == "amid":
            return True  # "captured the farms amid regime airstrikes": the setting, not an event
        if node.dep_ == "conj":
            node = parent
            continue
        if node.dep_ not in ("pobj", "compound", "amod", "nmod"):
            return False
        node = parent
    return False
