"""The countries an article is about, and the groups that are no places at all.

Disambiguation needs the article's countries before it scores anything: a village name shared
with a hamlet abroad is resolved at home. The focus comes from country names, from place names
found in one country, from demonyms, and from the countries the user installed place lists
for. With the focus known, stray capitalised words, persons and organisations are dropped.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence

from eventcoder.gazetteer import Candidate, Gazetteer, haversine_km
from eventcoder.models import Place
from eventcoder.placenames import index_keys
from eventcoder.toponym_containers import holding_states, mention_index, names_before
from eventcoder.toponym_lexicon import (
    ACRONYM,
    ATTRIBUTIVE,
    DEMONYM_EXCEPTIONS,
    MAJOR_FEATURES,
    PLACE_LABELS,
    REPORTING,
    THE_CAPITAL,
    article_prefixed,
    surface_similarity,
    well_spelled,
)
from eventcoder.toponym_spans import Mention, NameGroup

# --------------------------------------------------------------------------------------------
# Focus and filtering
# --------------------------------------------------------------------------------------------


def infer_focus(
    text: str, groups: Sequence[NameGroup], home: Sequence[str] = ()
) -> tuple[str, ...]:
    """The countries the article is about: country names, places, demonyms.

    Country names count most; a place name votes for the countries of its exact candidates
    (the more countries have the name, the less its vote counts); a demonym ("Syrian",
    "Russian") counts little, since in conflict reports it mostly names an actor ("Russian
    airstrikes"). A country enters the focus only with firm evidence: its name, a place name
    found in that country alone, or a region or regional capital of it. The gazetteer's home
    countries (those the user installed place lists for) break ties, and decide when nothing
    else does and the article names a place of their lists.
    """
    votes: dict[str, float] = defaultdict(float)
    firm: set[str] = set()
    found_at_home = False
    named: set[str] = set()  # countries some place name of the article votes for
    for code in home:
        votes[code] += 0.25
    for word in re.findall(r"[A-Z][a-z]+", text):
        demonym = DEMONYM_EXCEPTIONS.get(word.lower())
        if demonym:
            votes[demonym] += 0.25
    index = mention_index(groups)
    for group in groups:
        exact = group.exact
        if not exact:
            continue
        countries = {c.place.country_code for c in exact}
        weight = len(group.mentions)
        states = holding_states(group, names_before(group, index, text))
        if states:
            # "Savannah, Georgia": a state that holds the town before it, not a country.
            state = next(c.place for c in exact if c.place.geonameid in states)
            votes[state.country_code] += 2.0 * weight
            firm.add(state.country_code)
            named.add(state.country_code)
            continue
        if any(c.place.feature_code == "PCLI" for c in exact):
            country = next(c.place.country_code for c in exact if c.place.feature_code == "PCLI")
            if article_prefixed(group.query, exact) or not group.names_country:
                continue  # "the AL-Romania area", "Qaboun" (~ Gabon): no country named
            for mention in group.mentions:
                # "UK reported ...": a country named as a source is not where things happen,
                # nor is one that qualifies an actor ("US Special Forces", "Turkey's army").
                after = text[mention.end : mention.end + 30]
                aside = REPORTING.match(after) or ATTRIBUTIVE.match(after)
                votes[country] += 0.25 if aside else 2.0
                if not aside:
                    firm.add(country)
        elif group.used_as_place:
            mentions = [m for m in group.mentions if "attributive" not in m.evidence]
            if not mentions:
                continue  # "Uzbek and Turkestan fighters": who fights, not where
            weight = len(mentions)
            significant = any(
                c.place.feature_code in MAJOR_FEATURES or c.place.population >= 10_000
                for c in exact
            )
            # A name that is, or sounds like, a name of the home lists ("Maghir" is a Syrian
            # village, "Harsta" a Harasta) says nothing of the country of its namesake abroad.
            # Only sounding like one does not count against a town spelled so letter for
            # letter abroad: "Sharon" is a Sharon, not the Syrian Sharān ("Dublin" no Dablan).
            spelled_abroad = any(
                c.place.country_code not in home and well_spelled(group.query, c.place.name)
                for c in exact
            )
            domestic = any(
                c.place.country_code in home and (c.tier == "exact" or not spelled_abroad)
                for c in group.candidates
            )
            found_at_home = found_at_home or domestic
            strength = {
                code: max(_significance(c.place) for c in exact if c.place.country_code == code)
                for code in countries
            }
            total = sum(strength.values())
            for code in sorted(countries):
                # A name found in many countries says little about any of them, unless one of
                # them holds the region or city and the others hamlets ("Herat"); a hamlet's
                # name that happens to exist in one other country says little too.
                share = strength[code] / total
                votes[code] += weight * share * (1.0 if significant else 0.5)
                named.add(code)
                if code in home:
                    # ... but the user installed local lists for this country: its names are
                    # what the user's reports are about.
                    votes[code] += 0.5 * weight
            if domestic:
                firm |= countries & set(home)
                continue
            # Firm evidence is a name spelled as the place itself is ("Herat", "Kunduz"), not
            # one that merely shares a key with it ("Kajla" is no Keila).
            spelled = [c for c in exact if well_spelled(group.query, c.place.name)]
            if len(countries) == 1 and significant and spelled:
                firm |= countries
            firm |= {
                c.place.country_code
                for c in spelled
                if c.place.feature_code == "ADM1"
                or (c.place.feature_code in ("PPLA", "PPLC") and c.place.population >= 10_000)
            }
    for code, size in _clusters(groups).items():
        # Three names or more that lie together in one country ("north of Alexandria near
        # Lake Vermont ... southwest of Brandon ... northeast of Kensington") say the article
        # is there, more than one famous namesake abroad does (Egypt's Alexandria).
        votes[code] += size
        firm.add(code)
    if not votes:
        return ()
    ranked = sorted(votes.items(), key=lambda item: (-item[1], item[0]))
    top = ranked[0][1]
    focus = tuple(
        code
        for code, count in ranked
        if count >= 0.5 * top and (code in firm or (code in home and found_at_home))
    )
    if focus:
        return focus
    if home and not found_at_home and named - set(home):
        # Nothing firm and no name of the home lists: the places named vote, not the lists
        # the user happens to have installed (a Connecticut report naming Kent, Sharon and
        # Canaan is not about Syria); a country named firmly first.
        return (next(code for code, _ in ranked if code in (firm or named)),)
    return tuple(home) or (ranked[0][0],)


#: Names whose candidates lie this close count as one neighbourhood for the focus (km).
FOCUS_CLUSTER_KM = 60.0
#: Distinct names that must lie together before their country is firm.
FOCUS_CLUSTER_NAMES = 3


def _clusters(groups: Sequence[NameGroup]) -> dict[str, int]:
    """Country -> the most names of the article that have exact candidates lying together
    there (within :data:`FOCUS_CLUSTER_KM` of one of them), for countries with at least
    :data:`FOCUS_CLUSTER_NAMES`.

    Only names the text uses as places count, and only towns and districts (a country or a
    state is too large to lie near anything in particular). The grid's cells are as wide in
    longitude as in latitude: far north a neighbour may be missed, never a far one taken.
    """
    cell = FOCUS_CLUSTER_KM / 111.0
    points: list[tuple[str, Place]] = []
    for group in groups:
        if not group.used_as_place:
            continue
        for candidate in group.exact:
            place = candidate.place
            if place.feature_class == "P" or place.feature_code in ("ADM2", "ADM3"):
                points.append((group.key, place))
    grid: dict[tuple[str, int, int], list[tuple[str, Place]]] = defaultdict(list)
    for key, place in points:
        row, col = int(place.latitude // cell), int(place.longitude // cell)
        grid[(place.country_code, row, col)].append((key, place))
    best: dict[str, int] = {}
    for key, place in points:
        row, col = int(place.latitude // cell), int(place.longitude // cell)
        near = {key}
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                for other_key, other in grid.get((place.country_code, row + dr, col + dc), ()):
                    if other_key not in near and (
                        haversine_km(
                            place.latitude, place.longitude, other.latitude, other.longitude
                        )
                        <= FOCUS_CLUSTER_KM
                    ):
                        near.add(other_key)
        if len(near) >= FOCUS_CLUSTER_NAMES:
            best[place.country_code] = max(best.get(place.country_code, 0), len(near))
    return best


def _significance(place: Place) -> float:
    """How much a place's existence says about its country: regions and capitals most."""
    rank = 2.0 if place.feature_code in ("ADM1", "PPLA", "PPLC", "PCLI") else 0.0
    return 1.0 + rank + math.log10(place.population + 1) / 2


def capital_groups(text: str, gazetteer: Gazetteer, focus: Sequence[str]) -> list[NameGroup]:
    """ "the outskirts of the capital": in an article about one country, its capital city."""
    if len(focus) != 1:
        return []
    mentions = [
        Mention(m.start(), m.end(), m.group(0), "", {"pattern"}, hint="town")
        for m in THE_CAPITAL.finditer(text)
    ]
    country = gazetteer.country(focus[0]) if mentions else None
    if country is None:
        return []
    capital = gazetteer.seat(country)
    if capital.feature_class != "P":
        return []
    for mention in mentions:
        mention.query = capital.name
    return [
        NameGroup(
            key=index_keys(capital.name)[0],
            query=capital.name,
            mentions=mentions,
            candidates=[Candidate(capital, capital.name, 1.0, 1.0, "exact")],
        )
    ]


def corroborate(group: NameGroup, focus: Sequence[str]) -> None:
    """Raise the prior of a probable entry that another source puts at the same spot (within
    3 km): two independent lists agreeing on a village are as good as one certain list."""
    group.exact_in_focus = any(
        c.tier == "exact" and (not focus or c.place.country_code in focus) for c in group.candidates
    )
    group.identical = any(
        c.tier == "exact" and surface_similarity(group.query, c.matched_name) >= 0.95
        for c in group.candidates
    )
    probable = [c for c in group.candidates if c.prior < 1.0]
    for candidate in probable:
        place = candidate.place
        for other in group.candidates:
            if other.place.geonameid == place.geonameid or other.place.source == place.source:
                continue
            if (
                haversine_km(
                    place.latitude, place.longitude, other.place.latitude, other.place.longitude
                )
                <= 3.0
            ):
                group.priors[place.geonameid] = max(
                    group.priors.get(place.geonameid, candidate.prior), other.prior
                )


def keep_places(groups: Sequence[NameGroup], focus: Sequence[str]) -> None:
    """Drop what is not a place: unknown persons and organisations, stray capitalised words."""
    for group in groups:
        abroad = bool(focus) and all(c.place.country_code not in focus for c in group.candidates)
        if abroad or any(c.place.feature_code == "PCLI" for c in group.exact):
            # "US Special Forces", "Uzbek and Turkestan fighters": the name qualifies an actor.
            group.mentions = [m for m in group.mentions if "attributive" not in m.evidence]
        if ACRONYM.fullmatch(group.query):
            # Acronyms ("AAS", "SDF", "JaT") are actors, unless they name a country ("US", "UAE").
            group.candidates = [c for c in group.candidates if c.place.feature_code == "PCLI"]
            if not group.candidates:
                group.mentions = []
            continue
        placelike = group.placelike
        locative = any("locative" in m.evidence for m in group.mentions)
        labels = {label for m in group.mentions for label in m.labels}
        person_like = bool(labels & {"PERSON", "ORG", "NORP"}) and not labels & PLACE_LABELS
        strong = [
            c
            for c in group.candidates
            if c.tier == "exact"
            and (
                c.place.feature_code in ("PCLI", "ADM1", "PPLC", "PPLA")
                or c.place.population >= 20_000
                or (c.place.country_code in focus and (locative or placelike))
            )
        ]
        strongly = any("strong" in m.evidence for m in group.mentions)
        major = any(
            c.place.feature_code in MAJOR_FEATURES or c.place.population >= 100_000
            for c in group.exact
        )
        if person_like and not placelike:
            # spaCy's PERSON/ORG is often wrong for villages, but "by Isis" is not a place:
            # keep such a name only after "in", "captured" ... or when it is a major place.
            in_focus = any(c.place.country_code in focus or not focus for c in group.candidates)
            exact_here = any(
                c.tier == "exact" and (not focus or c.place.country_code in focus)
                for c in group.candidates
            )
            # A country's name on its own is the country, whatever the label ("\"Tunisia was
            # one of the first countries ...\"": PERSON); a person's name around it is masked.
            if not (
                group.names_country
                or (strongly and in_focus)
                or (locative and (major or exact_here))
            ):
                group.candidates = []
                group.mentions = []
        elif not placelike and not locative:
            group.candidates = strong
            if not strong:
                group.mentions = []
        elif not placelike:
            group.candidates = [c for c in group.candidates if c.tier == "exact"]
            if not group.candidates:
                group.mentions = []
