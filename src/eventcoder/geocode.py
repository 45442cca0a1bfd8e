"""Decide where an event happened, among the places its sentence names.

A sentence names places for many reasons. "The government offered the militants a deal to
relocate to Idlib" names a destination; "Reports from Western Damascus said" names where a
speaker is; "aimed at separating Quneitra from Southwestern Damascus" names an objective;
"al-Mouk Operation Room in Jordan" names a home base. None of these is where the event
happened, and ACLED does not code them as such. :func:`locate_event` reads the words around each
toponym to give it a role, keeps the ones that can be an event's place, and prefers the one
closest to the event's trigger and most specific.

Precision follows ACLED: 1 the town itself; 2 near it or part of it ("Khan al-Sheih farms",
"east of X", "the road between X and Y"); 3 only the region is known, placed at the region's
capital. A place the gazetteer lacks is never dropped: the event keeps the name as written and
takes the coordinates of the nearest containing place the text names ("the town of Khan
al-Sheih in Southwestern Damascus" -> Rural Damascus), and the reason says so. A sentence that
names no usable place inherits the article's most recent place of action, at precision 2.
"""

from __future__ import annotations

import bisect
import re
import weakref
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span

from eventcoder.gazetteer import PARENT_PLACED, Gazetteer, haversine_km
from eventcoder.models import Location, Place, Toponym
from eventcoder.models import Span as TextSpan
from eventcoder.placenames import index_keys
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
_SEATS = frozenset({"PCLI", "PPLC", "ADM1"})

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
class _Role:
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
) -> _Role:
    before = text[sentence_start : toponym.start]
    after = text[toponym.end : sentence_end]
    if _ROAD_SECOND.search(before):
        return _Role("endpoint", 2, "second end of a road")
    if _ROAD_FIRST.search(before):
        return _Role("road", 2, "on the road from it")
    if _SPEAKER.search(before) and re.match(
        r"^[^.;]{0,40}?\b(?:said|say|says|reported|report|told|stated|claimed|added)\b", after
    ):
        return _Role("speaker", 3, "where the speaker is")
    if _SEPARATION.search(before[-90:]) and re.search(
        r"separat|isolat|cut(?:ting)? off|split|connects?\b", before[-90:], re.IGNORECASE
    ):
        return _Role(
            "separation", 3, "an objective (separating or linking areas), not a place of action"
        )
    if _DESTINATION.search(before[-120:]):
        return _Role("destination", 3, "a destination")
    if _ORIGIN.search(before[-40:]):
        if _GIVEN_UP.search(before[-70:]):
            # "QSD forces retreated from Kafrnaya": the place changes hands there.
            return _Role("event", 1, "the place given up")
        return _Role("origin", 3, "an origin")
    if _PLAIN_DESTINATION.search(before[-20:]) and re.search(_MOVE, before[-80:], re.IGNORECASE):
        return _Role("destination", 3, "a destination")
    if qualifies_actor(after[:40]):
        return _Role("base", 3, "a qualifier of an actor")
    if _SUPPORTER.search(before[-40:]):
        return _Role("base", 3, "a supporter of a side, not a place of action")
    if _BASE.search(before[-40:]):
        place = toponym.place
        if place is None or (
            place.feature_code not in _SEATS and (not country or place.country_code == country)
        ):
            # "the Military Council in Khan Shaykun", "clashes with the regime in Kafruma": a
            # local seat is where the event happens; "the government in Damascus" is not.
            return _Role("event", 1, "named with an actor based there")
        return _Role("base", 3, "a home base or the seat of an actor")
    if _STATIONED.search(before[-40:]):
        return _Role("base", 3, "where an actor is stationed")
    if _NEAR_BEFORE.search(before[-60:]):
        return _Role("near", 2, "near it")
    if _NEAR_AFTER.match(after):
        return _Role("near", 2, "part of its surroundings")
    if doc is not None and _is_subject(doc, toponym):
        return _Role("metonym", 1, "the subject of the verb (the place stands for its government)")
    return _Role("event", 1, "named where it happened")


#: Per-Doc memo of roles, containers and fallbacks: an article's events all read the same
#: toponyms, so each sentence is analysed once. Weak keys: the memo dies with its Doc.
_MEMO: weakref.WeakKeyDictionary[Doc, dict[Hashable, Any]] = weakref.WeakKeyDictionary()


def _memo(doc: Doc) -> dict[Hashable, Any]:
    memo = _MEMO.get(doc)
    if memo is None:
        memo = _MEMO[doc] = {}
    return memo


def _text(doc: Doc) -> str:
    """The article text (Doc.text rebuilds the string from its tokens on every access)."""
    memo = _memo(doc)
    text: str | None = memo.get("text")
    if text is None:
        text = memo["text"] = doc.text
    return text


def _spans(toponyms: Sequence[Toponym]) -> tuple[tuple[int, int, str | None], ...]:
    return tuple((t.start, t.end, t.place.geonameid if t.place else None) for t in toponyms)


def _containers_of(doc: Doc, toponyms: Sequence[Toponym]) -> dict[int, int]:
    key = ("containers", _spans(toponyms))
    memo = _memo(doc)
    if key not in memo:
        memo[key] = stated_containers(_text(doc), toponyms)
    return memo[key]  # type: ignore[no-any-return]


def _sentence_roles(
    doc: Doc, start: int, end: int, toponyms: Sequence[Toponym]
) -> dict[int, _Role]:
    """Roles of the toponyms of one sentence; a name listed after an excluded one shares its
    role ("relocation to Dara'a or Quneitra": both are destinations)."""
    key = ("roles", start, end, _spans(toponyms))
    memo = _memo(doc)
    if key not in memo:
        memo[key] = _compute_roles(doc, start, end, toponyms)
    return memo[key]  # type: ignore[no-any-return]


def _compute_roles(doc: Doc, start: int, end: int, toponyms: Sequence[Toponym]) -> dict[int, _Role]:
    roles: dict[int, _Role] = {}
    last: tuple[Toponym, _Role] | None = None
    for toponym in sorted(toponyms, key=lambda t: t.start):
        role = _role(toponym, start, end, _text(doc), doc, _memo(doc).get("country", ""))
        if (
            last is not None
            and last[1].kind in EXCLUDED_ROLES
            and re.fullmatch(
                r"\s*(?:,|,?\s+(?:and|or))\s+(?:the\s+)?", _text(doc)[last[0].end : toponym.start]
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


def _sentence_bounds(doc: Doc, toponym: Toponym) -> tuple[int, int]:
    """Character bounds of the sentence holding a toponym (Span.sent is slow: it scans the Doc)."""
    memo = _memo(doc)
    bounds: list[tuple[int, int]] | None = memo.get("sentences")
    if bounds is None:
        bounds = memo["sentences"] = [(s.start_char, s.end_char) for s in doc.sents]
    index = bisect.bisect_right(bounds, (toponym.start, len(_text(doc)) + 1)) - 1
    if index < 0:
        return toponym.start, toponym.end
    return bounds[index]


#: Towns that stand for their governorate when named as an area ("the countryside of Hama").
_REGIONAL_SEATS = frozenset({"PPLA", "PPLC"})


def _is_regional(toponym: Toponym, text: str) -> bool:
    """A region, or a regional capital named as an area ("Southwestern Damascus", "eastern
    Hama countryside"). A smaller town named so ("the eastern desert of Sokhneh", "northern
    Afrin") is not a region: the event is near the town (see :func:`_around`)."""
    place = toponym.place
    if place is not None and place.feature_class == "A":
        return True
    if (
        place is not None
        and place.feature_class == "P"
        and place.feature_code not in _REGIONAL_SEATS
    ):
        return False
    return _around(toponym, text)


def _around(toponym: Toponym, text: str) -> bool:
    """The text names the area around the place ("eastern X", "the countryside of X", "X desert")."""
    if _REGION_TEXT.match(toponym.text):
        return True
    before = text[max(0, toponym.start - 30) : toponym.start]
    return bool(
        _QUALIFIER_BEFORE.search(before)
        or _COUNTRYSIDE_OF.search(before)
        or _REGION_AFTER.match(text[toponym.end : toponym.end + 20])
    )


def _specificity(toponym: Toponym, text: str, contained: bool) -> float:
    """How precisely a toponym would place an event: a village beats a region; a name the
    gazetteer lacks is worth little unless the text says what contains it."""
    place = toponym.place
    if place is None:
        if _around(toponym, text):
            return 0.5
        return 0.75 if contained else 0.45
    if place.feature_code == "PCLI":
        return 0.25
    if _is_regional(toponym, text) or place.feature_code == "ADM1":
        return 0.6
    if place.feature_class == "A":
        return 0.75
    return 1.0


def _distance_to_trigger(doc: Doc, toponym: Toponym, trigger: Span | None) -> float:
    if trigger is None:
        return 1.0
    span = doc.char_span(toponym.start, toponym.end, alignment_mode="expand")
    if span is None:
        return 0.5
    gap = max(0, span.start - trigger.end, trigger.start - span.end)
    factor = 1.0 / (1.0 + gap / 12.0)
    # A toponym in the trigger's own phrase ("clashes ... in Khan al-Sheih farms") gets a bonus.
    if any(token.i in range(trigger.start, trigger.end) for token in span.root.ancestors):
        factor = max(factor, 0.9)
    return factor


def _display_name(place: Place) -> str:
    if place.feature_code == "ADM1" and place.admin1:
        return place.admin1
    if place.feature_code == "ADM2" and place.admin2:
        return place.admin2
    return place.name


def _container_precision(container: Toponym, text: str) -> int:
    """2 when the text places a name by a town or district, 3 when only by a region ("in the
    countryside of Hama", "Idlib province", a governorate or a country)."""
    place = container.place
    if place is None:
        return 3
    if place.feature_code in ("ADM1", "PCLI"):
        return 3
    if place.feature_class == "P" and _is_regional(container, text):
        return 3
    return 2


def _seat_of_area(place: Place, gazetteer: Gazetteer) -> Place:
    """The capital of the region a place stands for (a town named as "X countryside")."""
    area = place if place.feature_class == "A" else (gazetteer.region(place) or place)
    return gazetteer.seat(area)


#: A toponym's score (the resolver's confidence) from which its country counts as named.
_CONFIDENT = 0.7


def _confident_countries(doc: Doc, toponyms: Sequence[Toponym]) -> dict[str, int]:
    """How many distinct places (countries aside) the article confidently names per country."""
    key = ("confident", _spans(toponyms))
    memo = _memo(doc)
    if key not in memo:
        places: dict[str, set[str]] = {}
        for t in toponyms:
            if t.place is not None and t.score >= _CONFIDENT and t.place.feature_code != "PCLI":
                places.setdefault(t.place.country_code, set()).add(t.place.geonameid)
        memo[key] = {code: len(ids) for code, ids in places.items()}
    return memo[key]  # type: ignore[no-any-return]


def _doubtful(
    toponym: Toponym, country: str, support: dict[str, int], gazetteer: Gazetteer
) -> bool:
    """A place abroad that the article does not back up: not an event's place.

    Abroad means in another country than the article's, or, with local place lists installed,
    outside their countries ("Port Said street" in Deir-ez-Zor, a Syrian "Maamoun" read as a
    Reddell, Louisiana). Backed up means resolved with confidence and either a major place
    (a capital, a regional capital, a city of 100,000) or one of two places the article names
    in that country ("Obe district, Herat").
    """
    place = toponym.place
    if place is None or place.feature_code == "PCLI":
        return False
    home = gazetteer.home_countries()
    abroad = bool(country and place.country_code != country) or bool(
        home and place.country_code not in home
    )
    if not abroad:
        return False
    major = place.feature_code in ("PPLC", "PPLA", "ADM1") or place.population >= 100_000
    backed = toponym.score >= _CONFIDENT and (major or support.get(place.country_code, 0) >= 2)
    return not backed


def _article_country(doc: Doc, toponyms: Sequence[Toponym]) -> str:
    """The country most of the article's resolved places lie in ("" when none)."""
    key = ("country", _spans(toponyms))
    memo = _memo(doc)
    if key not in memo:
        counts: dict[str, float] = {}
        for toponym in toponyms:
            if (
                toponym.place is not None
                and toponym.place.country_code
                and toponym.score >= _CONFIDENT
            ):
                # Places in a country say more than its name ("US warplanes" over Raqqa).
                code = toponym.place.country_code
                weight = 0.3 if toponym.place.feature_code == "PCLI" else 1.0
                counts[code] = counts.get(code, 0.0) + weight * max(toponym.score, 0.1)
        memo[key] = min(counts, key=lambda code: (-counts[code], code)) if counts else ""
    memo["country"] = memo[key]
    return memo[key]  # type: ignore[no-any-return]


def locate_event(
    sentence: Span,
    trigger: Span | None,
    toponyms: Sequence[Toponym],
    gazetteer: Gazetteer,
    *,
    previous: Location | None = None,
) -> Location | None:
    """Where the event of ``sentence`` (triggered by ``trigger``) happened.

    The sentence's own places come first (the most specific usable one nearest the trigger);
    when it names none, the article's place of action before it, then after it (a lede names
    the place a sentence later), then a region the article names, all at precision 2 or 3.

    Args:
        sentence: the event's sentence (a span of the article's Doc).
        trigger: the words that report the event, or None.
        toponyms: all toponyms of the article, from :func:`eventcoder.toponyms.find_toponyms`.
        gazetteer: the gazetteer, for regions and capitals.
        previous: the location of the article's previous event, if the caller tracks it; else the
            most recent place of action earlier in the article is used as the fallback.

    Returns:
        The location with its ACLED geo_precision and a reason, or None when the article names
        no usable place at all.
    """
    doc = sentence.doc
    _article_country(doc, toponyms)
    start, end = sentence.start_char, sentence.end_char
    location, excluded = _choose_in_sentence(
        doc, start, end, trigger, toponyms, gazetteer, chain=True, previous=previous
    )
    note = ("; " + "; ".join(excluded)) if excluded else ""
    if location is not None and location.geo_precision == 3 and location.place is not None:
        # "clashes in the eastern countryside of Hama" after "the village of Akash ... in Hama":
        # the region goes on about the place of action already named in it.
        action = previous or _previous_action(doc, start, toponyms, gazetteer)
        region = location.place
        if (
            action is not None
            and action.place is not None
            and action.place.country_code == region.country_code
            and action.place.admin1
            and action.place.admin1 == region.admin1
        ):
            return Location(
                action.name,
                action.place,
                max(2, action.geo_precision),
                f"the sentence names only the region ({location.name}); using the article's "
                f"place of action in it, {action.name}{note}",
                action.span,
            )
    if location is not None:
        return Location(
            location.name,
            location.place,
            location.geo_precision,
            location.reason + note,
            location.span,
        )
    fallback = previous or _previous_action(doc, start, toponyms, gazetteer)
    if fallback is not None:
        return Location(
            fallback.name,
            fallback.place,
            max(2, fallback.geo_precision),
            f"the sentence names no place where it happened{note}; using the article's previous "
            f"place of action, {fallback.name}",
            fallback.span,
        )
    following = _next_action(doc, end, toponyms, gazetteer)
    if following is not None:
        return Location(
            following.name,
            following.place,
            max(2, following.geo_precision),
            f"the sentence names no place where it happened{note}; using the place of action "
            f"the article names next, {following.name}",
            following.span,
        )
    stationed = _stationed_place(doc, start, end, toponyms, gazetteer)
    if stationed is not None:
        return stationed
    named_region = _article_region(doc, start, toponyms, gazetteer)
    if named_region is not None:
        return Location(
            named_region.name,
            named_region.place,
            3,
            f"the sentence names no place where it happened{note}; only the region the article "
            f"names is known: {named_region.reason}",
            named_region.span,
        )
    return None


def _stationed_place(
    doc: Doc, start: int, end: int, toponyms: Sequence[Toponym], gazetteer: Gazetteer
) -> Location | None:
    """Last resort when the article names no place of action: where the sentence's actors are
    based, came from or went to ("fighters operating in Sarmin", "sent reinforcements to the
    town of Sbeikhan and regained all territory"), precision 2."""
    inside = [t for t in toponyms if t.start >= start and t.end <= end and t.place is not None]
    roles = _sentence_roles(
        doc, start, end, [t for t in toponyms if start <= t.start and t.end <= end]
    )
    country = _memo(doc).get("country", "")
    for toponym in inside:
        role = roles.get(toponym.start)
        place = toponym.place
        assert place is not None
        if (
            role is not None
            and role.kind in ("base", "origin", "destination")
            and place.feature_code not in _SEATS
            and not _doubtful(toponym, country, _confident_countries(doc, toponyms), gazetteer)
        ):
            target = _seat_of_area(place, gazetteer) if _is_regional(toponym, _text(doc)) else place
            return Location(
                target.name,
                target,
                2 if target is place else 3,
                f"the article names no place of action; '{toponym.text}' is {role.note}, the "
                "only place the sentence gives",
                _span(toponym),
            )
    return None


def _choose_in_sentence(
    doc: Doc,
    start: int,
    end: int,
    trigger: Span | None,
    toponyms: Sequence[Toponym],
    gazetteer: Gazetteer,
    *,
    chain: bool,
    previous: Location | None = None,
) -> tuple[Location | None, list[str]]:
    """The best usable place of one sentence, located, and the notes on the excluded ones.

    With ``chain`` False (the article-level fallbacks), a name the gazetteer lacks is located
    only by the text around it, never by another sentence's place.
    """
    text = _text(doc)
    inside = [t for t in toponyms if t.start >= start and t.end <= end]
    if not inside:
        return None, []
    containers = _containers_of(doc, toponyms)
    contained_by = {toponyms[i].start: toponyms[j] for i, j in containers.items()}
    holders = {
        toponyms[j].start
        for i, j in containers.items()
        if toponyms[i].start >= start and toponyms[i].end <= end
    }
    roles = _sentence_roles(doc, start, end, inside)
    country = _memo(doc).get("country", "")
    support = _confident_countries(doc, toponyms)
    usable: list[tuple[Toponym, _Role]] = []
    excluded: list[str] = []
    for toponym in inside:
        role = roles[toponym.start]
        if toponym.start in holders:
            role = _Role("container", 3, "the area containing another named place")
        if role.kind in EXCLUDED_ROLES:
            if role.kind != "container":
                excluded.append(f"'{toponym.text}' is {role.note}")
            continue
        if _doubtful(toponym, country, support, gazetteer):
            # A namesake abroad, resolved without conviction, in a report about another
            # country ("Port Said bus station" in Damascus): not the event's place.
            excluded.append(f"'{toponym.text}' is a doubtful place abroad")
            continue
        usable.append((toponym, role))
    villages = [
        t.place
        for t, _ in usable
        if t.place is not None
        and t.place.feature_class == "P"
        and t.place.feature_code not in _REGIONAL_SEATS
        and not _is_regional(t, text)
    ]
    scored: list[tuple[float, int, Toponym, _Role]] = []
    for toponym, role in usable:
        weight = {"event": 1.0, "near": 1.0, "road": 1.0, "metonym": 0.35, "base": 0.15}.get(
            role.kind, 0.5
        )
        contained = _known_container(toponym, toponyms, contained_by) is not None
        score = weight * _specificity(toponym, text, contained)
        place = toponym.place
        if (
            place is not None
            and (place.feature_code in _REGIONAL_SEATS or place.feature_class == "A")
            and place.admin1
            and any(
                v.country_code == place.country_code and v.admin1 == place.admin1 for v in villages
            )
        ):
            # "Hasraya in Hama", "Ali Bak village in northern Afrin, Aleppo": the city or region
            # only confirms the village in it, which is the event's place.
            score *= 0.35
        if place is not None and country and place.country_code != country:
            # A place abroad is named in a report about elsewhere mostly as context.
            score *= 0.3
        score *= _distance_to_trigger(doc, toponym, trigger)
        scored.append((score, -toponym.start, toponym, role))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    for _, _, toponym, role in scored:
        location = _locate(toponym, role, toponyms, contained_by, gazetteer, doc, previous, chain)
        if location is not None and (chain or location.place is not None):
            return location, excluded
    return None, excluded


def _span(toponym: Toponym) -> TextSpan:
    return TextSpan(toponym.start, toponym.end, toponym.text)


def _locate(
    toponym: Toponym,
    role: _Role,
    toponyms: Sequence[Toponym],
    contained_by: dict[int, Toponym],
    gazetteer: Gazetteer,
    doc: Doc,
    previous: Location | None,
    chain: bool = True,
) -> Location | None:
    text = _text(doc)
    place = toponym.place

    def earlier() -> Location | None:
        if not chain:
            return None
        return previous or _previous_action(doc, toponym.start, toponyms, gazetteer)

    if place is not None:
        regional = _is_regional(toponym, text)
        if place.feature_code == "PCLI":
            action = earlier() or (
                _next_action(doc, toponym.end, toponyms, gazetteer) if chain else None
            )
            if (
                action is not None
                and action.place is not None
                and action.place.country_code == place.country_code
            ):
                return Location(
                    action.name,
                    action.place,
                    max(2, action.geo_precision),
                    f"the sentence names only the country ('{toponym.text}'); using the article's "
                    f"place of action in it, {action.name}",
                    action.span,
                )
        if regional:
            anaphora = _ANAPHORIC_TOWN.match(text[toponym.end : toponym.end + 20])
            if anaphora:
                action = earlier()
                if action is not None and action.place is not None and _within(action.place, place):
                    return Location(
                        action.name,
                        action.place,
                        max(2, action.geo_precision),
                        f"'{toponym.text} {anaphora.group(0).strip()}' refers back to "
                        f"{action.name}, the article's place of action in that region",
                        action.span,
                    )
            area = place if place.feature_class == "A" else (gazetteer.region(place) or place)
            seat = gazetteer.seat(area)
            return Location(
                seat.name,
                seat,
                3,
                f"only the region is known: '{toponym.text}' -> {_display_name(area)}, placed "
                f"at its capital, {seat.name}",
                _span(toponym),
            )
        precision = role.precision if role.kind in ("near", "road") else 1
        note = role.note
        if precision == 1 and place.feature_class == "P" and _around(toponym, text):
            precision, note = 2, "the area around it"
        if precision == 1 and PARENT_PLACED in place.source:
            # The list knows the village only by its sub-district: its point is approximate.
            precision, note = 2, "the gazetteer places it only by its sub-district"
        how = {
            "near": f"near {place.name} ({note})",
            "road": f"on the road from {place.name}",
            "metonym": f"{place.name}, though the sentence uses it as an actor",
            "base": f"{place.name}, though it reads as an actor's base",
        }.get(role.kind, f"near {place.name} ({note})" if precision == 2 else f"in {place.name}")
        return Location(
            place.name, place, precision, f"event {how}: {toponym.reason}", _span(toponym)
        )
    # The gazetteer lacks the name: keep it as written and borrow a containing place's coordinates.
    container = _known_container(toponym, toponyms, contained_by)
    if container is not None and _doubtful(
        container, _memo(doc).get("country", ""), _confident_countries(doc, toponyms), gazetteer
    ):
        container = None
    if container is not None and container.place is not None:
        holder = container.place
        action = earlier()
        if (
            holder.feature_class == "P"
            and not _is_regional(container, text)
            and action is not None
            and action.place is not None
            and haversine_km(
                holder.latitude, holder.longitude, action.place.latitude, action.place.longitude
            )
            < 40
        ):
            return Location(
                toponym.text,
                action.place,
                max(2, action.geo_precision),
                f"'{toponym.text}' is not in the gazetteer; the text places it by {holder.name}, "
                f"next to the article's place of action, {action.name}, used here",
                _span(toponym),
            )
        precision = _container_precision(container, text)
        target = gazetteer.seat(holder) if precision == 2 else _seat_of_area(holder, gazetteer)
        at = f" (at {target.name})" if target is not holder else ""
        return Location(
            toponym.text,
            target,
            precision,
            f"'{toponym.text}' is not in the gazetteer; placed in {_display_name(holder)}{at}, "
            "which the text says contains it",
            _span(toponym),
        )
    neighbour = _named_with(toponym, toponyms, doc, gazetteer)
    if neighbour is not None and neighbour.place is not None:
        return Location(
            toponym.text,
            neighbour.place,
            2,
            f"'{toponym.text}' is not in the gazetteer; placed at {neighbour.place.name}, named "
            "with it in the text",
            _span(toponym),
        )
    if not chain:
        return None
    action = earlier() or _next_action(doc, toponym.end, toponyms, gazetteer)
    if action is not None and action.place is not None:
        return Location(
            toponym.text,
            action.place,
            max(2, action.geo_precision),
            f"'{toponym.text}' is not in the gazetteer; placed at the article's place of "
            f"action, {action.name}",
            _span(toponym),
        )
    region = _article_region(doc, toponym.start, toponyms, gazetteer)
    if region is not None:
        return Location(
            toponym.text,
            region.place,
            3,
            f"'{toponym.text}' is not in the gazetteer; placed in the region the article "
            f"names: {region.reason}",
            _span(toponym),
        )
    return Location(
        toponym.text,
        None,
        3,
        f"'{toponym.text}' is not in the gazetteer and nothing in the text locates it",
        _span(toponym),
    )


def _within(place: Place, region: Place) -> bool:
    if region.feature_code == "PCLI":
        return place.country_code == region.country_code
    if region.feature_code == "ADM1" and region.admin1:
        return place.admin1 == region.admin1
    if region.feature_code == "ADM2" and region.admin2:
        return place.admin2 == region.admin2
    return haversine_km(place.latitude, place.longitude, region.latitude, region.longitude) < 60


def _same_name(a: str, b: str) -> bool:
    """Two spellings of one name: same key, or same consonant skeleton (al-Sheih / al-Sheikh)."""
    key_a, loose_a, _ = index_keys(a)
    key_b, loose_b, _ = index_keys(b)
    return key_a == key_b or (bool(loose_a) and loose_a == loose_b)


def _known_container(
    toponym: Toponym, toponyms: Sequence[Toponym], contained_by: dict[int, Toponym]
) -> Toponym | None:
    """A resolved place the text says contains this name, in this or any other mention of it."""
    for mention in toponyms:
        if not _same_name(mention.text, toponym.text):
            continue
        container = contained_by.get(mention.start)
        seen = 0
        while container is not None and container.place is None and seen < 3:
            container = contained_by.get(container.start)
            seen += 1
        if container is not None and container.place is not None:
            return container
    return None


def _named_with(
    toponym: Toponym, toponyms: Sequence[Toponym], doc: Doc, gazetteer: Gazetteer
) -> Toponym | None:
    """The resolved village named closest to this one (same sentence first, then the sentences of
    its other mentions), skipping destinations, objectives and other places of no action."""

    def usable_near(anchor: Toponym) -> Toponym | None:
        start, end = _sentence_bounds(doc, anchor)
        same = [t for t in toponyms if start <= t.start and t.end <= end]
        roles = _sentence_roles(doc, start, end, same)
        country = _memo(doc).get("country", "")
        support = _confident_countries(doc, toponyms)
        near = [
            t
            for t in same
            if t.place is not None
            and not _doubtful(t, country, support, gazetteer)
            and t.place.feature_class == "P"
            and not _is_regional(t, _text(doc))
            and roles[t.start].kind not in EXCLUDED_ROLES
            and roles[t.start].kind not in ("base", "metonym")
        ]
        return min(near, key=lambda t: abs(t.start - anchor.start)) if near else None

    found = usable_near(toponym)
    if found is not None:
        return found
    for mention in toponyms:
        if (
            mention.place is None
            and mention.start != toponym.start
            and _same_name(mention.text, toponym.text)
        ):
            found = usable_near(mention)
            if found is not None:
                return found
    return None


def _sentence_list(doc: Doc) -> list[tuple[int, int]]:
    memo = _memo(doc)
    bounds: list[tuple[int, int]] | None = memo.get("sentences")
    if bounds is None:
        bounds = memo["sentences"] = [(s.start_char, s.end_char) for s in doc.sents]
    return bounds


def _role_of(doc: Doc, toponym: Toponym, toponyms: Sequence[Toponym]) -> _Role:
    """The role of a toponym in its own sentence."""
    start, end = _sentence_bounds(doc, toponym)
    end = max(end, toponym.end)  # a name the sentence splitter cut in two
    same = [t for t in toponyms if start <= t.start and t.end <= end]
    return _sentence_roles(doc, start, end, same)[toponym.start]


def _own_location(
    doc: Doc, start: int, end: int, toponyms: Sequence[Toponym], gazetteer: Gazetteer
) -> Location | None:
    """Where a sentence itself places its action, from its own words only (memoized)."""
    key = ("own", start, end, id(gazetteer), _spans(toponyms))
    memo = _memo(doc)
    if key not in memo:
        memo[key] = _choose_in_sentence(doc, start, end, None, toponyms, gazetteer, chain=False)[0]
    return memo[key]  # type: ignore[no-any-return]


def _previous_action(
    doc: Doc, before: int, toponyms: Sequence[Toponym], gazetteer: Gazetteer
) -> Location | None:
    """The place of action of the latest earlier sentence that names one: the place the event
    step would choose there (a village, not a destination or the region containing it)."""
    for start, end in reversed(_sentence_list(doc)):
        if end > before:
            continue
        location = _own_location(doc, start, end, toponyms, gazetteer)
        if location is not None and location.place is not None and location.geo_precision < 3:
            return location
    return None


def _next_action(
    doc: Doc, after: int, toponyms: Sequence[Toponym], gazetteer: Gazetteer
) -> Location | None:
    """The place of action of the first later sentence that names one ("Gunmen killed two
    fighters. The attack took place in X.")."""
    for start, end in _sentence_list(doc):
        if start < after:
            continue
        location = _own_location(doc, start, end, toponyms, gazetteer)
        if location is not None and location.place is not None and location.geo_precision < 3:
            return location
    return None


def _article_region(
    doc: Doc, position: int, toponyms: Sequence[Toponym], gazetteer: Gazetteer
) -> Location | None:
    """The region the article names nearest to ``position`` (a governorate, a regional capital
    named as an area, or one that contains another name), placed at its capital."""
    text = _text(doc)
    country = _memo(doc).get("country", "")
    regions = [
        t
        for t in toponyms
        if t.place is not None
        and t.place.feature_code != "PCLI"
        and (not country or t.place.country_code == country)
        and (_is_regional(t, text) or t.place.feature_code in _REGIONAL_SEATS)
        and _role_of(doc, t, toponyms).kind not in EXCLUDED_ROLES
        and not _doubtful(t, country, _confident_countries(doc, toponyms), gazetteer)
    ]
    if not regions:
        return None
    nearest = min(regions, key=lambda t: (abs(t.start - position), t.start))
    assert nearest.place is not None
    area = (
        nearest.place
        if nearest.place.feature_class == "A"
        else (gazetteer.region(nearest.place) or nearest.place)
    )
    seat = gazetteer.seat(area)
    return Location(
        seat.name,
        seat,
        3,
        f"'{nearest.text}' -> {_display_name(area)}, placed at its capital, {seat.name}",
        _span(nearest),
    )


def geoparse(
    doc: Doc, gazetteer: Gazetteer, article_id: str, **kw: object
) -> list[dict[str, object]]:
    """The rows of ``eventcoder geoparse``: one per toponym, resolved or explicitly not.

    Keyword arguments are passed to :func:`~eventcoder.toponyms.find_toponyms` (``countries``).
    Coordinates and ids are None for a no-match; ``reason`` says why either way.
    """
    from eventcoder.toponyms import find_toponyms

    countries = kw.get("countries") or ()
    rows: list[dict[str, object]] = []
    for toponym in find_toponyms(doc, gazetteer, countries=tuple(countries)):  # type: ignore[arg-type]
        place = toponym.place
        rows.append(
            {
                "article_id": article_id,
                "start": toponym.start,
                "end": toponym.end,
                "text": toponym.text,
                "geonameid": place.geonameid if place else None,
                "name": place.name if place else None,
                "feature_code": place.feature_code if place else None,
                "country": place.country if place else None,
                "admin1": place.admin1 if place else None,
                "latitude": place.latitude if place else None,
                "longitude": place.longitude if place else None,
                "score": toponym.score,
                "reason": toponym.reason,
            }
        )
    return rows
