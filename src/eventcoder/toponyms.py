"""Find the place names of an article and resolve each to a gazetteer entry, or to an explicit no.

Recognition does not trust spaCy's entity labels: the small English model calls half the
villages of a Syrian report PERSON or ORG. Mentions come from three sources, merged:

* spaCy entities of any label (a PERSON or ORG only counts when the gazetteer knows the name
  and the text treats it as a place: "in Khan al-Sheih", "captured Ain Dara", "Maar Dis in
  the countryside of Hama");
* the gazetteer itself, matched over every run of capitalised words (longest known n-gram);
* place patterns that hold for names the gazetteer lacks: "the town/village of X", "X farms",
  "X province", "the road between X and Y", "east of X", "X, Idlib province".

Resolution weighs, for every candidate entry: the name match (exact key, same skeleton, fuzzy),
the entry's own reliability (probable list rows count less), the feature (a bare name means the
town; "province" means the region; a country name means the country), the article's country
focus (given, or inferred from country names, demonyms and unambiguous places, with the
countries the user installed place lists for as the tie-breaker), the distance to the other
places the article names (a village near the others beats a namesake 400 km away), the regions
the article names, stated containment ("X in Southwestern Damascus", "X, Idlib province") and
population. A name spelled two ways in one article ("Khan al-Sheih" / "Khan al-Sheikh") goes to
the same place. The candidates are scored twice more once the first choices are known, so
that anchors, regions and containers settle.

Measured on 600 ACLED Syria notes with geo_precision 1 (bench-style, not a test): of the notes
whose ACLED location the text names and the gazetteer knows, 93-94% resolve within 25 km.

Each distinct name is resolved on its own, so one unresolvable name never affects the others;
a name with place evidence that nothing matches well is returned with ``place=None`` and a
reason, never dropped.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz
from spacy.tokens import Doc

from eventcoder.gazetteer import Candidate, Gazetteer, haversine_km
from eventcoder.models import Place, Toponym
from eventcoder.placenames import index_keys, is_generic, similarity

#: A resolved toponym needs at least this score; below it the answer is an explicit no-match.
MIN_SCORE = 0.5

#: The most confidence a place outside the article's countries gets (Toponym.score): the
#: event step does not use such a place when the article gives no other sign of its country.
OUTSIDE_FOCUS_CONFIDENCE = 0.6

#: Labels that never name places.
_NON_PLACE_LABELS = frozenset(
    {
        "DATE",
        "TIME",
        "PERCENT",
        "MONEY",
        "QUANTITY",
        "ORDINAL",
        "CARDINAL",
        "LAW",
        "LANGUAGE",
        "WORK_OF_ART",
    }
)
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})

#: Words that make a capitalised phrase an organisation, unit or building, not a place.
# fmt: off
ORG_WORDS = frozenset(
    {
        "front", "army", "forces", "force", "brigade", "brigades", "battalion", "battalions",
        "division", "corps", "regiment", "room", "mosque", "church", "council", "committee",
        "ministry", "agency", "party", "movement", "organization", "organisation", "group",
        "groups", "union", "news", "press", "center", "centre", "command", "coalition",
        "alliance", "militia", "militias", "police", "guard", "guards", "university", "hospital",
        "school", "company",
        "bank", "airlines", "tv", "radio", "times", "post", "observatory", "network", "commission",
        "court", "government", "regime", "authority", "authorities", "administration", "office",
        "department", "foundation", "institute", "society", "association", "federation", "league",
        "club", "team", "fund", "programme", "program", "project", "operation", "operations",
        "revolutionaries", "rebels", "jihadists", "fighters", "troops", "units", "islamic",
        "jaysh", "jaish", "jabhat", "liwa", "harakat", "harakah", "faylaq", "katibat",
        "saraya", "ahrar", "ansar", "tahrir", "hayat", "jund", "junud", "kataib",
    }
)
# fmt: on

#: Directions and other qualifiers that turn "Damascus" into an area around it.
_DIRECTIONS = (
    "northern|southern|eastern|western|northeastern|northwestern|southeastern|southwestern|"
    "north-eastern|north-western|south-eastern|south-western|central|northeast|northwest|southeast|"
    "southwest|north|south|east|west|upper|lower|greater|rural|suburban|outer|inner"
)
_QUALIFIER = re.compile(rf"^(?:{_DIRECTIONS})\s+", re.IGNORECASE)
_QUALIFIER_ONLY = re.compile(rf"(?:{_DIRECTIONS})", re.IGNORECASE)
_REGION_FORMS: tuple[str, ...] = ("Rural {}", "Rif {}", "{} Countryside", "{} Governorate")

_ARTICLE = (
    r"(?:al|el|ad|an|ar|as|ash|at|az|ed|en|er|es|esh|et|ez|ul|bin|ibn|bani|abu|umm|de|du|la|le)"
)
_CAP_WORD = r"[A-Z][\w'’‘`ʿʾ]*(?:-[A-Za-z][\w'’‘`ʿʾ]*)*"
_LOWER_PREFIX = rf"(?:{_ARTICLE}-)"
_NAME = (
    rf"(?:{_LOWER_PREFIX}?{_CAP_WORD}(?:[ \t]+(?:{_ARTICLE}[ \t]+)?{_LOWER_PREFIX}?{_CAP_WORD})*)"
)
#: "Party of Turkistan": the head word of an organisation's name before "of".
_ORG_OF = re.compile(r"\b((?-i:[A-Z])[a-z]+)\s+of\s+(?:the\s+)?$")
_ORG_HEADS = ORG_WORDS | {
    "part",
    "state",
    "emirate",
    "sons",
    "martyrs",
    "lions",
    "falcons",
    "hawks",
    "men",
    "revolutionaries",
    "knights",
    "soldiers",
    "free",
}

_SURFACE_MARKS = re.compile(r"['’‘`ʿʾ]")
_SURFACE_ARTICLE = re.compile(rf"\b{_ARTICLE}[-\s]+")

_BARE_ARTICLES = frozenset(
    {"al", "el", "ad", "an", "ar", "as", "ash", "at", "az", "ed", "en", "er", "es", "et", "ez"}
)
_ARTICLE_PREFIX = re.compile(
    r"^(?:al|el|ad|an|ar|as|ash|at|az|ed|en|er|es|et|ez)[-\s]", re.IGNORECASE
)
_CHUNK = re.compile(rf"(?<![\w'’-]){_NAME}")

#: Words after a name that say what kind of place it is ("Albuyizeh village", "Idlib province").
_SUFFIX_HINTS: dict[str, str] = {
    "farms": "near",
    "farm": "near",
    "countryside": "region",
    "province": "admin",
    "provinces": "admin",
    "governorate": "admin",
    "governorates": "admin",
    "district": "admin2",
    "region": "region",
    "area": "region",
    "areas": "region",
    "suburbs": "near",
    "outskirts": "near",
    "village": "town",
    "town": "town",
    "city": "town",
    "camp": "town",
    "road": "near",
    "highway": "near",
    "front": "near",
    "frontline": "near",
    "axis": "near",
    "plain": "region",
    "valley": "region",
    "mountains": "region",
    "hills": "near",
    "street": "street",
    "avenue": "street",
    "square": "street",
    "roundabout": "street",
    "neighbourhood": "quarter",
    "neighborhood": "quarter",
    "neighbourhoods": "quarter",
    "neighborhoods": "quarter",
    "quarter": "quarter",
}
_PREFIX_HINT = re.compile(
    r"\b(?:the\s+)?(?:(?P<town>town|village|city|hamlet|camp)|(?P<quarter>neighbou?rhood|quarter)|(?P<region>region|area|countryside|"
    r"province|governorate|district)|(?P<near>farms|fields|outskirts|suburbs|vicinity|edge))\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
#: "the countryside of X", "X countryside": the area around a town, which for a city that
#: names a governorate ("Rural Damascus") is that governorate.
_COUNTRYSIDE_AROUND = re.compile(r"\bcountryside\s+of\s+(?:the\s+)?$", re.IGNORECASE)
_COUNTRYSIDE_AFTER = re.compile(
    r"^\s+(?:(?:north|south|east|west)(?:ern)?[\s-]*(?:(?:north|south|east|west)(?:ern)?\s+)?)?"
    r"countryside\b",
    re.IGNORECASE,
)

#: "Puli Alam city, Logar", "Sherzad district, Nangarhar": the name after the comma is the
#: region that contains the first.
_AFTER_KIND_COMMA = re.compile(
    r"\b(?:city|town|village|district|province|area|neighbou?rhood|camp|countryside|"
    r"sub-?district)\s*,\s*$",
    re.IGNORECASE,
)

#: "the capital" not followed by its name ("the capital, Kabul" names it anyway).
_THE_CAPITAL = re.compile(r"\b[Tt]he\s+(?:country's\s+|national\s+)?capital\b(?!\s*,?\s*[A-Z])")

#: Words that make the next name a place even when spaCy calls it a person or organisation.
_STRONG_LOCATIVE = re.compile(
    r"\b(?:in|at|near|into|inside|outside|around|across|captur\w*|seiz\w*|took(?:\s+over)?|"
    r"tak(?:e|es|ing)\s+over|shell\w*|storm\w*|besieg\w*|bomb\w*|liberat\w*|recaptur\w*|retook|"
    r"overr[au]n|pound\w*|target\w*|(?:air\s*)?(?:raids?|strikes?|attacks?|offensive|assault)\s+on|"
    r"(?:village|town|city|outskirts|countryside|areas?|vicinity|edge)\s+of|"
    r"[\w-]+-(?:held|controlled|besieged|occupied))\s+(?:the\s+)?"
    r"(?:(?:north|south|east|west)(?:ern)?\s+|(?:rural|central|greater|upper|lower)\s+)?$",
    re.IGNORECASE,
)

_PAIR = re.compile(r"\s+[-–]\s*|\s*[-–]\s+")

_KIND_WORD_AFTER = re.compile(
    r"^\s+(?:village|town|city|hamlet|camp|neighbou?rhoods?|district|sub-district|area|farms?|"
    r"hill|mount|mountain|airbase|airport|oilfield|dam|crossing)\b",
    re.IGNORECASE,
)

#: Months and weekdays: capitalised, and names of places somewhere ("March" is a Mersch).
# fmt: off
_CALENDAR_WORDS = frozenset(
    {
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
        "friday", "saturday", "sunday", "spring", "summer", "autumn", "winter", "ramadan", "eid",
    }
)
# fmt: on

#: English words capitalised inside longer names ("the Euphrates River", "Mukhtar Villa",
#: "the Old City"): alone, they are no place, though GeoNames has a town of each name.
# fmt: off
_ENGLISH_GENERIC = frozenset(
    {
        "river", "lake", "mountain", "mountains", "mount", "valley", "airport", "bridge", "dam",
        "road", "street", "square", "city", "town", "village", "old", "new", "hill", "hills",
        "plain", "plains", "desert", "sea", "bay", "port", "station", "camp", "base", "villa",
        "castle", "tower", "gate", "market", "center", "centre", "park", "island", "beach",
        "field", "fields", "farm", "farms", "area", "district", "border", "crossing", "junction",
        "highway", "canal", "spring", "springs", "well", "wells", "stadium", "factory", "prison",
        "air", "airbase", "military", "defense", "defence", "front", "line", "lines", "big",
        "small", "little", "great", "grand",
    }
)
# fmt: on

#: Religious and ethnic communities: capitalised, and keyed like towns ("Shiite" ~ Chita).
# fmt: off
_COMMUNITIES = frozenset(
    {
        "shiite", "shiites", "shia", "shi'ite", "sunni", "sunnis", "alawite", "alawites",
        "druze", "kurd", "kurds", "arab", "arabs", "turkmen", "turkoman", "christian",
        "christians", "muslim", "muslims", "yazidi", "yazidis", "ismaili", "circassian",
        "assyrian", "armenian", "bedouin", "bedouins", "pashtun", "tajik", "uzbek", "hazara",
        "baluch", "islamist", "islamists", "jihadist", "jihadists", "salafist", "salafi",
    }
)
# fmt: on

#: Names of armed groups and institutions that are also place names somewhere ("Isis" is a
#: town in Italy's alternate names). Never toponyms.
ACTOR_NAMES = frozenset(
    {
        "is",
        "isis",
        "isil",
        "daesh",
        "daish",
        "hts",
        "sdf",
        "qsd",
        "ypg",
        "ypj",
        "pkk",
        "pyd",
        "fsa",
        "sna",
        "jfs",
        "un",
        "nato",
        "eu",
        "hezbollah",
        "hizbollah",
        "hamas",
        "taliban",
        "nusra",
    }
)

#: "IS-held", "US-led", "Turkish-backed": a name glued to a participle qualifies an actor or
#: an area, it is no place of its own.
_ATTRIBUTIVE_HYPHEN = re.compile(
    r"-(?:held|controlled|led|backed|based|run|occupied|besieged|affiliated|linked|allied|aligned|"
    r"supported|sponsored|funded|armed|trained|friendly|loyal|dominated)\b",
)

#: Feature codes of places a writer may name inside a longer name ("Daraa al-Balad").
_MAJOR_FEATURES = frozenset({"PCLI", "ADM1", "ADM2", "PPLC", "PPLA", "PPLA2"})

#: Words before a name that use it as a place: prepositions ("in western Harasta") and verbs
#: whose object is a place in conflict reports ("captured Ain Dara", "shelled Kafr Nabl").
_LOCATIVE = re.compile(
    r"\b(?:in|at|near|from|to|into|towards?|around|outside|inside|across|between|via|through|over|on|"
    r"east|west|north|south|of|and|or|captur\w*|seiz\w*|took(?:\s+over)?|tak(?:e|es|ing)\s+over|"
    r"control(?:led|s)?(?:\s+of)?|shell\w*|storm\w*|enter\w*|besieg\w*|bomb\w*|liberat\w*|"
    r"recaptur\w*|retook|retak\w*|overr[au]n|raid\w*|pound\w*|struck)\s+(?:the\s+)?"
    r"(?:(?:north|south|east|west)(?:ern)?\s+|(?:rural|central|greater|upper|lower)\s+)?$",
    re.IGNORECASE,
)
#: Text between a place and the place containing it: "X in Y", "X, Y", "X village in the
#: southern countryside of Y", "X of Y".
_CONTAINER_LINK = re.compile(
    r"^(?:\s+(?:villages?|towns?|city|hamlet|areas?|farms?|district|camp|neighbou?rhoods?|region|"
    r"desert|front|axis|sub-district|subdistrict|quarters?|streets?|roads?|squares?|roundabouts?|"
    r"avenues?|bridges?|junctions?|circles?|stations?|buildings?|blocks?|gates?|markets?|"
    r"factory|factories|plants?|bases?|airports?|hospitals?|schools?|prisons?|orchards|gardens|"
    r"hills?|mountains?|checkpoints?|crossings?))?"
    r"(?:\s*,\s*(?:in\s+)?|\s+in\s+|\s+of\s+)(?:the\s+)?"
    r"(?:(?:rural|greater|central|outer|inner)\s+)?"
    r"(?:(?:north|south|east|west)(?:ern)?(?:[\s-]*(?:north|south|east|west)(?:ern)?)?\s+"
    r"(?:of\s+(?:the\s+)?)?)?"
    r"(?:(?:countryside|outskirts|suburbs|province|governorate|district|region|part)\s+of\s+"
    r"(?:the\s+)?)?$",
    re.IGNORECASE,
)

#: A name followed by a stated container ("Maar Dis in the northern countryside of Hama") is
#: a place, whatever spaCy's label says.
_CONTAINED = re.compile(
    _CONTAINER_LINK.pattern.rstrip("$").replace(r"|\s+of\s+", "") + r"(?=(?-i:[A-Z]))",
    re.IGNORECASE,
)

#: Words after a country name that make it qualify an actor ("US Special Forces", "Turkish
#: army" is a demonym already): the country is then no place of the text.
_ATTRIBUTIVE = re.compile(
    r"^\.?(?:'s|’s)?(?:\s*(?:and/or|and|or|/)\s*(?-i:[A-Z][A-Za-z.]*)){0,2}"
    r"\s+(?:special\s+|armed\s+|military\s+|security\s+)?(?:forces|troops|army|military|fighters|"
    r"militants|rebels|jihadists|insurgents|artillery|aviation|bombers|missiles|"
    r"soldiers|coalition|air\s*force|warplanes|war\s*planes|jets|aircraft|planes|helicopters|drones|"
    r"air\s*strikes|airstrikes|strikes|officials|government|embassy|envoys?|president|ministry|navy|"
    r"marines|intelligence|advis[eo]rs|personnel|contractors|citizens|nationals|backed|led|"
    r"supported|proxies|militias?|allies|spokes(?:man|woman|person))\b",
    re.IGNORECASE,
)

#: "Al-Qadisiyah neighbourhood west of Al-Raqqah city": a quarter placed by its city.
_QUARTER_LINK = re.compile(
    r"^\s+(?:neighbou?rhoods?|quarters?|district|areas?)\s+(?:to\s+the\s+)?"
    r"(?:north|south|east|west)(?:ern)?(?:[\s-]*(?:north|south|east|west)(?:ern)?)?\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
#: Separators of a list of names; a container after the list holds all of them.
_LIST_LINK = re.compile(r"\s*(?:,|,?\s+and|,?\s+or)\s+(?:the\s+)?", re.IGNORECASE)
_LIST_HOPS = 8
_ALIAS_OPEN = re.compile(r"\s*\(\s*")
_PARENTHETICAL = re.compile(r"^\s*\)|\s*\([^()]*\)")
#: After "X, Y": another name follows, so "X, Y" was a list ("Azaz, Aleppo, and Idlib").
_LIST_GOES_ON = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?(?:the\s+)?(?-i:[A-Z])|and\b|or\b)")

#: "Damascus's Jobar neighbourhood": the container comes first, in the possessive.
_POSSESSIVE_LINK = re.compile(r"^(?:'s|’s|')\s+$")

_KIND_AFTER = re.compile(
    r"^\s+(?:province|provinces|governorate|district|countryside|region|county|state)\b",
    re.IGNORECASE,
)

#: How far (km) from a governorate's capital a village the text puts there may lie in the
#: next governorate (writers misplace border villages).
_EDGE_KM = 120.0

#: How far (km) a city's surroundings reach beyond its governorate or district line.
_SUBURBS_KM = 30.0

#: How far (characters) a stated container may follow the place it contains.
_CONTAINER_GAP = 60

_REPORTING = re.compile(
    r"^\s+(?:has\s+|have\s+)?(?:said|says|reported|reports|announced|claimed|stated|accused|denied)\b",
    re.IGNORECASE,
)

#: Endings of demonyms and group names spaCy labels NORP ("Australian", "Iraqis", "Kurds").
_DEMONYM_ENDING = re.compile(r"(?:ians?|eans?|ese|ish|is|ites?|ics?|kurds?|arabs?)$", re.IGNORECASE)

#: Demonyms that name a country without naming a place ("Syrian army").
_DEMONYM_EXCEPTIONS: dict[str, str] = {
    "afghan": "AF",
    "lebanese": "LB",
    "turkish": "TR",
    "israeli": "IL",
    "palestinian": "PS",
    "kurdish": "",
    "yemeni": "YE",
    "saudi": "SA",
    "emirati": "AE",
    "iranian": "IR",
    "russian": "RU",
    "american": "US",
    "british": "GB",
    "french": "FR",
    "german": "DE",
    "somali": "SO",
    "sudanese": "SD",
    "malian": "ML",
    "nigerian": "NG",
    "kenyan": "KE",
    "bangladeshi": "BD",
    "pakistani": "PK",
    "ukrainian": "UA",
    "egyptian": "EG",
    "libyan": "LY",
    "iraqi": "IQ",
    "jordanian": "JO",
    "syrian": "SY",
    "ethiopian": "ET",
    "congolese": "CD",
    "burmese": "MM",
    "chinese": "CN",
    "indian": "IN",
}


@dataclass(slots=True)
class _Mention:
    """A span that may name a place, with the evidence that it does."""

    start: int
    end: int
    text: str
    query: str
    evidence: set[str] = field(default_factory=set)
    hint: str = ""
    qualifier: str = ""
    labels: set[str] = field(default_factory=set)
    #: Named as the countryside around it ("Damascus countryside", "the countryside of Hama").
    area: bool = False

    @property
    def key(self) -> str:
        return index_keys(self.query)[0]

    def placelike(self) -> bool:
        """Evidence that the text uses this as a place, whatever the gazetteer says."""
        return (
            bool(self.evidence & {"label", "pattern", "list", "strong"})
            or bool(self.hint)
            or bool(self.qualifier)
        )


@dataclass(slots=True)
class _Group:
    """All mentions of one name (same key): resolved once, the same way."""

    key: str
    query: str
    mentions: list[_Mention]
    candidates: list[Candidate] = field(default_factory=list)
    region_candidates: list[Candidate] = field(default_factory=list)
    #: Priors raised by corroboration (a probable point with a certain entry beside it).
    priors: dict[str, float] = field(default_factory=dict)
    exact_in_focus: bool = False
    #: Some candidate's name is spelled as written (case, marks and articles aside).
    identical: bool = False
    choice: Candidate | None = None
    score: float = 0.0
    reason: str = ""

    @property
    def placelike(self) -> bool:
        return any(m.placelike() for m in self.mentions)

    @property
    def exact(self) -> list[Candidate]:
        return [c for c in self.candidates if c.tier == "exact"]


def find_toponyms(
    doc: Doc, gazetteer: Gazetteer, *, countries: Sequence[str] = ()
) -> list[Toponym]:
    """Every place name of the article, resolved or explicitly unresolved, in text order.

    Args:
        doc: the parsed article (``doc.text`` is the article text; offsets index it).
        gazetteer: the installed gazetteer.
        countries: ISO codes the article is about; inferred from the text when empty.
    """
    text = doc.text  # Doc.text is rebuilt from the tokens on every access: read it once
    mentions = _recognize(doc, text, gazetteer)
    groups = _group(mentions)
    for group in groups:
        _candidates(group, gazetteer, fuzzy=False)
    home = gazetteer.home_countries()
    focus = tuple(c.upper() for c in countries) or _infer_focus(text, groups, home)
    for group in groups:
        # Fuzzy matches are tried only within the article's countries: worldwide, a misspelt
        # village finds some capital ("Abyan" -> Havana).
        if (
            focus
            and group.placelike
            and not any(c.place.country_code in focus for c in group.candidates)
            and not any(m.qualifier for m in group.mentions)
        ):
            # Only namesakes abroad: the article's countries may still hold the place under
            # another spelling ("Erbeen" is Arbin, not a French Arbent).
            abroad = group.candidates
            _candidates(group, gazetteer, fuzzy=True, countries=focus)
            group.candidates = group.candidates + abroad
    groups = groups + _capital_groups(text, gazetteer, focus)
    _keep_places(groups, focus)
    for group in groups:
        _corroborate(group, focus)
    _resolve(groups, focus, text, home=() if countries else home)
    return _toponyms(groups)


# --------------------------------------------------------------------------------------------
# Recognition
# --------------------------------------------------------------------------------------------


def _clean(text: str, start: int) -> tuple[str, int, str, str]:
    """Strip "the", possessives, trailing kind words and leading qualifiers from a span.

    Returns the name, its new start offset, the kind hint of a trailing word ("farms" -> near)
    and the qualifier ("Southwestern").
    """
    hint = ""
    qualifier = ""
    stripped = text.rstrip(" ,.;:")
    if stripped.endswith(("'s", "’s")):
        stripped = stripped[:-2]
    words = stripped.split()
    while len(words) > 1 and any(ch.isdigit() for ch in words[-1]):
        words.pop()  # "Al-Mushayrifah 2km from Uqayribat"
    while len(words) > 1 and words[-1].lower() in _SUFFIX_HINTS:
        hint = hint or _SUFFIX_HINTS[words[-1].lower()]
        words.pop()
    stripped = " ".join(words) if words else stripped
    lead = re.match(r"^(?:the|The)\s+", stripped)
    if lead:
        start += lead.end()
        stripped = stripped[lead.end() :]
    match = _QUALIFIER.match(stripped)
    if match and len(stripped) > match.end():
        qualifier = match.group(0).strip()
    # Offsets follow the original text; recompute the length from the (same-prefix) string.
    return stripped, start, hint, qualifier


def _recognize(doc: Doc, text: str, gazetteer: Gazetteer) -> list[_Mention]:
    found: dict[tuple[int, int], _Mention] = {}

    def add(
        start: int, end: int, evidence: str, label: str = "", hint: str = ""
    ) -> _Mention | None:
        # "al-Nusra Front", "Syrian Army": an organisation word anywhere in the span (unless it
        # is a lowercase kind word about to be stripped, as in "the Ein Terma front").
        raw_words = [w.strip("'’.,") for w in re.split(r"[\s-]+", text[start:end])]
        if any(
            w.lower() in ORG_WORDS and not (w.islower() and w in _SUFFIX_HINTS) for w in raw_words
        ):
            return None
        pair = _PAIR.search(text[start:end])
        if pair:
            # "Nayrab - Sarmin road", "Tal Marwan- Al Zayat axes": two places, one at each end.
            first = add(start, start + pair.start(), evidence, label, hint)
            add(start + pair.end(), end, evidence, label, hint)
            return first
        name, start, trailing_hint, qualifier = _clean(text[start:end], start)
        if len(name) < 2 or not any(ch.isupper() for ch in name[:1] + name):
            return None
        if is_generic(name):
            return None  # "the Kafr area": a generic word is no name on its own
        end = start + len(name)
        if text[start:end] != name:
            return None
        words = {w.lower().strip("'’") for w in re.split(r"[\s-]+", name)}
        if words & ORG_WORDS or _QUALIFIER_ONLY.fullmatch(name) or name.lower() in ACTOR_NAMES:
            return None
        org_of = _ORG_OF.search(text[max(0, start - 40) : start])
        if org_of and org_of.group(1).lower() in _ORG_HEADS:
            return None  # "the Islamic Party of Turkistan", "the Military Council of Manbij"
        if (
            name.lower() in _ENGLISH_GENERIC
            or name.lower() in _CALENDAR_WORDS
            or name.lower() in _COMMUNITIES
        ):
            return None  # "the Old City" -> "Old", "in Spring"
        if _ATTRIBUTIVE_HYPHEN.search(name) or _ATTRIBUTIVE_HYPHEN.match(text[end : end + 20]):
            return None  # "IS-held outskirts", "US-led coalition": an actor word, not a place
        if label == "NORP" and _DEMONYM_ENDING.search(name):
            return None  # "Australian", "Iraqis": people, not places
        if (
            name.lower() in _DEMONYM_EXCEPTIONS
            or re.fullmatch(r"[A-Z]+", name)
            and len(name) <= 3
            and not label
        ):
            return None
        query = name[len(qualifier) :].strip() if qualifier else name
        mention = found.get((start, end))
        if mention is None:
            mention = _Mention(start, end, name, query, qualifier=qualifier)
            found[(start, end)] = mention
        mention.evidence.add(evidence)
        if label:
            mention.labels.add(label)
        mention.hint = mention.hint or hint or trailing_hint
        after = text[end : end + 30]
        word_after = re.match(r"^\s+(\w+)", after)
        if word_after and word_after.group(1).lower() in _SUFFIX_HINTS:
            mention.hint = mention.hint or _SUFFIX_HINTS[word_after.group(1).lower()]
            mention.evidence.add("pattern")
        before = text[max(0, start - 40) : start]
        if _COUNTRYSIDE_AROUND.search(before) or _COUNTRYSIDE_AFTER.match(after):
            mention.area = True
        prefix = _PREFIX_HINT.search(before)
        if prefix:
            mention.hint = mention.hint or next(k for k, v in prefix.groupdict().items() if v)
            mention.evidence.add("pattern")
        if _LOCATIVE.search(before):
            mention.evidence.add("locative")
        if (
            _STRONG_LOCATIVE.search(before)
            or _CONTAINED.match(text[end : end + 60])
            or _AFTER_KIND_COMMA.search(before)
        ):
            mention.evidence.add("strong")
        if _ATTRIBUTIVE.match(after):
            mention.evidence.add("attributive")
        return mention

    known: dict[str, tuple[bool, bool, bool]] = {}
    home = gazetteer.home_countries()

    def lookup(phrase: str) -> tuple[bool, bool, bool]:
        """(known at all, known as a major place: a country, region, capital or city, known as
        a regional capital or region)."""
        key = index_keys(phrase)[0]
        if key not in known:
            found = gazetteer.lookup(phrase, limit=5, fuzzy=False) if key else []
            exact = [c for c in found if c.tier == "exact"]
            major = any(
                c.place.feature_code in _MAJOR_FEATURES or c.place.population >= 50_000
                for c in exact
            )
            capital = any(c.place.feature_code in ("PPLA", "PPLC", "ADM1") for c in exact)
            # A phrase only sounding like a place abroad ("Dar'a Al-Mansheyyi" ~ Durmenach) is
            # not known; a loose match counts in the countries of the user's own lists.
            known_at_all = bool(exact) or any(c.place.country_code in home for c in found)
            known[key] = (known_at_all, major, capital)
        return known[key]

    def is_known(phrase: str) -> bool:
        return lookup(phrase)[0]

    # Names of persons and organisations (as spaCy sees them) that the gazetteer does not know
    # as a whole: no place is looked for inside them ("Fatah al-Sham" is not al-Sham/Damascus).
    masked: list[tuple[int, int]] = []
    for ent in doc.ents:
        if ent.label_ in _NON_PLACE_LABELS:
            # "On 1 March 2020": no "March". The small model also reads a bare village name
            # as a date or a language ("in Erbeen", "near Aleppo"): such a label is ignored.
            if any(t.like_num or t.lower_ in _CALENDAR_WORDS or t.is_lower for t in ent) or (
                ent.label_ not in ("DATE", "TIME", "LANGUAGE")
            ):
                masked.append((ent.start_char, ent.end_char))
            continue
        mention = add(
            ent.start_char,
            ent.end_char,
            "label" if ent.label_ in _PLACE_LABELS else "ent",
            ent.label_,
        )
        if ent.label_ in ("PERSON", "ORG", "NORP") and (
            mention is None or not is_known(mention.query)
        ):
            masked.append((ent.start_char, ent.end_char))

    # Gazetteer-driven n-grams over runs of capitalised words.
    for chunk in _CHUNK.finditer(text):
        words = list(re.finditer(r"\S+", chunk.group(0)))
        if {w.group(0).lower().strip("'’") for w in words} & ORG_WORDS:
            continue
        base = chunk.start()
        n = len(words)
        # "Ma'dan Atiq village": a kind word after the run makes the whole run one name; only
        # a name at its end may be matched alone ("Western Ghoutain Khan al-Sheih farms").
        whole_name = bool(_KIND_WORD_AFTER.match(text[chunk.end() : chunk.end() + 25]))
        i = 0
        while i < n:
            matched = False
            for j in range(min(n, i + 6), i, -1):
                start, end = base + words[i].start(), base + words[j - 1].end()
                phrase = text[start:end]
                # "Ma'dan Atiq village" is one name; "Dar'a Al-Mansheyyi neighbourhood" names a
                # quarter of a regional capital, which then places it.
                city_prefix = whole_name and i == 0 and j < n and lookup(phrase)[2]
                if whole_name and j < n and not city_prefix:
                    continue
                if not city_prefix and any(
                    start < m_end and m_start < end for m_start, m_end in masked
                ):
                    continue
                if i > 0 and phrase[:1].islower():
                    continue
                if i > 0 and words[i - 1].group(0).lower() in _BARE_ARTICLES:
                    continue  # "Suquor al Sham": the end of a longer name, no place of its own
                # "Khan" of "Khan al-Sheih" is no name of its own; "Daraa" of "Daraa al-Balad"
                # (a quarter of the city) is.
                # So is "Hayat" of "Hayat Tahrir al-Sham": the name runs on to an "al-" word.
                continued = any(
                    re.match(rf"{_ARTICLE}(?:[-\s]|$)", words[k].group(0)) for k in range(j, n)
                )
                if continued and not lookup(phrase)[1]:
                    continue
                if j - i == 1 and (
                    phrase.lower() in _CALENDAR_WORDS or phrase.lower() in _ENGLISH_GENERIC
                ):
                    continue
                # "Fas" of "Abu Fas", "Allo" of "Tell Allo": a generic word before it in the
                # same run of names makes it part of a longer name.
                after_generic = i > 0 and is_generic(words[i - 1].group(0))
                if after_generic and not lookup(phrase)[1]:
                    continue
                if j - i == 1 and (not _standalone_name(doc, start, end) or is_generic(phrase)):
                    continue
                if is_known(phrase):
                    add(start, end, "gazetteer")
                    i = j
                    matched = True
                    break
            if not matched:
                i += 1

    # "clashes with the regime in Kafruma": a proper name after "in", "near", "captured" ... is
    # a place even when neither spaCy nor the gazetteer knows it; it is kept as written (fuzzy
    # matching in the article's countries may still find it).
    taken = sorted(found)
    for chunk in _CHUNK.finditer(text):
        start, end = chunk.span()
        index = bisect.bisect_left(taken, (end, -1))
        if any(s < end and start < e for s, e in taken[max(0, index - 8) : index]):
            continue
        if not _STRONG_LOCATIVE.search(text[max(0, start - 40) : start]):
            continue
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        # spaCy's small model reads some villages as dates ("in Erbeen"): a label counts only
        # for words that look like what it says.
        if any(t.ent_type_ and t.ent_type_ not in ("DATE", "TIME") for t in span) or any(
            t.lower_ in _CALENDAR_WORDS or t.like_num for t in span
        ):
            continue
        if all(t.pos_ == "PROPN" for t in span if t.is_alpha and not t.is_lower):
            add(start, end, "pattern")
    _add_patterns(text, add)
    mentions = sorted(found.values(), key=lambda m: (m.start, -m.end))
    # A name listed with places ("Khan al-Sheih, al-Zakiyeh and al-Tibeh") is a place too.
    for previous, mention in itertools.pairwise(mentions):
        between = text[previous.end : mention.start]
        if re.fullmatch(r"\s*(?:,|,?\s+and|,?\s+or)\s+", between) and (
            previous.placelike() or "locative" in previous.evidence
        ):
            mention.evidence.add("list")
    return mentions


def _standalone_name(doc: Doc, start: int, end: int) -> bool:
    """A single capitalised word counts only where English would not capitalise a common word."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    token = span[0]
    if token.is_sent_start or (
        token.i > 0 and doc[token.i - 1].text in {'"', "“", "‘", "'", "(", "\n"}
    ):
        return token.pos_ == "PROPN" and not token.is_stop
    return not token.is_stop


_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(rf"\b(?:town|village|city|hamlet|camp)\s+of\s+(?:the\s+)?({_NAME})"),
        "town",
    ),
    (re.compile(rf"\b(?:neighbou?rhood|quarter)\s+of\s+(?:the\s+)?({_NAME})"), "quarter"),
    (re.compile(rf"({_NAME})\s+(?:neighbou?rhoods?|quarter)\b"), "quarter"),
    (
        re.compile(
            rf"\b(?:region|area|countryside|province|governorate|district|outskirts|suburbs|vicinity)\s+of\s+(?:the\s+)?({_NAME})"
        ),
        "region",
    ),
    (re.compile(rf"({_NAME})\s+(?:farms|farm|fields|outskirts|suburbs|countryside)\b"), "near"),
    (re.compile(rf"({_NAME})\s+(?:village|town|city|camp)\b"), "town"),
    (re.compile(rf"({_NAME})\s+(?:province|governorate|provinces)\b"), "admin"),
    (
        re.compile(
            rf"(?:[Ee]ast|[Ww]est|[Nn]orth|[Ss]outh|[Nn]orth-?[Ee]ast|[Nn]orth-?[Ww]est|[Ss]outh-?[Ee]ast|[Ss]outh-?[Ww]est)(?:ern)?\s+of\s+(?:the\s+)?(?:town\s+of\s+|village\s+of\s+)?({_NAME})"
        ),
        "near",
    ),
    (
        re.compile(
            rf"\b(?:road|highway|route)\s+(?:between|connecting|linking|from)\s+(?:the\s+(?:town|village|city)\s+of\s+)?({_NAME})\s+(?:and|to|with)\s+(?:the\s+(?:town|village|city)\s+of\s+)?({_NAME})"
        ),
        "near",
    ),
    (re.compile(rf"({_NAME}),\s+({_NAME})\s+(?:province|governorate)\b"), "pair"),
    (
        re.compile(
            rf"\b(?:in|at|near|from|to|into|across|throughout|of)\s+(?:the\s+)?((?:{_DIRECTIONS.title()})\s+{_NAME})"
        ),
        "region",
    ),
)


def _add_patterns(text: str, add: object) -> None:
    for pattern, hint in _PATTERNS:
        for match in pattern.finditer(text):
            for group in range(1, (pattern.groups or 0) + 1):
                start, end = match.span(group)
                if start < 0:
                    continue
                kind = hint if hint != "pair" else ("" if group == 1 else "admin")
                add(start, end, "pattern", "", kind)  # type: ignore[operator]


def _group(mentions: Sequence[_Mention]) -> list[_Group]:
    groups: dict[str, _Group] = {}
    for mention in mentions:
        signature = f"{mention.key}|{mention.qualifier.lower()}|{mention.area}"
        if not mention.key:
            continue
        group = groups.get(signature)
        if group is None:
            group = groups[signature] = _Group(mention.key, mention.query, [])
        group.mentions.append(mention)
    return list(groups.values())


def _candidates(
    group: _Group, gazetteer: Gazetteer, *, fuzzy: bool, countries: Sequence[str] = ()
) -> None:
    group.candidates = gazetteer.lookup(group.query, countries=countries, limit=60, fuzzy=fuzzy)
    qualifier = next((m.qualifier for m in group.mentions if m.qualifier), "")
    if qualifier:
        # The name after a qualifier must match exactly ("Western Ghoutain" is no "Htan"), and
        # name an area: a region or a town ("eastern Hama"); "Eastern Ghouta" is the Ghouta
        # plain, not the eastern part of some hamlet called Ghota.
        group.candidates = [
            c
            for c in group.candidates
            if c.tier == "exact"
            and (
                c.place.feature_class != "P"
                or c.place.feature_code in _MAJOR_FEATURES
                or c.place.population >= 10_000
            )
        ]
    area = any(m.area for m in group.mentions)
    if (qualifier or area) and not group.region_candidates:
        # "Southwestern Damascus": first the whole phrase, then the region around the city
        # ("Damascus countryside" is the governorate of Rural Damascus where one exists).
        whole = (
            [
                c
                for c in gazetteer.lookup(f"{qualifier} {group.query}", limit=10, fuzzy=False)
                if c.tier == "exact"
            ]
            if qualifier
            else []
        )
        if whole:
            group.region_candidates = whole
            return
        for form in _REGION_FORMS:
            found = [
                c
                for c in gazetteer.lookup(
                    form.format(group.query), limit=10, fuzzy=False, feature_classes=("A",)
                )
                if c.tier == "exact"
            ]
            if found:
                group.region_candidates = found
                return


# --------------------------------------------------------------------------------------------
# Focus and filtering
# --------------------------------------------------------------------------------------------


def _infer_focus(text: str, groups: Sequence[_Group], home: Sequence[str] = ()) -> tuple[str, ...]:
    """The countries the article is about: country names, places, demonyms.

    Country names count most; a place name votes for the countries of its exact candidates
    (the more countries have the name, the less its vote counts); a demonym ("Syrian",
    "Russian") counts little, since in conflict reports it mostly names an actor ("Russian
    airstrikes"). A country enters the focus only with firm evidence: its name, a place name
    found in that country alone, or a region or regional capital of it. The gazetteer's home
    countries (those the user installed place lists for) break ties and decide when nothing
    else does.
    """
    votes: dict[str, float] = defaultdict(float)
    firm: set[str] = set()
    for code in home:
        votes[code] += 0.25
    for word in re.findall(r"[A-Z][a-z]+", text):
        demonym = _DEMONYM_EXCEPTIONS.get(word.lower())
        if demonym:
            votes[demonym] += 0.25
    for group in groups:
        exact = group.exact
        if not exact:
            continue
        countries = {c.place.country_code for c in exact}
        weight = len(group.mentions)
        if any(c.place.feature_code == "PCLI" for c in exact):
            country = next(c.place.country_code for c in exact if c.place.feature_code == "PCLI")
            if _article_prefixed(group.query, exact) or not any(
                _well_spelled(group.query, c.matched_name)
                for c in exact
                if c.place.feature_code == "PCLI"
            ):
                continue  # "the AL-Romania area", "Qaboun" (~ Gabon): no country named
            for mention in group.mentions:
                # "UK reported ...": a country named as a source is not where things happen,
                # nor is one that qualifies an actor ("US Special Forces", "Turkey's army").
                after = text[mention.end : mention.end + 30]
                aside = _REPORTING.match(after) or _ATTRIBUTIVE.match(after)
                votes[country] += 0.25 if aside else 2.0
                if not aside:
                    firm.add(country)
        elif group.placelike or any("locative" in m.evidence for m in group.mentions):
            mentions = [m for m in group.mentions if "attributive" not in m.evidence]
            if not mentions:
                continue  # "Uzbek and Turkestan fighters": who fights, not where
            weight = len(mentions)
            significant = any(
                c.place.feature_code in _MAJOR_FEATURES or c.place.population >= 10_000
                for c in exact
            )
            # A name that is, or sounds like, a name of the home lists ("Maghir" is a Syrian
            # village, "Harsta" a Harasta) says nothing of the country of its namesake abroad.
            domestic = any(c.place.country_code in home for c in group.candidates)
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
                if code in home:
                    # ... but the user installed local lists for this country: its names are
                    # what the user's reports are about.
                    votes[code] += 0.5 * weight
            if domestic:
                firm |= countries & set(home)
                continue
            # Firm evidence is a name spelled as the place itself is ("Herat", "Kunduz"), not
            # one that merely shares a key with it ("Kajla" is no Keila).
            spelled = [c for c in exact if _well_spelled(group.query, c.place.name)]
            if len(countries) == 1 and significant and spelled:
                firm |= countries
            firm |= {
                c.place.country_code
                for c in spelled
                if c.place.feature_code in ("ADM1", "PPLA", "PPLC") and c.place.population >= 10_000
            }
    if not votes:
        return ()
    ranked = sorted(votes.items(), key=lambda item: (-item[1], item[0]))
    top = ranked[0][1]
    focus = tuple(
        code for code, count in ranked if count >= 0.5 * top and (code in firm or code in home)
    )
    return focus or tuple(home) or (ranked[0][0],)


def _significance(place: Place) -> float:
    """How much a place's existence says about its country: regions and capitals most."""
    rank = 2.0 if place.feature_code in ("ADM1", "PPLA", "PPLC", "PCLI") else 0.0
    return 1.0 + rank + math.log10(place.population + 1) / 2


def _capital_groups(text: str, gazetteer: Gazetteer, focus: Sequence[str]) -> list[_Group]:
    """ "the outskirts of the capital": in an article about one country, its capital city."""
    if len(focus) != 1:
        return []
    mentions = [
        _Mention(m.start(), m.end(), m.group(0), "", {"pattern"}, hint="town")
        for m in _THE_CAPITAL.finditer(text)
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
        _Group(
            key=index_keys(capital.name)[0],
            query=capital.name,
            mentions=mentions,
            candidates=[Candidate(capital, capital.name, 1.0, 1.0, "exact")],
        )
    ]


def _corroborate(group: _Group, focus: Sequence[str]) -> None:
    """Raise the prior of a probable entry that another source puts at the same spot (within
    3 km): two independent lists agreeing on a village are as good as one certain list."""
    group.exact_in_focus = any(
        c.tier == "exact" and (not focus or c.place.country_code in focus) for c in group.candidates
    )
    group.identical = any(
        c.tier == "exact" and _surface(group.query, c.matched_name) >= 0.95
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


def _keep_places(groups: Sequence[_Group], focus: Sequence[str]) -> None:
    """Drop what is not a place: unknown persons and organisations, stray capitalised words."""
    for group in groups:
        abroad = bool(focus) and all(c.place.country_code not in focus for c in group.candidates)
        if abroad or any(c.place.feature_code == "PCLI" for c in group.exact):
            # "US Special Forces", "Uzbek and Turkestan fighters": the name qualifies an actor.
            group.mentions = [m for m in group.mentions if "attributive" not in m.evidence]
        if re.fullmatch(r"[A-Z][A-Z.]{1,4}", group.query):
            # Acronyms ("AAS", "SDF") are actors, unless they name a country ("US", "UAE").
            group.candidates = [c for c in group.candidates if c.place.feature_code == "PCLI"]
            if not group.candidates:
                group.mentions = []
            continue
        placelike = group.placelike
        locative = any("locative" in m.evidence for m in group.mentions)
        labels = {label for m in group.mentions for label in m.labels}
        person_like = bool(labels & {"PERSON", "ORG", "NORP"}) and not labels & _PLACE_LABELS
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
            c.place.feature_code in _MAJOR_FEATURES or c.place.population >= 100_000
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
            if not ((strongly and in_focus) or (locative and (major or exact_here))):
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
    if hints & {"town", "near", "quarter"}:
        return 1.0 if klass == "P" else 0.6
    if "region" in hints:
        return 1.0 if klass in ("A", "L", "T") else 0.85
    if klass == "P":
        return 1.0
    if code in ("ADM1", "ADM2"):
        return 0.85
    if klass == "A":
        return 0.7
    if klass in ("T", "H", "L"):
        return 0.7
    return 0.5


def _distance(place: Place, anchors: Sequence[Place]) -> float | None:
    if not anchors:
        return None
    return min(
        haversine_km(place.latitude, place.longitude, a.latitude, a.longitude) for a in anchors
    )


def _inside(candidate: Place, container: Place) -> bool:
    """Whether ``candidate`` lies in ``container``. A regional capital named as a container
    ("X in Aleppo", "the countryside of Hama") stands for its whole governorate."""
    if container.feature_code == "PCLI":
        return candidate.country_code == container.country_code
    if candidate.country_code and candidate.country_code != container.country_code:
        return False
    distance = haversine_km(
        candidate.latitude, candidate.longitude, container.latitude, container.longitude
    )
    capital = container.feature_code in ("PPLC", "PPLA")
    if capital and candidate.admin1 and container.admin1:
        # The governorate, or the city's own surroundings across the governorate line (Harasta
        # and Khan al-Shih are Rural Damascus); not a namesake 40 km away in the next one.
        return candidate.admin1 == container.admin1 or distance <= _SUBURBS_KM
    district = container.feature_code == "PPLA2"
    if district and candidate.admin2 and container.admin2:
        return candidate.admin2 == container.admin2 or distance <= _SUBURBS_KM
    if container.feature_class == "A" and container.feature_code in ("ADM1", "ADM2", "ADM3"):
        level_name = container.admin1 if container.feature_code == "ADM1" else container.admin2
        if container.feature_code == "ADM1" and candidate.admin1 and level_name:
            return candidate.admin1 == level_name
        if container.feature_code == "ADM2" and candidate.admin2 and level_name:
            return candidate.admin2 == level_name
    return distance <= 40.0


def _score(
    candidate: Candidate,
    group: _Group,
    focus: Sequence[str],
    anchors: Sequence[Place],
    containers: Sequence[Place],
    variants: dict[str, Place],
    regions: frozenset[tuple[str, str]] = frozenset(),
    home: Sequence[str] = (),
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
    surface = _surface(group.query, candidate.matched_name)
    if (
        candidate.tier == "exact"
        and surface < 0.8
        and group.identical
        and _surface(candidate.matched_name, place.name) < 0.9
    ):
        # Another entry carries the name letter for letter ("Bara" the village, not Aleppo's
        # old name Berea, which merely shares its key); a place's own main name is exempt.
        score *= 0.6
        notes.append(f"spelled '{candidate.matched_name}' there")
    elif candidate.tier == "exact" and surface < 0.6:
        # The key erased too much ("al-Mallah" and "Male" share one): trust it less.
        score *= 0.7
        notes.append(f"spelled '{candidate.matched_name}' there")
    if place.feature_code == "PCLI" and (
        surface < 0.85 or _article_prefixed(group.query, [candidate])
    ):
        # Country names have one spelling in English: "Al-Qaboun" is no Gabon, and "the
        # Al-Romania area" of a Syrian city is no Romania.
        score *= 0.4 if surface < 0.85 else 0.2
    minor = place.feature_code not in _MAJOR_FEATURES and place.population < 100_000
    if regions and place.feature_class == "P" and minor:
        if (place.country_code, place.admin1) in regions:
            score *= 1.15
            notes.append(f"in {place.admin1}, which the article names")
        else:
            # Outside every region the article names: a spelling variant is then a guess.
            score *= 0.85 if candidate.tier == "exact" else 0.6
    if focus and place.country_code not in focus and place.feature_code != "PCLI":
        # Abroad, a capital or big city may well be meant, spelled the usual way; a village far
        # less often, and a name that merely looks like a foreign town almost never.
        # Spelled as the place is known (its main name), not as one of the hundreds of
        # alternate names GeoNames gives a world city ("Kitah" is an alternate name of Quito).
        spelled = (
            candidate.tier == "exact"
            and _surface(group.query, place.name) >= 0.85
            and len(group.key) > 3
        )
        world_city = spelled and (place.feature_code == "PPLC" or place.population >= 1_000_000)
        major = spelled and (place.feature_code in _MAJOR_FEATURES and place.population >= 100_000)
        score *= 0.85 if world_city else 0.5 if major else 0.35 if spelled else 0.15
        notes.append(f"outside the article's countries ({', '.join(focus)})")
    elif len(focus) > 1 and place.country_code in home:
        # Several countries in focus: the one the user installed local lists for breaks ties.
        score *= 1.1
    score *= 1.0 + 0.03 * math.log10(place.population + 1)
    # Regional capitals say which region the article is about (see ``regions``), not which
    # village is meant: the distance counts to the other villages and towns only.
    villages = [a for a in anchors if a.feature_code not in ("PPLA", "PPLC")]
    distance = _distance(place, villages or anchors)
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
            # A hamlet a thousand kilometres from everything else is hardly ever meant.
            floor = 0.85 if wide else 0.55 if distance < 500 else 0.3
            score *= floor + (1.0 - floor) * math.exp(-distance / scale)
        else:
            score *= 0.3 + 0.7 * math.exp(-distance / min(scale, 60.0))
        if distance < 60:
            notes.append(f"{distance:.0f} km from the article's other places")
    for container in containers:
        if place.feature_code == "PCLI" or (
            place.feature_class == "A"
            and container.feature_class == "P"
            and container.feature_code not in ("PPLA", "PPLC")
        ):
            continue  # "Rural Damascus in the outskirts of Mastumeh": no containment
        if _inside(place, container):
            score *= 1.25
            notes.append(f"in {_area_name(container)}, as the text says")
        else:
            # The writer says where it is: a namesake elsewhere is almost never meant, and no
            # answer (the container then places the name) is better than a wrong village. A
            # governorate is the exception near its edge: writers put a border village in the
            # next one ("Maskanah in Ar-Raqqa governorate" lies just inside Aleppo).
            near_edge = container.feature_class == "A" and (
                haversine_km(
                    place.latitude, place.longitude, container.latitude, container.longitude
                )
                <= _EDGE_KM
            )
            score *= 0.6 if near_edge else 0.25
            notes.append(f"not in {_area_name(container)}, where the text puts it")
    if "quarter" in hints:
        cities = [
            a
            for a in anchors
            if a.feature_code in ("PPLC", "PPLA", "PPLA2") or a.population >= 50_000
        ]
        near_city = _distance(place, cities)
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


def _area_name(place: Place) -> str:
    """A region by its admin name ("Rural Damascus"), other places by their own name."""
    if place.feature_code == "ADM1" and place.admin1:
        return place.admin1
    if place.feature_code == "ADM2" and place.admin2:
        return place.admin2
    return place.name


@lru_cache(maxsize=1 << 16)
def _surface_form(name: str) -> str:
    """A name without case, diacritics, marks and articles, for comparing spellings."""
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(ch)
    )
    text = _SURFACE_MARKS.sub("", text)
    return _SURFACE_ARTICLE.sub("", text).replace("-", " ").strip()


@lru_cache(maxsize=1 << 16)
def _surface(written: str, matched: str) -> float:
    """How alike two names look once case, diacritics, marks and articles are gone (0-1)."""
    return float(fuzz.ratio(_surface_form(written), _surface_form(matched))) / 100.0


def _article_prefixed(written: str, candidates: Sequence[Candidate]) -> bool:
    """An Arabic article glued to a name ("Al-Romania") that the matched names lack."""
    if not _ARTICLE_PREFIX.match(written):
        return False
    return not any(_ARTICLE_PREFIX.match(c.matched_name) for c in candidates)


def _well_spelled(written: str, matched: str) -> bool:
    """The same name letter for letter, give or take marks and articles (surface >= 0.9)."""
    return _surface(written, matched) >= 0.9


def _regions(groups: Sequence[_Group], focus: Sequence[str]) -> frozenset[tuple[str, str]]:
    """The admin1 regions the article names ("Idlib province", "the countryside of Hama")."""
    out: set[tuple[str, str]] = set()
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
            out.add((place.country_code, place.admin1))
    return frozenset(out)


def _container_places(group: _Group, groups: Sequence[_Group], text: str) -> list[Place]:
    """Places the text says contain this name: "X in Southwestern Damascus", "X, Idlib province",
    "X neighbourhood of Deir-ez-Zor city", "Damascus's X neighbourhood"."""
    out: list[Place] = []
    mentions = sorted(
        ((m.start, m.end, g, m) for g in groups for m in g.mentions), key=lambda item: item[:2]
    )
    starts = [item[0] for item in mentions]

    def next_container(end: int) -> tuple[_Group, _Mention] | None:
        index = bisect.bisect_left(starts, end)
        # "Hamidiya, Jbeileh and Al-Huwaiqa neighbourhoods in Deir-ez-Zor city": the container
        # after a list holds every name of it.
        for _ in range(_LIST_HOPS + 1):
            if index >= len(mentions):
                return None
            start, mention_end, container, mention = mentions[index]
            if start - end > _CONTAINER_GAP:
                return None
            place = container.choice.place if container.choice else None
            link = _bare_link(text[end:start])
            if _links_container(link, place, text[mention_end : mention_end + 30]):
                return container, mention
            if not _LIST_LINK.fullmatch(link):
                return None
            end = mention_end
            index = bisect.bisect_left(starts, end)
        return None

    def previous_container(start: int) -> _Group | None:
        index = bisect.bisect_left(starts, start) - 1
        while index >= 0 and mentions[index][1] > start:
            index -= 1
        if index < 0:
            return None
        _, end, container, _ = mentions[index]
        return container if _POSSESSIVE_LINK.match(text[end:start]) else None

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
        if place.feature_class in ("A", "P") and place not in out:
            out.append(place)
    return out


def _can_contain(inner: Place | None, outer: Place | None) -> bool:
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


def _bare_link(link: str) -> str:
    """The words between two names without parentheses: "Al-Dar'eiyah (Al-Bareed)
    neighbourhood of Ar-Raqqa" links the first name to the city; an opening parenthesis before
    a second name makes it an alias, read like a list."""
    if _ALIAS_OPEN.fullmatch(link):
        return ", "
    return _PARENTHETICAL.sub("", link)


def _links_container(link: str, container: Place | None, after: str) -> bool:
    """Whether "X<link>Y<after>" states that Y contains X."""
    if _QUARTER_LINK.match(link):
        return True
    return bool(_CONTAINER_LINK.match(link)) and _contains(link, container, after)


def _contains(link: str, container: Place | None, after: str) -> bool:
    """Whether "X<link>Y<after>" states that Y contains X. A bare comma does so only before a
    kind word ("Tiba, Raqqa province") or for a country, a region or a regional capital that
    ends a list ("Kunduz, Afghanistan", "northern Afrin, Aleppo"); "Berlin, Qamishli and
    Kurdistan" is a list, not a containment."""
    if not re.fullmatch(r"\s*,\s*", link):
        return True
    if _KIND_AFTER.match(after):
        return True
    return (
        container is not None
        and container.feature_code in ("PCLI", "ADM1", "PPLA", "PPLC")
        and not _LIST_GOES_ON.match(after)
    )


def _resolve(
    groups: Sequence[_Group], focus: Sequence[str], text: str, home: Sequence[str] = ()
) -> None:
    live = [g for g in groups if g.mentions]
    anchors_of: dict[int, Place] = {}
    # Round 0: names whose exact candidates all sit together in the focus countries are anchors.
    for index, group in enumerate(live):
        exact = [c for c in group.exact if not focus or c.place.country_code in focus]
        if exact and all(c.place.feature_code not in ("PCLI", "ADM1") for c in exact[:1]):
            first = exact[0].place
            if all(
                haversine_km(first.latitude, first.longitude, c.place.latitude, c.place.longitude)
                < 30
                for c in exact
            ):
                anchors_of[index] = first
    regions: frozenset[tuple[str, str]] = frozenset()
    for _ in range(3):
        variants_of = _variants(live)
        for index, group in enumerate(live):
            anchors = [
                p
                for i, p in anchors_of.items()
                if i != index and live[i].key != group.key and not _spellings(live[i], group)
            ]
            _choose(group, live, focus, anchors, variants_of.get(index, {}), text, regions, home)
        regions = _regions(live, focus)
        anchors_of = {
            i: g.choice.place
            for i, g in enumerate(live)
            if g.choice is not None
            and g.score >= 0.55
            and g.choice.place.feature_code not in ("PCLI", "ADM1", "ADM2")
        }


def _spellings(one: _Group, other: _Group) -> bool:
    """Whether two names are spellings of one name (same skeleton, or keys 85% alike)."""
    loose = index_keys(one.query)[1]
    return bool(loose and loose == index_keys(other.query)[1]) or (
        similarity(one.key, other.key) >= 0.85
    )


def _variants(groups: Sequence[_Group]) -> dict[int, dict[str, Place]]:
    """For each name, the places chosen for other spellings of it in the same article.

    Only the leading spelling (the one written most often, then first) pulls the others:
    two spellings pulling each other would swap places from one round to the next.
    """
    out: dict[int, dict[str, Place]] = defaultdict(dict)

    def lead(index: int) -> tuple[int, int]:
        return (-len(groups[index].mentions), min(m.start for m in groups[index].mentions))

    for i, group in enumerate(groups):
        for j, other in enumerate(groups):
            if (
                i == j
                or other.key == group.key
                or other.choice is None
                or other.score < 0.5
                or other.choice.tier != "exact"
                or lead(j) > lead(i)
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
    group: _Group,
    groups: Sequence[_Group],
    focus: Sequence[str],
    anchors: Sequence[Place],
    variants: dict[str, Place],
    text: str,
    regions: frozenset[tuple[str, str]] = frozenset(),
    home: Sequence[str] = (),
) -> None:
    containers = _container_places(group, groups, text)
    qualifier = next((m.qualifier for m in group.mentions if m.qualifier), "")
    pool = group.region_candidates or group.candidates
    scored: list[tuple[float, Candidate, list[str]]] = []
    regions_here = [
        c.place for c in pool if c.place.feature_code in ("ADM1", "ADM2") and c.tier == "exact"
    ]
    for candidate in pool:
        score, notes = _score(candidate, group, focus, anchors, containers, variants, regions, home)
        place = candidate.place
        if place.feature_code in ("PPLC", "PPLA", "PPLA2") and any(
            region.country_code == place.country_code
            and haversine_km(region.latitude, region.longitude, place.latitude, place.longitude)
            < 30
            for region in regions_here
        ):
            # A region named after its capital ("Moscow", "Idlib"): the bare name means the
            # town unless the text says province (that hint already favours the region).
            score *= 1.15
        scored.append((score, candidate, notes))
    scored.sort(key=lambda item: -item[0])
    label = group.mentions[0].text
    if not scored:
        group.choice, group.score = None, 0.0
        group.reason = f"'{label}' is not in the gazetteer"
        return
    best_score, best, notes = scored[0]
    rivals = [
        s
        for s, c, _ in scored[1:]
        if haversine_km(
            c.place.latitude, c.place.longitude, best.place.latitude, best.place.longitude
        )
        > 25
        and not (c.place.feature_class == "A" or best.place.feature_class == "A")
        or c.place.country_code != best.place.country_code
    ]
    if best_score < MIN_SCORE:
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
    if rivals and rivals[0] > 0.85 * best_score:
        confidence *= 0.8
        notes.append(f"close to {len(rivals)} namesake(s) elsewhere")
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


def _toponyms(groups: Sequence[_Group]) -> list[Toponym]:
    chosen: list[tuple[_Mention, _Group]] = []
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


def qualifies_actor(after: str) -> bool:
    """Whether the words after a place name make it qualify an actor ("Idlib rebels", "US and
    UK warplanes", "Turkey's army"): the place then says who acts, not where."""
    return bool(_ATTRIBUTIVE.match(after))


def stated_containers(text: str, toponyms: Sequence[Toponym]) -> dict[int, int]:
    """Index of each toponym -> index of the toponym the text says contains it.

    "the town of Khan al-Sheih in Southwestern Damascus", "X, Idlib province", "Hamidiya and
    Jbeileh neighbourhoods in Deir-ez-Zor city" (every name of the list) and "Damascus's Jobar"
    state containment; the event-location step uses it to place a village the gazetteer lacks.
    """
    out: dict[int, int] = {}
    for i, toponym in enumerate(toponyms):
        end, j = toponym.end, i + 1
        for _ in range(_LIST_HOPS + 1):
            if j >= len(toponyms) or toponyms[j].start - end > _CONTAINER_GAP:
                break
            other = toponyms[j]
            link = _bare_link(text[end : other.start])
            if _links_container(
                link, other.place, text[other.end : other.end + 30]
            ) and _can_contain(toponym.place, other.place):
                out[i] = j
                break
            if not _LIST_LINK.fullmatch(link):
                break
            end, j = other.end, j + 1
    for i, toponym in enumerate(toponyms):
        if i + 1 < len(toponyms) and i + 1 not in out:
            after = toponyms[i + 1]
            if _POSSESSIVE_LINK.match(text[toponym.end : after.start]):
                out[i + 1] = i  # "Damascus's Jobar neighbourhood"
    return out
