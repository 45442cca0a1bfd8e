"""Turn one parsed article into ACLED events, each traceable to its words.

For every sentence, in text order:

1. find the trigger words (:mod:`eventcoder.triggers`); a sentence without any reports no event;
2. read each trigger's modality and attribution (:mod:`eventcoder.modality`); plans,
   alternatives, fears and denials are not events;
3. fold triggers that describe one action into one ("fended off terrorists' attack ..., killing
   or wounding ten" is one clash; "backed up by artillery fire" is support, not a shelling);
4. date it (:mod:`eventcoder.dates`), find its actors (:mod:`eventcoder.roles`,
   :mod:`eventcoder.actors`), settle its sub-event type (:mod:`eventcoder.subtypes`), place it
   (:mod:`eventcoder.geocode`) and count its dead (:mod:`eventcoder.fatalities`).

Then ACLED's disaggregation rule merges what is one event: the same day, place, actors and
sub-event type mentioned twice in an article is one event, with the evidence of both mentions.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span, Token

from eventcoder import dates, fatalities, geocode, notes, taxonomy
from eventcoder.actors import (
    ActorContext,
    ActorMention,
    ActorResolver,
    country_code,
    country_name,
    interaction_code,
)
from eventcoder.classify import EventClassifier, Prediction
from eventcoder.gazetteer import Gazetteer
from eventcoder.modality import AttributionMemory, Modality, read_modality
from eventcoder.models import Actor, Article, Event, Evidence, Location, Toponym
from eventcoder.roles import Roles, is_anchored, is_support_phrase, read_roles
from eventcoder.subtypes import Decision, settle
from eventcoder.toponyms import find_toponyms
from eventcoder.triggers import Trigger, TriggerFinder

_TERRITORY = frozenset({"Government regains territory", "Non-state actor overtakes territory"})

#: Words that make a sentence without an event of its own count toward the previous event's dead.
_DEATH_WORDS = re.compile(r"\b(kill|dead|death|died|fatalit|casualt|toll|bodies|lost their lives|perish)", re.IGNORECASE)

#: Events scoring below this confidence are not emitted (see :func:`_confidence`).
MIN_CONFIDENCE = 0.3

#: Modality weights in the confidence: a claim is less certain than the outlet's own report.
_MODALITY_FACTOR = {"asserted": 1.0, "claimed": 0.85}
#: Location weights: ACLED geo_precision 1 (the place), 2 (near it), 3 (only the region).
_PRECISION_FACTOR = {1: 1.0, 2: 0.9, 3: 0.75}

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


@dataclass(frozen=True, slots=True)
class Candidate:
    """One event as read from one trigger, before disaggregation."""

    sub_event_type: str
    weight: float
    trigger: Trigger
    modality: Modality
    actor1: Actor | None
    actor2: Actor | None
    assoc1: tuple[str, ...]
    assoc2: tuple[str, ...]
    location: Location | None
    event_date: dates.EventDate | None
    death_sentences: tuple[Span, ...]
    reasons: tuple[str, ...]
    prediction: Prediction | None = None
    evidence: tuple[Evidence, ...] = field(default=())
    anaphoric: bool = False


class EventExtractor:
    """Extract events from parsed articles. Build once (it loads its lexicons); call per article.

    Args:
        gazetteer: the opened gazetteer for toponym resolution and event location.
        actors: the actor alias resolver (the packaged table by default).
        classifier: the trained sub-event classifier; None to use the lexicon alone.
    """

    def __init__(
        self,
        gazetteer: Gazetteer,
        *,
        actors: ActorResolver | None = None,
        classifier: EventClassifier | None = None,
        triggers: TriggerFinder | None = None,
    ) -> None:
        self.gazetteer = gazetteer
        self.actors = actors or ActorResolver.load()
        self.classifier = classifier
        self.find_triggers = triggers or TriggerFinder()

    def __call__(self, article: Article, doc: Doc) -> list[Event]:
        """Every event the article reports as having happened, disaggregated the ACLED way."""
        hint = country_code(article.country) if article.country else ""
        toponyms = find_toponyms(doc, self.gazetteer, countries=(hint,) if hint else ())
        country = _article_country(toponyms) or hint
        context = self.actors.article_context(doc, country=country, on=article.published)
        memory = AttributionMemory()
        sentences = list(doc.sents)
        triggered = [(s, self.find_triggers(s)) for s in sentences]
        predictions = self._predict([s for s, found in triggered if found])
        candidates: list[Candidate] = []
        last_first: int | None = None  # index of the previous event sentence's first candidate
        for sentence, found in triggered:
            memory.observe(sentence)
            current = (
                self._sentence_events(
                    article, sentence, found, toponyms, country, context, memory, predictions.get(sentence.start)
                )
                if found
                else []
            )
            if not current:
                if last_first is not None and _DEATH_WORDS.search(sentence.text):
                    # "1 of the attackers was also killed." / "Total fatalities coded to 4.": a
                    # sentence reporting deaths right after an event, with no event of its own,
                    # counts toward that event (the module's rules keep it from double counting).
                    first = candidates[last_first]
                    candidates[last_first] = replace(first, death_sentences=(*first.death_sentences, sentence))
                else:
                    last_first = None
                continue
            if last_first is not None:
                current = _fold_anaphora(candidates, last_first, current, sentence)
                if not current:
                    continue
            last_first = len(candidates)
            candidates += current
        return disaggregate(article, candidates, country)

    def _predict(self, sentences: Sequence[Span]) -> dict[int, Prediction]:
        if self.classifier is None or not sentences:
            return {}
        found = self.classifier.predict([s.text for s in sentences])
        return {s.start: p for s, p in zip(sentences, found, strict=True)}

    def _sentence_events(
        self,
        article: Article,
        sentence: Span,
        found: list[Trigger],
        toponyms: Sequence[Toponym],
        country: str,
        context: ActorContext,
        memory: AttributionMemory,
        prediction: Prediction | None,
    ) -> list[Candidate]:
        realized: list[tuple[Trigger, Modality]] = []
        for trigger in found:
            modality = read_modality(trigger.span, outlet=article.outlet, memory=memory)
            weak_noun = not trigger.specific or trigger.weight < 0.6
            if weak_noun and not is_anchored(trigger.span):
                continue
            if modality.realized and not is_support_phrase(trigger.span):
                realized.append((trigger, modality))
        if prediction is not None and prediction.sub_event_type is None and prediction.probability > 0.8:
            realized = [(t, m) for t, m in realized if t.specific and t.weight >= 0.8]
        main = _fold(realized)
        if any(t.sub_event_type in _TERRITORY for t, _ in main) and len(main) > 1:
            # "Following clashes, regime forces took control of ...": ACLED codes the fight that
            # ends in a change of control as that change, one event, not a clash beside it.
            main = [(t, m) for t, m in main if t.sub_event_type != "Armed clash" or t.specific and t.weight >= 0.9]
        event_date = dates.resolve_event_date(sentence, article.published, trigger=main[0][0].span) if main else None
        on = event_date.value if event_date else article.published
        mentions = self.actors.find_mentions(sentence, country=country, on=on)
        out: list[Candidate] = []
        for index, (trigger, modality) in enumerate(main):
            when = event_date
            if index > 0:
                when = dates.resolve_event_date(sentence, article.published, trigger=trigger.span)
            roles = read_roles(trigger.span)
            agent, assoc1 = _pick(sentence.doc, mentions, roles.agent)
            target, assoc2 = _pick(sentence.doc, mentions, roles.target)
            sides = _between_sides(trigger, mentions)
            if sides is not None:
                agent, assoc1, target, assoc2 = sides
            whole = frozenset(range(sentence.start, sentence.end))
            victims = _victim_tokens(sentence)
            if agent is None:
                # "their failed attacks": a pronoun; the sentence's other actor is the agent,
                # unless it is a victim ("six Islamic State fighters were killed").
                agent, _ = _pick(sentence.doc, mentions, whole - roles.target - victims)
                if agent is not None and target is not None and agent.name == target.name:
                    agent = None
            if target is None:
                # "2 soldiers were killed following attacks by Taliban militants": the side acted
                # upon is named outside the trigger's own phrase; the victims, else any other actor.
                others = [m for m in mentions if agent is None or m.actor.name != agent.name]
                target, _ = _pick(sentence.doc, others, victims - roles.agent)
                if target is None and agent is not None and trigger.sub_event_type != "Agreement":
                    # (An agreement's other party is its counterpart, not whoever else is named.)
                    target, _ = _pick(sentence.doc, others, whole - roles.agent)
            target_words = {sentence.doc[i].lower_ for i in roles.target} | {
                sentence.doc[i].lemma_.lower() for i in roles.target
            }
            for decision in settle(
                trigger, agent=agent, target_words=target_words, target_actor=target, prediction=prediction
            ):
                location = geocode.locate_event(sentence, trigger.span, toponyms, self.gazetteer)
                actor1, actor2, role_reasons = _complete_actors(
                    decision.sub_event_type, agent, target, context, country, roles
                )
                out.append(
                    _candidate(
                        trigger,
                        decision,
                        modality,
                        actor1,
                        actor2,
                        assoc1,
                        assoc2,
                        location,
                        when,
                        (sentence,) if index == 0 and not out else (),
                        role_reasons,
                        prediction,
                        anaphoric=agent is None and not _placed_in(location, sentence),
                    )
                )
        return out


#: Verbs whose passive subject or object is the victim ("six fighters were killed").
_HARM_VERBS = frozenset({"kill", "wound", "injure", "die", "shoot", "execute", "behead", "abduct", "kidnap", "target"})


def _victim_tokens(sentence: Span) -> frozenset[int]:
    """Tokens naming the people harmed: passive subjects and objects of verbs of harm."""
    found: set[int] = set()
    for token in sentence:
        if token.pos_ != "VERB" or token.lemma_.lower() not in _HARM_VERBS:
            continue
        for child in token.children:
            if child.dep_ in ("nsubjpass", "dobj", "obj"):
                found |= {t.i for t in child.subtree}
    return frozenset(found)


def _placed_in(location: Location | None, sentence: Span) -> bool:
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
    (its dead, its evidence), not as a new event with unidentified actors.
    """
    anchor = candidates[last_first]
    anchor_type = taxonomy.event_type_of(anchor.sub_event_type)
    kept: list[Candidate] = []
    for candidate in current:
        if candidate.anaphoric and _continues(anchor_type, candidate):
            deaths = anchor.death_sentences
            if sentence not in deaths and candidate.death_sentences:
                deaths = (*deaths, sentence)
            reason = f"'{candidate.trigger.span.text}' refers back to the {anchor.sub_event_type.lower()} before it"
            anchor = replace(
                anchor,
                death_sentences=deaths,
                evidence=(*anchor.evidence, *(e for e in candidate.evidence if e.field == "sentence")),
                reasons=(*anchor.reasons, reason),
            )
        else:
            kept.append(candidate)
    candidates[last_first] = anchor
    return kept


def _continues(anchor_type: str, candidate: Candidate) -> bool:
    """Whether an actor-less, place-less mention can be part of the event before it.

    The same event type ("the clashes"), a bare killing ("six fighters were killed", "One
    fighter was killed in the attack": the toll of what came before), or remote violence after
    a battle (ACLED merges shelling and air strikes during a battle into the battle).
    """
    kind = taxonomy.event_type_of(candidate.sub_event_type)
    if kind == anchor_type:
        return True
    if candidate.trigger.head.lemma_.lower() in ("kill", "die", "shoot", "wound") and not candidate.trigger.specific:
        return True
    return anchor_type == "Battles" and kind == "Explosions/Remote violence"


def _fold(realized: list[tuple[Trigger, Modality]]) -> list[tuple[Trigger, Modality]]:
    """Fold generic triggers into the trigger of the same action.

    "fended off terrorists' attack ..., killing or wounding ten ... and capturing five" is one
    clash; "airstrikes which killed several" is one air strike. A generic trigger within three
    dependency steps of a stronger trigger is part of its event.
    """
    kept: list[tuple[Trigger, Modality]] = []
    ordered = sorted(realized, key=lambda pair: (-pair[0].specific, -pair[0].weight, pair[0].span.start))
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
    chain = [token.i]
    node = token
    while node.head.i != node.i and len(chain) < 12:
        node = node.head
        chain.append(node.i)
    return chain


def _pick(
    doc: Doc, mentions: Sequence[ActorMention], region: frozenset[int]
) -> tuple[Actor | None, tuple[str, ...]]:
    """The first actor mentioned inside ``region``, and the other actors there (associates)."""
    if not region:
        return None, ()
    inside: list[Actor] = []
    for mention in mentions:
        tokens = doc.char_span(mention.span.start, mention.span.end, alignment_mode="expand")
        if tokens is not None and any(t.i in region for t in tokens):
            inside.append(mention.actor)
    if not inside:
        return None, ()
    first = inside[0]
    others = tuple(dict.fromkeys(a.name for a in inside[1:] if a.name != first.name))
    return first, others


#: Words that end the "between X and Y" list of sides: a new clause or a consequence begins.
_SIDE_LIST_END = frozenset({"where", "which", "while", "after", "when", "amid", "resulting", "killing", "leaving", "in", "near", "on", "at", "around", ";"})
#: Words that open a support phrase inside the list: those actors are allies, not a side.
_SUPPORT_OPENERS = frozenset({"supported", "backed", "support", "assisted", "aided", "alongside"})


def _between_sides(
    trigger: Trigger, mentions: Sequence[ActorMention]
) -> tuple[Actor, tuple[str, ...], Actor, tuple[str, ...]] | None:
    """The two sides of "clashes (took place) between X, allies and Y" or "... between X against Y".

    The parse of such lists is unreliable, so they are read linearly: the actors named after
    "between" up to the end of the list; the side after "against" (or else the last one named)
    is actor2; the first is actor1; the others, and any "supported by ..." allies, are associates.
    """
    sentence = trigger.span.sent
    doc = sentence.doc
    start = next(
        (t.i for t in doc[trigger.span.start : min(trigger.span.end + 8, sentence.end)] if t.lower_ == "between"),
        None,
    )
    if start is None:
        return None
    end = start + 1
    while end < sentence.end and (doc[end].lower_ not in _SIDE_LIST_END or end == start + 1):
        end += 1
    against = next((i for i in range(start, end) if doc[i].lower_ in ("against", "versus", "vs")), None)
    listed: list[tuple[int, Actor, bool]] = []
    support_from: int | None = None
    for mention in mentions:
        tokens = doc.char_span(mention.span.start, mention.span.end, alignment_mode="expand")
        if tokens is None or not (start < tokens.start < end):
            continue
        opener = next((i for i in range(start, tokens.start) if doc[i].lower_ in _SUPPORT_OPENERS), None)
        if opener is not None and (against is None or opener > against or tokens.start < against):
            support_from = opener
        allied = support_from is not None and tokens.start > support_from and (against is None or tokens.start < against)
        listed.append((tokens.start, mention.actor, allied))
    if len({actor.name for _, actor, _ in listed}) < 2:
        return None
    if against is not None:
        side_a = [(i, a, allied) for i, a, allied in listed if i < against]
        side_b = [(i, a, allied) for i, a, allied in listed if i > against]
    else:
        side_a, side_b = listed[:-1], listed[-1:]
    side_a = [item for item in side_a if not item[2]] + [item for item in side_a if item[2]]
    if not side_a or not side_b:
        return None
    actor1, actor2 = side_a[0][1], side_b[0][1]
    if actor1.name == actor2.name:
        return None
    assoc1 = tuple(dict.fromkeys(a.name for _, a, _ in side_a[1:] if a.name not in (actor1.name, actor2.name)))
    assoc2 = tuple(dict.fromkeys(a.name for _, a, _ in side_b[1:] if a.name not in (actor1.name, actor2.name)))
    return actor1, assoc1, actor2, assoc2


def _complete_actors(
    sub_event_type: str,
    agent: Actor | None,
    target: Actor | None,
    context: ActorContext,
    country: str,
    roles: Roles,
) -> tuple[Actor | None, Actor | None, tuple[str, ...]]:
    """Fill in the sides the sentence leaves implicit, saying why, the way a coder would."""
    reasons: list[str] = []
    event_type = taxonomy.event_type_of(sub_event_type)
    if sub_event_type in taxonomy_protest_types():
        protesters = Actor(_generic("Protesters", country), 6, None, "demonstrators are coded as Protesters")
        if event_type == "Riots":
            protesters = Actor(_generic("Rioters", country), 5, None, "violent demonstrators are coded as Rioters")
        if agent is None or agent.inter not in (5, 6):
            reasons.append(protesters.reason)
            agent, target = protesters, (agent if agent is not None and agent.inter in (1, 8) else target)
        return agent, target, tuple(reasons)
    if sub_event_type in ("Attack", "Sexual violence", "Abduction/forced disappearance"):
        if target is None or target.inter != 7:
            civilians = Actor(_generic("Civilians", country), 7, None, "violence against civilians: the victims are Civilians")
            reasons.append(civilians.reason)
            target = civilians
    if agent is None and target is not None and event_type != "Violence against civilians":
        agent = _opponent(target, context, country)
        if agent is not None:
            reasons.append(agent.reason)
    if agent is None:
        agent = _default_agent(sub_event_type, context, country)
        if agent is not None:
            reasons.append(agent.reason)
    if target is None and sub_event_type not in _ONE_SIDED and agent is not None:
        if event_type in ("Battles", "Explosions/Remote violence") or sub_event_type == "Agreement":
            target = _opponent(agent, context, country)
            if target is not None:
                reasons.append(target.reason)
    if agent is not None and target is not None and agent.name == target.name:
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


def _opponent(actor: Actor, context: ActorContext, country: str) -> Actor | None:
    """The other side of a fight whose one side is known, from the article's actors."""
    if actor.inter in (1, 8):
        if context.armed_group is not None:
            return replace(
                context.armed_group,
                span=None,
                reason=f"the other side is not named in the sentence; the article's armed group is {context.armed_group.name}",
            )
        name = _generic("Unidentified Armed Group", country)
        return Actor(name, 3, None, f"the other side is not named; coded {name}")
    for candidate, _count in context.actors:
        if candidate.inter in (1, 8) and candidate.name != actor.name:
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
    if context.armed_group is not None and sub_event_type in ("Non-state actor overtakes territory",):
        return replace(context.armed_group, span=None, reason="no actor named; the article's armed group")
    name = _generic("Unidentified Armed Group", country)
    return Actor(name, 3, None, f"no actor named in the sentence: {name}")


def _candidate(
    trigger: Trigger,
    decision: Decision,
    modality: Modality,
    actor1: Actor | None,
    actor2: Actor | None,
    assoc1: tuple[str, ...],
    assoc2: tuple[str, ...],
    location: Location | None,
    event_date: dates.EventDate | None,
    death_sentences: tuple[Span, ...],
    role_reasons: tuple[str, ...],
    prediction: Prediction | None,
    *,
    anaphoric: bool = False,
) -> Candidate:
    sentence = trigger.span.sent
    evidence = [
        Evidence("sentence", sentence.start_char, sentence.end_char, sentence.text.strip()),
        Evidence("sub_event_type", trigger.span.start_char, trigger.span.end_char, trigger.span.text),
    ]
    for name, actor in (("actor1", actor1), ("actor2", actor2)):
        if actor is not None and actor.span is not None:
            evidence.append(Evidence(name, actor.span.start, actor.span.end, actor.span.text))
    if location is not None and location.span is not None:
        evidence.append(Evidence("location", location.span.start, location.span.end, location.span.text))
    if event_date is not None and event_date.span is not None:
        evidence.append(Evidence("event_date", event_date.span.start, event_date.span.end, event_date.span.text))
    if modality.span is not None:
        evidence.append(Evidence("attribution", modality.span.start, modality.span.end, modality.span.text))
    reasons = [f"sub_event_type {decision.sub_event_type}: {decision.reason}"]
    if prediction is not None and prediction.ranked:
        top, probability = prediction.ranked[0]
        reasons.append(f"classifier: {top} (p={probability:.2f}) for the sentence")
    reasons.append(f"modality {modality.value}: {modality.reason}")
    for name, actor in (("actor1", actor1), ("actor2", actor2)):
        if actor is not None and actor.reason:
            reasons.append(f"{name} {actor.name}: {actor.reason}")
    reasons += [r for r in role_reasons if not any(r in x for x in reasons)]
    if location is not None:
        reasons.append(f"location {location.name} (precision {location.geo_precision}): {location.reason}")
    else:
        reasons.append("location: no place found in or before the sentence")
    if event_date is not None:
        reasons.append(f"event_date {event_date.value.isoformat()}: {event_date.reason}")
    return Candidate(
        sub_event_type=decision.sub_event_type,
        weight=decision.weight,
        trigger=trigger,
        modality=modality,
        actor1=actor1,
        actor2=actor2,
        assoc1=assoc1,
        assoc2=assoc2,
        location=location,
        event_date=event_date,
        death_sentences=death_sentences,
        reasons=tuple(reasons),
        prediction=prediction,
        evidence=tuple(evidence),
        anaphoric=anaphoric,
    )


def _article_country(toponyms: Sequence[Toponym]) -> str:
    """The country most of the article's resolved places lie in (ISO code), "" if none."""
    counts = Counter(t.place.country_code for t in toponyms if t.place is not None and t.place.country_code)
    return counts.most_common(1)[0][0] if counts else ""


def _confidence(candidate: Candidate) -> float:
    """How sure the coding is, 0-1: the trigger's weight, the classifier's agreement, the
    modality (claims count less than the outlet's own report) and the location's precision."""
    score = candidate.weight
    if candidate.prediction is not None:
        agreement = dict(candidate.prediction.ranked).get(candidate.sub_event_type)
        if agreement is not None:
            score = 0.6 * score + 0.4 * agreement
    score *= _MODALITY_FACTOR.get(candidate.modality.value, 0.5)
    if candidate.location is None:
        score *= 0.6
    else:
        score *= _PRECISION_FACTOR.get(candidate.location.geo_precision, 0.6)
    if candidate.actor1 is None or candidate.actor1.name.startswith("Unidentified"):
        score *= 0.9
    return round(min(max(score, 0.0), 1.0), 3)


def _merge_key(candidate: Candidate) -> tuple[object, ...]:
    location = candidate.location
    place = ""
    if location is not None:
        place = location.place.geonameid if location.place is not None else location.name.lower()
    sides = tuple(sorted({a.name for a in (candidate.actor1, candidate.actor2) if a is not None}))
    when = candidate.event_date.value if candidate.event_date else None
    return (when, place, candidate.sub_event_type, sides)


def disaggregate(article: Article, candidates: Sequence[Candidate], country: str) -> list[Event]:
    """ACLED's rule: one event per (day, place, actors, sub-event type), with all its mentions."""
    groups: dict[tuple[object, ...], list[Candidate]] = {}
    for candidate in candidates:
        if _confidence(candidate) < MIN_CONFIDENCE:
            continue
        groups.setdefault(_merge_key(candidate), []).append(candidate)
    events = [_event(article, key, group, country) for key, group in groups.items()]
    return sorted(events, key=lambda e: (e.evidence[0].start if e.evidence else 0, e.sub_event_type))


def _event(article: Article, key: tuple[object, ...], group: list[Candidate], country: str) -> Event:
    first = max(group, key=_confidence)
    location = first.location
    place = location.place if location is not None else None
    actor1, actor2 = first.actor1, first.actor2
    inter1 = actor1.inter if actor1 else 0
    inter2 = actor2.inter if actor2 else 0
    assoc1, assoc2 = first.assoc1, first.assoc2
    death_sentences = sorted({s.start: s for c in group for s in c.death_sentences}.values(), key=lambda s: s.start)
    counted = fatalities.count_fatalities(death_sentences) if death_sentences else None
    deaths = counted.count if counted is not None else 0
    modality = "asserted" if any(c.modality.value == "asserted" for c in group) else first.modality.value
    attributions = list(dict.fromkeys(c.modality.attribution for c in group if c.modality.attribution))
    event_country = place.country if place is not None else country_name(country) if country else ""
    event_date = first.event_date
    evidence: list[Evidence] = []
    reasons: list[str] = []
    for candidate in sorted(group, key=lambda c: c.trigger.span.start):
        evidence += [e for e in candidate.evidence if e not in evidence]
        reasons += [r for r in candidate.reasons if r not in reasons]
    if counted is not None:
        if counted.span is not None:
            evidence.append(Evidence("fatalities", counted.span.start, counted.span.end, counted.span.text))
        reasons.append(f"fatalities {counted.count}: {counted.reason}")
    if len(group) > 1:
        reasons.append(f"merged {len(group)} mentions of the same day, place, actors and sub-event type (ACLED disaggregation)")
    civilian = "Civilian targeting" if inter2 == 7 or inter1 == 7 else ""
    interaction = interaction_code(inter1, inter2)
    when = event_date.value if event_date else None
    precision = event_date.precision if event_date else 3
    geo_precision = location.geo_precision if location else 3
    note = notes.write_note(
        event_date=when,
        time_precision=precision,
        sub_event_type=first.sub_event_type,
        actor1=actor1.name if actor1 else "",
        actor2=actor2.name if actor2 else "",
        location=location.name if location else "",
        admin1=place.admin1 if place else "",
        geo_precision=geo_precision,
        fatalities=deaths,
        modality=modality,
        attribution=", ".join(attributions),
    )
    digest = hashlib.sha1(repr((article.id, key)).encode("utf-8")).hexdigest()[:16]
    return Event(
        event_id=digest,
        article_id=article.id,
        event_date=when,
        time_precision=precision,
        disorder_type=taxonomy.disorder_type_of(first.sub_event_type),
        event_type=taxonomy.event_type_of(first.sub_event_type),
        sub_event_type=first.sub_event_type,
        actor1=actor1.name if actor1 else "",
        assoc_actor_1="; ".join(assoc1),
        inter1=inter1,
        actor2=actor2.name if actor2 else "",
        assoc_actor_2="; ".join(assoc2),
        inter2=inter2,
        interaction=interaction,
        civilian_targeting=civilian,
        country=event_country,
        admin1=place.admin1 if place else "",
        admin2=place.admin2 if place else "",
        location=location.name if location else "",
        latitude=round(place.latitude, 4) if place else None,
        longitude=round(place.longitude, 4) if place else None,
        geo_precision=geo_precision,
        geonameid=place.geonameid if place else "",
        source=article.outlet,
        notes=note,
        fatalities=deaths,
        evidence=tuple(evidence),
        modality=modality,
        attribution="; ".join(attributions),
        confidence=max(_confidence(c) for c in group),
        reasons=tuple(reasons),
        sources=(article.id,),
    )

