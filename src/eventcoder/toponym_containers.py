"""Stated containment: which place the text says contains another.

"the town of Khan al-Sheih in Southwestern Damascus", "X, Idlib province", "Hamidiya and
Jbeileh neighbourhoods in Deir-ez-Zor city", "Damascus's Jobar": the words between two names
(and after the second) say that the second contains the first. Disambiguation
(:mod:`eventcoder.toponym_scoring`) scores candidates against their containers, and the event
step places a village the gazetteer lacks at its container
(:func:`eventcoder.toponyms.stated_containers`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from eventcoder.models import Place
from eventcoder.toponym_lexicon import (
    ALIAS_OPEN,
    BARE_COMMA,
    BARE_OF,
    CITY_AFTER,
    COMPASS,
    CONTAINER_GAP,
    CONTAINER_LINK,
    KIND_AFTER,
    LIST_GOES_ON,
    LIST_HOPS,
    LIST_LINK,
    PARENTHETICAL,
    POSSESSIVE_LINK,
    QUARTER_LINK,
)
from eventcoder.toponym_spans import Mention, NameGroup

#: Every mention of the article in text order with its group, and their start offsets.
MentionIndex = tuple[list[tuple[int, int, NameGroup, Mention]], list[int]]


def mention_index(groups: Sequence[NameGroup]) -> MentionIndex:
    """The mentions of ``groups`` sorted by offsets, built once per resolution."""
    mentions = sorted(
        ((m.start, m.end, g, m) for g in groups for m in g.mentions), key=lambda item: item[:2]
    )
    return mentions, [item[0] for item in mentions]


def container_places(
    group: NameGroup, index: MentionIndex, text: str
) -> list[tuple[Place, str, bool]]:
    """Places the text says contain this name: "X in Southwestern Damascus", "X, Idlib province",
    "X neighbourhood of Deir-ez-Zor city", "Damascus's X neighbourhood"; each with the part of
    it the text names ("X in the eastern countryside of Homs": "eastern", else "") and whether
    the text calls it a city or town (its built-up area, not its surroundings)."""
    out: list[tuple[Place, str, bool]] = []
    mentions, starts = index

    def next_container(end: int) -> tuple[NameGroup, Mention, str] | None:
        index = bisect.bisect_left(starts, end)
        # "Hamidiya, Jbeileh and Al-Huwaiqa neighbourhoods in Deir-ez-Zor city": the container
        # after a list holds every name of it.
        for hop in range(LIST_HOPS + 1):
            if index >= len(mentions):
                return None
            start, mention_end, container, mention = mentions[index]
            if start - end > CONTAINER_GAP or (hop and "abbreviation" in mention.evidence):
                # "Louisville, Ky., New Haven, Conn.": a state's abbreviation holds only the
                # town just before it.
                return None
            place = container.choice.place if container.choice else None
            link = bare_link(text[end:start])
            if hop and BARE_OF.fullmatch(link):
                # "sons Parviz of Houston, Edward of Southlake and Hamid of Colleyville": a bare
                # "of" after a list names the last one's town, not the whole list's.
                return None
            if links_container(link, place, text[mention_end : mention_end + 30]) or (
                "abbreviation" in mention.evidence and link.strip() == ","
            ):
                return container, mention, link
            if not LIST_LINK.fullmatch(link):
                return None
            end = mention_end
            index = bisect.bisect_left(starts, end)
        return None

    def previous_container(start: int) -> NameGroup | None:
        index = bisect.bisect_left(starts, start) - 1
        while index >= 0 and mentions[index][1] > start:
            index -= 1
        if index < 0:
            return None
        _, end, container, _ = mentions[index]
        return container if POSSESSIVE_LINK.match(text[end:start]) else None

    for mention in group.mentions:
        found = next_container(mention.end)
        # "Kafr Zayat village in Wadi Barada area in Rural Damascus": when the first container
        # is unknown, the one that contains it still says where the village is.
        hops = 0
        while found is not None and found[0].choice is None and hops < 2:
            found = next_container(found[1].end)
            hops += 1
        holder = found[0] if found is not None else previous_container(mention.start)
        if holder is None or holder is group or holder.choice is None:
            continue
        place = holder.choice.place
        direction, city = "", False
        if found is not None:
            # "X village in the eastern countryside of Homs", "X in Eastern Hama": the part of
            # the container is named in the link or as the container's qualifier.
            words = COMPASS.findall(found[2]) or COMPASS.findall(found[1].qualifier)
            city = bool(CITY_AFTER.match(text[found[1].end : found[1].end + 12]))
            # "Qadsiyah of southeastern Ar-Raqqa city" is a part of the city, near it whatever
            # its side; only the city's countryside or region extends far in one direction.
            direction = words[-1] if words and not city else ""
        if place.feature_class in ("A", "P") and all(place != p for p, _, _ in out):
            out.append((place, direction.lower(), city))
    return out


def names_before(group: NameGroup, index: MentionIndex, text: str) -> list[NameGroup]:
    """The names written just before a mention of ``group`` and joined to it by a bare comma:
    Savannah for Georgia in "Savannah, Georgia" (a town and the region that holds it)."""
    mentions, starts = index
    out: list[NameGroup] = []
    for mention in group.mentions:
        at = bisect.bisect_left(starts, mention.start) - 1
        while at >= 0 and mentions[at][1] > mention.start:
            at -= 1  # a mention overlapping this one ("Georgia" inside a longer span)
        if at < 0:
            continue
        _, end, other, _ = mentions[at]
        if other is not group and other not in out and BARE_COMMA.fullmatch(text[end:mention.start]):
            out.append(other)
    return out


def holding_states(group: NameGroup, before: Sequence[NameGroup]) -> frozenset[str]:
    """Ids of the group's exact admin1 candidates that hold a town named just before it, when
    the name is also a country's: "Savannah, Georgia" is the US state, not the country."""
    if not any(c.place.feature_code == "PCLI" for c in group.exact):
        return frozenset()
    return frozenset(
        state.place.geonameid
        for state in group.exact
        if state.place.feature_code == "ADM1"
        and any(
            town.place.country_code == state.place.country_code
            and town.place.admin1 == state.place.admin1
            and town.place.feature_class == "P"
            for other in before
            for town in other.exact
        )
    )


def can_contain(inner: Place | None, outer: Place | None) -> bool:
    """Whether ``outer`` may contain ``inner`` at all: "Rural Damascus in the outskirts of
    Mastumeh" is no containment (the region is no part of the village)."""
    if inner is None or outer is None:
        return True
    if inner.feature_code == "PCLI":
        return False
    if inner.feature_code == "ADM1" or inner.feature_code in ("PPLC", "PPLA"):
        # A governorate or its capital lies in nothing smaller than a governorate.
        return outer.feature_code in ("PCLI", "ADM1") or (
            outer.feature_code in ("PPLC", "PPLA") and outer.admin1 == inner.admin1
        )
    if inner.feature_class == "A":
        # A district lies in a governorate, which its capital may stand for.
        return outer.feature_class == "A" or outer.feature_code in ("PPLC", "PPLA")
    return True


def bare_link(link: str) -> str:
    """The words between two names without parentheses: "Al-Dar'eiyah (Al-Bareed)
    neighbourhood of Ar-Raqqa" links the first name to the city; an opening parenthesis before
    a second name makes it an alias, read like a list."""
    if ALIAS_OPEN.fullmatch(link):
        return ", "
    # A quoted name ("'Muhammadiyah' in rural Damascus") is linked as if unquoted.
    return PARENTHETICAL.sub("", link).strip("'\"’”‘“")


def links_container(link: str, container: Place | None, after: str) -> bool:
    """Whether "X<link>Y<after>" states that Y contains X."""
    if QUARTER_LINK.match(link):
        return True
    return bool(CONTAINER_LINK.match(link)) and _contains(link, container, after)


def _contains(link: str, container: Place | None, after: str) -> bool:
    """Whether "X<link>Y<after>" states that Y contains X. A bare comma does so only before a
    kind word ("Tiba, Raqqa province") or for a country, a region or a regional capital that
    ends a list ("Kunduz, Afghanistan", "northern Afrin, Aleppo"); "Berlin, Qamishli and
    Kurdistan" is a list, not a containment."""
    if not re.fullmatch(r"\s*,\s*", link):
        return True
    if KIND_AFTER.match(after):
        return True
    return (
        container is not None
        and container.feature_code in ("PCLI", "ADM1", "PPLA", "PPLC")
        and not LIST_GOES_ON.match(after)
    )
