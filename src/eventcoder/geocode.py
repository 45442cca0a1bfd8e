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

The role each toponym plays in its sentence is read by :mod:`eventcoder.place_roles`; the
rows of ``eventcoder geoparse`` are :mod:`eventcoder.geoparse`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from spacy.tokens import Doc, Span

from eventcoder.gazetteer import Gazetteer, haversine_km
from eventcoder.gazetteer_build import PARENT_PLACED
from eventcoder.models import Location, Place, Toponym
from eventcoder.models import Span as TextSpan
from eventcoder.place_roles import (
    _ANAPHORIC_TOWN,
    EXCLUDED_ROLES,
    GOVERNMENT_SEATS,
    REGIONAL_SEATS,
    PlaceRole,
    containers_of,
    doc_memo,
    is_regional,
    memo_text,
    names_surroundings,
    role_of,
    sentence_bounds,
    sentence_list,
    sentence_roles,
    span_signature,
)
from eventcoder.placenames import index_keys


def _specificity(toponym: Toponym, text: str, contained: bool) -> float:
    """How precisely a toponym would place an event: a village beats a region; a name the
    gazetteer lacks is worth little unless the text says what contains it."""
    place = toponym.place
    if place is None:
        if names_surroundings(toponym, text):
            return 0.5
        return 0.75 if contained else 0.45
    if place.feature_code == "PCLI":
        return 0.25
    if is_regional(toponym, text) or place.feature_code == "ADM1":
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


def _container_precision(container: Toponym, text: str) -> int:
    """2 when the text places a name by a town or district, 3 when only by a region ("in the
    countryside of Hama", "Idlib province", a governorate or a country)."""
    place = container.place
    if place is None:
        return 3
    if place.feature_code in ("ADM1", "PCLI"):
        return 3
    if place.feature_class == "P" and is_regional(container, text):
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
    key = ("confident", span_signature(toponyms))
    memo = doc_memo(doc)
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


def _foreign_country(toponym: Toponym, doc: Doc) -> bool:
    """A country other than the one the user says the article is about: in such a report a
    foreign country's name says whose forces act ("warplanes suspected to belong to the US",
    "U.S. ground forces"), never where; an event is not placed in it."""
    given = doc_memo(doc).get("given_country", "")
    place = toponym.place
    return bool(
        given and place is not None and place.feature_code == "PCLI" and place.country_code != given
    )


def _article_country(doc: Doc, toponyms: Sequence[Toponym]) -> str:
    """The country most of the article's resolved places lie in ("" when none)."""
    key = ("country", span_signature(toponyms))
    memo = doc_memo(doc)
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
    roles = sentence_roles(
        doc, start, end, [t for t in toponyms if start <= t.start and t.end <= end]
    )
    country = doc_memo(doc).get("country", "")
    for toponym in inside:
        role = roles.get(toponym.start)
        place = toponym.place
        assert place is not None
        if (
            role is not None
            and role.kind in ("base", "origin", "destination")
            and place.feature_code not in GOVERNMENT_SEATS
            and not _doubtful(toponym, country, _confident_countries(doc, toponyms), gazetteer)
        ):
            target = (
                _seat_of_area(place, gazetteer) if is_regional(toponym, memo_text(doc)) else place
            )
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
    text = memo_text(doc)
    inside = [t for t in toponyms if t.start >= start and t.end <= end]
    if not inside:
        return None, []
    containers = containers_of(doc, toponyms)
    contained_by = {toponyms[i].start: toponyms[j] for i, j in containers.items()}
    holders = {
        toponyms[j].start
        for i, j in containers.items()
        if toponyms[i].start >= start and toponyms[i].end <= end
    }
    roles = sentence_roles(doc, start, end, inside)
    country = doc_memo(doc).get("country", "")
    support = _confident_countries(doc, toponyms)
    usable: list[tuple[Toponym, PlaceRole]] = []
    excluded: list[str] = []
    for toponym in inside:
        role = roles[toponym.start]
        if toponym.start in holders:
            role = PlaceRole("container", 3, "the area containing another named place")
        if role.kind in EXCLUDED_ROLES:
            if role.kind != "container":
                excluded.append(f"'{toponym.text}' is {role.note}")
            continue
        if _foreign_country(toponym, doc):
            excluded.append(f"'{toponym.text}' is another country than the article's")
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
        and t.place.feature_code not in REGIONAL_SEATS
        and not is_regional(t, text)
    ]
    scored: list[tuple[float, int, Toponym, PlaceRole]] = []
    for toponym, role in usable:
        weight = {"event": 1.0, "near": 1.0, "road": 1.0, "metonym": 0.35, "base": 0.15}.get(
            role.kind, 0.5
        )
        contained = _known_container(toponym, toponyms, contained_by) is not None
        score = weight * _specificity(toponym, text, contained)
        place = toponym.place
        if (
            place is not None
            and (place.feature_code in REGIONAL_SEATS or place.feature_class == "A")
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
    role: PlaceRole,
    toponyms: Sequence[Toponym],
    contained_by: dict[int, Toponym],
    gazetteer: Gazetteer,
    doc: Doc,
    previous: Location | None,
    chain: bool = True,
) -> Location | None:
    text = memo_text(doc)
    place = toponym.place

    def earlier() -> Location | None:
        if not chain:
            return None
        return previous or _previous_action(doc, toponym.start, toponyms, gazetteer)

    if place is not None:
        regional = is_regional(toponym, text)
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
                f"only the region is known: '{toponym.text}' -> {area.area_name}, placed "
                f"at its capital, {seat.name}",
                _span(toponym),
            )
        precision = role.precision if role.kind in ("near", "road") else 1
        note = role.note
        if precision == 1 and place.feature_class == "P" and names_surroundings(toponym, text):
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
    if container is not None and (
        _foreign_country(container, doc)
        or _doubtful(
            container,
            doc_memo(doc).get("country", ""),
            _confident_countries(doc, toponyms),
            gazetteer,
        )
    ):
        container = None
    if container is not None and container.place is not None:
        holder = container.place
        action = earlier()
        if (
            holder.feature_class == "P"
            and not is_regional(container, text)
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
            f"'{toponym.text}' is not in the gazetteer; placed in {holder.area_name}{at}, "
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
        start, end = sentence_bounds(doc, anchor)
        same = [t for t in toponyms if start <= t.start and t.end <= end]
        roles = sentence_roles(doc, start, end, same)
        country = doc_memo(doc).get("country", "")
        support = _confident_countries(doc, toponyms)
        near = [
            t
            for t in same
            if t.place is not None
            and not _doubtful(t, country, support, gazetteer)
            and t.place.feature_class == "P"
            and not is_regional(t, memo_text(doc))
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


def _own_location(
    doc: Doc, start: int, end: int, toponyms: Sequence[Toponym], gazetteer: Gazetteer
) -> Location | None:
    """Where a sentence itself places its action, from its own words only (memoized)."""
    key = ("own", start, end, id(gazetteer), span_signature(toponyms))
    memo = doc_memo(doc)
    if key not in memo:
        memo[key] = _choose_in_sentence(doc, start, end, None, toponyms, gazetteer, chain=False)[0]
    return memo[key]  # type: ignore[no-any-return]


def _first_action(
    doc: Doc, sentences: Iterable[tuple[int, int]], toponyms: Sequence[Toponym], gazetteer: Gazetteer
) -> Location | None:
    """The place of action of the first of ``sentences`` that names one: the place the event
    step would choose there (a village, not a destination or the region containing it)."""
    for start, end in sentences:
        location = _own_location(doc, start, end, toponyms, gazetteer)
        if location is not None and location.place is not None and location.geo_precision < 3:
            return location
    return None


def _previous_action(
    doc: Doc, before: int, toponyms: Sequence[Toponym], gazetteer: Gazetteer
) -> Location | None:
    """The place of action of the latest earlier sentence that names one."""
    earlier = (s for s in reversed(sentence_list(doc)) if s[1] <= before)
    return _first_action(doc, earlier, toponyms, gazetteer)


def _next_action(
    doc: Doc, after: int, toponyms: Sequence[Toponym], gazetteer: Gazetteer
) -> Location | None:
    """The place of action of the first later sentence that names one ("Gunmen killed two
    fighters. The attack took place in X.")."""
    later = (s for s in sentence_list(doc) if s[0] >= after)
    return _first_action(doc, later, toponyms, gazetteer)


def _article_region(
    doc: Doc, position: int, toponyms: Sequence[Toponym], gazetteer: Gazetteer
) -> Location | None:
    """The region the article names nearest to ``position`` (a governorate, a regional capital
    named as an area, or one that contains another name), placed at its capital."""
    text = memo_text(doc)
    country = doc_memo(doc).get("country", "")
    regions = [
        t
        for t in toponyms
        if t.place is not None
        and t.place.feature_code != "PCLI"
        and (not country or t.place.country_code == country)
        and (is_regional(t, text) or t.place.feature_code in REGIONAL_SEATS)
        and role_of(doc, t, toponyms).kind not in EXCLUDED_ROLES
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
        f"'{nearest.text}' -> {area.area_name}, placed at its capital, {seat.name}",
        _span(nearest),
    )
