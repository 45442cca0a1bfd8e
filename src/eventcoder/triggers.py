"""Find the words in a sentence that report a conflict event (the *triggers*).

A trigger is a word or phrase from the packaged lexicon ``data/trigger_lexicon.csv`` (data, not
code): "air strike", "shelled", "clashes", "fended off", "liberation", "abducted". Each lexicon
row names the ACLED sub-event type the words suggest and whether they name it outright
(*specific*: "airstrike") or only name violence whose type depends on instrument, target and
actor (*generic*: "attack", "pounded", "seized control"); :mod:`eventcoder.extract` settles the
generic ones. Matching is on lemmas (falling back to the lower-cased word), optionally restricted to a part of
speech (``accord/NOUN`` keeps "according to" out), longest match first,
so "suicide car bomb" wins over "car bomb".

Why a lexicon rather than the classifier alone: a trigger pins the event to *words*, which the
evidence, modality, actor roles and event location all hang on, and one sentence often reports
several events ("jets launched sorties ... while soldiers engaged in clashes").
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from spacy.tokens import Span, Token

from eventcoder.errors import ConfigError


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One lexicon row: a token pattern and the sub-event type it suggests."""

    pattern: tuple[frozenset[str], ...]
    optional: tuple[bool, ...]
    pos: tuple[str, ...]
    sub_event_type: str
    specific: bool
    weight: float
    phrase: str


@dataclass(frozen=True, slots=True)
class Trigger:
    """Trigger words found in a sentence, with the lexicon's suggestion for them."""

    span: Span
    sub_event_type: str
    specific: bool
    weight: float
    phrase: str

    @property
    def head(self) -> Token:
        """The syntactic head of the trigger words (the verb or noun that governs them)."""
        return self.span.root


def _parse_pattern(
    phrase: str,
) -> tuple[tuple[frozenset[str], ...], tuple[bool, ...], tuple[str, ...]]:
    """Split ``"accord/NOUN"``, ``"air strike|raid"``, ``"blow himself|herself? up"`` rows."""
    alternatives: list[frozenset[str]] = []
    optional: list[bool] = []
    pos: list[str] = []
    for part in phrase.split():
        is_optional = part.endswith("?")
        part = part.rstrip("?")
        part, _, tag = part.partition("/")
        alternatives.append(frozenset(p.lower() for p in part.split("|") if p))
        optional.append(is_optional)
        pos.append(tag.upper())
    return tuple(alternatives), tuple(optional), tuple(pos)


@lru_cache(maxsize=4)
def load_lexicon(path: str = "") -> tuple[LexiconEntry, ...]:
    """Read the trigger lexicon (the packaged one unless ``path`` is given).

    Raises:
        ConfigError: the file is missing or a row is malformed (the message names the row).
    """
    if path:
        text = Path(path).read_text(encoding="utf-8")
        name = path
    else:
        text = resources.files("eventcoder").joinpath("data/trigger_lexicon.csv").read_text("utf-8")
        name = "eventcoder/data/trigger_lexicon.csv"
    entries: list[LexiconEntry] = []
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    for number, row in enumerate(csv.DictReader(lines), start=2):
        try:
            pattern, optional, pos = _parse_pattern(row["phrase"])
            kind = row["kind"].strip()
            if kind not in ("specific", "generic"):
                raise ValueError(f"kind must be specific or generic, not {kind!r}")
            entries.append(
                LexiconEntry(
                    pattern=pattern,
                    optional=optional,
                    pos=pos,
                    sub_event_type=row["sub_event_type"].strip(),
                    specific=kind == "specific",
                    weight=float(row["weight"]),
                    phrase=row["phrase"],
                )
            )
        except (KeyError, ValueError, TypeError) as error:
            raise ConfigError(f"{name}: row {number} is malformed: {error}") from None
    return tuple(entries)


class TriggerFinder:
    """Match the lexicon against sentences. Build once; calling it is cheap."""

    def __init__(self, entries: tuple[LexiconEntry, ...] | None = None) -> None:
        self.entries = entries if entries is not None else load_lexicon()
        self._by_first: dict[str, list[LexiconEntry]] = defaultdict(list)
        for entry in self.entries:
            for word in entry.pattern[0]:
                self._by_first[word].append(entry)

    def __call__(self, sentence: Span) -> list[Trigger]:
        """All non-overlapping triggers in ``sentence``, longest match first, in text order."""
        found: list[Trigger] = []
        tokens = list(sentence)
        keys = [_keys(token) for token in tokens]  # once per token, not once per pattern tried
        for i, token in enumerate(tokens):
            for key in keys[i]:
                for entry in self._by_first.get(key, ()):
                    length = _match_length(entry, tokens, keys, i)
                    if length and _plausible(entry, tokens[i : i + length]):
                        span = sentence.doc[token.i : token.i + length]
                        found.append(
                            Trigger(span, entry.sub_event_type, entry.specific, entry.weight, entry.phrase)
                        )
        found.sort(key=lambda t: (-(t.span.end - t.span.start), -t.specific, -t.weight, t.span.start))
        chosen: list[Trigger] = []
        taken: set[int] = set()
        for trigger in found:
            positions = set(range(trigger.span.start, trigger.span.end))
            if positions & taken:
                continue
            chosen.append(trigger)
            taken |= positions
        return sorted(chosen, key=lambda t: t.span.start)


def _keys(token: Token) -> tuple[str, ...]:
    """The forms a lexicon word may match: the lower-cased lemma, then the lower-cased word.

    A tuple, not a set, so that triggers are tried in the same order in every process (a set
    of strings iterates in an order that changes with each interpreter's hash seed).
    """
    lemma, lower = token.lemma_.lower(), token.lower_
    return (lemma,) if lemma == lower else (lemma, lower)


def _match_length(entry: LexiconEntry, tokens: list[Token], keys: list[tuple[str, ...]], start: int) -> int:
    """Tokens consumed when ``entry`` matches at ``start`` (0 when it does not).

    ``keys`` holds :func:`_keys` of each of ``tokens``.
    """
    position = start
    for alternatives, optional, pos in zip(entry.pattern, entry.optional, entry.pos, strict=True):
        if (
            position < len(tokens)
            and not alternatives.isdisjoint(keys[position])
            and (not pos or tokens[position].pos_ == pos)
        ):
            position += 1
        elif optional:
            continue
        else:
            return 0
    return position - start


def _plausible(entry: LexiconEntry, tokens: list[Token]) -> bool:
    """Reject matches that are names or labels rather than reports of violence.

    A capitalised single word tagged as a proper noun mid-sentence is a name ("March",
    "Storm Shadow"), unless it is an acronym such as "IED". Words used as adjectives
    ("the clash-prone area") and trigger nouns inside a proper name ("Liberation Army")
    are not events either.
    """
    first, last = tokens[0], tokens[-1]
    after = last.nbor(1) if last.i + 1 < len(last.doc) else None
    if after is not None and after.text == "-" and not last.whitespace_:
        return False  # a modifier in a hyphenated compound: "landmine-planted areas"
    if len(tokens) == 1:
        if first.pos_ == "PROPN" and not first.is_upper and first.i != first.sent.start:
            return False
        if first.ent_type_ in ("ORG", "PERSON", "WORK_OF_ART", "LAW", "EVENT", "FAC"):
            return False
    if any(t.ent_type_ in ("ORG", "WORK_OF_ART", "LAW") and t.is_title for t in tokens):
        return False
    return True
