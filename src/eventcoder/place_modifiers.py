"""Places named as modifiers: adjectives ("Russian", "Texan") and names inside other names.

Geoparsing corpora count "the Turkish army", "U.S. military", "Texas Department of Criminal
Justice" and "the Columbus Police Department" as mentions of Turkey, the United States, Texas
and Columbus (GeoWebNews calls them modifiers and embedded names). Event location must not: a
Russian airstrike did not happen in Russia, and the recogniser of :mod:`eventcoder.toponyms`
drops such spans on purpose. So they are found here, apart from it, and only the standalone
geoparser (:mod:`eventcoder.geoparse`) adds them to its rows.

Two kinds:

* adjectives and demonyms from the packaged table ``data/demonyms.csv`` (one row per place:
  its English forms, the place as GeoNames writes it, its country and feature): a country, a
  first-level region ("Basque", "Texan") or a continent;
* a place name inside a longer capitalised name, or an abbreviation before a noun: a country
  ("U.S. Department of Justice"), a first-level region of the article's countries ("Texas
  A&M University"), or a name the article already resolved elsewhere ("Columbus Government
  Center" after "Columbus"). Persons' names ("Paris Hilton") never count.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc

from eventcoder.gazetteer import Gazetteer, nearest_km
from eventcoder.models import Place, Toponym
from eventcoder.placenames import index_keys, is_generic
from eventcoder.toponym_lexicon import CHUNK, ENGLISH_GENERIC, names_country, surface_similarity

_PACKAGED_TABLE = "data/demonyms.csv"

#: Confidence of a place named by its adjective: the word names the place without doubt, but
#: the writer may mean the people or the language rather than the land.
ADJECTIVE_SCORE = 0.9

#: Confidence of a place named inside another name ("Texas Department of ...").
EMBEDDED_SCORE = 0.8

#: Country abbreviations written with full stops, which the runs of capitalised words miss.
_ABBREVIATION = re.compile(r"(?<![\w.])(?:U\.S\.(?:A\.)?|U\.K\.)(?!\w)")

#: The longest name looked for inside a longer one, in words.
_MAX_WORDS = 4

#: Public bodies named after the town or county they serve: "the Berea Police Department",
#: "Litchfield Superior Court", "the Canaan Board of Finance", "McMinn County Sheriff",
#: "East Bank Middle School", "Hartford Hospital". (Universities and hotels are as often named
#: after people, "Loyola University", and so are schools: "Lincoln High School" counts only
#: near the article's other places, see ``_SEAT_NEAR_KM``.)
_INSTITUTION_AFTER = re.compile(
    r"^\s+(?:Police|Sheriff|Fire\s+(?:Department|Chief|District|Rescue)|City\s+Council|"
    r"Town\s+Council|Board\s+of\s+(?:Education|Finance|Selectmen|Supervisors|Commissioners)|"
    r"(?:Superior|Circuit|District|Municipal|County|Family|Magistrate)\s+Court|Public\s+Schools|"
    r"School\s+(?:District|Board|System)|Mayor|Coroner|Circuit\s+Judge|Emergency\s+Services|"
    r"(?:District\s+)?Chamber\s+of\s+Commerce|Commissioners|County\s+Commission|"
    r"(?:Health|Parks|Public\s+Works|Water|Housing)\s+(?:Department|Authority|District)|"
    r"Department\s+of\s+Public\s+Safety|Parks\s+and\s+Recreation|City\s+Hall|Town\s+Hall|"
    r"(?:Middle|High|Elementary|Primary|Secondary)\s+School|(?:Community|Memorial|General)\s+"
    r"Hospital|Hospital|Medical\s+Center|Public\s+Library|Detention\s+Center|Jail|"
    r"Regional\s+Airport|Municipal\s+Airport|Airport)\b"
)

#: Words that no person's name holds.
_ADMIN_WORD = re.compile(r"\b(?:County|Parish|Township|Borough)\b")

#: How far from the article's other places an institution's town may lie (km): "Lincoln High
#: School" in a Georgia paper is named after a man, not after Lincoln, Nebraska.
_SEAT_NEAR_KM = 200.0

#: "Nashville-based CCA", "the Abu Dhabi-based agency": where a company or body sits.
_BASED_AFTER = re.compile(r"^-based\b")

#: People named by their town: "a Coral Gables man", "a 72-year-old Cooke County resident".
_RESIDENT_AFTER = re.compile(
    r"^\s+(?:man|woman|men|women|boy|girl|teen|teenager|youth|couple|resident|residents|"
    r"native|natives)\b"
)


@dataclass(frozen=True, slots=True)
class _Seat:
    """Words after a name that make it a town or county, and what that town is to them."""

    after: re.Pattern[str]
    role: str  # ends the reason: "the town or county <role>"
    abroad: bool  # a capital or a city of 500,000 of another country may be meant


_SEATS = (
    _Seat(_INSTITUTION_AFTER, "an institution named after it serves", abroad=False),
    _Seat(_RESIDENT_AFTER, "where the people named by it live", abroad=False),
    _Seat(_BASED_AFTER, "where a body based there sits", abroad=True),
)

#: Words after an adjective that make it part of a place's own name: "Frenchmen Street" is
#: a street of New Orleans, not France; the "Indian Ocean" and the "Korean Peninsula" are no
#: India or Korea.
_NAME_HEAD_AFTER = re.compile(
    r"^\s+(?:Street|St|Avenue|Ave|Road|Rd|Square|Quarter|Bridge|Park|Hotel|Restaurant|Lane|"
    r"Boulevard|Drive|Way|Hill|Creek|River|Lake|Island|Islands|Bay|Ocean|Sea|Peninsula|Gulf|"
    r"Strait|Straits|Desert|Mountains|Coast|Valley|Basin|Subcontinent|Archipelago|Canal|Channel)\b"
)


@dataclass(frozen=True, slots=True)
class PlaceAdjective:
    """One row of the adjective table: the forms that name a place, and the place."""

    forms: tuple[str, ...]
    place: str
    country: str
    feature: str  # PCLI, ADM1, CONT or RGN (a region of the world: Central America)


@lru_cache(maxsize=1)
def adjective_table() -> dict[str, PlaceAdjective]:
    """Form as written ("Russians") -> its row, from the packaged ``data/demonyms.csv``."""
    text = resources.files("eventcoder").joinpath(_PACKAGED_TABLE).read_text("utf-8")
    table: dict[str, PlaceAdjective] = {}
    for row in csv.DictReader(io.StringIO(text)):
        forms = tuple(f.strip() for f in row["words"].split("|") if f.strip())
        entry = PlaceAdjective(
            forms,
            row["place"].strip(),
            row["country"].strip().upper(),
            row["feature"].strip().upper(),
        )
        for form in forms:
            table[form] = entry
    return table


@lru_cache(maxsize=1)
def _adjective_pattern() -> re.Pattern[str]:
    # Longest forms first, so "South Korean" wins over "Korean".
    forms = sorted(adjective_table(), key=len, reverse=True)
    return re.compile(r"(?<![\w'’])(?:" + "|".join(map(re.escape, forms)) + r")(?![\w'’])")


def _hyphen_ok(text: str, start: int, end: int, table: dict[str, PlaceAdjective]) -> bool:
    """A form joined by a hyphen counts only in a pair of forms ("Turkish-Russian relations",
    "Israeli-Egyptian peace"), not in "Franco-era" or "Syrian-based"."""
    if start > 0 and text[start - 1] == "-":
        before = re.search(r"[\w'’]+$", text[: start - 1])
        if before is None or before.group(0) not in table:
            return False
    if text[end : end + 1] == "-":
        after = re.match(r"[\w'’]+", text[end + 1 :])
        if after is None or after.group(0) not in table:
            return False
    return True


def modifier_toponyms(
    doc: Doc, text: str, gazetteer: Gazetteer, toponyms: Sequence[Toponym]
) -> list[Toponym]:
    """The places named by adjectives or inside other names, outside the given toponyms' spans.

    ``toponyms`` are those :func:`~eventcoder.toponyms.find_toponyms` found: the spans of
    the resolved ones are taken (a no-match span may hold a place: "Lamar County
    Commissioners"), and their places give the article's countries and the names it resolved.
    """
    taken = [(t.start, t.end) for t in toponyms if t.place is not None]
    # Persons' names hold no place: "Percy French", "Paris Hilton", "Jordan Henderson". (A
    # bare adjective is nobody's name, whatever the label: "Sri Lankan political developments".)
    # Nor is a span with an admin word a person's, whatever the label: "McMinn County Sheriff".
    table = adjective_table()
    taken += [
        (e.start_char, e.end_char)
        for e in doc.ents
        if e.label_ == "PERSON" and e.text not in table and not _ADMIN_WORD.search(e.text)
    ]
    found = _adjectives(text, gazetteer, taken)
    taken += [(t.start, t.end) for t in found]
    found += _embedded(text, gazetteer, toponyms, taken)
    return sorted(found, key=lambda t: t.start)


def _free(start: int, end: int, taken: Iterable[tuple[int, int]]) -> bool:
    return not any(s < end and start < e for s, e in taken)


def _adjectives(text: str, gazetteer: Gazetteer, taken: Sequence[tuple[int, int]]) -> list[Toponym]:
    table = adjective_table()
    resolved: dict[str, Place | None] = {}
    out: list[Toponym] = []
    for match in _adjective_pattern().finditer(text):
        start, end = match.span()
        if (
            not _free(start, end, taken)
            or _NAME_HEAD_AFTER.match(text[end : end + 12])
            or not _hyphen_ok(text, start, end, table)
        ):
            continue
        entry = table[match.group(0)]
        if entry.place not in resolved:
            resolved[entry.place] = _entry(gazetteer, entry.place, entry.country, entry.feature)
        place = resolved[entry.place]
        what = {"PCLI": "country", "ADM1": "region", "CONT": "continent", "RGN": "region"}.get(
            entry.feature, ""
        )
        if place is None:
            reason = f"'{match.group(0)}' names {entry.place}, a {what} the gazetteer lacks"
            out.append(Toponym(start, end, match.group(0), None, 0.0, reason))
            continue
        reason = (
            f"'{match.group(0)}' = {place.name} ({place.feature_code}"
            f"{', ' + place.country if place.country and place.country != place.name else ''})"
            f": the {what}'s adjective or people"
        )
        out.append(Toponym(start, end, match.group(0), place, ADJECTIVE_SCORE, reason))
    return out


def _entry(gazetteer: Gazetteer, name: str, country: str, feature: str) -> Place | None:
    """The gazetteer's entry of a named country, region or continent (None when it lacks it)."""
    if feature == "PCLI":
        return gazetteer.country(country)
    countries = (country,) if country else ()
    for candidate in gazetteer.lookup(name, countries=countries, limit=20, fuzzy=False):
        if candidate.tier == "exact" and candidate.place.feature_code == feature:
            return candidate.place
    return None


def _embedded(
    text: str,
    gazetteer: Gazetteer,
    toponyms: Sequence[Toponym],
    taken: list[tuple[int, int]],
) -> list[Toponym]:
    # The article's countries: those of the places it names by name ("French" in a story set
    # in Ireland puts no French town in it).
    countries = {t.place.country_code for t in toponyms if t.place is not None}
    countries.discard("")
    # The names the article resolved, by key: "Columbus" resolved once is the same Columbus
    # inside "the Columbus Police Department".
    known: dict[str, Place] = {}
    for toponym in toponyms:
        if toponym.place is not None:
            known.setdefault(index_keys(toponym.text)[0], toponym.place)
    # Where the article's named places lie: a town that an institution is named after is one
    # of them or near them.
    anchors = [
        t.place
        for t in toponyms
        if t.place is not None and t.place.feature_code not in ("PCLI", "ADM1")
    ]
    out: list[Toponym] = []
    spans = [m.span() for m in _ABBREVIATION.finditer(text)]
    for chunk in CHUNK.finditer(text):
        # Words split at hyphens too: "EU-Israel summit", "Logan-Rogersville schools".
        words = [m.span() for m in re.finditer(r"[^\s-]+", chunk.group(0))]
        base = chunk.start()
        for i in range(len(words)):
            for j in range(min(len(words), i + _MAX_WORDS), i, -1):
                start, end = base + words[i][0], base + words[j - 1][1]
                while end > start and text[end - 1] in ".,;:'’":
                    end -= 1  # "Turkey's", "Columbus." : the name without its ending
                if text[end - 2 : end] in ("'s", "’s"):
                    end -= 2
                spans.append((start, end))
    seen: set[tuple[int, int]] = set()
    for start, end in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if (start, end) in seen or end - start < 2:
            continue
        seen.add((start, end))
        if not _free(start, end, taken):
            continue
        name = text[start:end]
        if name.split(maxsplit=1)[0] in ("The", "A", "An") or not name[:1].isupper():
            # "The Calgary-based firm": the name is "Calgary", tried on its own; "at East
            # Bank Middle School": "East Bank".
            continue
        after = text[end : end + 30]
        seat = next((seat for seat in _SEATS if seat.after.match(after)), None)
        place, why = _embedded_place(name, gazetteer, countries, known, seat, anchors)
        if place is None:
            continue
        taken.append((start, end))
        reason = f"'{name}' = {place.name} ({place.feature_code}, {place.country}): {why}"
        out.append(Toponym(start, end, name, place, EMBEDDED_SCORE, reason))
    return out


def _embedded_place(
    name: str,
    gazetteer: Gazetteer,
    countries: set[str],
    known: dict[str, Place],
    seat: _Seat | None,
    anchors: Sequence[Place] = (),
) -> tuple[Place | None, str]:
    """The place a name inside a longer one stands for, and why; (None, "") for none.

    ``seat`` is given when the words after the name make it the town or county of an
    institution, of residents or of a body based there; of its namesakes, the one nearest
    ``anchors`` (the article's other places) serves it, and none farther than
    :data:`_SEAT_NEAR_KM` unless the article has no other places.
    """
    key = index_keys(name)[0]
    if not key:
        return None, ""
    if key in known:
        return known[key], "a name the article resolved elsewhere"
    if len(key) < 2:
        return None, ""
    seats: list[Place] = []
    country: Place | None = None
    capital: Place | None = None
    region: Place | None = None
    if seat is not None and (
        len(key) < 4
        or is_generic(name)
        or name.lower() in ENGLISH_GENERIC
        or name.lower() in ("county", "parish", "township", "state", "federal")
    ):
        seat = None  # "Cavan County Council": "County" serves nobody
    for candidate in gazetteer.lookup(name, limit=20, fuzzy=False):
        place = candidate.place
        if candidate.tier != "exact" or surface_similarity(name, candidate.matched_name) < 0.85:
            continue
        if (
            seat is not None
            and place.feature_code in ("ADM2", "PPL", "PPLA", "PPLA2", "PPLA3", "PPLC")
            and (
                place.country_code in countries
                or (
                    seat.abroad
                    and (place.feature_code == "PPLC" or place.population >= 500_000)
                )
            )
        ):
            seats.append(place)  # the lookup gives the most important entry first
        if place.feature_code == "PCLI" and names_country(name, candidate.matched_name):
            country = country or place
        elif place.feature_code == "PPLC" and place.country_code in countries:
            capital = capital or place
        elif place.feature_code == "ADM1" and place.country_code in countries and len(key) > 3:
            region = region or place
    if region is not None and country is not None and country.country_code not in countries:
        # "the Georgia Department of Labor" in an American story is the state's.
        return region, "a region of the article's countries named inside a longer name"
    if country is not None:
        return country, "a country named inside a longer name"
    if capital is not None:
        # "Washington" inside a name is the capital more often than the state.
        return capital, "the capital of the article's country named inside a longer name"
    if region is not None:
        return region, "a region of the article's countries named inside a longer name"
    served = _nearest(seats, anchors)
    if served is None and seat is not None and seat.abroad and seats:
        served = seats[0]  # "the Abu Dhabi-based agency": a world city, wherever the story is
    if served is not None and seat is not None:
        return served, f"the town or county {seat.role}"
    return None, ""


def _nearest(places: Sequence[Place], anchors: Sequence[Place]) -> Place | None:
    """The place nearest the anchors (within :data:`_SEAT_NEAR_KM`), or the first place when
    there are no anchors or no namesakes ("Alachua County"); None when every namesake lies
    farther."""
    if len(places) <= 1 or not anchors:
        return places[0] if places else None
    distance, best = min((nearest_km(p, anchors) or 0.0, index) for index, p in enumerate(places))
    return places[best] if distance <= _SEAT_NEAR_KM else None
