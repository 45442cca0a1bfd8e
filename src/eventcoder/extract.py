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

**Actors.** actor1 is the side that acts (the agent of the trigger), actor2 the side acted upon;
when the text gives no direction the side named first is actor1. A list of sides ("clashes
between X, backed by Y, and Z against W") is read linearly and split by "against", by "on one
hand ... on the other", else by camp: supporters and a state's own militias stay on the first
side (:func:`_list_sides`). The coordinated subjects of a reciprocal verb ("X and Y clashed")
are two sides; a named group beats generic labels on its side; the dead of a mutual fight are
the side acted upon; allies are never the opponent; a side left unnamed is the one its
counterpart fought earlier in the article, else the article's main opponent, else an
unidentified armed group; a fight within one group has it on both sides.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span, Token

from eventcoder import dates, fatalities, geocode, notes, taxonomy
from eventcoder.actors import (
    ActorContext,
    ActorMention,
    ActorResolver,
    allied,
    country_code,
    country_name,
    interaction_code,
)
from eventcoder.classify import EventClassifier, Prediction
from eventcoder.gazetteer import Gazetteer
from eventcoder.modality import AttributionMemory, Modality, read_modality
from eventcoder.models import Actor, Article, Event, Evidence, Location, Toponym
from eventcoder.roles import Roles, ally_tokens, is_anchored, is_support_phrase, read_roles
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
        country = _article_country(toponyms, hint)
        context = self.actors.article_context(doc, country=country, on=article.published)
        memory = AttributionMemory()
        sentences = list(doc.sents)
        triggered = [(s, self.find_triggers(s)) for s in sentences]
        predictions = self._predict([s for s, found in triggered if found])
        candidates: list[Candidate] = []
        last_first: int | None = None  # index of the previous event sentence's first candidate
        quiet = 0  # sentences since then that neither report an event nor count its dead
        fights = _Fights()
        for sentence, found in triggered:
            memory.observe(sentence)
            current = (
                self._sentence_events(
                    article,
                    sentence,
                    found,
                    toponyms,
                    country,
                    context,
                    memory,
                    predictions.get(sentence.start),
                    fights,
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
                    candidates[last_first] = replace(
                        first, death_sentences=(*first.death_sentences, sentence)
                    )
                elif quiet < 1:
                    # One sentence of other matters ("No advances were made.") does not end
                    # the event's story; a second one does.
                    quiet += 1
                else:
                    last_first = None
                continue
            quiet = 0
            fights.note(current)
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
        fights: _Fights | None = None,
    ) -> list[Candidate]:
        fights = fights or _Fights()
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
        listed_sides = [_between_sides(trigger, mentions) for trigger, _ in main]
        # The sides one trigger lists ("clashes between X and Y, where X took control") are
        # the sides of the sentence's other triggers too.
        sentence_sides = next(
            (sides for sides in listed_sides if sides is not None and not sides.infighting), None
        )
        out: list[Candidate] = []
        for index, (trigger, modality) in enumerate(main):
            when = event_date
            if index > 0:
                when = dates.resolve_event_date(sentence, article.published, trigger=trigger.span)
            roles = read_roles(trigger.span)
            agent, assoc1 = _pick(sentence.doc, mentions, roles.agent)
            target, assoc2 = _pick(sentence.doc, mentions, roles.target)
            infighting = False
            sides = listed_sides[index]
            if sides is not None:
                agent, assoc1, target, assoc2, infighting = (
                    sides.actor1,
                    sides.assoc1,
                    sides.actor2,
                    sides.assoc2,
                    sides.infighting,
                )
            whole = frozenset(range(sentence.start, sentence.end))
            victims = _victim_tokens(sentence)
            battle = taxonomy.event_type_of(trigger.sub_event_type) == "Battles"
            backing = frozenset(ally_tokens(sentence.root))
            if sides is None and battle:
                inside = _factions_of(sentence, mentions)
                if inside is not None:
                    # "two factions of the Awami League clashed": one group on both sides.
                    agent = target = inside
                    assoc1 = assoc2 = ()
                    infighting = True
            # Civilians caught in a fight are never one of its sides (ACLED: a battle is between
            # organised armed groups); only the parse may still name them as one.
            fighters = (
                [m for m in mentions if m.actor.inter in _ARMED] if battle else list(mentions)
            )
            if agent is None:
                # "their failed attacks": a pronoun; the sentence's other actor is the agent,
                # unless it is a victim ("six Islamic State fighters were killed").
                agent, _ = _pick(sentence.doc, fighters, whole - roles.target - victims)
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
                fallen, _ = _pick(sentence.doc, armed, victims - roles.target)
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
                sides = _subject_sides(sentence.doc, mentions, roles.agent)
                if sides is not None:
                    agent, assoc1, target, assoc2 = (
                        sides.actor1,
                        sides.assoc1,
                        sides.actor2,
                        sides.assoc2,
                    )
            if target is None and agent is not None and sentence_sides is not None:
                first, second = sentence_sides.actor1, sentence_sides.actor2
                target = (
                    second if allied(agent, first) else first if allied(agent, second) else None
                )
            if target is None:
                # "2 soldiers were killed following attacks by Taliban militants": the side acted
                # upon is named outside the trigger's own phrase; the victims, else any other actor.
                # Allies are never the other side: "regime forces and allied militias took ...".
                others = [m for m in fighters if agent is None or not allied(m.actor, agent)]
                target, _ = _pick(sentence.doc, others, victims - roles.agent - backing)
                if target is None and agent is not None and trigger.sub_event_type != "Agreement":
                    # (An agreement's other party is its counterpart, not whoever else is named.)
                    target, _ = _pick(sentence.doc, others, whole - roles.agent - backing)
            target_words = {sentence.doc[i].lower_ for i in roles.target} | {
                sentence.doc[i].lemma_.lower() for i in roles.target
            }
            for decision in settle(
                trigger, agent=agent, target_words=target_words, target_actor=target, prediction=prediction
            ):
                location = geocode.locate_event(sentence, trigger.span, toponyms, self.gazetteer)
                actor1, actor2, role_reasons = _complete_actors(
                    decision.sub_event_type,
                    agent,
                    target,
                    context,
                    country,
                    roles,
                    infighting=infighting,
                    rivals=fights.rival,
                    allies=assoc1,
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


#: Words that refer to the two sides of a fight already reported: "casualties on both sides".
_BOTH_SIDES = re.compile(r"\b(?:both|the two) (?:sides|parties)\b", re.IGNORECASE)


@dataclass
class _Fights:
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
    (its dead, its evidence), not as a new event with unidentified actors. So is a noun that
    names only the previous event's actors, or its dead (:func:`_echoes`).
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
    if _placed_in(candidate.location, sentence) and _place_key(candidate.location) != _place_key(
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
    victims = _victim_tokens(sentence)
    for actor in (candidate.actor1, candidate.actor2):
        if actor is None or actor.span is None or actor.name in known:
            continue  # inferred from the article, or already a side of the event
        tokens = doc.char_span(actor.span.start, actor.span.end, alignment_mode="expand")
        if tokens is None or not any(t.i in victims for t in tokens):
            return None
    return index


def _place_key(location: Location | None) -> str:
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


def _inside(
    doc: Doc, mentions: Sequence[ActorMention], region: frozenset[int]
) -> list[ActorMention]:
    """The mentions with a token inside ``region``, in text order."""
    if not region:
        return []
    inside: list[ActorMention] = []
    for mention in mentions:
        tokens = doc.char_span(mention.span.start, mention.span.end, alignment_mode="expand")
        if tokens is not None and any(t.i in region for t in tokens):
            inside.append(mention)
    return inside


def _main_mention(mentions: Sequence[ActorMention]) -> ActorMention:
    """The mention that names a group of mentions: the first, unless it is a generic armed
    label and a named armed group follows. "rebel forces, Islamist militias and Hayat Tahrir
    al-Sham" is coded Hayat Tahrir al-Sham, the generic labels being its associates."""
    first = mentions[0]
    if first.generic and first.actor.inter in (2, 3, 4):
        named = next(
            (m for m in mentions[1:] if not m.generic and m.actor.inter in (2, 3, 4)), None
        )
        if named is not None:
            return named
    return first


def _pick(
    doc: Doc, mentions: Sequence[ActorMention], region: frozenset[int]
) -> tuple[Actor | None, tuple[str, ...]]:
    """The actor named inside ``region`` (:func:`_main_mention`) and the others there (associates)."""
    inside = _inside(doc, mentions, region)
    if not inside:
        return None, ()
    main = _main_mention(inside).actor
    return main, tuple(dict.fromkeys(m.actor.name for m in inside if m.actor.name != main.name))


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


#: Words that introduce the list of sides of a fight: "clashes between X and Y", "among".
_BETWEEN = frozenset({"between", "among", "amongst"})
#: Words that end the "between X and Y" list of sides: a new clause or a consequence begins.
_SIDE_LIST_END = frozenset(
    {
        "where",
        "which",
        "while",
        "after",
        "when",
        "amid",
        "resulting",
        "killing",
        "leaving",
        "in",
        "near",
        "on",
        "at",
        "around",
        ";",
    }
)
#: Words that set the two sides of the list apart: "between X against Y".
_SIDE_SPLIT = frozenset({"against", "versus", "vs", "vs."})
#: Words that open a phrase naming a side's allies or members: "X, supported by Y", "X, including Y".
_SUPPORT_OPENERS = frozenset(
    {
        "supported", "backed", "support", "assisted", "aided", "cover", "under", "alongside",
        "including", "with", "led", "belonging", "affiliated", "operating", "within", "loyal",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Sides:
    """The two sides of a fight as a sentence lists them, each with its associates.

    ``infighting`` is True for a fight within one group ("clashes among members of the Sultan
    Murad Division"), which has the same actor on both sides.
    """

    actor1: Actor
    assoc1: tuple[str, ...]
    actor2: Actor
    assoc2: tuple[str, ...]
    infighting: bool = False


def _between_sides(trigger: Trigger, mentions: Sequence[ActorMention]) -> _Sides | None:
    """The two sides of "clashes (took place) between X, allies and Y" or "... between X against Y".

    The parse of such lists is unreliable, so they are read linearly, from "between" to the end
    of the list (:func:`_list_sides`). A list that names one group only, with no other party
    ("clashes among members of IS", "infighting between two groups of IS"), is a fight within
    that group.
    """
    sentence = trigger.span.sent
    doc = sentence.doc
    start = _between_word(trigger)
    if start is None:
        return None
    end, split = _side_list_bounds(doc, start, sentence.end)
    listed = _listed(doc, mentions, start, end, split)
    if len({item.mention.actor.name for item in listed}) == 1:
        named = {t.i for item in listed for t in _tokens(doc, item.mention)}
        words = {t.lower_ for t in doc[start + 1 : end] if t.i not in named}
        if split is not None or words & {"and", "against", "with", ",", "&"}:
            return None
        actor = listed[0].mention.actor
        return _Sides(actor, (), actor, (), infighting=True)
    return _list_sides(listed, split)


def _subject_sides(
    doc: Doc, mentions: Sequence[ActorMention], region: frozenset[int]
) -> _Sides | None:
    """The two sides named as the subjects of a reciprocal verb: "HTS and Ahrar al-Sham clashed",
    "the army, backed by allied militias and Russian forces on one hand and ISIS on the other,
    clashed" (read as a list of sides, :func:`_list_sides`)."""
    if not region:
        return None
    start, end = min(region) - 1, max(region) + 1
    split = next((i for i in range(start + 1, end) if _splits_sides(doc, i, end)), None)
    return _list_sides(_listed(doc, mentions, start, end, split), split)


@dataclass(frozen=True, slots=True)
class _Listed:
    """An actor named in a list of sides; ``allied`` when a support phrase introduces it."""

    start: int
    mention: ActorMention
    allied: bool
    continued: bool = False  # allied only as the next name after an ally ("backed by X and Y")


def _listed(
    doc: Doc, mentions: Sequence[ActorMention], start: int, end: int, split: int | None
) -> list[_Listed]:
    """The actors named strictly between tokens ``start`` and ``end``, each marked when a support
    phrase introduces it ("supported by X", "including X", "backed by X and Y")."""
    listed: list[_Listed] = []
    previous_end = start + 1
    for mention in mentions:
        tokens = _tokens(doc, mention)
        if not len(tokens) or not (start < tokens.start < end):
            continue
        gap = [t.lower_ for t in doc[previous_end : tokens.start]]
        # Only the words after the last "and" or comma introduce this mention: in "backed by
        # Coalition aerial support, and IS", "support" belongs to the phrase before.
        cut = max((i + 1 for i, word in enumerate(gap) if word in ("and", ",", "&")), default=0)
        supported = any(word in _SUPPORT_OPENERS for word in gap[cut:])
        # "backed by the Syriac Security Office and YPG": the support phrase goes on.
        continued = bool(listed) and listed[-1].allied and gap in (["and"], [","])
        if split is not None and previous_end <= split < tokens.start:
            supported = continued = False
        listed.append(
            _Listed(tokens.start, mention, supported or continued, continued and not supported)
        )
        previous_end = max(previous_end, tokens.end)
    return listed


def _split_by_camp(listed: Sequence[_Listed]) -> tuple[list[_Listed], list[_Listed]]:
    """The first side (the first actor, its supporters and allies) and the rest."""
    side_a: list[_Listed] = []
    side_b: list[_Listed] = []
    for item in listed:
        joins_a = (
            not side_a
            or item.allied
            or any(allied(item.mention.actor, x.mention.actor) for x in side_a)
        )
        (side_a if joins_a and not side_b else side_b).append(item)
    return side_a, side_b


def _list_sides(listed: Sequence[_Listed], split: int | None) -> _Sides | None:
    """Two sides from a list of actors; None unless it names two.

    The sides are set apart by the ``split`` word ("against", "versus", "on one hand ... on
    the other"), else the second side begins with the first actor named that is neither
    introduced as support ("supported by", "including") nor an ally of the first side by
    definition (:func:`eventcoder.actors.allied`): "between regime forces and allied militias
    and rebel and Islamist factions" is the regime against the rebels. Each side is named by
    its main mention (:func:`_main_mention`); the others are its associates.
    """
    if len({item.mention.actor.name for item in listed}) < 2:
        return None
    if split is not None:
        side_a = [item for item in listed if item.start < split]
        side_b = [item for item in listed if item.start > split]
    else:
        side_a, side_b = _split_by_camp(listed)
        if not side_b:
            # "regime forces backed by allied militias and rebel forces": after an ally, "and"
            # may as well begin the other side, when nothing else does.
            side_a, side_b = _split_by_camp(
                [replace(i, allied=False) if i.continued else i for i in listed]
            )
    if not side_a or not side_b:
        return None
    actor1, actor2 = _side_actor(side_a), _side_actor(side_b)
    if actor1.name == actor2.name:
        return None
    skip = (actor1.name, actor2.name)
    assoc1 = tuple(
        dict.fromkeys(i.mention.actor.name for i in side_a if i.mention.actor.name not in skip)
    )
    assoc2 = tuple(
        dict.fromkeys(i.mention.actor.name for i in side_b if i.mention.actor.name not in skip)
    )
    return _Sides(actor1, assoc1, actor2, assoc2)


def _tokens(doc: Doc, mention: ActorMention) -> Span:
    tokens = doc.char_span(mention.span.start, mention.span.end, alignment_mode="expand")
    return tokens if tokens is not None else doc[0:0]


def _side_actor(side: Sequence[_Listed]) -> Actor:
    """The actor a side is coded as: its main mention among those not named as support."""
    heads = [item.mention for item in side if not item.allied] or [item.mention for item in side]
    return _main_mention(heads).actor


def _between_word(trigger: Trigger) -> int | None:
    """The index of the "between" that lists the sides of ``trigger``'s fight, if any.

    Close after the trigger ("clashes between"), or attached to the trigger or to the verb it
    is the subject of, however far: "Clashes, accompanied by shelling, took place in the
    city between ...".
    """
    span = trigger.span
    sentence = span.sent
    root = span.root
    anchors = {root.i}
    if root.dep_ in ("nsubj", "nsubjpass") and root.head.i != root.i:
        anchors.add(root.head.i)
    for token in sentence.doc[span.start : sentence.end]:
        if token.lower_ not in _BETWEEN:
            continue
        if token.i == span.end or (token.lower_ == "between" and token.i < span.end + 8):
            # ("among" further on is rarely the sides: "the death toll among Hezbollah")
            return token.i
        node = token
        for _ in range(5):
            if node.head.i == node.i:
                break
            node = node.head
            if node.i in anchors:
                return token.i
            if node.pos_ in ("VERB", "AUX"):
                break
    return None


_ONE_HAND = (["one", "hand"], ["one", "side"], ["the", "one", "hand"], ["the", "one", "side"])


def _splits_sides(doc: Doc, index: int, limit: int) -> int:
    """How many words at ``index`` set two sides apart ("against", "on one hand"), 0 if none."""
    word = doc[index].lower_
    if word in _SIDE_SPLIT:
        return 1
    following = [t.lower_ for t in doc[index + 1 : min(index + 4, limit)]]
    if word == "on" and following[:2] in _ONE_HAND:
        return 3
    if word == "on" and following[:3] in _ONE_HAND:
        return 4
    return 0


def _side_list_bounds(doc: Doc, start: int, limit: int) -> tuple[int, int | None]:
    """Where the list of sides after "between" ends, and the index of the word splitting it.

    "between X on one hand and Y on the other": "on one hand" splits, "on the other" ends.
    """
    end = start + 1
    split: int | None = None
    while end < limit:
        width = _splits_sides(doc, end, limit)
        if width:
            split = end if split is None else split
            end += width
            continue
        word = doc[end].lower_
        following = [t.lower_ for t in doc[end + 1 : min(end + 3, limit)]]
        if word == "on" and (following[:1] == ["other"] or following[:2] == ["the", "other"]):
            break
        if word in _SIDE_LIST_END and end > start + 1:
            break
        end += 1
    return end, split


def _complete_actors(
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
        agent = _opponent(target, context, country, rivals)
        if agent is not None:
            reasons.append(agent.reason)
    if agent is None:
        agent = _default_agent(sub_event_type, context, country)
        if agent is not None:
            reasons.append(agent.reason)
    if target is None and sub_event_type not in _ONE_SIDED and agent is not None:
        if event_type in ("Battles", "Explosions/Remote violence") or sub_event_type == "Agreement":
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


def _article_country(toponyms: Sequence[Toponym], hint: str = "") -> str:
    """The article's country (ISO code): the hint when one of its places lies there (or none is
    resolved), else the country most of its resolved places lie in; "" if neither is known.

    A Syrian report that mentions the UK once ("UK reported that warplanes struck ...") stays
    Syrian: its actors are named for Syria ("Islamic State (Syria)").
    """
    counts = Counter(
        t.place.country_code for t in toponyms if t.place is not None and t.place.country_code
    )
    if hint and (not counts or hint in counts):
        return hint
    return counts.most_common(1)[0][0] if counts else hint


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

