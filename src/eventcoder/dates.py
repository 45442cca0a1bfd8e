"""Event dates: find the time expressions of a sentence and resolve the one that dates the event.

News reports date events relative to the day they were published ("on Sunday", "yesterday",
"nearly two weeks ago"), often next to the date of the *report* itself ("sources said on
Sunday"). ACLED wants the day the event happened, with ``time_precision`` 1 (that day),
2 (a week or weekend is known: the middle is coded) or 3 (only the month is known). This module
makes those decisions explicit, one documented rule each:

* **Finding.** Our own patterns (absolute dates and ranges in day-month and month-day order,
  weekday names, "yesterday", "N weeks ago", "last week", "in recent days", "earlier this
  month"...) come first because their boundaries are exact; spaCy DATE/TIME entities that no
  pattern covers are kept only when dateparser can turn them into a day, week or month. Pure
  durations ("for several days", "the last 12") and bare years are not event dates and are
  dropped: a year is too vague for any ACLED precision.
* **Choosing.** The expression attached to the trigger wins (same clause, then the clause that
  governs it, then a clause under it). A date hanging on a reporting verb ("said on Sunday")
  is when the report was made: it is used only when nothing else dates the event, as an upper
  bound (the event happened on or before it), coded on that day with precision 2, as ACLED does
  for "As reported on 21 March 2020". Dates in relative clauses under the trigger ("militants,
  who agreed on Saturday to leave") belong to another event and come last.
* **Resolving.** Relative expressions resolve against the report date of the sentence when it
  gives an absolute one ("On 3 December 2019, it was reported that last week..."), else against
  the publication date. Weekday names mean the most recent such day *on or before* that date:
  agency style writes the weekday instead of "today", so "on Monday" in a Monday article is
  that Monday; "last Monday" is the one before (a week back when published on a Monday).
  Year-less dates take the latest year that does not put them after the base date. Ranges
  ("Between 1-3 March") code their middle day (the first of a two-day range), as ACLED's notes
  show; "around"/"on or before" keep the day with precision 2. "overnight" and "last night" are
  the night before publication, coded to the evening it began. Vague spans code their middle
  day with precision 2: "last week" is the Thursday of the previous Monday-Sunday week, "in
  recent days" the past seven days, "a few days ago" one to five days back; "(nearly) two
  weeks ago" is 14 days back, the hedge noted in the reason (the week is the precision).
  "last month"/"March 2017" code the 15th (the 1st or last day for "early"/"late"), precision 3.
* **Never in the future.** No returned date is after ``published``; an interval that runs past
  it is cut at it, and an absolute date after it (a plan, a deadline) is not an event date.
* **No expression.** The event was reported, not dated: the publication date with precision 2
  (it is an upper bound), or ``None`` when the publication date is unknown too.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from eventcoder.models import EventDate, Span

# --------------------------------------------------------------------------- vocabulary

_MONTHS: dict[str, int] = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
    "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12,
    "december": 12,
}  # fmt: skip
_WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
_NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "couple of": 2,
    "a few": 3, "few": 3, "several": 3,
}  # fmt: skip

#: Verb forms whose attached date is the date of a report, not of the event (no lemmatizer:
#: nlp.py disables it, so inflected forms are listed).
REPORTING_VERBS: frozenset[str] = frozenset(
    f"{stem}{suffix}"
    for stem, suffixes in {
        "say": ("", "s", "ing"), "said": ("",), "report": ("", "s", "ed", "ing"),
        "tell": ("", "s", "ing"), "told": ("",), "announce": ("", "s", "d"), "announcing": ("",),
        "state": ("", "s", "d"), "stating": ("",), "add": ("", "s", "ed", "ing"),
        "claim": ("", "s", "ed", "ing"), "confirm": ("", "s", "ed", "ing"),
        "accord": ("ing",), "publish": ("", "es", "ed"), "post": ("ed",),
        "declare": ("", "s", "d"), "reveal": ("", "s", "ed"), "note": ("", "s", "d"),
        "write": ("", "s"), "wrote": ("",), "acknowledge": ("", "s", "d"),
        "allege": ("", "s", "d"), "indicate": ("", "s", "d"), "quote": ("", "s", "d"),
        "cite": ("", "s", "d"), "tweet": ("", "s", "ed"), "deny": ("",), "denied": ("",),
        "warn": ("", "s", "ed"), "document": ("", "s", "ed"), "learn": ("ed", "t"),
    }.items()
    for suffix in suffixes
)  # fmt: skip

_CLAUSE_LINKS = frozenset({"relcl", "acl"})

# --------------------------------------------------------------------------- patterns

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)(?![a-z])"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?:19|20)\d\d(?!\d)"
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_DAYPART = r"(?:morning|afternoon|evening|night|nighttime|midday|noon)"
_NUM = (
    r"(?:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|a\s+couple\s+of|a\s+few|few|several)"
)
_HEDGE = r"(?:nearly|almost|about|around|some|roughly|approximately|more\s+than|over|just\s+over)"
_APPROX = r"(?:on\s+or\s+(?:about|around|before|after)|around|about|approximately|circa|c\.)"

# Each pattern is (name, regex). Case-insensitive except month and weekday names, which must
# be capitalized ("may", "march", "sun" are ordinary words too).
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("iso", rf"\b(?P<y>{_YEAR})-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"),
    (
        "range_dm_dm",  # "the 30th of May and 5th of June", "23 Aug and 6 Sept 2018"
        (
            rf"(?i:(?P<pre>between|from)\s+(?:approximately\s+)?)?(?i:the\s+)?(?P<d1>{_DAY})"
            rf"(?i:\s+of)?\s+(?P<m1>{_MONTH})(?:,?\s+(?P<y1>{_YEAR}))?\s*(?i:-|–|to|and|until)\s*"
            rf"(?i:the\s+)?(?P<d2>{_DAY})(?i:\s+of)?\s+(?P<m2>{_MONTH})(?:,?\s+(?P<y2>{_YEAR}))?"
        ),
    ),
    (
        "range_md_md",  # "May 30 to June 5, 2018"
        (
            rf"(?i:(?P<pre>between|from)\s+)?(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})\s*"
            rf"(?i:-|–|to|and|until)\s*(?P<m2>{_MONTH})\s+(?P<d2>{_DAY})(?:,?\s+(?P<y2>{_YEAR}))?"
        ),
    ),
    (
        "range_dd_m",  # "Between 1-3 March", "between 5 - 6 August", "25th and 26th of Sep."
        (
            rf"(?i:(?P<pre>between|from)\s+)?(?i:the\s+)?(?P<d1>{_DAY})\s*(?i:-|–|to|and|until)\s*"
            rf"(?i:the\s+)?(?P<d2>{_DAY})(?i:\s+of)?\s+(?P<m2>{_MONTH})(?:,?\s+(?P<y2>{_YEAR}))?"
        ),
    ),
    (
        "range_m_dd",  # "Between March 7 and 13", "From September 24th - 26th"
        (
            rf"(?i:(?P<pre>between|from)\s+)?(?i:the\s+)?(?P<m2>{_MONTH})\s+(?P<d1>{_DAY})\s*"
            rf"(?i:-|–|to|and|until)\s*(?P<d2>{_DAY})(?:,?\s+(?P<y2>{_YEAR}))?"
        ),
    ),
    (
        "dm",  # "21 March 2020", "the 26th of December 2018", "12 March", "Sunday, 12 March"
        (
            rf"(?i:(?P<approx>{_APPROX})\s+)?(?:{_WEEKDAY},?\s+)?(?i:the\s+)?(?P<d>{_DAY})"
            rf"(?i:\s+of)?\s+(?P<m>{_MONTH})(?:,?\s+(?P<y>{_YEAR}))?"
        ),
    ),
    (
        "md",  # "December 31 2019", "November 8, 2019", "Oct 30th 2019", "Sunday, March 12"
        (
            rf"(?i:(?P<approx>{_APPROX})\s+)?(?:{_WEEKDAY},?\s+)?(?P<m>{_MONTH})\s+(?P<d>{_DAY})"
            rf"(?:,?\s+(?P<y>{_YEAR}))?"
        ),
    ),
    (
        "month",  # "March 2017", "early March", "mid-March", "the end of March", "in March"
        (
            rf"(?:(?P<part>(?i:early|earlier\s+in|mid|middle\s+of|the\s+middle\s+of|late|later\s+in"
            rf"|beginning\s+of|the\s+beginning\s+of|start\s+of|the\s+start\s+of|end\s+of"
            rf"|the\s+end\s+of))[\s-]+|(?P<prep>(?i:in|during|since|throughout))\s+)"
            rf"(?P<m>{_MONTH})(?:,?\s+(?P<y>{_YEAR}))?(?!\s*(?:the\s+)?\d)"
            rf"|(?P<m_y>{_MONTH}),?\s+(?P<y_only>{_YEAR})"
        ),
    ),
    (
        "weekday",  # "on Sunday", "last Thursday", "Saturday night", "overnight Sunday"
        (
            rf"(?i:(?P<mod>last|this\s+past|past|this|previous|on|early|late|overnight)\s+)?"
            rf"(?P<wd>{_WEEKDAY})(?:'s)?(?i:\s+(?P<part>{_DAYPART}))?"
        ),
    ),
    ("day_before_yesterday", r"(?i:the\s+day\s+before\s+yesterday)"),
    ("yesterday", rf"(?i:yesterday(?:\s+{_DAYPART})?|last\s+night)"),
    (
        "today",
        r"(?i:(?:earlier\s+|early\s+|late\s+)?today|tonight|this\s+(?:morning|afternoon|evening))",
    ),
    ("overnight", r"(?i:overnight)"),
    (
        "ago",  # "two weeks ago", "nearly two weeks ago", "a few days ago", "three months earlier"
        (
            rf"(?i:(?P<hedge>{_HEDGE})\s+)?(?i:(?P<n>{_NUM})\s+)(?P<unit>(?i:days?|weeks?|months?))"
            rf"\s+(?i:ago|earlier|before|prior|back)"
        ),
    ),
    ("days_ago", r"(?i:(?:just\s+)?days\s+(?:ago|earlier))"),
    (
        "last_period",  # "last week", "early last month", "earlier this week", "this weekend"
        (
            r"(?i:(?P<part>early|earlier|late|later|the\s+end\s+of|the\s+beginning\s+of|end\s+of"
            r"|beginning\s+of)\s+)?(?i:(?P<which>last|this|this\s+past|the\s+past|past|the\s+previous"
            r"|previous|the|over\s+the|at\s+the)\s+)(?P<period>(?i:week|weekend|month))\b"
        ),
    ),
    (
        "recent",  # "in recent days", "over the past few days", "the past 48 hours"
        (
            rf"(?i:(?:in|over|during|within)\s+)?(?i:the\s+)?(?i:(?P<which>recent|past|last)\s+)"
            rf"(?i:(?P<n>{_NUM})\s+)?(?P<unit>(?i:days|hours|weeks|day|week))\b"
        ),
    ),
)
_COMPILED: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern)) for name, pattern in _PATTERNS
)


@dataclass(frozen=True, slots=True)
class _Found:
    """One time expression: where it is, which pattern (or "dateparser") found it, its groups."""

    start: int
    end: int
    text: str
    kind: str
    groups: tuple[tuple[str, str], ...]

    def group(self, name: str) -> str:
        return dict(self.groups).get(name) or ""


@dataclass(frozen=True, slots=True)
class _Resolution:
    value: date
    precision: int
    how: str


# --------------------------------------------------------------------------- finding


def find_time_expressions(sentence: SpacySpan) -> list[Span]:
    """The time expressions of ``sentence`` that can date an event, in text order.

    Offsets index the article text (``sentence.doc.text``). Durations and bare years are left
    out: they cannot give an ACLED date at any precision.
    """
    return [Span(f.start, f.end, f.text) for f in _find(sentence)]


def mentions_time(text: str) -> bool:
    """True when ``text`` holds a time expression that can date an event ("On 7 December 2018",
    "on Sunday", "two weeks ago", "last week"), found by the patterns alone, with no parse.

    Used to tell dated from undated texts (``eventcoder evaluate`` scores time precision on
    the notes that carry a date); spaCy's DATE entities, which :func:`find_time_expressions`
    adds when dateparser can place them, are not looked at.
    """
    return any(_is_point(found) for found in _pattern_matches(text, 0))


def _pattern_matches(text: str, base: int) -> list[_Found]:
    """Our patterns' matches in ``text`` (offsets shifted by ``base``), longest first, no overlaps."""
    candidates: list[_Found] = []
    for kind, pattern in _COMPILED:
        for match in pattern.finditer(text):
            if not _word_bounded(text, match.start(), match.end()):
                continue
            groups = tuple((k, v) for k, v in match.groupdict().items() if v)
            candidates.append(
                _Found(base + match.start(), base + match.end(), match.group(0), kind, groups)
            )
    # Longest match first, then earliest: "Between 1-3 March 2020" beats "3 March 2020".
    candidates.sort(key=lambda f: (-(f.end - f.start), f.start))
    chosen: list[_Found] = []
    for found in candidates:
        if all(found.end <= c.start or found.start >= c.end for c in chosen):
            chosen.append(found)
    return chosen


def _find(sentence: SpacySpan) -> list[_Found]:
    chosen = _pattern_matches(sentence.text, sentence.start_char)
    for ent in sentence.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        if any(ent.start_char < c.end and ent.end_char > c.start for c in chosen):
            continue
        if re.fullmatch(rf"(?:the\s+)?{_MONTH}", ent.text.strip()):
            continue  # a bare month name ("October") is too often part of a name
        if _dateparser_kind(ent.text) is not None:
            chosen.append(_Found(ent.start_char, ent.end_char, ent.text, "dateparser", ()))
    chosen.sort(key=lambda f: f.start)
    return [f for f in chosen if _is_point(f)]


def _word_bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or after.isalnum())


def _is_point(found: _Found) -> bool:
    """Drop the shapes that name a stretch of time rather than when something happened."""
    if found.kind == "recent":
        # "in recent days" and "the past 48 hours" date an event; "for two days" does not.
        return found.group("which").lower() in ("recent", "past", "last")
    if found.kind == "last_period":
        which = " ".join(found.group("which").lower().split())
        if which in ("the", "the past", "past"):
            # "the week" alone is not a date; "over the weekend" is, "the past week" is.
            return found.group("period").lower() == "weekend" or which != "the"
    return True


@lru_cache(maxsize=64)
def _dateparser(base: date) -> Any:
    """One dateparser parser per base date (building one loads its language data: slow)."""
    from dateparser.date import DateDataParser

    relative = datetime.combine(base, datetime.min.time())
    settings = {
        "RELATIVE_BASE": relative,
        "PREFER_DATES_FROM": "past",
        "RETURN_TIME_AS_PERIOD": True,
    }
    return DateDataParser(languages=["en"], settings=settings)


#: What a spaCy entity must contain before dateparser may read it: a month or weekday name, a
#: numeric date, or "ago"/"yesterday"/"today". Without this, durations ("3 day protests",
#: "the last 12") come back as dates.
_DATEPARSER_ANCHOR = re.compile(
    rf"{_MONTH}|{_WEEKDAY}|\b\d{{1,4}}[/.]\d{{1,2}}(?:[/.]\d{{2,4}})?\b"
    r"|(?i:\bago\b|yesterday|today)",
)


@lru_cache(maxsize=4096)
def _dateparser_kind(text: str, base: date | None = None) -> tuple[date, str] | None:
    """dateparser's reading of a spaCy entity: (date, period) for a day, week or month."""
    if not _DATEPARSER_ANCHOR.search(text) or re.fullmatch(r"\s*(?:19|20)\d\d\s*", text):
        return None
    data = _dateparser(base or date(2000, 1, 1)).get_date_data(text)
    if data.date_obj is None or data.period not in ("day", "week", "month", "time"):
        return None
    return data.date_obj.date(), str(data.period)


# --------------------------------------------------------------------------- resolving


def _month_number(name: str) -> int:
    return _MONTHS[name.rstrip(".").lower()]


def _day_number(text: str) -> int:
    return int(re.match(r"\d+", text).group(0))  # type: ignore[union-attr]


def _count(text: str) -> int:
    word = " ".join(text.lower().split())
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word, 1)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _latest_not_after(month: int, day: int, base: date) -> date | None:
    """The (month, day) in base's year, or the year before when that is after ``base``."""
    for year in (base.year, base.year - 1, base.year - 4):  # -4: 29 February
        candidate = _safe_date(year, month, day)
        if candidate is not None and candidate <= base:
            return candidate
    return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _months_back(base: date, months: int) -> date:
    index = base.year * 12 + base.month - 1 - months
    year, month = divmod(index, 12)
    day = min(base.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def _middle(lo: date, hi: date) -> date:
    return lo + timedelta(days=(hi - lo).days // 2)


def _interval(
    lo: date, hi: date, base: date | None, what: str, *, at_least: int = 1
) -> _Resolution | None:
    """Code an interval the ACLED way: its middle day, cut at ``base`` (never after it).

    Precision follows the interval's length: 1-2 days (a two-day range such as "Between 6th
    and 7th": ACLED codes its first day as exact) 1, up to about two weeks 2, longer 3;
    ``at_least`` raises it for vague spans (a weekend is a "week or weekend": 2).
    """
    if base is not None:
        if lo > base:
            return None
        hi = min(hi, base)
    length = (hi - lo).days + 1
    if length <= 2:
        precision = 1
    elif length <= 15:
        precision = 2
    else:
        precision = 3
    precision = max(precision, at_least)
    value = _middle(lo, hi)
    if length == 1:
        return _Resolution(value, precision, what)
    return _Resolution(value, precision, f"{what} {lo}..{hi}, middle day coded")


def _resolve(found: _Found, base: date | None) -> _Resolution | None:
    """Turn one expression into a date, or None when it cannot be placed before ``base``."""
    resolver = _RESOLVERS.get(found.kind)
    if resolver is None:
        return None
    result = resolver(found, base)
    if result is None or (base is not None and result.value > base):
        return None
    return result


def _resolve_iso(found: _Found, base: date | None) -> _Resolution | None:
    value = _safe_date(int(found.group("y")), int(found.group("m")), int(found.group("d")))
    return None if value is None else _Resolution(value, 1, "explicit date")


def _resolve_day_month(found: _Found, base: date | None) -> _Resolution | None:
    month, day = _month_number(found.group("m")), _day_number(found.group("d"))
    if found.group("y"):
        value = _safe_date(int(found.group("y")), month, day)
        how = "explicit date"
    elif base is not None:
        value = _latest_not_after(month, day, base)
        how = f"explicit day, year taken from {base.year if value is None else value.year}"
    else:
        return None
    if value is None:
        return None
    approx = " ".join(found.group("approx").lower().split())
    if approx:
        return _Resolution(value, 2, f"{how}, approximate ('{approx}')")
    return _Resolution(value, 1, how)


def _resolve_range(found: _Found, base: date | None) -> _Resolution | None:
    d1, d2 = _day_number(found.group("d1")), _day_number(found.group("d2"))
    m2 = _month_number(found.group("m2"))
    m1 = _month_number(found.group("m1")) if found.group("m1") else m2
    year_text = found.group("y2") or found.group("y1")
    if year_text:
        year2 = int(year_text)
        hi = _safe_date(year2, m2, d2)
    elif base is not None:
        hi = _latest_not_after(m2, d2, base)
    else:
        return None
    if hi is None:
        return None
    year1 = hi.year - 1 if (m1, d1) > (m2, d2) else hi.year
    lo = _safe_date(year1, m1, d1)
    if lo is None or lo > hi:
        return None
    return _interval(lo, hi, base, "date range")


def _resolve_month(found: _Found, base: date | None) -> _Resolution | None:
    month = _month_number(found.group("m") or found.group("m_y"))
    year_text = found.group("y") or found.group("y_only")
    if year_text:
        year = int(year_text)
    elif base is not None:
        year = base.year if month <= base.month else base.year - 1
    else:
        return None
    part = " ".join(found.group("part").lower().split())
    first, last = date(year, month, 1), _month_end(year, month)
    if base is not None and first > base:
        return None
    if part in (
        "early",
        "earlier in",
        "beginning of",
        "the beginning of",
        "start of",
        "the start of",
    ):
        value, where = first, "first day (beginning of month)"
    elif part in ("late", "later in", "end of", "the end of"):
        value, where = last, "last day (end of month)"
    else:
        value, where = date(year, month, 15), "mid-month"
    if base is not None and value > base:
        value, where = _middle(first, base), "middle of the month so far"
    return _Resolution(value, 3, f"only the month is known, {where} coded")


def _resolve_weekday(found: _Found, base: date | None) -> _Resolution | None:
    if base is None:
        return None
    target = _WEEKDAYS[found.group("wd").lower()]
    back = (base.weekday() - target) % 7
    mod = " ".join(found.group("mod").lower().split())
    if mod in ("last", "this past", "past", "previous") and back == 0:
        back = 7
    value = base - timedelta(days=back)
    name = found.group("wd").capitalize()
    if back == 0:
        how = f"a weekday equal to the base date's is that day ({name})"
    elif back == 7:
        how = f"'{mod}' {name}: the {name} a week before the base date"
    else:
        how = f"the last {name} on or before the base date"
    return _Resolution(value, 1, how)


def _resolve_fixed(days_back: int, how: str) -> Callable[[_Found, date | None], _Resolution | None]:
    def resolve(found: _Found, base: date | None) -> _Resolution | None:
        if base is None:
            return None
        return _Resolution(base - timedelta(days=days_back), 1, how)

    return resolve


def _resolve_ago(found: _Found, base: date | None) -> _Resolution | None:
    if base is None:
        return None
    amount_text = " ".join(found.group("n").lower().split())
    amount = _count(amount_text)
    unit = found.group("unit").lower().rstrip("s")
    vague = amount_text in ("a few", "few", "several", "a couple of")
    hedge = " ".join(found.group("hedge").lower().split())
    if unit == "day":
        if vague:
            lo, hi = base - timedelta(days=5), base - timedelta(days=1)
            return _interval(lo, hi, base, "a few days", at_least=2)
        value = base - timedelta(days=amount)
        return _Resolution(value, 2 if hedge else 1, f"{amount} day(s) back")
    if unit == "week":
        value = base - timedelta(days=7 * amount)
        note = f" ('{hedge}' noted, not applied)" if hedge else ""
        return _Resolution(value, 2, f"{amount} week(s) back{note}")
    value = _months_back(base, amount)
    return _Resolution(value, 3, f"{amount} month(s) back, same day of the month")


def _resolve_days_ago(found: _Found, base: date | None) -> _Resolution | None:
    if base is None:
        return None
    lo, hi = base - timedelta(days=5), base - timedelta(days=1)
    return _interval(lo, hi, base, "days ago:", at_least=2)


def _week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _resolve_last_period(found: _Found, base: date | None) -> _Resolution | None:
    if base is None:
        return None
    which = " ".join(found.group("which").lower().split())
    period = found.group("period").lower()
    part = " ".join(found.group("part").lower().split())
    previous = which in ("last", "the previous", "previous")
    if period == "weekend":
        saturday = base - timedelta(days=(base.weekday() - 5) % 7)
        if previous and base.weekday() >= 5:
            saturday -= timedelta(days=7)
        return _interval(saturday, saturday + timedelta(days=1), base, "weekend", at_least=2)
    if period == "week":
        if which in ("the past", "past"):
            return _interval(base - timedelta(days=7), base, base, "past week", at_least=2)
        monday = _week_monday(base) - timedelta(days=7 if previous else 0)
        lo, hi = monday, monday + timedelta(days=6)
        if part in ("early", "earlier", "the beginning of", "beginning of"):
            hi = monday + timedelta(days=2)
        elif part in ("late", "later", "the end of", "end of"):
            lo = monday + timedelta(days=4)
        if not previous and part == "earlier" and base > lo:
            hi = base - timedelta(days=1)
        return _interval(lo, hi, base, "last week" if previous else "this week", at_least=2)
    # month
    if which in ("the past", "past"):
        result = _interval(base - timedelta(days=30), base, base, "past month", at_least=2)
        return None if result is None else _Resolution(result.value, 3, result.how)
    first = base.replace(day=1)
    if previous:
        first = (first - timedelta(days=1)).replace(day=1)
    last = _month_end(first.year, first.month)
    if part in ("early", "the beginning of", "beginning of"):
        value, where = first, "first day (beginning of month)"
    elif part in ("late", "the end of", "end of"):
        value, where = last, "last day (end of month)"
    elif part == "earlier" and not previous:
        value = _middle(first, max(first, base - timedelta(days=1)))
        where = "middle of the days so far"
    else:
        value, where = date(first.year, first.month, 15), "mid-month"
    if value > base:
        value, where = _middle(first, base), "middle of the month so far"
    label = "last month" if previous else "this month"
    return _Resolution(value, 3, f"{label}, only the month is known, {where} coded")


def _resolve_recent(found: _Found, base: date | None) -> _Resolution | None:
    if base is None:
        return None
    unit = found.group("unit").lower().rstrip("s")
    amount_text = " ".join(found.group("n").lower().split())
    if unit == "hour":
        hours = _count(amount_text) if amount_text else 24
        lo = base - timedelta(days=max(1, hours // 24))
        return _interval(lo, base, base, f"past {hours} hours", at_least=2)
    if unit == "week":
        vague = not amount_text or amount_text in ("a few", "few", "several")
        weeks = 1 if vague else _count(amount_text)
        lo = base - timedelta(days=7 * weeks)
        return _interval(lo, base, base, f"past {weeks} week(s)", at_least=2)
    if amount_text and amount_text not in ("a few", "few", "several", "a couple of"):
        days = _count(amount_text)
        return _interval(base - timedelta(days=days), base, base, f"past {days} day(s)", at_least=2)
    # "in recent days", "the past few days": about a week back, coded at its middle.
    return _interval(base - timedelta(days=6), base, base, "recent days:", at_least=2)


def _resolve_dateparser(found: _Found, base: date | None) -> _Resolution | None:
    if base is None and not re.search(_YEAR, found.text):
        return None
    parsed = _dateparser_kind(found.text, base)
    if parsed is None:
        return None
    value, period = parsed
    precision = {"day": 1, "time": 1, "week": 2, "month": 3}[period]
    if period == "month":
        value = value.replace(day=15)
        if base is not None and value > base:
            value = _middle(value.replace(day=1), base)
    return _Resolution(value, precision, f"dateparser ({period})")


_RESOLVERS: dict[str, Callable[[_Found, date | None], _Resolution | None]] = {
    "iso": _resolve_iso,
    "dm": _resolve_day_month,
    "md": _resolve_day_month,
    "range_dm_dm": _resolve_range,
    "range_md_md": _resolve_range,
    "range_dd_m": _resolve_range,
    "range_m_dd": _resolve_range,
    "month": _resolve_month,
    "weekday": _resolve_weekday,
    "yesterday": _resolve_fixed(1, "the day before publication"),
    "day_before_yesterday": _resolve_fixed(2, "two days before publication"),
    "today": _resolve_fixed(0, "the publication day"),
    "overnight": _resolve_fixed(1, "the night before publication, coded to the evening it began"),
    "ago": _resolve_ago,
    "days_ago": _resolve_days_ago,
    "last_period": _resolve_last_period,
    "recent": _resolve_recent,
    "dateparser": _resolve_dateparser,
}

_ABSOLUTE_KINDS = frozenset(
    {"iso", "dm", "md", "range_dm_dm", "range_md_md", "range_dd_m", "range_m_dd", "month"}
)

# --------------------------------------------------------------------------- choosing


def _tokens(sentence: SpacySpan, found: _Found) -> SpacySpan | None:
    return sentence.doc.char_span(found.start, found.end, alignment_mode="expand")


def _clause(token: Token) -> Token:
    """The verb that heads the clause ``token`` sits in (the sentence root when none)."""
    current = token
    while True:
        if current.pos_ in ("VERB", "AUX") or current.head.i == current.i:
            return current
        current = current.head


def _anchor(sentence: SpacySpan, found: _Found) -> Token | None:
    """The verb the expression modifies: the clause of the expression's syntactic head."""
    span = _tokens(sentence, found)
    if span is None or len(span) == 0:
        return None
    root = span.root
    head = root.head
    # Tokens inside the expression do not count as its anchor ("Reported on 4 March").
    while head.i >= span.start and head.i < span.end and head.head.i != head.i:
        head = head.head
    return _clause(head)


def _is_report(anchor: Token | None) -> bool:
    return anchor is not None and anchor.lower_ in REPORTING_VERBS


def _path_crosses_clause_link(lower: Token, upper: Token) -> bool:
    current = lower
    while current.i != upper.i and current.head.i != current.i:
        if current.dep_ in _CLAUSE_LINKS:
            return True
        current = current.head
    return False


def _rank(anchor: Token | None, trigger_clause: Token | None) -> int:
    """Lower is better: 0 same clause as the trigger ... 5 a relative clause under it."""
    if _is_report(anchor):
        return 4
    if anchor is None or trigger_clause is None:
        return 3
    if anchor == trigger_clause:
        return 0
    if anchor in trigger_clause.ancestors:
        return 1
    if trigger_clause in anchor.ancestors:
        return 5 if _path_crosses_clause_link(anchor, trigger_clause) else 2
    return 3


def resolve_event_date(
    sentence: SpacySpan, published: date | None, *, trigger: SpacySpan | None = None
) -> EventDate | None:
    """The date of the event reported in ``sentence``, never after ``published``.

    Picks the time expression attached to ``trigger`` (or, without a trigger, the first one
    that is not a reporting date), resolves it against ``published`` and says why in
    ``reason``. With no usable expression the publication date is returned with precision 2;
    ``None`` only when neither the sentence nor ``published`` gives a date.
    """
    found = _find(sentence)
    anchors = {f: _anchor(sentence, f) for f in found}
    report_base = _report_base(found, anchors, published)
    base = report_base or published

    trigger_clause: Token | None = None
    if trigger is not None and sentence.start <= trigger.start and trigger.end <= sentence.end:
        trigger_clause = _clause(trigger.root)

    ranked = sorted(
        found,
        key=lambda f: (_rank(anchors[f], trigger_clause), f.start),
    )
    rejected: list[str] = []
    for candidate in ranked:
        absolute = candidate.kind in _ABSOLUTE_KINDS
        resolution = _resolve(candidate, (published or base) if absolute else base)
        if resolution is None:
            rejected.append(candidate.text)
            continue
        if published is not None and resolution.value > published:
            rejected.append(candidate.text)
            continue
        precision = resolution.precision
        how = resolution.how
        if _is_report(anchors[candidate]):
            precision = max(precision, 2)
            how += "; it dates the report, so it is an upper bound for the event"
        relative_to = _base_label(candidate, base, report_base, published)
        reason = f"'{candidate.text}' {relative_to}-> {resolution.value.isoformat()} ({how})"
        if rejected:
            skipped = ", ".join(repr(r) for r in rejected)
            reason += f"; skipped {skipped} (after publication or unplaceable)"
        return EventDate(
            resolution.value,
            precision,
            reason,
            Span(candidate.start, candidate.end, candidate.text),
        )
    if published is None:
        return None
    why = (
        "no time expression in the sentence"
        if not found
        else (
            f"no usable time expression ({', '.join(repr(r) for r in rejected)} could not be placed "
            "on or before publication)"
        )
    )
    return EventDate(
        published,
        2,
        f"{why}: the event was reported, not dated; publication date {published.isoformat()} "
        "coded as an upper bound",
    )


def _report_base(
    found: list[_Found], anchors: dict[_Found, Token | None], published: date | None
) -> date | None:
    """An absolute date on a reporting verb ("On 3 December 2019, it was reported that...")."""
    for candidate in found:
        if (
            candidate.kind in _ABSOLUTE_KINDS
            and candidate.kind != "month"
            and _is_report(anchors[candidate])
        ):
            resolution = _resolve(candidate, published)
            if resolution is not None and resolution.precision == 1:
                return resolution.value
    return None


def _base_label(
    candidate: _Found, base: date | None, report_base: date | None, published: date | None
) -> str:
    if candidate.kind in _ABSOLUTE_KINDS or base is None:
        return ""
    day = calendar.day_name[base.weekday()]
    if report_base is not None and base == report_base and base != published:
        return f"resolved against the report date {base.isoformat()} ({day}) "
    return f"resolved against publication date {base.isoformat()} ({day}) "
