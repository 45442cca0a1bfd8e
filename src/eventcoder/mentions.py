"""Several mentions of one event are one event.

Within a sentence, triggers that describe one action fold into one ("fended off terrorists'
attack ..., killing or wounding ten" is one clash; "airstrikes which killed several" is one air
strike): :func:`fold_triggers`. Across sentences, a later sentence that only mentions
the event again ("During the clashes, 8 IS fighters were killed.") or reports its toll ("1 of
the attackers was also killed.") counts toward that event, its dead and its evidence, rather
than making a new event with unidentified actors: :class:`ArticleEvents`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from spacy.tokens import Span, Token

from eventcoder import taxonomy
from eventcoder.candidates import Candidate
from eventcoder.modality import Modality
from eventcoder.models import Location
from eventcoder.sides import victim_tokens
from eventcoder.triggers import Trigger


def fold_triggers(realized: list[tuple[Trigger, Modality]]) -> list[tuple[Trigger, Modality]]:
    """Fold generic triggers into the trigger of the same action.

    "fended off terrorists' attack ..., killing or wounding ten ... and capturing five" is one
    clash; "airstrikes which killed several" is one air strike. A generic trigger within three
    dependency steps of a stronger trigger is part of its event.
    """
    kept: list[tuple[Trigger, Modality]] = []
    ordered = sorted(
        realized, key=lambda pair: (-pair[0].specific, -pair[0].weight, pair[0].span.start)
    )
    for trigger, modality in ordered:
        if not trigger.specific and any(_linked(trigger, other) for other, _ in kept):
            continue
        kept.append((trigger, modality))
    return sorted(kept, key=lambda pair: pair[0].span.start)


def _linked(a: Trigger, b: Trigger) -> bool:
    """True when the heads of two triggers are within three dependency steps."""
    path_a = _ancestors(a.head)
    path_b = _ancestors(b.head)
    for steps_a, node in enumerate(path_a):
        if node in path_b:
            return steps_a + path_b.index(node) <= 3
    return False


def _ancestors(token: Token) -> list[int]:
    """The token and its heads up to the root (at most 12), as indices."""
    chain = [token.i]
    node = token
    while node.head.i != node.i and len(chain) < 12:
        node = node.head
        chain.append(node.i)
    return chain


#: Words that make a sentence without an event of its own count toward the previous event's dead.
_DEATH_WORDS = re.compile(
    r"\b(kill|dead|death|died|fatalit|casualt|toll|bodies|lost their lives|perish)", re.IGNORECASE
)


@dataclass
class ArticleEvents:
    """The candidate events of one article, in text order, as its sentences are read.

    A sentence's events are added after the events before them, except the re-mentions of the
    last event sentence's events, which are folded into them (:func:`_fold_anaphora`). A
    sentence with no event of its own that reports deaths right after an event counts toward
    that event's dead. One sentence of other matters in between ("No advances were made.")
    does not end the event's story; a second one does.
    """

    candidates: list[Candidate] = field(default_factory=list)
    #: The index of the last event sentence's first candidate, while later sentences may
    #: still refer back to it.
    last_first: int | None = None
    #: Sentences since then that neither report an event nor count its dead.
    quiet: int = 0

    def add(self, sentence: Span, current: list[Candidate]) -> None:
        """Add the events ``sentence`` reports (``current``, possibly none) to the article's."""
        if not current:
            if self.last_first is not None and _DEATH_WORDS.search(sentence.text):
                # "1 of the attackers was also killed." / "Total fatalities coded to 4.": a
                # sentence reporting deaths right after an event, with no event of its own,
                # counts toward that event (the rules of :mod:`eventcoder.fatalities` keep it
                # from double counting).
                first = self.candidates[self.last_first]
                self.candidates[self.last_first] = replace(
                    first, death_sentences=(*first.death_sentences, sentence)
                )
            elif self.quiet < 1:
                self.quiet += 1
            else:
                self.last_first = None
            return
        self.quiet = 0
        if self.last_first is not None:
            current = _fold_anaphora(self.candidates, self.last_first, current, sentence)
            if not current:
                return
        self.last_first = len(self.candidates)
        self.candidates += current


def placed_in(location: Location | None, sentence: Span) -> bool:
    """True when the location was read from the sentence itself, not carried over from before."""
    if location is None or location.span is None:
        return False
    return sentence.start_char <= location.span.start < sentence.end_char


def _fold_anaphora(
    candidates: list[Candidate], last_first: int, current: list[Candidate], sentence: Span
) -> list[Candidate]:
    """Fold re-mentions of the previous event into it, and return the sentence's new events.

    "Given heavy fighting, fatalities are assumed." "During the clashes, 8 IS fighters were
    killed." A trigger that names neither an actor nor a place of its own, right after an event
    of the same event type, is that event mentioned again: its words count toward that event
    (its dead, its evidence), not as a new event with unidentified actors. So is a noun that
    names only the previous event's actors, or its dead (:func:`_echoed`).
    """
    anchor_type = taxonomy.event_type_of(candidates[last_first].sub_event_type)
    kept: list[Candidate] = []
    for candidate in current:
        index: int | None = None
        if candidate.anaphoric and _continues(anchor_type, candidate):
            index = last_first
        else:
            index = _echoed(candidates, last_first, candidate, sentence)
        if index is None:
            kept.append(candidate)
            continue
        anchor = candidates[index]
        deaths = anchor.death_sentences
        if sentence not in deaths and candidate.death_sentences:
            deaths = (*deaths, sentence)
        reason = f"'{candidate.trigger.span.text}' refers back to the {anchor.sub_event_type.lower()} before it"
        candidates[index] = replace(
            anchor,
            death_sentences=deaths,
            evidence=(*anchor.evidence, *(e for e in candidate.evidence if e.field == "sentence")),
            reasons=(*anchor.reasons, reason),
        )
    return kept


def _echoed(
    candidates: list[Candidate], last_first: int, candidate: Candidate, sentence: Span
) -> int | None:
    """The index of the previous sentence's event that ``candidate`` mentions again, if any.

    A noun trigger ("Clashes and shelling resulted in ...", "killed in clashes") of the same
    event type as an event of the previous sentence, with no other place and date of its own,
    that names only that event's actors or the people killed in it, is the same event: "Clashes
    took place between IS and the SDF in Hajin. During the clashes, 8 IS and 2 SDF fighters were
    killed." A noun with new actors or a new place ("Clashes also broke out in Tafas") is not.
    """
    if candidate.trigger.head.pos_ not in ("NOUN", "PROPN"):
        return None
    kind = taxonomy.event_type_of(candidate.sub_event_type)
    group = range(last_first, len(candidates))
    index = next(
        (i for i in group if candidates[i].sub_event_type == candidate.sub_event_type), None
    )
    if index is None:
        index = next(
            (i for i in group if taxonomy.event_type_of(candidates[i].sub_event_type) == kind), None
        )
    if index is None:
        return None
    anchor = candidates[index]
    if placed_in(candidate.location, sentence) and _place_key(candidate.location) != _place_key(
        anchor.location
    ):
        return None
    if (
        candidate.event_date is not None
        and anchor.event_date is not None
        and candidate.event_date.value != anchor.event_date.value
    ):
        return None
    known = (
        {a.name for a in (anchor.actor1, anchor.actor2) if a is not None}
        | set(anchor.assoc1)
        | set(anchor.assoc2)
    )
    doc = sentence.doc
    victims = victim_tokens(sentence)
    for actor in (candidate.actor1, candidate.actor2):
        if actor is None or actor.span is None or actor.name in known:
            continue  # inferred from the article, or already a side of the event
        tokens = doc.char_span(actor.span.start, actor.span.end, alignment_mode="expand")
        if tokens is None or not any(t.i in victims for t in tokens):
            return None
    return index


def _place_key(location: Location | None) -> str:
    """The place a location stands for: its GeoNames id, else its name."""
    if location is None:
        return ""
    return location.place.geonameid if location.place is not None else location.name.lower()


def _continues(anchor_type: str, candidate: Candidate) -> bool:
    """Whether an actor-less, place-less mention can be part of the event before it.

    The same event type ("the clashes"), a bare killing ("six fighters were killed", "One
    fighter was killed in the attack": the toll of what came before), or remote violence after
    a battle (ACLED merges shelling and air strikes during a battle into the battle).
    """
    kind = taxonomy.event_type_of(candidate.sub_event_type)
    if kind == anchor_type:
        return True
    if (
        candidate.trigger.head.lemma_.lower() in ("kill", "die", "shoot", "wound")
        and not candidate.trigger.specific
    ):
        return True
    return anchor_type == "Battles" and kind == "Explosions/Remote violence"
