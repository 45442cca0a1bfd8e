"""Counts written in words: number words, ranges and vague quantities, read off spaCy tokens.

Why a module of its own: reading "twenty - five", "two hundred and fifty", "5-6" or "dozens"
is the same job wherever a figure is given, and it is the part of death counting that knows
nothing about deaths. It also decides what is *not* a count ("5 March", "25th", "a 9 year old
boy", "Brigade 93", "15 percent"), so callers can hand it any phrase. Ranges collapse to their
lower bound and vague words to the figures ACLED's FAQ gives (tens = 10, dozens = 12, hundreds
= 100); see :mod:`eventcoder.fatalities` for why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Token

#: Death toll coded when deaths are reported without a number (see :mod:`eventcoder.fatalities`).
UNNUMBERED_DEATHS = 3
#: Death toll coded for "many"/"numerous" deaths: ACLED's figure for a significant attack.
MANY_DEATHS = 10

_UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES: dict[str, int] = {"hundred": 100, "thousand": 1000}

#: Vague quantities, as (words, value); longest first so "a number of" beats "a".
_VAGUE: tuple[tuple[tuple[str, ...], int, str], ...] = (
    (("an", "unknown", "number", "of"), UNNUMBERED_DEATHS, "unnumbered"),
    (("unknown", "number", "of"), UNNUMBERED_DEATHS, "unnumbered"),
    (("an", "unspecified", "number", "of"), UNNUMBERED_DEATHS, "unnumbered"),
    (("unspecified", "number", "of"), UNNUMBERED_DEATHS, "unnumbered"),
    (("a", "large", "number", "of"), MANY_DEATHS, "vague"),
    (("large", "numbers", "of"), MANY_DEATHS, "vague"),
    (("a", "number", "of"), UNNUMBERED_DEATHS, "vague"),
    (("a", "handful", "of"), UNNUMBERED_DEATHS, "vague"),
    (("a", "couple", "of"), 2, "vague"),
    (("a", "dozen"), 12, "vague"),
    (("a", "few"), UNNUMBERED_DEATHS, "vague"),
    (("dozens",), 12, "vague"),
    (("dozen",), 12, "vague"),
    (("tens",), 10, "vague"),
    (("scores",), 20, "vague"),
    (("hundreds",), 100, "vague"),
    (("thousands",), 1000, "vague"),
    (("several",), UNNUMBERED_DEATHS, "vague"),
    (("few",), UNNUMBERED_DEATHS, "vague"),
    (("some",), UNNUMBERED_DEATHS, "vague"),
    (("many",), MANY_DEATHS, "vague"),
    (("numerous",), MANY_DEATHS, "vague"),
    (("both",), 2, "number"),
)  # fmt: skip


def word_value(word: str) -> int | None:
    """Value of one number token: digits ("1,500"), a number word, or a hyphenated compound."""
    text = word.lower().replace(",", "")
    if text.isdigit():
        return int(text)
    if text in _UNITS:
        return _UNITS[text]
    if text in _TENS:
        return _TENS[text]
    parts = re.split(r"[-–]", text)
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS:
        return _TENS[parts[0]] + _UNITS[parts[1]]
    return None


@dataclass(frozen=True, slots=True)
class Quantity:
    """One count in a phrase: its value and the tokens it was read from."""

    value: int
    start: int  # token index
    end: int  # token index, exclusive
    kind: str  # number | vague | unnumbered


def read_number(tokens: Sequence[Token], i: int) -> tuple[int, int] | None:
    """A number starting at tokens[i] ("twenty - five", "two hundred and fifty", "1,500")."""
    if i >= len(tokens):
        return None
    first = tokens[i]
    value = word_value(first.text)
    if value is None:
        if first.lower_ in ("a", "one") and i + 1 < len(tokens) and tokens[i + 1].lower_ in _SCALES:
            value = 1
        else:
            return None
    j = i + 1
    # "twenty - five" (spaCy splits the hyphen) and "twenty five"
    if value in _TENS.values() and j < len(tokens):
        hyphen = tokens[j].text in ("-", "–")
        if hyphen and j + 1 < len(tokens) and tokens[j + 1].lower_ in _UNITS:
            value += _UNITS[tokens[j + 1].lower_]
            j += 2
        elif tokens[j].lower_ in _UNITS and 0 < _UNITS[tokens[j].lower_] < 10:
            value += _UNITS[tokens[j].lower_]
            j += 1
    while j < len(tokens) and tokens[j].lower_ in _SCALES:
        value *= _SCALES[tokens[j].lower_]
        j += 1
        if j + 1 < len(tokens) and tokens[j].lower_ == "and":
            rest = read_number(tokens, j + 1)
            if rest is not None and rest[0] < 100:
                value += rest[0]
                j = rest[1]
    return value, j


def read_quantities(tokens: Sequence[Token]) -> list[Quantity]:
    """Every count in a victim phrase, ranges collapsed to their lower bound."""
    found: list[Quantity] = []
    i = 0
    lowers = [t.lower_ for t in tokens]
    while i < len(tokens):
        if _not_a_count(tokens, i):
            i += 1
            continue
        vague = _match_vague(lowers, i)
        if vague is not None:
            length, value, kind = vague
            if kind == "number" or not _number_follows(tokens, i + length):
                found.append(Quantity(value, i, i + length, kind))
                i += length
                continue
            i += length
            continue
        number = read_number(tokens, i)
        if number is None:
            i += 1
            continue
        value, j = number
        start = i
        # Ranges: "5-6", "5 to 6", "two or three", "between 13 and 26" -> the lower bound.
        if j + 1 < len(tokens) and tokens[j].lower_ in ("-", "–", "to", "or"):
            other = read_number(tokens, j + 1)
            if other is not None and other[0] >= value:
                j = other[1]
        elif (
            j + 1 < len(tokens)
            and tokens[j].lower_ == "and"
            and start > 0
            and lowers[start - 1] == "between"
        ):
            other = read_number(tokens, j + 1)
            if other is not None:
                j = other[1]
        found.append(Quantity(value, start, j, "number"))
        i = j
    return found


_MONTH_NAMES = frozenset(
    {
        "jan", "jan.", "january", "feb", "feb.", "february", "mar", "mar.", "march",
        "apr", "apr.", "april", "may", "jun", "jun.", "june", "jul", "jul.", "july",
        "aug", "aug.", "august", "sep", "sep.", "sept", "sept.", "september",
        "oct", "oct.", "october", "nov", "nov.", "november", "dec", "dec.", "december",
    }
)  # fmt: skip


_UNITS_OF_MEASURE = frozenset(
    {
        "$", "£", "€", "%", "percent", "per", "cent", "dollars", "usd", "pounds", "euros",
        "lira", "liras", "km", "kilometres", "kilometers", "miles", "metres", "meters", "kg",
        "tonnes", "tons", "hours", "minutes",
    }
)  # fmt: skip


def _not_a_count(tokens: Sequence[Token], i: int) -> bool:
    """Dates, times, ordinals and names ("5 March 2020", "25th", "Brigade 93") are not counts;
    "Oct. 7 people killed" and "Sep. two people" (the model tags both DATE) are."""
    token = tokens[i]
    prev = tokens[i - 1] if i > 0 else None
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if token.ent_type_ in ("TIME", "ORDINAL"):
        return True
    near = {t.lower_ for t in (prev, nxt) if t is not None}
    if near & _UNITS_OF_MEASURE:
        return True  # "$15", "15 percent", "20 km": the model also calls "15 QSD" MONEY
    counts_people = (
        nxt is not None
        and nxt.pos_ in ("NOUN", "PROPN", "ADJ")
        and (nxt.lower_ not in _MONTH_NAMES)
    )
    if re.fullmatch(r"(?:19|20)\d\d|\d+(?:st|nd|rd|th)", token.lower_):
        return True
    after = " ".join(t.lower_ for t in tokens[i + 1 : i + 4])
    if re.match(r"(?:-\s*)?(?:years?|months?)\s*-?\s*old\b", after):
        return True  # "a 9 year old boy", "a 12-year-old": an age
    if nxt is not None and nxt.lower_ in _MONTH_NAMES:
        return True  # "5 March"
    if prev is not None and prev.lower_ in _MONTH_NAMES:
        return not counts_people  # "March 5," vs "Oct. 7 people"
    if token.ent_type_ == "DATE" and not counts_people:
        return True
    # "Brigade 93", "Route 7": a number right after a name is part of the name.
    return (
        prev is not None
        and prev.pos_ == "PROPN"
        and token.text.isdigit()
        and prev.ent_type_ != "NORP"
        and not counts_people
    )


def _match_vague(lowers: Sequence[str], i: int) -> tuple[int, int, str] | None:
    if i > 0 and lowers[i - 1] in ("as", "so", "how", "too") and lowers[i] in ("many", "few"):
        return None  # "as many as 16": a hedge on the number that follows
    for words, value, kind in _VAGUE:
        if tuple(lowers[i : i + len(words)]) == words:
            return len(words), value, kind
    return None


def _number_follows(tokens: Sequence[Token], i: int) -> bool:
    """True for "some 20", "several dozen": the vague word only hedges the number after it."""
    return i < len(tokens) and (
        read_number(tokens, i) is not None
        or tokens[i].lower_ in ("dozen", "dozens", "hundred", "hundreds")
    )
