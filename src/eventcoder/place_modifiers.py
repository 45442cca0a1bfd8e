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

from eventcoder.gazetteer import Gazetteer
from eventcoder.models import Place, Toponym
from eventcoder.placenames import index_keys, is_generic
from eventcoder.toponym_lexicon import CHUNK, ENGLISH_GENERIC, surface_similarity

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
#: "Litchfield Superior Court", "the Canaan Board of Finance". (Universities, libraries and
#: hotels are as often named after people: "Loyola University", "Carnegie Library".)
_INSTITUTION_AFTER = re.compile(
    r"^\s+(?:Police|Sheriff|Fire\s+Department|City\s+Council|Town\s+Council|"
    r"Board\s+of\s+(?:Education|Finance|Selectmen|Supervisors|Commissioners)|"
    r"(?:Superior|Circuit|District|Municipal|County|Family)\s+Court|Public\s+Schools|"
    r"School\s+District|Mayor|Coroner|Circuit\s+Judge|Emergency\s+Services|"
    r"(?:District\s+)?Chamber\s+of\s+Commerce)\b"
)

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
#: a street of New Orleans, not France.
_NAME_HEAD_AFTER = re.compile(
    r"^\s+(?:Street|St|Avenue|Ave|Road|Rd|Square|Quarter|Bridge|Park|Hotel|Restaurant|Lane|"
    r"Boulevard|Drive|Way|Hill|Creek|River|Lake|Island|Bay)\b"
)


@dataclass(frozen=True, slots=True)
class PlaceAdjective:
    """One row of the adjective table: the forms that name a place, and the place."""

    forms: tuple[str, ...]
    place: str
    country: str
    feature: str  # PCLI, ADM1 or CONT


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
    # Persons' names hold no place: "Percy French", "Paris Hilton", "Jordan Henderson".
    taken += [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]
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
        what = {"PCLI": "country", "ADM1": "region", "CONT": "continent"}.get(entry.feature, "")
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
        if name.split(maxsplit=1)[0] in ("The", "A", "An"):
            continue  # "The Calgary-based firm": the name is "Calgary", tried on its own
        after = text[end : end + 30]
        seat = next((seat for seat in _SEATS if seat.after.match(after)), None)
        place, why = _embedded_place(name, gazetteer, countries, known, seat)
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
) -> tuple[Place | None, str]:
    """The place a name inside a longer one stands for, and why; (None, "") for none.

    ``seat`` is given when the words after the name make it the town or county of an
    institution, of residents or of a body based there.
    """
    key = index_keys(name)[0]
    if not key:
        return None, ""
    if key in known:
        return known[key], "a name the article resolved elsewhere"
    if len(key) < 2:
        return None, ""
    served: Place | None = None
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
            and served is None
            and place.feature_code in ("ADM2", "PPL", "PPLA", "PPLA2", "PPLA3", "PPLC")
            and (
                place.country_code in countries
                or (
                    seat.abroad
                    and (place.feature_code == "PPLC" or place.population >= 500_000)
                )
            )
        ):
            served = place  # the lookup gives the most important entry first
        if place.feature_code == "PCLI":
            return place, "a country named inside a longer name"
        if place.feature_code == "PPLC" and place.country_code in countries:
            # "Washington" inside a name is the capital more often than the state.
            return place, "the capital of the article's country named inside a longer name"
        if place.feature_code == "ADM1" and place.country_code in countries and len(key) > 3:
            return place, "a region of the article's countries named inside a longer name"
    if served is not None and seat is not None:
        return served, f"the town or county {seat.role}"
    return None, ""
