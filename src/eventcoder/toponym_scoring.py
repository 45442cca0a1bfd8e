"""Disambiguation: score every candidate entry of a name in the context of its article.

A candidate's score weighs the name match, the entry's reliability, its feature against the
kind words around the name, the article's country focus, the distance to the other places the
article names, the regions it names and stated containment ("X, Idlib province"). The
candidates are scored three times so that anchors, regions and containers settle: the first
choices become the context of the next pass.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from eventcoder.gazetteer import Candidate, Gazetteer, haversine_km, nearest_km
from eventcoder.gazetteer_build import PARENT_PLACED
from eventcoder.models import Place, Toponym
from eventcoder.placenames import index_keys, similarity
from eventcoder.toponym_containers import (
    container_places,
    holding_states,
    mention_index,
    names_before,
)
from eventcoder.toponym_lexicon import (
    BORDER_KM,
    EDGE_KM,
    MAJOR_FEATURES,
    MIN_SCORE,
    OUTSIDE_FOCUS_CONFIDENCE,
    SUBURBS_KM,
    article_prefixed,
    compass_vector,
    names_country,
    surface_similarity,
)
from eventcoder.toponym_spans import Mention, NameGroup


@dataclass(frozen=True)
class NamedRegions:
    """The admin1 regions (country code, admin1 name) an article names, and the one it names
    far more than the others, if any: a report on unemployment in Boone County that names
    Indiana three times and its neighbour states once each is about Indiana's Boone County."""

    regions: frozenset[tuple[str, str]] = frozenset()
    main: tuple[str, str] | None = None
    #: The region that holds places of far more of the article's names than any other, named
    #: or not: a local paper's "Athens", "Decatur", "DeKalb" and "Gainesville" are Georgia's.
    implied: tuple[str, str] | None = None
    implied_names: int = 0

    def __contains__(self, region: object) -> bool:
        return region in self.regions

    def __bool__(self) -> bool:
        return bool(self.regions)


#: Whether a place lies on the line of a region (country code, admin1 name): within
#: :data:`BORDER_KM` of one of its entries. See :meth:`Gazetteer.near_region`.
NearLine = Callable[[Place, str, str], bool]


def _no_line(place: Place, country_code: str, admin1: str) -> bool:
    return False


# --------------------------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------------------------


def _feature_factor(candidate: Candidate, hints: set[str], regional: bool = False) -> float:
    place = candidate.place
    code, klass = place.feature_code, place.feature_class
    if regional:
        # "Southwestern Damascus" names an area: the widest region of that name fits best.
        return {"PCLI": 1.0, "ADM1": 1.0, "ADM2": 0.9}.get(code, 0.8)
    if code == "PCLI":
        return 1.0 if candidate.tier == "exact" else 0.4
    if "admin" in hints:  # "province", "governorate"
        return {"ADM1": 1.0, "ADM2": 0.85}.get(code, 0.7 if klass == "A" else 0.6)
    if "admin2" in hints:  # "district"
        return {"ADM2": 1.0, "ADM1": 0.85}.get(code, 0.7 if klass == "A" else 0.6)
    if "quarter" in hints:
        # "the Jobar neighbourhood" is a city's quarter (PPLX), not a village of that name.
        return 1.0 if code == "PPLX" else 0.65 if klass == "P" else 0.6
    if hints & {"town", "near"}:
        return 1.0 if klass == "P" else 0.6
    if "region" in hints:
        return 1.0 if klass in ("A", "L", "T") else 0.85
    if klass == "P":
        return 1.0
    if code == "ADM1" and candidate.tier == "exact":
        # A bare "Indiana" is the state, not the town of Indiana, Pennsylvania; a region named
        # after its capital ("Idlib") still yields to the town (see ``_choose``).
        return 1.0
    if code in ("ADM1", "ADM2"):
        return 0.85
    if klass == "A":
        return 0.7
    if klass in ("T", "H", "L"):
        return 0.7
    return 0.5


def _inside(candidate: Place, container: Place, city: bool = False) -> bool:
    """Whether ``candidate`` lies in ``container``. A regional capital named as a container
    ("X in Aleppo", "the countryside of Hama") stands for its whole governorate, unless the
    text says the city ("the Castilo area of Aleppo city"): then only its surroundings."""
    if container.feature_code == "PCLI":
        return candidate.country_code == container.country_code
    if candidate.country_code and candidate.country_code != container.country_code:
        return False
    distance = haversine_km(
        candidate.latitude, candidate.longitude, container.latitude, container.longitude
    )
    if city and container.feature_class == "P":
        return distance <= SUBURBS_KM
    capital = container.feature_code in ("PPLC", "PPLA")
    if capital and candidate.admin1 and container.admin1:
        # The governorate, or the city's own surroundings across the governorate line (Harasta
        # and Khan al-Shih are Rural Damascus); not a namesake 40 km away in the next one.
        return candidate.admin1 == container.admin1 or distance <= SUBURBS_KM
    district = container.feature_code == "PPLA2"
    if district and candidate.admin2 and container.admin2:
        return candidate.admin2 == container.admin2 or distance <= SUBURBS_KM
    if container.feature_class == "A" and container.feature_code in ("ADM1", "ADM2", "ADM3"):
        level_name = container.admin1 if container.feature_code == "ADM1" else container.admin2
        if container.feature_code == "ADM1" and candidate.admin1 and level_name:
            return candidate.admin1 == level_name
        if container.feature_code == "ADM2" and candidate.admin2 and level_name:
            return candidate.admin2 == level_name
    return distance <= 40.0


def _side(place: Place, container: Place, direction: str) -> int:
    """+1 when ``place`` lies in the ``direction`` ("east", "north-west") of ``container``'s
    point, -1 when clearly not (more than 112.5 degrees off), 0 when unsure or undirected."""
    target = compass_vector(direction)
    if target is None:
        return 0
    dy = place.latitude - container.latitude
    dx = (place.longitude - container.longitude) * math.cos(math.radians(container.latitude))
    length = math.hypot(dx, dy)
    if length < 0.02:  # within about 2 km: the city itself, no side
        return 0
    cosine = (dx * target[0] + dy * target[1]) / length
    if cosine >= math.cos(math.radians(67.5)):
        return 1
    if cosine <= math.cos(math.radians(112.5)):
        return -1
    return 0


def _score(
    candidate: Candidate,
    group: NameGroup,
    focus: Sequence[str],
    anchors: Sequence[Place],
    containers: Sequence[tuple[Place, str, bool]],
    variants: dict[str, Place],
    regions: NamedRegions = NamedRegions(),
    home: Sequence[str] = (),
    near_line: NearLine = _no_line,
    holding: frozenset[str] = frozenset(),
) -> tuple[float, list[str]]:
    hints = {m.hint for m in group.mentions if m.hint}
    place = candidate.place
    notes: list[str] = []
    regional = bool(group.region_candidates)
    score = (
        candidate.match_score
        * group.priors.get(place.geonameid, candidate.prior) ** 0.3
        * _feature_factor(candidate, hints, regional)
    )
    if candidate.tier != "exact":
        notes.append(
            f"{candidate.tier} match of '{candidate.matched_name}' ({candidate.match_score:.2f})"
        )
        if group.exact_in_focus:
            # A place spelled exactly so in the article's countries beats one that merely
            # sounds alike ("Maskana" is Maskanah, not Masqan).
            score *= 0.8
    if candidate.prior < 1.0:
        notes.append("probable coordinates")
    surface = surface_similarity(group.query, candidate.matched_name)
    if regional:
        # "South Korea" matched as a whole: its spelling is the written phrase's, not the
        # bare "Korea" left after the direction word.
        surface = max(surface, surface_similarity(group.mentions[0].text, candidate.matched_name))
    main_name = surface_similarity(candidate.matched_name, place.name) >= 0.9
    if candidate.tier == "exact" and surface < 0.8 and group.identical and not main_name:
        # Another entry carries the name letter for letter ("Bara" the village, not Aleppo's
        # old name Berea, which merely shares its key).
        score *= 0.6
        notes.append(f"spelled '{candidate.matched_name}' there")
    elif candidate.tier == "exact" and surface < 0.7 and group.identical:
        # A place's own main name counts more, but a name that only shares the key ("Batha")
        # still yields to one spelled as written ("Baza'a").
        score *= 0.8
        notes.append(f"spelled '{candidate.matched_name}' there")
    elif candidate.tier == "exact" and surface < 0.6:
        # The key erased too much ("al-Mallah" and "Male" share one): trust it less.
        score *= 0.7
        notes.append(f"spelled '{candidate.matched_name}' there")
    named = names_country(group.query, candidate.matched_name) or (
        regional and names_country(group.mentions[0].text, candidate.matched_name)
    )
    if place.feature_code == "PCLI" and (
        not named or article_prefixed(group.query, [candidate])
    ):
        # Country names have one spelling in English: "Al-Qaboun" is no Gabon, "Columbia" no
        # Colombia, and "the Al-Romania area" of a Syrian city is no Romania.
        score *= 0.2
    if place.geonameid in holding:
        # "Savannah, Georgia": the state that holds the town named before it, not the country.
        score *= 1.5
        notes.append("holds the town named just before it")
    minor = place.feature_code not in MAJOR_FEATURES and place.population < 100_000
    if regions and place.feature_class == "P":
        if (place.country_code, place.admin1) in regions:
            # A town too: were only villages favoured, a list's guess at a village ("Tadmor",
            # placed by its sub-district) would beat the real town (Tadmur) in the same region.
            score *= 1.15
            notes.append(f"in {place.admin1}, which the article names")
        elif minor and not any(
            near_line(place, country, admin1) for country, admin1 in sorted(regions.regions)
        ):
            # Outside every region the article names: a spelling variant is then a guess.
            # (Not a village on the line of one: see the containers below.)
            score *= 0.85 if candidate.tier == "exact" else 0.6
    if (
        regions.implied is not None
        and regions.implied != regions.main
        and (place.country_code, place.admin1) == regions.implied
        and (place.feature_class == "P" or place.feature_code in ("ADM1", "ADM2"))
    ):
        score *= 1.15
        notes.append(
            f"in {place.admin1}, which holds places of {regions.implied_names} of the "
            "article's names"
        )
    if (
        regions.main is not None
        and (place.country_code, place.admin1) == regions.main
        and (place.feature_class == "P" or place.feature_code in ("ADM1", "ADM2"))
    ):
        # Of a dozen Boone Counties, the one in the state the article names most (the region
        # itself too, so that a district of its name does not outscore it).
        score *= 1.15
        notes.append(f"in {place.admin1}, the region the article names most")
    if focus and place.country_code not in focus and place.feature_code != "PCLI":
        # Abroad, a capital or big city may well be meant, spelled the usual way; a village far
        # less often, and a name that merely looks like a foreign town almost never.
        # Spelled as the place is known (its main name), not as one of the hundreds of
        # alternate names GeoNames gives a world city ("Kitah" is an alternate name of Quito).
        spelled = (
            candidate.tier == "exact"
            and surface_similarity(group.query, place.name) >= 0.85
            and len(group.key) > 3
        )
        # (A capital of 100,000 or more: a US story's "Plymouth" is no Montserrat's abandoned
        # capital.)
        world_city = spelled and (
            place.feature_code == "PPLC"
            and place.population >= 100_000
            or place.population >= 1_000_000
        )
        major = spelled and (
            place.population >= 250_000
            or place.feature_code in MAJOR_FEATURES
            and place.population >= 100_000
        )
        score *= 0.85 if world_city else 0.5 if major else 0.35 if spelled else 0.15
        notes.append(f"outside the article's countries ({', '.join(focus)})")
    elif len(focus) > 1 and place.country_code in home:
        # Several countries in focus: the one the user installed local lists for breaks ties.
        score *= 1.1
    score *= 1.0 + 0.03 * math.log10(place.population + 1)
    # Regional capitals say which region the article is about (see ``regions``), not which
    # village is meant: the distance counts to the other villages and towns only.
    # A capital the text names as the container of this name stands for its governorate
    # ("X in southern Aleppo"): for a place in it or on its line, the containment below
    # weighs it, and the distance to the city itself says little.
    inside = [_inside(place, c, city) for c, _, city in containers]
    stated = {
        c.geonameid
        for (c, _, city), within in zip(containers, inside, strict=True)
        if not city
        and (within or (c.admin1 and near_line(place, c.country_code, c.admin1)))
    }
    others = [a for a in anchors if a.geonameid not in stated]
    villages = [a for a in others if a.feature_code not in ("PPLA", "PPLC")]
    distance = nearest_km(place, villages or others)
    # A region is large, and a regional capital has no namesake in its own country: their
    # distance to the other places counts only abroad ("Washington" the state against the
    # capital, in an article about Iran).
    near_regions = place.feature_code in ("ADM1", "PPLA", "PPLC") and (
        not focus or place.country_code in focus
    )
    if distance is not None and place.feature_code != "PCLI" and not near_regions:
        # A writer who names a hamlet far from everything else the article names probably means
        # another hamlet; a city far away is often meant.
        scale = (
            400.0
            if place.population >= 100_000 or place.feature_code in ("PPLC", "PPLA")
            else (150.0 if place.population >= 5_000 or place.feature_class == "A" else 60.0)
        )
        if candidate.tier == "exact":
            home_ground = not focus or place.country_code in focus
            wide = place.feature_code == "PPLC" or (
                home_ground and (place.feature_code == "ADM1" or place.population >= 500_000)
            )
            # A hamlet a thousand kilometres from everything else is hardly ever meant; a
            # city of 100,000 often is ("Louisville, Ky., New Haven, Conn., Sioux Falls, S.D."),
            # and so is a county of a large country ("Lamar County" in a story that otherwise
            # names a company and a street).
            city = place.population >= 100_000 or place.feature_class == "A"
            floor = 0.85 if wide else 0.55 if distance < 500 or city else 0.3
            score *= floor + (1.0 - floor) * math.exp(-distance / scale)
        else:
            score *= 0.3 + 0.7 * math.exp(-distance / min(scale, 60.0))
        if distance < 60:
            notes.append(f"{distance:.0f} km from the article's other places")
        if (
            distance <= CLUSTER_KM  # (no nearer than the nearest anchor of any kind)
            and candidate.tier == "exact"
            and place.feature_class == "P"
            and candidate.prior >= 1.0
            and _placed_itself(place)
            and not group.names_country
        ):
            # Among the article's other places: "London" beside St. Thomas is London, Ontario,
            # though England's capital is larger (a capital's own distance counts for nothing).
            # A town only, with its own point, beside another (not a list row put at its
            # sub-district's middle, where many such rows lie; not a district, which is wide).
            solid = nearest_km(place, [a for a in villages or others if _placed_itself(a)])
            if solid is not None and solid <= CLUSTER_KM:
                score *= 1.15
    for (container, direction, city), within in zip(containers, inside, strict=True):
        if (
            place.feature_code == "PCLI"
            or (
                place.feature_class == "A"
                and container.feature_class == "P"
                and container.feature_code not in ("PPLA", "PPLC")
            )
            or (
                place.feature_code == "PPLC"
                and container.feature_class == "P"
                and container.country_code != place.country_code
            )
        ):
            # "Rural Damascus in the outskirts of Mastumeh": no containment; nor is a
            # country's capital in another country's town ("After Paris, London is ...").
            continue
        if within:
            score *= 1.25
            notes.append(f"in {container.area_name}, as the text says")
            side = _side(place, container, direction)
            if side > 0:
                score *= 1.15
                notes.append(f"in its {direction} part")
            elif side < 0:
                # "the eastern countryside of Homs": a namesake west of the city is another one.
                score *= 0.7
                notes.append(f"not in its {direction} part")
        else:
            # The writer says where it is: a namesake elsewhere is almost never meant, and no
            # answer (the container then places the name) is better than a wrong village. A
            # governorate is the exception near its edge: writers put a border village in the
            # next one ("Maskanah in Ar-Raqqa governorate" lies just inside Aleppo). So is a
            # regional capital that stands for its governorate ("Qarqas village in Dar'a" is
            # in Quneitra, "Mork in Idlib" in Hama), unless the text says the city itself.
            governorate = container.feature_class == "A" or (
                container.feature_code in ("PPLA", "PPLC") and not city
            )
            if (
                governorate
                and candidate.tier != "fuzzy"
                and container.admin1
                and near_line(place, container.country_code, container.admin1)
            ):
                # Within a few km of the governorate the text names: the same village, put
                # on the wrong side of a line few readers know ("Tweim in Aleppo" is in
                # Idlib, 2 km from Aleppo's last hamlet).
                score *= 0.8 if _side(place, container, direction) >= 0 else 0.55
                notes.append(f"on the {container.admin1} line, where the text puts it")
                continue
            near_edge = governorate and (
                haversine_km(
                    place.latitude, place.longitude, container.latitude, container.longitude
                )
                <= EDGE_KM
            )
            score *= 0.6 if near_edge else 0.25
            notes.append(f"not in {container.area_name}, where the text puts it")
    if "quarter" in hints:
        cities = [
            a
            for a in anchors
            if a.feature_code in ("PPLC", "PPLA", "PPLA2") or a.population >= 50_000
        ]
        near_city = nearest_km(place, cities)
        if near_city is not None and near_city > 15.0:
            # "the Hamidiya neighbourhood" of the city the article is about, not a village.
            score *= 0.3
            notes.append(f"a quarter {near_city:.0f} km from the article's cities")
    if hints == {"street"} and not containers:
        # "Baghdad Street", "Port Said street": named after the place, not in it.
        score *= 0.5
        notes.append("named as a street")
    for variant_name, variant_place in variants.items():
        if variant_place.geonameid == place.geonameid:
            score *= 1.3
            notes.append(f"same place as '{variant_name}' in this article")
            break
    # Not capped: the ordering between strong candidates must survive; the reported
    # confidence is capped at 1 by _choose.
    return score, notes


#: Distinct names an unnamed region must hold places of to be the article's region, and how
#: many times the runner-up's count.
IMPLIED_REGION_NAMES = 3
IMPLIED_REGION_LEAD = 1.5


def _placed_itself(place: Place) -> bool:
    """Whether the entry has its own point, not its sub-district's (see PARENT_PLACED)."""
    return PARENT_PLACED not in place.source


def _implied_region(
    groups: Sequence[NameGroup], focus: Sequence[str]
) -> tuple[tuple[str, str] | None, int]:
    """The admin1 region holding exact candidates of the most names the text uses as places,
    when it holds at least :data:`IMPLIED_REGION_NAMES` and :data:`IMPLIED_REGION_LEAD`
    times the runner-up's; with its count."""
    holders: dict[tuple[str, str], set[str]] = defaultdict(set)
    for group in groups:
        if (
            group.region_candidates
            or not group.used_as_place
            or group.names_country
            or any(c.place.feature_code == "ADM1" for c in group.exact)
        ):
            # (A country's or a state's name is that first: Mexico, Missouri does not make
            # "Mexico" a name of Missouri's.)
            continue
        for candidate in group.exact:
            place = candidate.place
            if not place.admin1 or (focus and place.country_code not in focus):
                continue
            if place.feature_class == "P" or place.feature_code in ("ADM2", "ADM3"):
                holders[(place.country_code, place.admin1)].add(group.key)
    ranked = sorted(holders.items(), key=lambda item: (-len(item[1]), item[0]))
    if not ranked or len(ranked[0][1]) < IMPLIED_REGION_NAMES:
        return None, 0
    runner_up = len(ranked[1][1]) if len(ranked) > 1 else 0
    if len(ranked[0][1]) < IMPLIED_REGION_LEAD * runner_up:
        return None, 0
    return ranked[0][0], len(ranked[0][1])


def _regions(
    groups: Sequence[NameGroup],
    focus: Sequence[str],
    implied: tuple[tuple[str, str] | None, int] = (None, 0),
) -> NamedRegions:
    """The admin1 regions the article names ("Idlib province", "the countryside of Hama"),
    and the main one: named at least twice, and twice as often as any other."""
    out: Counter[tuple[str, str]] = Counter()
    for group in groups:
        choice = group.choice
        if choice is None or not choice.place.admin1:
            continue
        if focus and choice.place.country_code not in focus:
            continue
        place = choice.place
        hinted = any(m.hint in ("admin", "admin2", "region") for m in group.mentions)
        # A governorate capital names its governorate as well ("clashes in Hama" is about
        # the Hama region); a district seat only when the text says district or countryside.
        if place.feature_code in ("ADM1", "PPLA") or (
            hinted and place.feature_code in ("PPLC", "ADM2")
        ):
            out[(place.country_code, place.admin1)] += len(group.mentions)
    # Every count is at least 1, so twice the runner-up is also at least 2.
    ranked = out.most_common(2)
    main = ranked[0][0] if len(ranked) == 2 and ranked[0][1] >= 2 * ranked[1][1] else None
    return NamedRegions(frozenset(out), main, *implied)


#: A spelling added for an unresolved name must be this close (fuzzy match score): a looser
#: one finds some town for nearly any unknown word ("Al-Athar" ~ Azaura, Deir ez-Zor).
WIDEN_MIN_MATCH = 0.8


def widen_unresolved(
    groups: Sequence[NameGroup], gazetteer: Gazetteer, focus: Sequence[str], text: str
) -> bool:
    """Add other spellings in the article's countries for place names left unresolved.

    The fuzzy tier normally runs only for a name with no candidate at home at all. A name
    whose home namesakes the text rules out ("Al-Thaljah village in southern Idleb" is no
    Thalja in Hasakeh; "Tal al-Waz in southern Aleppo" no Tall alwaz in Idlib) is then left
    unresolved although the gazetteer holds it under another spelling (Theleije). Such a
    name gets the fuzzy candidates of the focus countries, unless the text puts it in a town
    or city ("Qadsiyah of Ar-Raqqa city"): that container places it better than a guess.
    Returns whether any group got new candidates.
    """
    widened = False
    live = [g for g in groups if g.mentions]
    mentions = mention_index(live)
    for group in live:
        if (
            not focus
            or group.choice is not None
            or group.region_candidates
            or not group.placelike
            or any(m.qualifier for m in group.mentions)
        ):
            continue
        if any(
            city or (place.feature_class == "P" and place.feature_code not in ("PPLA", "PPLC"))
            for place, _, city in container_places(group, mentions, text)
        ):
            continue
        known = {c.place.geonameid for c in group.candidates}
        similar = [
            c
            for c in gazetteer.lookup(group.query, countries=focus, limit=60, fuzzy_only=True)
            if c.place.geonameid not in known and c.match_score >= WIDEN_MIN_MATCH
        ]
        if similar:
            group.candidates = group.candidates + similar
            widened = True
    return widened


def resolve_groups(
    groups: Sequence[NameGroup],
    focus: Sequence[str],
    text: str,
    home: Sequence[str] = (),
    gazetteer: Gazetteer | None = None,
    exact_bar: float = MIN_SCORE,
) -> None:
    """Choose each group's entry (or an explicit no-match), scoring three times so that the
    first choices serve as anchors, regions and containers of the next pass. ``exact_bar``
    is the least score a name the gazetteer holds as written needs (see ``find_toponyms``).

    With ``gazetteer``, a village the text puts in the governorate next to its own is still
    taken when it lies on that governorate's line (see :meth:`Gazetteer.near_region`).
    """
    near_line = _no_line
    if gazetteer is not None:
        near_region = gazetteer.near_region

        def near_line(place: Place, country_code: str, admin1: str) -> bool:
            return (
                place.country_code == country_code
                and bool(place.admin1)
                and place.admin1 != admin1
                and near_region(place, admin1, BORDER_KM)
            )

    live = [g for g in groups if g.mentions]
    anchors_of: dict[int, Place] = {}
    # Round 0: names whose exact candidates all sit together in the focus countries are anchors
    # (not a name read as a region, "Boone County": its towns called Boone are not its places;
    # nor the "Boone" inside that known name, whose few candidates in the focus are the
    # world's most important Boones, not all of them).
    spans = [
        (m.start, m.end)
        for g in live
        if any(c.tier == "exact" for c in g.region_candidates or g.candidates)
        for m in g.mentions
    ]
    nested = {
        index
        for index, group in enumerate(live)
        if all(
            any(s <= m.start and m.end <= e and e - s > m.end - m.start for s, e in spans)
            for m in group.mentions
        )
    }
    for index, group in enumerate(live):
        if group.region_candidates or index in nested:
            continue
        exact = [c for c in group.exact if not focus or c.place.country_code in focus]
        if exact and all(c.place.feature_code not in ("PCLI", "ADM1") for c in exact[:1]):
            first = exact[0].place
            if all(
                haversine_km(first.latitude, first.longitude, c.place.latitude, c.place.longitude)
                < 30
                for c in exact
            ):
                anchors_of[index] = first
    implied = _implied_region(live, focus)
    anchors_of.update(_clustered(live, focus, anchors_of, implied[0]))
    regions = NamedRegions(implied=implied[0], implied_names=implied[1])
    mentions = mention_index(live)
    holding = {
        index: holding_states(group, names_before(group, mentions, text))
        for index, group in enumerate(live)
    }
    # A group whose context (anchors, spellings, regions, containers) is the same as in the
    # previous round would get the same choice: it is not scored again.
    seen: dict[int, tuple[object, ...]] = {}
    for _ in range(3):
        variants_of = _variants(live)
        for index, group in enumerate(live):
            anchors = [
                p
                for i, p in anchors_of.items()
                if i != index and live[i].key != group.key and not _spellings(live[i], group)
            ]
            variants = variants_of.get(index, {})
            containers = container_places(group, mentions, text)
            context = (
                tuple(p.geonameid for p in anchors),
                tuple((name, p.geonameid) for name, p in variants.items()),
                regions,
                tuple((p.geonameid, side, city) for p, side, city in containers),
            )
            if seen.get(index) == context:
                continue
            seen[index] = context
            _choose(
                group,
                focus,
                anchors,
                variants,
                containers,
                regions,
                home,
                near_line,
                exact_bar,
                holding.get(index, frozenset()),
            )
        regions = _regions(live, focus, implied)
        anchors_of = {
            i: g.choice.place
            for i, g in enumerate(live)
            if g.choice is not None
            and i not in nested
            and g.score >= 0.55
            and g.choice.place.feature_code not in ("PCLI", "ADM1", "ADM2")
        }


#: Names whose candidates lie this close count as naming one neighbourhood (km).
CLUSTER_KM = 30.0
#: Other names a namesake should have that close to anchor the first round (one will do
#: when no namesake has as many).
CLUSTER_NAMES = 2


def _clustered(
    live: Sequence[NameGroup],
    focus: Sequence[str],
    anchors_of: dict[int, Place],
    implied: tuple[str, str] | None = None,
) -> dict[int, Place]:
    """Anchors among ambiguous names: the one namesake that lies among the others' places.

    "Clashes in Masloukha, Qasr Bin Wardan, Hasrat, Rasm Elahmar, Sarha ...": Syria has two
    Rasm Elahmars, but only one lies among the other villages of the list; of the Londons,
    only Ontario's lies beside St. Thomas. A name none of whose namesakes is alone in having
    :data:`CLUSTER_NAMES` other names of the article within :data:`CLUSTER_KM` (counting each
    name once), or, when none has as many, one (inside the region that holds most of the
    article's names, if one does), is left to the scoring rounds; so is a
    country's name (Mexico, Missouri lies among Missouri's towns, but "Mexico" is the
    country). (The grid's cells are as wide in longitude as in latitude: far north, a
    neighbour two cells away may be missed, never a far one taken.)
    """
    cell = CLUSTER_KM / 111.0
    places: list[list[Place]] = [
        [anchors_of[index]]
        if index in anchors_of
        else []
        if group.region_candidates or group.names_country
        else [
            c.place
            for c in group.exact
            if c.place.feature_class == "P"
            and (not focus or c.place.country_code in focus)
            and _placed_itself(c.place)
        ]
        for index, group in enumerate(live)
    ]
    grid: dict[tuple[int, int], set[int]] = defaultdict(set)
    for index, group_places in enumerate(places):
        for place in group_places:
            grid[(int(place.latitude // cell), int(place.longitude // cell))].add(index)
    out: dict[int, Place] = {}
    for index, group_places in enumerate(places):
        if index in anchors_of or len(group_places) < 2:
            continue
        key = live[index].key
        supported: list[Place] = []
        pairs: list[Place] = []
        for place in group_places:
            row, col = int(place.latitude // cell), int(place.longitude // cell)
            near = {
                live[other].key
                for dr in (-1, 0, 1)
                for dc in (-1, 0, 1)
                for other in grid.get((row + dr, col + dc), ())
                if live[other].key != key and nearest_km(place, places[other]) <= CLUSTER_KM
            }
            if len(near) >= CLUSTER_NAMES:
                supported.append(place)
            elif near and (implied is None or (place.country_code, place.admin1) == implied):
                pairs.append(place)
        # The one namesake among two names or more; failing any, the one beside one other
        # name, unless it lies outside the region that holds most of the article's names
        # (two stray namesakes in Aleppo beside each other, in a list of Hama's villages).
        chosen = supported or pairs
        if len(chosen) == 1:
            out[index] = chosen[0]
    return out


def _spellings(one: NameGroup, other: NameGroup) -> bool:
    """Whether two names are spellings of one name (same skeleton, or keys 85% alike)."""
    loose = index_keys(one.query)[1]
    return bool(loose and loose == index_keys(other.query)[1]) or (
        similarity(one.key, other.key) >= 0.85
    )


def _variants(groups: Sequence[NameGroup]) -> dict[int, dict[str, Place]]:
    """For each name, the places chosen for other spellings of it in the same article.

    Only the leading spelling (the one written most often, then first) pulls the others:
    two spellings pulling each other would swap places from one round to the next.
    """
    out: dict[int, dict[str, Place]] = defaultdict(dict)
    lead = [(-len(g.mentions), min(m.start for m in g.mentions)) for g in groups]
    for i, group in enumerate(groups):
        for j, other in enumerate(groups):
            if (
                i == j
                or other.key == group.key
                or other.choice is None
                or other.score < 0.5
                or other.choice.tier != "exact"
                or lead[j] > lead[i]
            ):
                continue
            same_skeleton = (
                index_keys(group.query)[1]
                and index_keys(group.query)[1] == index_keys(other.query)[1]
            )
            if same_skeleton or similarity(group.key, other.key) >= 0.85:
                out[i][other.mentions[0].text] = other.choice.place
    return out


def _choose(
    group: NameGroup,
    focus: Sequence[str],
    anchors: Sequence[Place],
    variants: dict[str, Place],
    containers: Sequence[tuple[Place, str, bool]],
    regions: NamedRegions = NamedRegions(),
    home: Sequence[str] = (),
    near_line: NearLine = _no_line,
    exact_bar: float = MIN_SCORE,
    holding: frozenset[str] = frozenset(),
) -> None:
    """Score every candidate of a group in its context and keep the best, or a no-match
    (below ``exact_bar`` for a name the gazetteer holds as written, below MIN_SCORE else)."""
    qualifier = next((m.qualifier for m in group.mentions if m.qualifier), "")
    pool = _without_list_guesses(group.region_candidates or group.candidates)
    areas = [c.place for c in pool if c.place.feature_code in ("ADM2", "ADM3")]
    if any(
        (c.place.country_code, c.place.admin1) in regions for c in pool if c.tier != "fuzzy"
    ):
        near_line = _no_line  # a namesake lies inside the region the text names: no border case
    scored: list[tuple[float, Candidate, list[str]]] = []
    regions_here = [
        c.place for c in pool if c.place.feature_code in ("ADM1", "ADM2") and c.tier == "exact"
    ]
    for candidate in pool:
        score, notes = _score(
            candidate, group, focus, anchors, containers, variants, regions, home, near_line, holding
        )
        place = candidate.place
        if _names_a_region(place, regions_here):
            # The bare name means the city unless the text says province or state (that hint
            # favours the region).
            score *= 1.15
        seat = _seat_population(place, areas)
        if seat > place.population:
            # The town that names a district or sub-district is its seat, known by the whole
            # area's people ("Basira", the sub-district of 40,000, is Al Busayrah, not the
            # village of 2,000 in Tartous).
            score *= (1.0 + 0.03 * math.log10(seat + 1)) / (
                1.0 + 0.03 * math.log10(place.population + 1)
            )
        scored.append((score, candidate, notes))
    scored.sort(key=lambda item: -item[0])
    label = group.mentions[0].text
    if not scored:
        group.choice, group.score = None, 0.0
        group.reason = f"'{label}' is not in the gazetteer"
        return
    best_score, best, notes = scored[0]
    # Namesakes elsewhere, best first; counted only when the best of them is close to the
    # choice (the count is then reported), since most choices have no close rival.
    rivals = (
        s
        for s, c, _ in scored[1:]
        if haversine_km(
            c.place.latitude, c.place.longitude, best.place.latitude, best.place.longitude
        )
        > 25
        and not (c.place.feature_class == "A" or best.place.feature_class == "A")
        or c.place.country_code != best.place.country_code
    )
    first_rival = next(rivals, None)
    if best_score < (exact_bar if best.tier == "exact" else MIN_SCORE):
        group.choice, group.score = None, 0.0
        group.reason = (
            f"'{label}' has no convincing gazetteer entry (best: {best.place.name}, "
            f"{best.place.admin1 or best.place.country}, score "
            f"{best_score:.2f}{'; ' + '; '.join(notes) if notes else ''})"
        )
        return
    confidence = best_score
    if focus and best.place.country_code not in focus and best.place.feature_code != "PCLI":
        # A place outside the article's countries is a guess however well it scores.
        confidence = min(confidence, OUTSIDE_FOCUS_CONFIDENCE)
    if first_rival is not None and first_rival > 0.85 * best_score:
        confidence *= 0.8
        notes.append(f"close to {1 + sum(1 for _ in rivals)} namesake(s) elsewhere")
    elif len(scored) > 1:
        notes.append(f"chosen over {len(scored) - 1} other candidate(s)")
    where = ", ".join(x for x in (best.place.admin1, best.place.country) if x)
    if qualifier and group.region_candidates:
        head = (
            f"'{label}' = {best.place.name} ({best.place.feature_code}, {where}), "
            "the area the qualifier names"
        )
    elif qualifier:
        head = f"'{label}' = part of {best.place.name} ({best.place.feature_code}, {where})"
    else:
        head = f"'{label}' = {best.place.name} ({best.place.feature_code}, {where})"
    group.choice, group.score = best, round(min(confidence, 1.0), 3)
    group.reason = head + (": " + "; ".join(notes) if notes else "")


def _names_a_region(place: Place, regions: Sequence[Place]) -> bool:
    """Whether one of ``regions`` (the group's exact region candidates) is named after
    ``place``: its capital ("Moscow", "Idlib"), a city of a million inside it ("New York"),
    or the country's capital ("Washington")."""
    great = place.feature_class == "P" and place.population >= 1_000_000
    if not (great or place.feature_code in ("PPLC", "PPLA", "PPLA2")):
        return False
    for region in regions:
        if region.country_code != place.country_code:
            continue
        if haversine_km(region.latitude, region.longitude, place.latitude, place.longitude) < 30:
            return True
        if region.feature_code == "ADM1" and (
            place.feature_code == "PPLC" or (great and region.admin1 == place.admin1)
        ):
            return True
    return False


def _without_list_guesses(pool: Sequence[Candidate]) -> list[Candidate]:
    """The candidates less the list rows placed only by their sub-district that name the same
    place as an entry with its own point (same name, same district): "Tadmor" placed at the
    Tadmor sub-district's centre is the town Tadmur, whose point is the right one."""
    pinned = {
        (c.place.country_code, c.place.admin2, _skeleton(c.matched_name))
        for c in pool
        if c.place.feature_class == "P"
        and c.place.admin2
        and c.tier != "fuzzy"
        and _placed_itself(c.place)
    }
    return [
        c
        for c in pool
        if _placed_itself(c.place)
        or (c.place.country_code, c.place.admin2, _skeleton(c.matched_name)) not in pinned
    ]


def _skeleton(name: str) -> str:
    keys = index_keys(name)
    return keys[1] or keys[0]


def _seat_population(place: Place, areas: Sequence[Place]) -> int:
    """The population of the district or sub-district of the same name that ``place`` is the
    seat of (within 30 km, same governorate), or 0."""
    if place.feature_class != "P":
        return 0
    return max(
        (
            area.population
            for area in areas
            if area.country_code == place.country_code
            and area.admin1 == place.admin1
            and haversine_km(place.latitude, place.longitude, area.latitude, area.longitude) <= 30
        ),
        default=0,
    )


def as_toponyms(groups: Sequence[NameGroup]) -> list[Toponym]:
    """One Toponym per kept mention, in text order; of overlapping spans only the best stays."""
    chosen: list[tuple[Mention, NameGroup]] = []
    for group in groups:
        if not group.mentions:
            continue
        if group.choice is None and not group.placelike:
            continue
        chosen.extend((m, group) for m in group.mentions)
    # Overlapping spans: resolved before unresolved, longer before shorter; among unresolved
    # ones spaCy's entity spans come before pattern spans.
    chosen.sort(
        key=lambda item: (
            item[1].choice is None,
            item[1].choice is None and not item[0].labels,
            -(item[0].end - item[0].start),
            item[0].start,
        )
    )
    taken: list[tuple[int, int]] = []
    out: list[Toponym] = []
    for mention, group in chosen:
        if any(mention.start < end and start < mention.end for start, end in taken):
            continue
        taken.append((mention.start, mention.end))
        out.append(
            Toponym(
                start=mention.start,
                end=mention.end,
                text=mention.text,
                place=group.choice.place if group.choice else None,
                score=group.score,
                reason=group.reason,
            )
        )
    out.sort(key=lambda t: t.start)
    return out
