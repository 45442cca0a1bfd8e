"""Roles: the agent and target regions of a trigger, and the words that name a side's allies."""

from __future__ import annotations

import pytest
from spacy.language import Language

from eventcoder.roles import ally_tokens, read_roles
from eventcoder.triggers import TriggerFinder


def _words(doc, indices: set[int] | frozenset[int]) -> str:  # type: ignore[no-untyped-def]
    return " ".join(doc[i].text for i in sorted(indices))


@pytest.mark.parametrize(
    ("text", "ally", "not_ally"),
    [
        (
            "QSD forces, supported by the Coalition, captured the village of Abu al Khatir from Islamic State fighters.",
            "Coalition",
            "Islamic",
        ),
        (
            "Regime forces backed by loyal militias fought rebel forces in the countryside of Hama.",
            "militias",
            "rebel",
        ),
        (
            "Government forces, alongside Hezbollah, fought Islamist opposition groups in Hseniyeh.",
            "Hezbollah",
            "Islamist",
        ),
    ],
)
def test_roles_ally_tokens_name_the_supporters(nlp: Language, text: str, ally: str, not_ally: str) -> None:
    """Words after "supported by", "backed by", "alongside" name allies; the opponent is never among them."""
    doc = nlp(text)
    sentence = next(iter(doc.sents))
    found = _words(doc, ally_tokens(sentence.root))
    assert ally in found
    assert not_ally not in found


def test_roles_what_accompanies_a_clash_is_no_ally(nlp: Language) -> None:
    """"accompanied by regime shelling": the shelling may come from the other side, so it names no ally."""
    doc = nlp("Clashes, accompanied by shelling by regime forces, took place between Islamic State fighters and "
              "the Syrian army in Tadmor.")
    assert "regime" not in _words(doc, ally_tokens(next(iter(doc.sents)).root))


@pytest.mark.parametrize(
    ("text", "agent", "target"),
    [
        ("Taliban militants attacked a police checkpoint in Ghazni.", "Taliban", "police"),
        ("A police checkpoint was attacked by Taliban militants in Ghazni.", "Taliban", "police"),
        ("Rebels launched an attack on regime positions near Hama.", "Rebels", "regime"),
    ],
)
def test_roles_agent_and_target_of_a_trigger(nlp: Language, text: str, agent: str, target: str) -> None:
    """Active subject and "by X" are the agent; object, passive subject and "on X" the target."""
    doc = nlp(text)
    sentence = next(iter(doc.sents))
    trigger = next(t for t in TriggerFinder()(sentence) if t.span.root.lemma_ == "attack")
    roles = read_roles(trigger.span)
    assert agent in _words(doc, roles.agent)
    assert target in _words(doc, roles.target)
    assert not roles.swapped
