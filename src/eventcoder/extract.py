"""Turn one parsed article into ACLED events, each traceable to its words.

For every sentence, in text order:

1. find the trigger words (:mod:`eventcoder.triggers`); a sentence without any reports no event;
2. read each trigger's modality and attribution (:mod:`eventcoder.modality`); plans,
   alternatives, fears and denials are not events;
3. fold triggers that describe one action into one (:func:`eventcoder.mentions.fold_triggers`);
4. date it (:mod:`eventcoder.dates`), read its two sides (:mod:`eventcoder.sides`, from the
   roles of :mod:`eventcoder.roles` and the actors of :mod:`eventcoder.actors`) and fill in
   those the sentence leaves implicit (:mod:`eventcoder.implicit_sides`), settle its sub-event
   type (:mod:`eventcoder.subtypes`) and place it (:mod:`eventcoder.geocode`): one
   :class:`~eventcoder.candidates.Candidate` per trigger and sub-event type;
5. fold re-mentions of the event before and reports of its dead into it
   (:class:`eventcoder.mentions.ArticleEvents`).

Then ACLED's disaggregation rule (:mod:`eventcoder.disaggregate`) merges what is one event and
counts each event's dead over all its sentences (:mod:`eventcoder.fatalities`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from spacy.tokens import Doc, Span

from eventcoder import dates, geocode
from eventcoder.actors import ActorContext, ActorResolver, country_code
from eventcoder.candidates import Candidate, make_candidate
from eventcoder.classify import EventClassifier, Prediction
from eventcoder.disaggregate import disaggregate
from eventcoder.gazetteer import Gazetteer
from eventcoder.implicit_sides import complete_actors
from eventcoder.mentions import ArticleEvents, fold_triggers, placed_in
from eventcoder.modality import AttributionMemory, Modality, read_modality
from eventcoder.models import Article, Event, Toponym
from eventcoder.place_roles import doc_memo
from eventcoder.roles import is_anchored, is_support_phrase, read_roles
from eventcoder.side_lists import between_sides
from eventcoder.sides import Fights, read_sides
from eventcoder.subtypes import settle
from eventcoder.toponyms import find_toponyms
from eventcoder.triggers import Trigger, TriggerFinder

_TERRITORY = frozenset({"Government regains territory", "Non-state actor overtakes territory"})


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
        doc_memo(doc)["given_country"] = hint
        country = _article_country(toponyms, hint)
        context = self.actors.article_context(doc, country=country, on=article.published)
        memory = AttributionMemory()
        sentences = list(doc.sents)
        triggered = [(s, self.find_triggers(s)) for s in sentences]
        predictions = self._predict([s for s, found in triggered if found])
        events = ArticleEvents()
        fights = Fights()
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
            if current:
                fights.note(current)
            events.add(sentence, current)
        return disaggregate(article, events.candidates, country)

    def _predict(self, sentences: Sequence[Span]) -> dict[int, Prediction]:
        """The classifier's view of each event sentence (by start token), in one batch."""
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
        fights: Fights,
    ) -> list[Candidate]:
        """The candidate events of one sentence: one per action and sub-event type."""
        main = _actions(article, found, memory, prediction)
        event_date = (
            dates.resolve_event_date(sentence, article.published, trigger=main[0][0].span)
            if main
            else None
        )
        on = event_date.value if event_date else article.published
        mentions = self.actors.find_mentions(sentence, country=country, on=on)
        listed_sides = [between_sides(trigger, mentions) for trigger, _ in main]
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
            sides = read_sides(
                sentence,
                trigger,
                roles,
                mentions,
                listed=listed_sides[index],
                sentence_sides=sentence_sides,
                fights=fights,
            )
            target_words = {sentence.doc[i].lower_ for i in roles.target} | {
                sentence.doc[i].lemma_.lower() for i in roles.target
            }
            for decision in settle(
                trigger,
                agent=sides.agent,
                target_words=target_words,
                target_actor=sides.target,
                prediction=prediction,
            ):
                location = geocode.locate_event(sentence, trigger.span, toponyms, self.gazetteer)
                actor1, actor2, role_reasons = complete_actors(
                    decision.sub_event_type,
                    sides.agent,
                    sides.target,
                    context,
                    country,
                    roles,
                    infighting=sides.infighting,
                    rivals=fights.rival,
                    allies=sides.assoc1,
                )
                out.append(
                    make_candidate(
                        trigger,
                        decision,
                        modality,
                        actor1,
                        actor2,
                        sides.assoc1,
                        sides.assoc2,
                        location,
                        when,
                        (sentence,) if index == 0 and not out else (),
                        role_reasons,
                        prediction,
                        anaphoric=sides.agent is None and not placed_in(location, sentence),
                    )
                )
        return out


def _actions(
    article: Article,
    found: list[Trigger],
    memory: AttributionMemory,
    prediction: Prediction | None,
) -> list[tuple[Trigger, Modality]]:
    """The actions a sentence reports as having happened, one trigger each, in text order.

    A weak noun trigger must be anchored in the sentence; support phrases ("backed up by
    artillery fire") and what did not happen (plans, fears, denials) are no action. When the
    classifier is sure the sentence reports no event, only strong specific triggers are kept.
    """
    realized: list[tuple[Trigger, Modality]] = []
    for trigger in found:
        modality = read_modality(trigger.span, outlet=article.outlet, memory=memory)
        weak_noun = not trigger.specific or trigger.weight < 0.6
        if weak_noun and not is_anchored(trigger.span):
            continue
        if modality.realized and not is_support_phrase(trigger.span):
            realized.append((trigger, modality))
    if (
        prediction is not None
        and prediction.sub_event_type is None
        and prediction.probability > 0.8
    ):
        realized = [(t, m) for t, m in realized if t.specific and t.weight >= 0.8]
    main = fold_triggers(realized)
    if any(t.sub_event_type in _TERRITORY for t, _ in main) and len(main) > 1:
        # "Following clashes, regime forces took control of ...": ACLED codes the fight that
        # ends in a change of control as that change, one event, not a clash beside it.
        main = [
            (t, m)
            for t, m in main
            if t.sub_event_type != "Armed clash" or t.specific and t.weight >= 0.9
        ]
    return main


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
