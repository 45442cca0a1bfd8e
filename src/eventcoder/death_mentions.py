"""Death mentions: every death figure of one sentence, with what it means for the total.

Why a module of its own: this is where a death word (:mod:`eventcoder.death_words`) and its
victim phrase (:mod:`eventcoder.victims`) become one :class:`DeathMention`: a count, the
article characters it was read from, and its kind (a number, a vague word, no number, a
negation, a killed-and-wounded figure, a part of another figure, a total). Combining the
mentions of an event into one count is :mod:`eventcoder.fatalities`' job, not this one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from eventcoder.death_words import (
    DEATH_NOUNS,
    DEATH_VERBS,
    INJURY_WORDS,
    INTRANSITIVE,
    context_reason,
    is_death_word,
    is_mixed,
    is_negated,
    is_passive,
    lost_lives_verb,
    modal_reason,
    word_set,
)
from eventcoder.quantities import UNNUMBERED_DEATHS, read_number
from eventcoder.victims import (
    figure_count,
    head_quantities,
    is_quantified,
    phrase_count,
    phrase_left,
    phrase_right,
    singular_people,
    subject_phrase,
    victim_key,
)

_ADDITIVE = word_set("also another additional further other others more too besides")


@dataclass(frozen=True, slots=True)
class DeathMention:
    """One death figure read from the text, with what it means for the total.

    ``kind`` is one of: number, vague, unnumbered (a count of deaths, exact or not); negated,
    mixed, skipped, subset (read but adding nothing); total (replaces what came before);
    coded, coded_unknown, split (an ACLED coder's statement).
    """

    count: int
    start: int
    end: int
    text: str
    kind: str
    sentence: int
    tokens: tuple[int, int] = (0, 0)
    victims: tuple[str, frozenset[str]] = ("generic", frozenset())
    additive: bool = False
    definite: bool = False
    note: str = ""


def find_death_mentions(sentence: SpacySpan, index: int) -> list[DeathMention]:
    """Every death figure of one sentence, in text order."""
    mentions: list[DeathMention] = []
    used: set[int] = set()
    for token in sentence:
        if token.i in used or not is_death_word(token):
            continue
        mention = _read_mention(sentence, token, index, frozenset(used))
        if mention is None:
            continue
        used.update(range(*mention.tokens))
        mentions.append(mention)
    return mentions


def _read_mention(
    sentence: SpacySpan, token: Token, index: int, blocked: AbstractSet[int] = frozenset()
) -> DeathMention | None:
    lower = token.lower_
    doc = token.doc
    reason = context_reason(token) or modal_reason(token)
    if reason:
        return _make(sentence, token, [], 0, "skipped", index, reason)
    if lower in DEATH_NOUNS and is_negated(token, []):
        return _make(sentence, token, [], 0, "negated", index, "no deaths")
    if is_mixed(token):
        phrase = phrase_right(sentence, _after_coordination(token), blocked)
        if not is_quantified(phrase):
            phrase = phrase_left(sentence, token.i, blocked)
        return _make(
            sentence,
            token,
            phrase,
            0,
            "mixed",
            index,
            "killed and wounded given as one figure: not a death count",
        )
    if lower == "toll":
        return _read_toll(sentence, token, index, blocked)
    if lower in ("lives", "life"):
        verb = lost_lives_verb(token)
        assert verb is not None
        if verb.lower_.startswith(("los", "lose")):
            return _from_phrase(sentence, token, phrase_left(sentence, verb.i, blocked), index)
        right = (
            phrase_right(sentence, token.i + 2, blocked)
            if (token.i + 1 < sentence.end and doc[token.i + 1].lower_ == "of")
            else []
        )
        return _from_phrase(sentence, token, right, index)
    if lower == "dead" or (
        lower == "death" and token.i > sentence.start and doc[token.i - 1].lower_ == "to"
    ):
        return _read_dead(sentence, token, index, blocked)
    if lower in DEATH_NOUNS and not (lower == "killing" and token.pos_ == "VERB"):
        return _read_death_noun(sentence, token, index, blocked)
    left = phrase_left(sentence, token.i, blocked)
    subject = [t for t in subject_phrase(token) if t.i not in blocked]
    if is_quantified(subject) and figure_count(subject) > figure_count(left):
        left = subject  # the parse found conjuncts the word scan missed
    right = phrase_right(sentence, token.i + 1, blocked)
    if not is_quantified(right):
        objects = [c for c in token.children if c.dep_ == "dobj"]
        if objects:
            right = list(doc[objects[0].left_edge.i : objects[0].i + 1])
    # The victims stand before a passive or intransitive verb and after an active one; the
    # tagger confuses "killed" (VBD) and "killed" (VBN), so an empty side yields to the other.
    first, second = (left, right) if is_passive(token) else (right, left)
    if (
        not is_quantified(first)
        and is_quantified(second)
        and token.tag_ in ("VBD", "VBN")
        and not (second is left and lower not in INTRANSITIVE and _has_own_verb(second, token))
    ):
        first = second
    return _from_phrase(sentence, token, first, index)


def _has_own_verb(phrase: Sequence[Token], token: Token) -> bool:
    """Whether a phrase left of an active death verb is its killer ("IS killed ...")."""
    return any(
        c.dep_ == "nsubj" and phrase and phrase[0].i <= c.i <= phrase[-1].i for c in token.children
    )


def _read_dead(
    sentence: SpacySpan, token: Token, index: int, blocked: AbstractSet[int] = frozenset()
) -> DeathMention | None:
    """ "Nine are dead", "left 8 fighters dead", "12 dead", "shot dead two herders", "hacked to
    death a chief and his assistant", "he was beaten to death", "the dead"."""
    doc = token.doc
    prev = [t.lower_ for t in doc[max(sentence.start, token.i - 3) : token.i]]
    if "among" in prev:
        return _make(
            sentence,
            token,
            [],
            0,
            "skipped",
            index,
            "'among the dead': part of a figure given elsewhere",
        )
    # "X shot dead Y" / "X hacked to death Y": the verb before decides who died.
    verb_i = token.i - 1
    if token.lower_ == "death" and verb_i >= sentence.start and doc[verb_i].lower_ == "to":
        verb_i -= 1
    verb = doc[verb_i] if verb_i >= sentence.start else None
    left = phrase_left(
        sentence, verb_i + 1 if verb is None or verb.pos_ != "VERB" else verb_i, blocked
    )
    right = phrase_right(sentence, token.i + 1, blocked)
    active = (
        verb is not None
        and verb.pos_ == "VERB"
        and not any(c.dep_ == "auxpass" for c in verb.children)
        and not (verb_i > sentence.start and doc[verb_i - 1].lower_ in ("was", "were", "been"))
    )
    if active and is_quantified(right):
        return _from_phrase(sentence, token, right, index)
    if is_quantified(left) or (left and left[-1].pos_ in ("NOUN", "PROPN", "PRON")):
        return _from_phrase(sentence, token, left, index)
    if is_quantified(right):
        return _from_phrase(sentence, token, right, index)
    subject = subject_phrase(verb) if verb is not None and verb.pos_ == "VERB" else []
    if is_quantified(subject):
        return _from_phrase(sentence, token, subject, index)
    if token.dep_ in ("nsubj", "nsubjpass") or (prev and prev[-1] == "the"):
        return None  # "The dead include ...": the figures follow and are read where they are
    return _from_phrase(sentence, token, left, index)


def _after_coordination(token: Token) -> int:
    i = token.i + 1
    while i < token.sent.end and (
        token.doc[i].lower_
        in ("and", "or", "and/or", "/", "&", "seriously", "critically", "severely", "badly")
        or token.doc[i].lower_ in INJURY_WORDS
        or token.doc[i].lower_ in DEATH_VERBS
    ):
        i += 1
    return i


def _read_death_noun(
    sentence: SpacySpan, token: Token, index: int, blocked: AbstractSet[int] = frozenset()
) -> DeathMention | None:
    """ "4 QSD fatalities", "the death of two fighters", "the killing of 16", "one death"."""
    doc = token.doc
    prev = [t.lower_ for t in doc[max(sentence.start, token.i - 3) : token.i]]
    if "among" in prev:
        return _make(sentence, token, [], 0, "skipped", index, "a part of a figure given elsewhere")
    window = " ".join(t.lower_ for t in doc[max(sentence.start, token.i - 4) : token.i])
    if re.search(r"\bthe (?:total )?number of\b", window):
        # "the number of deaths reached 100": a toll, read like one.
        return _read_toll(sentence, token, index, blocked)
    left = phrase_left(sentence, token.i, blocked)
    if head_quantities(left) or is_negated(token, left):
        return _from_phrase(sentence, token, left, index)
    if token.i + 1 < sentence.end and doc[token.i + 1].lower_ == "of":
        right = phrase_right(sentence, token.i + 2, blocked)
        if right:
            return _from_phrase(sentence, token, right, index)
    if token.lower_ in ("death", "killing", "assassination", "body", "corpse", "execution") and (
        token.tag_ == "NN"
    ):
        # "the death of ...", "a killing": one death unless a figure says otherwise.
        return _make(sentence, token, [], 1, "number", index, "one death (singular noun)")
    return _make(
        sentence,
        token,
        left,
        UNNUMBERED_DEATHS,
        "unnumbered",
        index,
        "deaths reported without a number",
    )


def _read_toll(
    sentence: SpacySpan, token: Token, index: int, blocked: AbstractSet[int] = frozenset()
) -> DeathMention | None:
    """ "the death toll rose to 7", "a toll of 12", "raising the toll to 30"."""
    doc = token.doc
    end = min(sentence.end, token.i + 8)
    for k in range(token.i + 1, end):
        if doc[k].lower_ in ("by",):
            break
        if doc[k].ent_type_ in ("DATE", "TIME", "ORDINAL"):
            continue
        number = read_number(list(doc[k:end]), 0)
        if number is not None:
            stop = k + number[1]
            # "rose to 7 - 9" / "between 7 and 9": the lower bound, as everywhere.
            mention = _make(
                sentence,
                token,
                list(doc[k:stop]),
                number[0],
                "total",
                index,
                "a death toll: it replaces the figures before it",
            )
            return mention
    left = phrase_left(sentence, token.i, blocked)
    quantities = head_quantities(left)
    if quantities:
        return _make(
            sentence,
            token,
            left,
            quantities[0].value,
            "total",
            index,
            "a death toll: it replaces the figures before it",
        )
    return _make(
        sentence, token, [], UNNUMBERED_DEATHS, "unnumbered", index, "a death toll without a number"
    )


def _from_phrase(
    sentence: SpacySpan, token: Token, phrase: Sequence[Token], index: int
) -> DeathMention:
    if is_negated(token, phrase):
        return _make(sentence, token, phrase, 0, "negated", index, "no deaths")
    extra, extra_tokens = _addition(sentence, token, phrase)
    quantities = head_quantities(phrase)
    if quantities:
        people = singular_people(phrase, strict=True)
        values = [q.value for q in quantities]
        if len(values) >= 3 and values[0] == sum(values[1:]):
            values = values[:1]  # "at least 19 fighters, 8 regime and 11 IS": a breakdown
        count = sum(values) + people + extra
        phrase = list(phrase) + extra_tokens
        kinds = {q.kind for q in quantities}
        kind = (
            "number"
            if kinds == {"number"}
            else ("unnumbered" if kinds == {"unnumbered"} else "vague")
        )
        return _make(sentence, token, phrase, count, kind, index, "")
    people = singular_people(phrase)
    if people:
        return _make(sentence, token, phrase, people, "number", index, "")
    return _make(
        sentence,
        token,
        phrase,
        UNNUMBERED_DEATHS,
        "unnumbered",
        index,
        "deaths reported without a number",
    )


_ADDITION_WORDS: tuple[tuple[str, ...], ...] = (
    ("in", "addition", "to"), ("as", "well", "as"), ("along", "with"), ("together", "with"),
    ("plus",),
)  # fmt: skip


def _addition(
    sentence: SpacySpan, token: Token, phrase: Sequence[Token]
) -> tuple[int, list[Token]]:
    """Victims added after an active verb's phrase: "killing 4 of its fighters, in addition
    to the suicide bomber" -> (1, tokens of "in addition to the suicide bomber")."""
    if not phrase or phrase[0].i < token.i:
        return 0, []
    i = phrase[-1].i + 1
    doc = token.doc
    if i < sentence.end and doc[i].text == ",":
        i += 1
    for words in _ADDITION_WORDS:
        if tuple(t.lower_ for t in doc[i : i + len(words)]) == words:
            extra = phrase_right(sentence, i + len(words))
            count = phrase_count(extra)
            if count:
                return count, list(doc[i : i + len(words)]) + extra
    return 0, []


def _make(
    sentence: SpacySpan,
    token: Token,
    phrase: Sequence[Token],
    count: int,
    kind: str,
    index: int,
    note: str,
) -> DeathMention:
    doc = token.doc
    indices = [token.i] + [t.i for t in phrase]
    start, end = min(indices), max(indices) + 1
    window = [t.lower_ for t in doc[max(sentence.start, start - 3) : min(sentence.end, end + 2)]]
    # "another 3", "3 more", "3 other soldiers", "also killed", "killed as well"; not "other
    # reports said", which adds a source, not victims.
    additive = (
        any(t.lower_ in _ADDITIVE for t in phrase)
        or any(c.lower_ in ("also", "too", "additionally") for c in token.children)
        or (start > sentence.start and doc[start - 1].lower_ in ("also", "further", "additionally"))
        or "as well" in " ".join(t.lower_ for t in doc[end : min(sentence.end, end + 3)])
    )
    definite = (
        bool(phrase)
        and phrase[0].lower_ in ("the", "these", "those")
        and not (head_quantities(phrase))
    )
    before = [t.lower_ for t in doc[max(sentence.start, start - 2) : start]]
    if kind in ("number", "vague", "unnumbered"):
        if set(before) & {"including", "among", "incl.", "included"} or _of_them(sentence, end):
            kind, note = "subset", "a part of a figure already counted"
        elif "total" in window or "totalling" in window or "altogether" in window:
            kind, note = "total", "a total: it replaces the figures before it"
    return DeathMention(
        count,
        doc[start].idx,
        doc[end - 1].idx + len(doc[end - 1].text),
        doc[start:end].text,
        kind,
        index,
        (start, end),
        victim_key(phrase),
        additive,
        definite,
        note,
    )


def _of_them(sentence: SpacySpan, end: int) -> bool:
    """ "two of them", "three of whom": the figure is part of one given before."""
    words = [t.lower_ for t in sentence.doc[max(sentence.start, end - 4) : end + 2]]
    return "of" in words and ("them" in words or "whom" in words)
