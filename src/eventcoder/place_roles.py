"""The role a toponym plays in its sentence: where something happened, or something else.

"Relocate to Idlib" names a destination, "reports from Western Damascus" a speaker's place,
"the regime in Damascus" a government, "al-Mouk Operation Room in Jordan" a home base. Only
some roles can be an event's place (:data:`EXCLUDED_ROLES` are the others), and each role
carries the ACLED precision it would give. Roles are read from the words around the name and
memoized per Doc (:func:`doc_memo`), since all the events of an article read the same
sentences.
"""

from __future__ import annotations

import bisect
import re
import weakref
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

from eventcoder.models import Toponym
from eventcoder.toponym_lexicon import CITY_AFTER
from eventcoder.toponyms import qualifies_actor, stated_containers

#: Roles that exclude a toponym from being the event's place.
EXCLUDED_ROLES = frozenset(
    {"destination", "origin", "speaker", "separation", "endpoint", "container", "base"}
)

_MOVE = (
    r"(?:relocat\w*|transfer\w*|transition\w*|evacuat\w*|mov(?:e|ed|es|ing)|fle(?:e|d|es|eing)|head(?:ed|ing|s)?|sent|"
    r"send\w*|deport\w*|displac\w*|transport\w*|bus(?:ed|es|sed)?|withdr\w*|retreat\w*|return\w*|escap\w*|"
    r"dispatch\w*|go|went|gone|travel\w*|march(?:ed|es|ing)|expel\w*|exile\w*|redeploy\w*|cross\w*|"
    r"smuggl\w*)"
)
#: Words between "to" and a destination ("to the town of", "to northern"), never a verb: in
#: "managed to control X", X is no destination.
_PLACE_WORDS = (
    r"(?:(?:(?:north|south|east|west)(?:ern)?|rural|central|greater|upper|lower)\s+|"
    r"(?:town|village|city|province|governorate|areas?|outskirts|countryside|region|"
    r"district)\s+(?:of\s+(?:the\s+)?)?)?"
)
_DESTINATION = re.compile(
    rf"\b{_MOVE}\b[^.;:!?]{{0,90}}?\b(?:to|towards?|into)\s+(?:the\s+)?{_PLACE_WORDS}$"
    r"|\b(?:relocat\w*|transfer\w*|transition\w*|evacuat\w*|deport\w*)\b"
    r"(?:(?!\b(?:leav\w*|left|positions?|from|stay\w*|remain\w*)\b)[^.;:!?]){0,90}?\bin\s+(?:the\s+)?"
    r"(?:provinces?|governorates?|regions?|areas?|towns?|city|cities)\s+of\s+(?:the\s+)?$"
    r"|\b(?:leav\w*|left|head\w*|depart\w*|bound|set\s+off|evacuat\w*|bus\w*)\b[^.;:!?]{0,60}?\bfor\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_PLAIN_DESTINATION = re.compile(r"\b(?:to|towards?|into)\s+(?:the\s+)?$", re.IGNORECASE)
_ORIGIN = re.compile(r"\bfrom\s+(?:the\s+)?(?:\w+\s+)?$", re.IGNORECASE)
_SPEAKER = re.compile(
    r"\b(?:reports?|sources?|activists?|residents?|correspondents?|officials?|reporters?|media|witness(?:es)?|"
    r"journalists?|observers?|monitors?|spokesm[ae]n|statement|news)\s+(?:\w+\s+){0,2}(?:from|in|at)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_SEPARATION = re.compile(
    r"\b(?:separat\w*|isolat\w*|cut(?:ting)?\s+off|split\w*|link\w*|connect\w*)\s+(?:of\s+)?(?:the\s+)?(?:[\w'’-]+\s+){0,3}?"
    r"(?:(?:from|form|and|to|with)\s+(?:the\s+)?)?(?:[\w'’-]+\s+){0,3}?$",
    re.IGNORECASE,
)
_ROAD_FIRST = re.compile(
    r"\b(?:road|highway|route|path)\s+(?:between|connecting|linking|from)\s+(?:the\s+(?:town|village|city)\s+of\s+)?$",
    re.IGNORECASE,
)
_ROAD_SECOND = re.compile(
    r"\b(?:road|highway|route|path)\s+(?:between|connecting|linking|from)\s+[^.;]{2,80}?\s+(?:and|to|with)\s+"
    r"(?:the\s+(?:town|village|city)\s+of\s+)?$",
    re.IGNORECASE,
)
_NEAR_BEFORE = re.compile(
    r"\b(?:(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+(?:of|outskirts\s+of)|near|"
    r"nearby|outside|around|outskirts\s+of|vicinity\s+of|countryside\s+of|farms\s+of|surroundings\s+of|"
    r"edge\s+of|suburbs?\s+of|close\s+to|approaches\s+to|road\s+(?:to|from)|highway\s+(?:to|from))\s+"
    r"(?:the\s+)?(?:(?:town|village|city)\s+of\s+)?$",
    re.IGNORECASE,
)
_NEAR_AFTER = re.compile(
    r"^\s+(?:farms?|fields|outskirts|countryside|suburbs?|surroundings|road|highway|plain|hills|valley|"
    r"area|region|environs|axis|front)\b",
    re.IGNORECASE,
)
_BASE = re.compile(
    r"\b(?:room|headquarters|hq|command|center|centre|office|embassy|government|ministry|council|leadership|"
    r"leaders|officials|representatives?|delegat\w*|envoys?|authorities|regime)\s+(?:in|of|at|from)\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
#: "groups deployed in Idlib", "fighters operating in Sarmin": where an actor is, which is the
#: event's place only when the text names no other.
_STATIONED = re.compile(
    r"\b(?:based|headquartered|stationed|deployed|hosted|located|operating|positioned|present)\s+"
    r"(?:in|at)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
#: Verbs of giving ground: "withdrew from X" happens at X, unlike "fled from X".
_GIVEN_UP = re.compile(
    r"\b(?:withdr\w*|retreat\w*|expel\w*|oust\w*|evict\w*|flush\w*|clear\w*|pull\w*\s+out|"
    r"driv\w*\s+(?:\w+\s+){0,4}?out|push\w*\s+(?:\w+\s+){0,4}?(?:back|out))\b[^.;:]{0,50}$",
    re.IGNORECASE,
)
#: "factions supported by Turkey": a country or city named as a backer.
_SUPPORTER = re.compile(
    r"\b(?:supported|backed|aided|armed|funded|helped|assisted|sponsored|equipped|trained)\s+by\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
#: Seats of governments: "the regime in Damascus" names who acts, not where.
GOVERNMENT_SEATS = frozenset({"PCLI", "PPLC", "ADM1"})

_QUALIFIERS = (
    r"(?:northern|southern|eastern|western|northeastern|northwestern|southeastern|southwestern|central|"
    r"north|south|east|west|rural|suburban|greater|upper|lower)"
)
_REGION_TEXT = re.compile(rf"^{_QUALIFIERS}\s", re.IGNORECASE)
_COUNTRYSIDE_OF = re.compile(
    r"\b(?:countryside|province|governorate|desert|region)\s+of\s+(?:the\s+)?$", re.IGNORECASE
)
_QUALIFIER_BEFORE = re.compile(rf"\b{_QUALIFIERS}\s+$", re.IGNORECASE)
_REGION_AFTER = re.compile(
    r"^\s+(?:(?:north|south|east|west)(?:ern)?[\s-]+(?:(?:north|south|east|west)(?:ern)?\s+)?)?"
    r"(?:countryside|province|provinces|governorate|region|desert)\b",
    re.IGNORECASE,
)
_ANAPHORIC_TOWN = re.compile(r"^\s+(?:town|village|city|suburb|area)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PlaceRole:
    """What a toponym is in its sentence, and how precisely it would locate an event there."""

    kind: str
    precision: int
    note: str


def _role(
    toponym: Toponym,
    sentence_start: int,
    sentence_end: int,
    text: str,
    doc: Doc | None,
    country: str = "",
) -> PlaceRole:
    before = text[sentence_start : toponym.start]
    after = text[toponym.end : sentence_end]
    if _ROAD_SECOND.search(before):
        return PlaceRole("endpoint", 2, "second end of a road")
    if _ROAD_FIRST.search(before):
        return PlaceRole("road", 2, "on the road from it")
    if _SPEAKER.search(before) and re.match(
        r"^[^.;]{0,40}?\b(?:said|say|says|reported|report|told|stated|claimed|added)\b", after
    ):
        return PlaceRole("speaker", 3, "where the speaker is")
    if _SEPARATION.search(before[-90:]) and re.search(
        r"separat|isolat|cut(?:ting)? off|split|connects?\b", before[-90:], re.IGNORECASE
    ):
        return PlaceRole(
            "separation", 3, "an objective (separating or linking areas), not a place of action"
        )
    if _DESTINATION.search(before[-120:]):
        return PlaceRole("destination", 3, "a destination")
    if _ORIGIN.search(before[-40:]):
        if _GIVEN_UP.search(before[-70:]):
            # "QSD forces retreated from Kafrnaya": the place changes hands there.
            return PlaceRole("event", 1, "the place given up")
        return PlaceRole("origin", 3, "an origin")
    if _PLAIN_DESTINATION.search(before[-20:]) and re.search(_MOVE, before[-80:], re.IGNORECASE):
        return PlaceRole("destination", 3, "a destination")
    if qualifies_actor(after[:40]):
        return PlaceRole("base", 3, "a qualifier of an actor")
    if _SUPPORTER.search(before[-40:]):
        return PlaceRole("base", 3, "a supporter of a side, not a place of action")
    if _BASE.search(before[-40:]):
        place = toponym.place
        # "the regime in Damascus city": the city itself, not its government.
        if (
            place is None
            or CITY_AFTER.match(after)
            or (
                place.feature_code not in GOVERNMENT_SEATS
                and (not country or place.country_code == country)
            )
        ):
            # "the Military Council in Khan Shaykun", "clashes with the regime in Kafruma": a
            # local seat is where the event happens; "the government in Damascus" is not.
            return PlaceRole("event", 1, "named with an actor based there")
        return PlaceRole("base", 3, "a home base or the seat of an actor")
    if _STATIONED.search(before[-40:]):
        return PlaceRole("base", 3, "where an actor is stationed")
    if _NEAR_BEFORE.search(before[-60:]):
        return PlaceRole("near", 2, "near it")
    if _NEAR_AFTER.match(after):
        return PlaceRole("near", 2, "part of its surroundings")
    if doc is not None and _is_subject(doc, toponym):
        return PlaceRole(
            "metonym", 1, "the subject of the verb (the place stands for its government)"
        )
    return PlaceRole("event", 1, "named where it happened")


#: Per-Doc memo of roles, containers and fallbacks: an article's events all read the same
#: toponyms, so each sentence is analysed once. Weak keys: the memo dies with its Doc.
_MEMO: weakref.WeakKeyDictionary[Doc, dict[Hashable, Any]] = weakref.WeakKeyDictionary()


def doc_memo(doc: Doc) -> dict[Hashable, Any]:
    memo = _MEMO.get(doc)
    if memo is None:
        memo = _MEMO[doc] = {}
    return memo


def memo_text(doc: Doc) -> str:
    """The article text (Doc.text rebuilds the string from its tokens on every access)."""
    memo = doc_memo(doc)
    text: str | None = memo.get("text")
    if text is None:
        text = memo["text"] = doc.text
    return text


def span_signature(toponyms: Sequence[Toponym]) -> tuple[tuple[int, int, str | None], ...]:
    return tuple((t.start, t.end, t.place.geonameid if t.place else None) for t in toponyms)


def containers_of(doc: Doc, toponyms: Sequence[Toponym]) -> dict[int, int]:
    key = ("containers", span_signature(toponyms))
    memo = doc_memo(doc)
    if key not in memo:
        memo[key] = stated_containers(memo_text(doc), toponyms)
    return memo[key]  # type: ignore[no-any-return]


def sentence_roles(
    doc: Doc, start: int, end: int, toponyms: Sequence[Toponym]
) -> dict[int, PlaceRole]:
    """Roles of the toponyms of one sentence; a name listed after an excluded one shares its
    role ("relocation to Dara'a or Quneitra": both are destinations)."""
    key = ("roles", start, end, span_signature(toponyms))
    memo = doc_memo(doc)
    if key not in memo:
        memo[key] = _compute_roles(doc, start, end, toponyms)
    return memo[key]  # type: ignore[no-any-return]


def _compute_roles(
    doc: Doc, start: int, end: int, toponyms: Sequence[Toponym]
) -> dict[int, PlaceRole]:
    roles: dict[int, PlaceRole] = {}
    last: tuple[Toponym, PlaceRole] | None = None
    for toponym in sorted(toponyms, key=lambda t: t.start):
        role = _role(toponym, start, end, memo_text(doc), doc, doc_memo(doc).get("country", ""))
        if (
            last is not None
            and last[1].kind in EXCLUDED_ROLES
            and re.fullmatch(
                r"\s*(?:,|,?\s+(?:and|or))\s+(?:the\s+)?",
                memo_text(doc)[last[0].end : toponym.start],
            )
        ):
            role = last[1]  # "relocation to Dara'a or Quneitra": both are destinations
        roles[toponym.start] = role
        last = (toponym, role)
    return roles


def _is_subject(doc: Doc, toponym: Toponym) -> bool:
    span = doc.char_span(toponym.start, toponym.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    return span.root.dep_ in ("nsubj", "nsubjpass") and span.root.head.pos_ in ("VERB", "AUX")


def sentence_bounds(doc: Doc, toponym: Toponym) -> tuple[int, int]:
    """Character bounds of the sentence holding a toponym (Span.sent is slow: it scans the Doc)."""
    memo = doc_memo(doc)
    bounds: list[tuple[int, int]] | None = memo.get("sentences")
    if bounds is None:
        bounds = memo["sentences"] = [(s.start_char, s.end_char) for s in doc.sents]
    index = bisect.bisect_right(bounds, (toponym.start, len(memo_text(doc)) + 1)) - 1
    if index < 0:
        return toponym.start, toponym.end
    return bounds[index]


#: Towns that stand for their governorate when named as an area ("the countryside of Hama").
REGIONAL_SEATS = frozenset({"PPLA", "PPLC"})


def is_regional(toponym: Toponym, text: str) -> bool:
    """A region, or a regional capital named as an area ("Southwestern Damascus", "eastern
    Hama countryside"). A smaller town named so ("the eastern desert of Sokhneh", "northern
    Afrin") is not a region: the event is near the town (see :func:`names_surroundings`)."""
    place = toponym.place
    if place is not None and place.feature_class == "A":
        return True
    if (
        place is not None
        and place.feature_class == "P"
        and place.feature_code not in REGIONAL_SEATS
    ):
        return False
    return names_surroundings(toponym, text)


def names_surroundings(toponym: Toponym, text: str) -> bool:
    """The text names the area around the place ("eastern X", "the countryside of X", "X desert")."""
    if _REGION_TEXT.match(toponym.text):
        return True
    before = text[max(0, toponym.start - 30) : toponym.start]
    return bool(
        _QUALIFIER_BEFORE.search(before)
        or _COUNTRYSIDE_OF.search(before)
        or _REGION_AFTER.match(text[toponym.end : toponym.end + 20])
    )


def sentence_list(doc: Doc) -> list[tuple[int, int]]:
    memo = doc_memo(doc)
    bounds: list[tuple[int, int]] | None = memo.get("sentences")
    if bounds is None:
        bounds = memo["sentences"] = [(s.start_char, s.end_char) for s in doc.sents]
    return bounds


def role_of(doc: Doc, toponym: Toponym, toponyms: Sequence[Toponym]) -> PlaceRole:
    """The role of a toponym in its own sentence."""
    start, end = sentence_bounds(doc, toponym)
    end = max(end, toponym.end)  # a name the sentence splitter cut in two
    same = [t for t in toponyms if start <= t.start and t.end <= end]
    return sentence_roles(doc, start, end, same)[toponym.start]
