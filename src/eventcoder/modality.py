"""Modality and attribution: did the text say the event happened, and who says so?

News about war is full of events that did not happen: plans ("militants were to hand over their
heavy weapons"), alternatives ("either facing a massive attack or join the talks"), fears ("for
fear of the army's attacks"), orders ("ordered intensifying attack") and denials. And what did
happen is mostly *reported speech*: "sources privy to the talks said", "he went on to say".

:func:`read_modality` walks the dependency path from the trigger up to the sentence root and
reads the grammar along the way:

- negation on the trigger or its verb -> ``denied``;
- ``if``/``unless``/``whether``, ``either ... or``, ``may``/``might``/``should`` and nouns such
  as "fear", "threat", "option" -> ``hypothetical``;
- ``will``/``would``/``shall``, "were to", a purpose infinitive ("operations to liberate") and
  verbs of intent or command ("plan", "order", "insist on", "threaten") -> ``planned``;
- a reporting verb ("said", "reported", "according to", "claimed") -> ``claimed``, with its
  subject as the attribution. Pronouns and "the source" resolve to the last attribution named
  earlier in the article (:class:`AttributionMemory`).

Otherwise the outlet itself asserts the event (``asserted``, attribution = the outlet). Only
``asserted`` and ``claimed`` events are coded as having happened.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from eventcoder.models import Span as TextSpan

REALIZED: frozenset[str] = frozenset({"asserted", "claimed"})

REPORT_VERBS = frozenset(
    "say report claim tell add state announce allege accuse confirm reveal indicate note "
    "explain quote cite describe assert warn write publish post tweet".split()
)
PLAN_VERBS = frozenset(
    "plan intend aim want seek decide prepare threaten vow order command insist demand call "
    "urge offer propose hope expect resolve pledge promise mull consider "
    "request ask agree refuse reject".split()
)
HYPOTHETICAL_NOUNS = frozenset(
    "fear threat risk option possibility prospect danger chance scenario likelihood".split()
)
PLANNED_NOUNS = frozenset("plan deal offer proposal order intention bid plot demand".split())
HYPOTHETICAL_MODALS = frozenset({"may", "might", "should", "must", "can"})
FUTURE_MODALS = frozenset({"will", "shall", "would", "'ll", "wo"})
CONDITION_MARKS = frozenset({"if", "unless", "whether", "lest"})
HEDGE_ADVERBS = frozenset({"reportedly", "allegedly", "purportedly", "apparently"})
DENY_VERBS = frozenset({"deny", "dismiss", "refute"})
PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "who"})
#: Dependency labels through which a reporting verb governs its reported content.
CONTENT_DEPS = frozenset({"ccomp", "parataxis", "xcomp", "advcl", "conj", "dobj", "relcl", "pcomp"})


@dataclass(frozen=True, slots=True)
class Modality:
    """What the text commits to about an event, and on whose word."""

    value: str
    attribution: str
    reason: str
    span: TextSpan | None = None

    @property
    def realized(self) -> bool:
        """True when the text reports the event as having happened."""
        return self.value in REALIZED


@dataclass(slots=True)
class AttributionMemory:
    """The last source named in an article, so "he added" and "the source said" resolve.

    One memory per article, fed every sentence in text order through :meth:`observe` (also the
    sentences without events: "Heisam Hasoun, a retired officer, said ..." names the "he" of
    the next sentence). It is the only mutable state of the stage, scoped to one article.
    """

    last: str = ""
    last_span: TextSpan | None = None

    def observe(self, sentence: Span) -> None:
        """Remember the source this sentence credits, if it names one."""
        reporter = _sentence_reporter(sentence)
        if reporter is None:
            return
        text, span = self.resolve(_clean(reporter), _text_span(reporter))
        if not _is_anaphoric(text):
            self.last, self.last_span = text, span

    def resolve(self, text: str, span: TextSpan | None) -> tuple[str, TextSpan | None]:
        """A pronoun or "the source(s)" becomes the last named source; names stay as they are."""
        if _is_anaphoric(text) and self.last:
            return self.last, self.last_span
        return text, span


def _text_span(span: Span) -> TextSpan:
    return TextSpan(span.start_char, span.end_char, span.text)


def _is_anaphoric(text: str) -> bool:
    words = text.lower().replace('"', "").split()
    if not words:
        return True
    if len(words) == 1 and words[0] in PRONOUNS:
        return True
    return words[0] == "the" and len(words) <= 2 and words[-1] in {"source", "sources"}


def read_modality(
    trigger: Span,
    *,
    outlet: str,
    memory: AttributionMemory | None = None,
) -> Modality:
    """Decide the modality and attribution of the event reported by ``trigger``.

    Args:
        trigger: the trigger words (a span of a parsed sentence).
        outlet: the publishing outlet, the attribution when nobody else is credited.
        memory: the article's attribution memory, to resolve "he said", "the source added".
    """
    head = trigger.root
    sentence = head.sent
    status, why = _non_realized(head, trigger)
    reporter = _reporting_subject(head, sentence)
    attribution, span = (outlet or "the article"), None
    if reporter is not None:
        attribution, span = _clean(reporter), _text_span(reporter)
        if memory is not None:
            attribution, span = memory.resolve(attribution, span)
    if status is not None:
        return Modality(status, attribution, why, span)
    if reporter is not None and not _same_source(attribution, outlet):
        via = "" if attribution == _clean(reporter) else f" ({_clean(reporter)!r} refers back to it)"
        return Modality(
            "claimed", attribution, f"reported by {attribution!r}{via}, not asserted by the outlet", span
        )
    hedge = next((t for t in sentence if t.lower_ in HEDGE_ADVERBS), None)
    if hedge is not None:
        return Modality(
            "claimed", "unnamed sources", f"hedged with {hedge.text!r}", TextSpan(hedge.idx, hedge.idx + len(hedge), hedge.text)
        )
    return Modality("asserted", attribution, f"stated as fact by {attribution!r}", span)


def _same_source(attribution: str, outlet: str) -> bool:
    return bool(outlet) and attribution.strip().lower() == outlet.strip().lower()


def _non_realized(head: Token, trigger: Span) -> tuple[str | None, str]:
    """Walk from the trigger to the root; return (modality, reason) if the path is not factual."""
    node: Token | None = head
    previous: Token | None = None
    while node is not None:
        for child in node.children:
            if child.dep_ == "neg" or (child.dep_ == "det" and child.lower_ in {"no", "never"}):
                if node.i == head.i or (previous is not None and previous.dep_ in {"dobj", "nsubjpass", "xcomp"}):
                    return "denied", f"negated by {child.text!r}"
            if child.dep_ == "mark" and child.lower_ in CONDITION_MARKS:
                return "hypothetical", f"under the condition {child.text!r}"
            if child.dep_ == "preconj" and child.lower_ == "either":
                return "hypothetical", "one of the alternatives 'either ... or'"
            if child.dep_ == "aux" and child.lower_ in FUTURE_MODALS:
                return "planned", f"future or intended ({child.text!r} {node.text!r})"
            if child.dep_ == "aux" and child.lower_ in HYPOTHETICAL_MODALS:
                return "hypothetical", f"a possibility ({child.text!r} {node.text!r})"
            if child.dep_ == "aux" and child.lower_ == "to" and node.dep_ in {"xcomp", "advcl", "acl", "relcl", "ccomp", "conj"}:
                governor = node.head
                if governor.lemma_.lower() in {"be"} or node.dep_ in {"acl", "advcl"} or governor.lemma_.lower() in PLAN_VERBS:
                    return "planned", f"intended, not done ('to {node.text}')"
        lemma = node.lemma_.lower()
        if node.i != head.i and previous is not None:
            if lemma in DENY_VERBS:
                return "denied", f"denied ({node.text!r})"
            if lemma in PLAN_VERBS and node.pos_ == "VERB" and previous.dep_ in {"xcomp", "ccomp", "dobj", "pcomp", "prep", "pobj"}:
                return "planned", f"intended or ordered, not done ({node.text!r})"
            if lemma in HYPOTHETICAL_NOUNS and node.pos_ == "NOUN":
                return "hypothetical", f"a {node.text!r}, not a fact"
            if lemma in PLANNED_NOUNS and node.pos_ == "NOUN" and previous.dep_ in {"acl", "prep", "pobj", "relcl", "xcomp"}:
                return "planned", f"part of a {node.text!r}, not done"
            if lemma in REPORT_VERBS and previous.dep_ in CONTENT_DEPS:
                break  # the reported content ends here; what governs the report is the reporter's
        if node.head.i == node.i:
            break
        previous, node = node, node.head
    return None, ""


def _reporting_subject(head: Token, sentence: Span) -> Span | None:
    """The subject of the reporting verb that governs the trigger, or of the sentence's report."""
    node = head
    while node.head.i != node.i:
        parent = node.head
        if parent.lemma_.lower() in REPORT_VERBS and node.dep_ in CONTENT_DEPS | {"advcl"}:
            subject = _subject_of(parent)
            if subject is not None and head.i not in range(subject.start, subject.end):
                return subject
        if parent.lower_ == "according" or (parent.dep_ == "prep" and parent.lower_ == "to" and parent.head.lower_ == "according"):
            break
        node = parent
    for token in sentence:
        if token.lower_ == "according":
            objects = [c for t in token.children for c in t.children if c.dep_ == "pobj"]
            objects += [c for c in token.children if c.dep_ == "pobj"]
            if objects:
                obj = objects[0]
                return sentence.doc[obj.left_edge.i : obj.right_edge.i + 1]
    for token in sentence:
        if token.lemma_.lower() in REPORT_VERBS and token.pos_ == "VERB":
            subject = _report_verb_subject(token)
            if subject is not None and not (subject.start <= head.i < subject.end):
                if token.i > head.i or sentence.text.lstrip().startswith(("\u201c", '"')):
                    return subject
    return None


def _sentence_reporter(sentence: Span) -> Span | None:
    """The source a sentence credits for what it says: "X said ...", "according to X"."""
    for token in sentence:
        if token.lower_ == "according":
            objects = [c for t in token.children for c in t.children if c.dep_ == "pobj"]
            if objects:
                return sentence.doc[objects[0].left_edge.i : objects[0].right_edge.i + 1]
    verbs = [t for t in sentence if t.lemma_.lower() in REPORT_VERBS and t.pos_ == "VERB"]
    verbs.sort(key=lambda t: t.dep_ != "ROOT")
    for verb in verbs:
        subject = _report_verb_subject(verb)
        if subject is not None:
            return subject
    return None


def _report_verb_subject(verb: Token) -> Span | None:
    """The subject of a reporting verb, borrowing its governor's when the parse detached it.

    "he went on to say": the subject sits on "went". "sources privy to the talks said": the
    small model often makes "privy" the root; the source is then everything from the
    governor's subject up to the reporting verb.
    """
    subject = _subject_of(verb)
    if subject is None and verb.dep_ in {"xcomp", "advcl", "conj"}:
        borrowed = _subject_of(verb.head)
        subject = borrowed
        if borrowed is not None and verb.dep_ == "advcl" and borrowed.start < verb.i:
            end = verb.i
            while end > borrowed.end and verb.doc[end - 1].is_punct:
                end -= 1
            subject = verb.doc[borrowed.start : max(end, borrowed.end)]
    return subject


def _subject_of(verb: Token) -> Span | None:
    for child in verb.children:
        if child.dep_ in {"nsubj", "nsubjpass"}:
            return verb.doc[child.left_edge.i : child.right_edge.i + 1]
    return None


def _clean(span: Span) -> str:
    """The attribution text without quotes, stray punctuation or a leading "and"."""
    text = span.text.strip().strip('"\u201c\u201d,;: ')
    return " ".join(text.split())
