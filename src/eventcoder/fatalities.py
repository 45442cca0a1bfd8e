"""Death counts read from the sentences of one event, the ACLED way.

ACLED codes deaths only (never injuries) and, when sources disagree, the most conservative
figure. This module reads every death mention in the event's sentences ("killing 3 civilians",
"5-6 policemen were killed", "4 QSD fatalities", "the death of two fighters", "the toll rose to
7") and combines them with rules that are each a reading of that principle:

* **One number per mention, the lowest it allows.** "at least 12" -> 12, "between 10 and 15"
  and "5-6" -> the lower bound, "more than 20" -> 20. "up to 20" and "nearly 20" -> 20: it is
  the only figure the source gives, and ACLED's own notes code "Up to 17 soldiers were killed"
  as 17. Words count like digits ("twenty-five", "a woman and a child" -> 2).
* **Vague counts** follow ACLED's FAQ: tens = 10, dozens = 12, hundreds = 100 (and by the same
  reading a dozen = 12, scores = 20, thousands = 1000). A death toll reported without a number
  ("several fighters were killed", "fatalities were reported", "civilians were killed") is coded
  3: ACLED's rule gives 3 for an attack of limited scope and 10 for a significant attack in a
  war zone, and whether an attack was significant is not something one sentence tells us, so we
  take the lower figure, which is also the least "several" or "a few" can mean. "many",
  "numerous" and "scores" say the toll was large: 10 (20 for scores).
* **Deaths only.** A mixed figure ("killing or wounding ten", "killed and wounded several",
  "casualties") is not a death count: it adds 0, and the reason says so. Injured numbers are
  never read. Negated deaths ("no one was killed", "No fatalities reported") add 0.
* **Not this event's deaths.** Deaths that are the *topic* of the event rather than its result
  ("protesting the killing of a student", "arrested for killing", "in retaliation for the
  killing of") and deaths that did not happen ("tried to kill", "could have killed") are
  skipped.
* **Combining mentions.** Two mentions in one sentence are different deaths and add up
  ("killing 3 civilians and 2 soldiers", "killing 4 fighters, in addition to the bomber"),
  unless the second is a part of the first ("including two children", "5 of them"); a part is
  kept only when the whole was vague ("some deaths, including at least 2" -> 2). Across
  sentences, a mention marked as additional ("also", "another", "additional") or naming a
  clearly different party (civilians vs soldiers vs militants, IS vs QSD fighters) adds up;
  the same party counted again is a competing estimate of the same deaths and the lower one is
  kept; a general figure ("12 people were killed") next to a party-specific one may or may not
  include it, so the larger of the two (the least the union can hold) is kept. A total or a
  toll update ("a total of 27", "the toll rose to 7") replaces what came before.
* **Coder statements.** ACLED notes end with the figure the coder chose ("Total fatalities
  coded as 14", "Fatalities coded as 0 (VoJ reported 4)", "Unknown fatalities coded as 10 and
  split between the 2 locations", "Fatalities are split across 3 events (5)"). When such a
  statement is present it wins; it never matches ordinary news text, which does not speak of
  coding. A total split over N events gives the share most of those events get (ACLED spreads
  the remainder over the first ones: 10 over 3 is 4, 3, 3, so 3); which event a sentence
  list names first is not known here.

The reading is split by stage: :mod:`eventcoder.quantities` reads counts ("twenty-five",
"dozens", "5-6"), :mod:`eventcoder.death_words` decides whether a word is a death of this
event, :mod:`eventcoder.victims` reads the victim phrase beside it,
:mod:`eventcoder.death_mentions` turns both into one figure per mention and
:mod:`eventcoder.coder_statements` reads the coder's own figure. This module combines the
figures into the one count :func:`count_fatalities` returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from spacy.tokens import Span as SpacySpan

from eventcoder.coder_statements import read_coder_statements
from eventcoder.death_mentions import DeathMention, find_death_mentions
from eventcoder.models import Fatalities, Span
from eventcoder.nlp import doc_text


@dataclass(slots=True)
class _Group:
    """Figures taken to count the same deaths, and the count they stand for together."""

    count: int
    mentions: list[DeathMention] = field(default_factory=list)


_SAME, _OVERLAP, _DISJOINT = "same", "overlap", "disjoint"


def _relation(new: DeathMention, group: _Group) -> str:
    """How a new figure relates to a group of figures already read (see the module docstring)."""
    old = group.mentions[0]
    if any(m.sentence == new.sentence for m in group.mentions):
        return _OVERLAP if "unnumbered" in (new.kind, old.kind) else _DISJOINT
    if new.additive:
        return _DISJOINT
    (new_class, new_parties), (old_class, old_parties) = new.victims, old.victims
    if new.kind == "unnumbered" or old.kind == "unnumbered":
        return _SAME if new.definite or old.definite else _OVERLAP
    if new_parties and old_parties and not new_parties & old_parties:
        return _DISJOINT
    if new_class != "generic" and old_class != "generic":
        return _SAME if new_class == old_class else _DISJOINT
    if new_class == old_class:
        return _SAME
    return _OVERLAP


def _merge_same(group: _Group, new: DeathMention) -> None:
    """Two figures for the same deaths: a number beats a vague word; else the lower one."""
    old_vague = all(m.kind != "number" for m in group.mentions)
    if new.kind == "number" and old_vague:
        group.count = new.count
    elif new.kind == "number" or not old_vague:
        group.count = min(group.count, new.count) if new.kind == "number" else group.count
    else:
        group.count = min(group.count, new.count)
    group.mentions.append(new)


def _combine(mentions: Sequence[DeathMention]) -> tuple[int, list[DeathMention], list[str]]:
    """Fold the figures into one count; returns (count, contributing mentions, notes)."""
    groups: list[_Group] = []
    notes: list[str] = []
    mixed_sentences = {m.sentence for m in mentions if m.kind == "mixed"}
    for mention in mentions:
        if mention.kind == "subset":
            # "Some deaths were reported, including at least 2 by a land mine": a numbered
            # part of a vague (or mixed) figure is the best lower bound the text gives.
            local = [g for g in groups if any(m.sentence == mention.sentence for m in g.mentions)]
            if local and all(m.kind != "number" for g in local for m in g.mentions):
                local[-1].count = mention.count
                local[-1].mentions.append(replace(mention, kind="number"))
                continue
            if not local and mention.sentence in mixed_sentences:
                groups.append(_Group(mention.count, [replace(mention, kind="number")]))
                continue
        if mention.kind in ("negated", "mixed", "skipped", "subset"):
            notes.append(f"'{mention.text}': {mention.note or mention.kind} (0)")
            continue
        if mention.kind == "total":
            groups = [_Group(mention.count, [mention])]
            continue
        if mention.kind == "coded_unknown":
            groups = [g for g in groups if any(m.kind == "number" for m in g.mentions)]
            groups.append(_Group(mention.count, [mention]))
            continue
        totals = [g for g in groups if any(m.kind == "total" for m in g.mentions)]
        if totals and not mention.additive:
            notes.append(f"'{mention.text}': within the total already counted")
            continue
        relations = [(_relation(mention, g), g) for g in groups]
        same = [g for r, g in relations if r == _SAME]
        overlap = [g for r, g in relations if r == _OVERLAP]
        if same:
            _merge_same(same[-1], mention)
        elif overlap:
            merged = _Group(
                max(sum(g.count for g in overlap), mention.count),
                [m for g in overlap for m in g.mentions] + [mention],
            )
            if mention.kind == "unnumbered" and any(
                m.kind != "unnumbered" for g in overlap for m in g.mentions
            ):
                merged.count = sum(g.count for g in overlap)
            groups = [g for g in groups if all(g is not o for o in overlap)] + [merged]
        else:
            groups.append(_Group(mention.count, [mention]))
    count = sum(g.count for g in groups)
    used = sorted((m for g in groups for m in g.mentions), key=lambda m: m.start)
    return count, used, notes


def count_fatalities(sentences: Sequence[SpacySpan]) -> Fatalities:
    """The number of people killed in the event the ``sentences`` report, ACLED's way.

    Deaths only, the most conservative figure, vague words coded as ACLED does; see the module
    docstring for every rule. ``span`` covers the words the count was read from (article
    offsets) and ``reason`` lists each figure and what was done with it.
    """
    if not sentences:
        return Fatalities(0, None, "no sentence given")
    mentions: list[DeathMention] = []
    coded: list[DeathMention] = []
    for index, sentence in enumerate(sentences):
        statements = read_coder_statements(sentence, index)
        coded.extend(statements)
        for mention in find_death_mentions(sentence, index):
            # "Distributed fatalities over ...", "Unknown fatalities coded as 10": in a coder's
            # sentence an unnumbered death word is the coder's topic, not a further death.
            if statements and mention.kind == "unnumbered":
                continue
            if any(m.start <= mention.start < m.end for m in statements):
                continue
            if mention.kind == "number" and any(
                m.kind == "split" and mention.end <= m.start for m in statements
            ):
                # "20 fatalities split between 3 locations": the figure being split is the total.
                mention = replace(mention, kind="total", note="the figure the coder splits")
            mentions.append(mention)
    mentions.sort(key=lambda m: (m.sentence, m.start))

    figures = [m for m in coded if m.kind in ("coded", "coded_unknown")]
    splits = [m for m in coded if m.kind == "split"]
    finals = [m for m in figures if m.kind == "coded"]
    if figures or splits:
        return _coded_result(mentions, figures, finals, splits, sentences)

    count, used, notes = _combine(mentions)
    if not used:
        if notes:
            reason = "; ".join(notes)
            first = next(m for m in mentions if m.kind in ("negated", "mixed", "skipped", "subset"))
            return Fatalities(0, Span(first.start, first.end, first.text), reason)
        return Fatalities(0, None, "no death reported")
    return Fatalities(count, _cover(used, sentences), _explain(count, used, notes))


def _coded_result(
    mentions: list[DeathMention],
    figures: list[DeathMention],
    finals: list[DeathMention],
    splits: list[DeathMention],
    sentences: Sequence[SpacySpan],
) -> Fatalities:
    """Apply the coder's own statements: the last coded figure, divided when split after it.

    A coded figure for unknown deaths ("Unknown fatalities coded as 10") replaces the vague
    figures it quantifies and adds to the numbered ones.
    """
    final = finals[-1] if finals else None
    split = splits[-1] if splits else None
    if final is not None and (
        split is None or (final.sentence, final.start) > (split.sentence, split.start)
    ):
        return Fatalities(
            final.count,
            _cover([final], sentences),
            f"coder's figure '{final.text}' -> {final.count}",
        )
    if final is not None:
        count, used = final.count, [final]
        reason = f"coder's figure '{final.text}' -> {count}"
    else:
        pool = mentions + [m for m in figures if m.kind == "coded_unknown"]
        count, used, _ = _combine(sorted(pool, key=lambda m: (m.sentence, m.start)))
        reason = f"figures read from the text -> {count}"
    if split is not None:
        if split.count >= 0:
            count = split.count
            reason += f"; '{split.text[:60]}': {count} for this event"
        else:
            events = -split.count
            # The share most of the events get: 10 over 3 -> 4, 3, 3 -> 3; 7 over 13 -> 1.
            share, rest = divmod(count, events)
            divided = share + 1 if 2 * rest > events else share
            reason += f"; '{split.text[:60]}': {count} over {events} events -> {divided} here"
            count = divided
        used = used + [split]
    if not used:
        return Fatalities(count, None, reason)
    return Fatalities(count, _cover(used, sentences), reason)


def _cover(mentions: Sequence[DeathMention], sentences: Sequence[SpacySpan]) -> Span:
    """The article characters from the first figure used to the last one."""
    start = min(m.start for m in mentions)
    end = max(m.end for m in mentions)
    return Span(start, end, _article_text(sentences, start, end))


def _article_text(sentences: Sequence[SpacySpan], start: int, end: int) -> str:
    """The article text from ``start`` to ``end``, cut from the sentence that holds it.

    spaCy rebuilds ``Doc.text`` from every token on each access, so the whole article is read
    only when the figures span several sentences (and then once per document, via
    :func:`~eventcoder.nlp.doc_text`).
    """
    for sentence in sentences:
        if sentence.start_char <= start and end <= sentence.end_char:
            return sentence.text[start - sentence.start_char : end - sentence.start_char]
    return doc_text(sentences[0].doc)[start:end]


def _explain(count: int, used: Sequence[DeathMention], notes: Sequence[str]) -> str:
    parts = []
    for mention in used:
        label = {
            "number": "",
            "vague": " (vague word)",
            "unnumbered": " (no number given)",
            "total": " (total)",
            "coded_unknown": " (coder's figure)",
        }.get(mention.kind, "")
        parts.append(f"'{mention.text}' = {mention.count}{label}")
    how = "; ".join(parts)
    if len(used) > 1:
        how += f" -> {count} (same deaths counted once, different victims added)"
    if notes:
        how += "; ignored: " + "; ".join(notes)
    return how
