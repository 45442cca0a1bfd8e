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

from eventcoder.gazetteer import Gazetteer, haversine_km
from eventcoder.models import Location, Place, Toponym
from eventcoder.models import Span as TextSpan
from eventcoder.placenames import index_keys
from eventcoder.toponyms import stated_containers

#: Roles that exclude a toponym from being the event's place.
EXCLUDED_ROLES = frozenset(
    {"destination", "origin", "speaker", "separation", "endpoint", "container", "base"}
)

_MOVE = (
    r"(?:relocat\w*|transfer\w*|transition\w*|evacuat\w*|mov(?:e|ed|es|ing)|fle(?:e|d|es|eing)|head(?:ed|ing|s)?|sent|"
    r"send\w*|deport\w*|displac\w*|transport\w*|bus(?:ed|es|sed)?|withdr\w*|retreat\w*|return\w*|escap\w*|"
    r"dispatch\w*|go|went|gone|travel\w*|march\w*|expel\w*|exile\w*|redeploy\w*)"
)
_DESTINATION = re.compile(
    rf"\b{_MOVE}\b[^.;:!?]{{0,90}}?\b(?:to|towards?|into)\s+(?:the\s+)?(?:\w+\s+)?$"
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
    r"leaders|officials|representatives?|delegat\w*|envoys?|authorities|regime|based|headquartered|stationed|"
    r"deployed|hosted|located|operating)\s+(?:in|of|at|from)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
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
    toponym: Toponym, sentence_start: int, sentence_end: int, text: str, doc: Doc | None
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
        return _Role("origin", 3, "an origin")
    if _PLAIN_DESTINATION.search(before[-20:]) and re.search(_MOVE, before[-80:], re.IGNORECASE):
        return _Role("destination", 3, "a destination")
    if _BASE.search(before[-40:]):
        return _Role("base", 3, "a home base or the seat of an actor")
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
        role = _role(toponym, start, end, _text(doc), doc)
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


def _is_regional(toponym: Toponym, text: str) -> bool:
    """A region, or a place named as an area ("Southwestern Damascus", "suburban Damascus")."""
    if toponym.place is not None and toponym.place.feature_class == "A":
        return True
    if _REGION_TEXT.match(toponym.text):
        return True
    before = text[max(0, toponym.start - 30) : toponym.start]
    return bool(
        _QUALIFIER_BEFORE.search(before)
        or _COUNTRYSIDE_OF.search(before)
        or _REGION_AFTER.match(text[toponym.end : toponym.end + 20])
    )


def _specificity(toponym: Toponym, text: str) -> float:
    place = toponym.place
    if _is_regional(toponym, text) and (place is None or place.feature_code != "PCLI"):
        return 0.6
    if place is None:
        return 0.8
    if place.feature_code == "PCLI":
        return 0.25
    if place.feature_code == "ADM1":
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


def locate_event(
    sentence: Span,
    trigger: Span | None,
    toponyms: Sequence[Toponym],
    gazetteer: Gazetteer,
    *,
    previous: Location | None = None,
) -> Location | None:
    """Where the event of ``sentence`` (triggered by ``trigger``) happened.

    Args:
        sentence: the event's sentence (a span of the article's Doc).
        trigger: the words that report the event, or None.
        toponyms: all toponyms of the article, from :func:`eventcoder.toponyms.find_toponyms`.
        gazetteer: the gazetteer, for regions and capitals.
        previous: the location of the article's previous event, if the caller tracks it; else the
            most recent place of action earlier in the article is used as the fallback.

    Returns:
        The location with its ACLED geo_precision and a reason, or None when neither the
        sentence nor anything before it names a usable place.
    """
    doc = sentence.doc
    text = _text(doc)
    inside = [t for t in toponyms if t.start >= sentence.start_char and t.end <= sentence.end_char]
    containers = _containers_of(doc, toponyms)
    contained_by = {toponyms[i].start: toponyms[j] for i, j in containers.items()}
    container_starts = {toponyms[j].start for j in containers.values()}
    scored: list[tuple[float, Toponym, _Role]] = []
    excluded: list[str] = []
    roles = _sentence_roles(doc, sentence.start_char, sentence.end_char, inside)
    for toponym in inside:
        role = roles[toponym.start]
        if toponym.start in container_starts and any(
            toponyms[i].start >= sentence.start_char
            for i, j in containers.items()
            if toponyms[j].start == toponym.start
        ):
            role = _Role("container", 3, "the area containing another named place")
        if role.kind in EXCLUDED_ROLES:
            if role.kind != "container":
                excluded.append(f"'{toponym.text}' is {role.note}")
            continue
        weight = {"event": 1.0, "near": 1.0, "road": 1.0, "metonym": 0.35, "base": 0.15}.get(
            role.kind, 0.5
        )
        score = weight * _specificity(toponym, text) * _distance_to_trigger(doc, toponym, trigger)
        scored.append((score, toponym, role))
    scored.sort(key=lambda item: -item[0])
    note = ("; " + "; ".join(excluded)) if excluded else ""
    if scored:
        _, toponym, role = scored[0]
        location = _locate(toponym, role, toponyms, contained_by, gazetteer, doc, previous)
        if location is not None:
            return Location(
                location.name,
                location.place,
                location.geo_precision,
                location.reason + note,
                location.span,
            )
    fallback = previous or _previous_action(doc, sentence.start_char, toponyms, gazetteer)
    if fallback is None:
        return None
    return Location(
        fallback.name,
        fallback.place,
        max(2, fallback.geo_precision),
        f"the sentence names no place where it happened{note}; using the article's previous place "
        "of action, "
        f"{fallback.name}",
        fallback.span,
    )


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
) -> Location | None:
    place = toponym.place
    if place is not None:
        regional = _is_regional(toponym, _text(doc))
        if place.feature_code == "PCLI":
            earlier = previous or _previous_action(doc, toponym.start, toponyms, gazetteer)
            if (
                earlier is not None
                and earlier.place is not None
                and earlier.place.country_code == place.country_code
            ):
                return Location(
                    earlier.name,
                    earlier.place,
                    max(2, earlier.geo_precision),
                    f"the sentence names only the country ('{toponym.text}'); using the article's "
                    "place of action "
                    f"in it, {earlier.name}",
                    earlier.span,
                )
        if regional:
            after = _text(doc)[toponym.end : toponym.end + 20]
            anaphora = _ANAPHORIC_TOWN.match(after)
            if anaphora:
                earlier = previous or _previous_action(doc, toponym.start, toponyms, gazetteer)
                if (
                    earlier is not None
                    and earlier.place is not None
                    and _within(earlier.place, place)
                ):
                    return Location(
                        earlier.name,
                        earlier.place,
                        max(2, earlier.geo_precision),
                        f"'{toponym.text} {anaphora.group(0).strip()}' refers back to "
                        f"{earlier.name}, the article's place of action in that region",
                        earlier.span,
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
        how = {
            "near": f"near {place.name} ({role.note})",
            "road": f"on the road from {place.name}",
            "metonym": f"{place.name}, though the sentence uses it as an actor",
            "base": f"{place.name}, though it reads as an actor's base",
        }.get(role.kind, f"in {place.name}")
        return Location(
            place.name, place, precision, f"event {how}: {toponym.reason}", _span(toponym)
        )
    # The gazetteer lacks the name: keep it as written and borrow a containing place's coordinates.
    container = _known_container(toponym, toponyms, contained_by)
    if container is not None and container.place is not None:
        holder = container.place
        text = _text(doc)
        earlier = previous or _previous_action(doc, toponym.start, toponyms, gazetteer)
        if (
            holder.feature_class == "P"
            and not _is_regional(container, text)
            and earlier is not None
            and earlier.place is not None
            and haversine_km(
                holder.latitude, holder.longitude, earlier.place.latitude, earlier.place.longitude
            )
            < 40
        ):
            return Location(
                toponym.text,
                earlier.place,
                max(2, earlier.geo_precision),
                f"'{toponym.text}' is not in the gazetteer; the text places it by {holder.name}, "
                "next to the "
                f"article's place of action, {earlier.name}, used here",
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
    neighbour = _named_with(toponym, toponyms, doc)
    if neighbour is not None and neighbour.place is not None:
        return Location(
            toponym.text,
            neighbour.place,
            2,
            f"'{toponym.text}' is not in the gazetteer; placed at {neighbour.place.name}, named "
            "with it in the text",
            _span(toponym),
        )
    earlier = previous or _previous_action(doc, toponym.start, toponyms, gazetteer)
    if earlier is not None and earlier.place is not None:
        return Location(
            toponym.text,
            earlier.place,
            max(2, earlier.geo_precision),
            f"'{toponym.text}' is not in the gazetteer; placed at the article's previous place of "
            f"action, {earlier.name}",
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


def _named_with(toponym: Toponym, toponyms: Sequence[Toponym], doc: Doc) -> Toponym | None:
    """The resolved village named closest to this one (same sentence first, then the sentences of
    its other mentions), skipping destinations, objectives and other places of no action."""

    def usable_near(anchor: Toponym) -> Toponym | None:
        start, end = _sentence_bounds(doc, anchor)
        same = [t for t in toponyms if start <= t.start and t.end <= end]
        roles = _sentence_roles(doc, start, end, same)
        near = [
            t
            for t in same
            if t.place is not None
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


def _previous_action(
    doc: Doc, before: int, toponyms: Sequence[Toponym], gazetteer: Gazetteer
) -> Location | None:
    """The latest place earlier in the article that can be a place of action (a village, not a
    destination): a resolved village, or an unknown one the text places inside a known area."""
    key = ("previous", before, id(gazetteer), _spans(toponyms))
    memo = _memo(doc)
    if key not in memo:
        memo[key] = _find_previous_action(doc, before, toponyms, gazetteer)
    return memo[key]  # type: ignore[no-any-return]


def _find_previous_action(
    doc: Doc, before: int, toponyms: Sequence[Toponym], gazetteer: Gazetteer
) -> Location | None:
    contained_by = {
        toponyms[i].start: toponyms[j] for i, j in _containers_of(doc, toponyms).items()
    }
    for toponym in sorted((t for t in toponyms if t.end <= before), key=lambda t: -t.start):
        if _is_regional(toponym, _text(doc)):
            continue
        if toponym.place is not None and toponym.place.feature_class != "P":
            continue
        start, end = _sentence_bounds(doc, toponym)
        same = [t for t in toponyms if start <= t.start and t.end <= end]
        role = _sentence_roles(doc, start, end, same)[toponym.start]
        if role.kind in EXCLUDED_ROLES or role.kind in ("base", "metonym"):
            continue
        if toponym.place is not None:
            return Location(
                toponym.place.name,
                toponym.place,
                role.precision if role.kind != "event" else 1,
                toponym.reason,
                _span(toponym),
            )
        container = _known_container(toponym, toponyms, contained_by)
        if container is not None and container.place is not None:
            holder = container.place
            text = _text(doc)
            precision = _container_precision(container, text)
            target = gazetteer.seat(holder) if precision == 2 else _seat_of_area(holder, gazetteer)
            return Location(
                toponym.text,
                target,
                precision,
                f"'{toponym.text}' (not in the gazetteer) lies in {_display_name(holder)}",
                _span(toponym),
            )
    return None


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
