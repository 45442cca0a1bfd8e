"""The words, patterns and spelling comparisons that tell a place name from other capitalised words.

Everything here is data or a pure function of strings: kind words ("farms", "province"),
locative cues ("in", "captured"), organisation and actor words, demonyms, the regular
expressions that link a name to its container ("X in Southwestern Damascus") and the surface
comparison of two spellings. Recognition (:mod:`eventcoder.toponym_spans`), focus
(:mod:`eventcoder.toponym_focus`) and scoring (:mod:`eventcoder.toponym_scoring`) share them,
so each cue is defined once.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from rapidfuzz import fuzz

from eventcoder.gazetteer import Candidate

#: A resolved toponym needs at least this score; below it the answer is an explicit no-match.
MIN_SCORE = 0.5
#: The geoparser's bar for a name the gazetteer holds as written (key and all): far from the
#: article's other places or outside its countries it still scores low, but it is the place
#: named far more often than a fuzzy match is ("Schaumburg", "Wintersville, Ohio"). A
#: sound-alike of a person's name ("Cuomo" ~ Como) keeps the higher bar, and so does event
#: location, which places a name below it at the container the text gives.
MIN_EXACT_SCORE = 0.3

#: The most confidence a place outside the article's countries gets (Toponym.score): the
#: event step does not use such a place when the article gives no other sign of its country.
OUTSIDE_FOCUS_CONFIDENCE = 0.6

#: Labels that never name places.
NON_PLACE_LABELS = frozenset(
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
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})

#: Words that make a capitalised phrase an organisation, unit or building, not a place.
# fmt: off
ORG_WORDS = frozenset(
    {
        "front", "army", "forces", "force", "brigade", "brigades", "battalion", "battalions",
        "division", "corps", "regiment", "room", "mosque", "church", "council", "committee",
        "ministry", "agency", "party", "movement", "organization", "organisation", "group",
        "groups", "union", "news", "press", "center", "centre", "command", "coalition",
        "alliance", "militia", "militias", "police", "guard", "guards", "university", "hospital",
        "school", "company", "inc", "llc", "ltd", "corp", "plc",
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
DIRECTIONS = (
    "northern|southern|eastern|western|northeastern|northwestern|southeastern|southwestern|"
    "north-eastern|north-western|south-eastern|south-western|central|northeast|northwest|southeast|"
    "southwest|north|south|east|west|upper|lower|greater|rural|suburban|outer|inner"
)
QUALIFIER = re.compile(rf"^(?:{DIRECTIONS})\s+", re.IGNORECASE)
#: A compass direction as written: "east", "Eastern", "north-west", "south eastern".
COMPASS = re.compile(
    r"\b(?:north|south|east|west)(?:ern)?(?:[\s-]?(?:east|west)(?:ern)?)?\b", re.IGNORECASE
)
QUALIFIER_ONLY = re.compile(rf"(?:{DIRECTIONS})", re.IGNORECASE)
REGION_FORMS: tuple[str, ...] = ("Rural {}", "Rif {}", "{} Countryside", "{} Governorate")

ARTICLE = (
    r"(?:al|el|ad|an|ar|as|ash|at|az|ed|en|er|es|esh|et|ez|ul|bin|ibn|bani|abu|umm|de|du|la|le)"
)
CAP_WORD = r"[A-Z][\w'’‘`ʿʾ]*(?:-[A-Za-z][\w'’‘`ʿʾ]*)*"
LOWER_PREFIX = rf"(?:{ARTICLE}-)"
NAME = rf"(?:{LOWER_PREFIX}?{CAP_WORD}(?:[ \t]+(?:{ARTICLE}[ \t]+)?{LOWER_PREFIX}?{CAP_WORD})*)"
#: "Party of Turkistan": the head word of an organisation's name before "of".
ORG_OF = re.compile(r"\b((?-i:[A-Z])[a-z]+)\s+of\s+(?:the\s+)?$")
ORG_HEADS = ORG_WORDS | {
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
    "chamber",
    "chambers",
}

SURFACE_MARKS = re.compile(r"['’‘`ʿʾ]")
SURFACE_ARTICLE = re.compile(rf"\b{ARTICLE}[-\s]+")

BARE_ARTICLES = frozenset(
    {"al", "el", "ad", "an", "ar", "as", "ash", "at", "az", "ed", "en", "er", "es", "et", "ez"}
)
ARTICLE_PREFIX = re.compile(
    r"^(?:al|el|ad|an|ar|as|ash|at|az|ed|en|er|es|et|ez)[-\s]", re.IGNORECASE
)
CHUNK = re.compile(rf"(?<![\w'’-]){NAME}")

#: Words after a name that say what kind of place it is ("Albuyizeh village", "Idlib province").
SUFFIX_HINTS: dict[str, str] = {
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
PREFIX_HINT = re.compile(
    r"\b(?:the\s+)?(?:(?P<town>town|village|city|hamlet|camp)|(?P<quarter>neighbou?rhood|quarter)|(?P<region>region|area|countryside|"
    r"province|governorate|district)|(?P<near>farms|fields|outskirts|suburbs|vicinity|edge))\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
#: "the countryside of X", "rural X", "X countryside": the area around a town, which for a
#: city that names a governorate ("Rural Damascus") is that governorate.
COUNTRYSIDE_AROUND = re.compile(
    r"(?:\bcountryside\s+of\s+(?:the\s+)?|(?<![\w-])rural\s+)$", re.IGNORECASE
)
COUNTRYSIDE_AFTER = re.compile(
    r"^\s+(?:(?:north|south|east|west)(?:ern)?[\s-]*(?:(?:north|south|east|west)(?:ern)?\s+)?)?"
    r"countryside\b",
    re.IGNORECASE,
)

#: "Puli Alam city, Logar", "Sherzad district, Nangarhar": the name after the comma is the
#: region that contains the first.
AFTER_KIND_COMMA = re.compile(
    r"\b(?:city|town|village|district|province|area|neighbou?rhood|camp|countryside|"
    r"sub-?district)\s*,\s*$",
    re.IGNORECASE,
)

#: "the capital" not followed by its name ("the capital, Kabul" names it anyway).
THE_CAPITAL = re.compile(r"\b[Tt]he\s+(?:country's\s+|national\s+)?capital\b(?!\s*,?\s*[A-Z])")

#: Words that make the next name a place even when spaCy calls it a person or organisation
#: (also when the name is quoted: "near 'Kafar Nan'").
STRONG_LOCATIVE = re.compile(
    r"\b(?:in|at|near|into|inside|outside|around|across|captur\w*|seiz\w*|took(?:\s+over)?|"
    r"tak(?:e|es|ing)\s+over|shell\w*|storm\w*|besieg\w*|bomb\w*|liberat\w*|recaptur\w*|retook|"
    r"overr[au]n|pound\w*|target\w*|(?:air\s*)?(?:raids?|strikes?|attacks?|offensive|assault)\s+on|"
    r"(?:village|town|city|outskirts|countryside|areas?|vicinity|edge)\s+of|"
    r"encircl\w*|surround\w*|"
    r"[\w-]+-(?:held|controlled|besieged|occupied))\s+(?:the\s+)?"
    r"(?:(?:north|south|east|west)(?:ern)?\s+|(?:rural|central|greater|upper|lower)\s+)?"
    r"['\"‘“]?$",
    re.IGNORECASE,
)

PAIR = re.compile(r"\s+[-–]\s*|\s*[-–]\s+")

KIND_WORD_AFTER = re.compile(
    r"^\s+(?:village|town|city|hamlet|camp|neighbou?rhoods?|district|sub-district|area|farms?|"
    r"hill|mount|mountain|airbase|airport|oilfield|dam|crossing)\b",
    re.IGNORECASE,
)

#: Months and weekdays: capitalised, and names of places somewhere ("March" is a Mersch).
# fmt: off
CALENDAR_WORDS = frozenset(
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
ENGLISH_GENERIC = frozenset(
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
COMMUNITIES = frozenset(
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
ATTRIBUTIVE_HYPHEN = re.compile(
    r"-(?:held|controlled|led|backed|based|run|occupied|besieged|affiliated|linked|allied|aligned|"
    r"supported|sponsored|funded|armed|trained|friendly|loyal|dominated)\b",
)

#: Feature codes of places a writer may name inside a longer name ("Daraa al-Balad").
MAJOR_FEATURES = frozenset({"PCLI", "ADM1", "ADM2", "PPLC", "PPLA", "PPLA2"})

#: Words before a name that use it as a place: prepositions ("in western Harasta") and verbs
#: whose object is a place in conflict reports ("captured Ain Dara", "shelled Kafr Nabl").
LOCATIVE = re.compile(
    r"\b(?:in|at|near|from|to|into|towards?|around|outside|inside|across|between|via|through|over|on|"
    r"east|west|north|south|of|and|or|including|such\s+as|captur\w*|seiz\w*|took(?:\s+over)?|tak(?:e|es|ing)\s+over|"
    r"control(?:led|s)?(?:\s+of)?|shell\w*|storm\w*|enter\w*|besieg\w*|bomb\w*|liberat\w*|"
    r"recaptur\w*|retook|retak\w*|overr[au]n|raid\w*|pound\w*|struck|encircl\w*|surround\w*)"
    r"\s+(?:the\s+)?"
    r"(?:(?:north|south|east|west)(?:ern)?\s+|(?:rural|central|greater|upper|lower)\s+)?"
    r"['\"‘“]?$",
    re.IGNORECASE,
)
#: Text between a place and the place containing it: "X in Y", "X, Y", "X village in the
#: southern countryside of Y", "X of Y", "the X suburb of Y", "X village area in Y", "X, Y and
#: other villages in Z".
CONTAINER_LINK = re.compile(
    r"^(?:\s*,?\s+(?:and|or)\s+(?:other|several|nearby|surrounding|neighbou?ring)\b)?"
    r"(?:\s+(?:villages?|towns?|city|hamlet|areas?|farms?|district|camp|neighbou?rhoods?|region|"
    r"suburbs?|"
    r"desert|front|axis|sub-district|subdistrict|quarters?|streets?|roads?|squares?|roundabouts?|"
    r"avenues?|bridges?|junctions?|circles?|stations?|buildings?|blocks?|gates?|markets?|"
    r"factory|factories|plants?|bases?|airports?|hospitals?|schools?|prisons?|orchards|gardens|"
    r"hills?|mountains?|checkpoints?|crossings?)){0,2}"
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
CONTAINED = re.compile(
    CONTAINER_LINK.pattern.rstrip("$").replace(r"|\s+of\s+", "") + r"(?=(?-i:[A-Z]))",
    re.IGNORECASE,
)

#: Words after a country name that make it qualify an actor ("US Special Forces", "Turkish
#: army" is a demonym already): the country is then no place of the text.
ATTRIBUTIVE = re.compile(
    r"^\.?(?:'s|’s)?(?:\s*(?:and/or|and|or|/)\s*(?-i:[A-Z][A-Za-z.]*)){0,2}"
    r"\s+(?:special\s+|armed\s+|military\s+|security\s+)?(?:forces|troops|army|military|fighters|"
    r"militants|rebels|jihadists|insurgents|artillery|aviation|bombers|missiles|"
    r"soldiers|coalition|air\s*force|warplanes|war\s*planes|jets|aircraft|planes|helicopters|drones|"
    r"air\s*strikes|airstrikes|strikes|officials|government|embassy|envoys?|president|ministry|navy|"
    r"marines|intelligence|advis[eo]rs|personnel|contractors|citizens|nationals|backed|led|"
    r"supported|proxies|militias?|allies|spokes(?:man|woman|person))\b",
    re.IGNORECASE,
)

#: The same before the name: "the military of Turkey", "forces of the regime".
ATTRIBUTIVE_BEFORE = re.compile(
    r"\b(?:forces|troops|army|military|soldiers|navy|air\s*force|government|president|"
    r"ministry|embassy|intelligence|militias?|proxies|allies)\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)

#: "Al-Qadisiyah neighbourhood west of Al-Raqqah city": a quarter placed by its city.
QUARTER_LINK = re.compile(
    r"^\s+(?:neighbou?rhoods?|quarters?|district|areas?)\s+(?:to\s+the\s+)?"
    r"(?:north|south|east|west)(?:ern)?(?:[\s-]*(?:north|south|east|west)(?:ern)?)?\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
#: A bare comma between two names ("Savannah, Georgia").
BARE_COMMA = re.compile(r"\s*,\s*")
#: A bare "of" between two names ("Edward of Southlake"), with no kind word before it.
BARE_OF = re.compile(r"\s+of\s+(?:the\s+)?", re.IGNORECASE)
#: Separators of a list of names; a container after the list holds all of them.
LIST_LINK = re.compile(r"\s*(?:,|,?\s+and|,?\s+or)\s+(?:the\s+)?", re.IGNORECASE)
LIST_HOPS = 8
ALIAS_OPEN = re.compile(r"\s*\(\s*")
PARENTHETICAL = re.compile(r"^\s*\)|\s*\([^()]*\)")
#: After "X, Y": another name follows, so "X, Y" was a list ("Azaz, Aleppo, and Idlib").
LIST_GOES_ON = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?(?:the\s+)?(?-i:[A-Z])|and\b|or\b)")

#: "Damascus's Jobar neighbourhood": the container comes first, in the possessive.
POSSESSIVE_LINK = re.compile(r"^(?:'s|’s|')\s+$")

KIND_AFTER = re.compile(
    r"^\s+(?:province|provinces|governorate|district|countryside|region|county|state)\b",
    re.IGNORECASE,
)

#: How far (km) from a governorate's capital a village the text puts there may lie in the
#: next governorate (writers misplace border villages).
EDGE_KM = 120.0

#: How far (km) from the nearest entry of the governorate a text names a village in the next
#: one may lie and still be taken (a border village put on the wrong side of the line).
BORDER_KM = 10.0

#: How far (km) a city's surroundings reach beyond its governorate or district line.
SUBURBS_KM = 30.0

#: How far (characters) a stated container may follow the place it contains.
CONTAINER_GAP = 60

REPORTING = re.compile(
    r"^\s+(?:has\s+|have\s+)?(?:said|says|reported|reports|announced|claimed|stated|accused|denied)\b",
    re.IGNORECASE,
)

#: Endings of demonyms and group names spaCy labels NORP ("Australian", "Iraqis", "Kurds").
DEMONYM_ENDING = re.compile(r"(?:ians?|eans?|ese|ish|is|ites?|ics?|kurds?|arabs?)$", re.IGNORECASE)

#: Demonyms that name a country without naming a place ("Syrian army").
DEMONYM_EXCEPTIONS: dict[str, str] = {
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


@lru_cache(maxsize=1 << 16)
def surface_form(name: str) -> str:
    """A name without case, diacritics, marks and articles, for comparing spellings."""
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(ch)
    )
    text = SURFACE_MARKS.sub("", text)
    return SURFACE_ARTICLE.sub("", text).replace("-", " ").strip()


@lru_cache(maxsize=1 << 16)
def surface_similarity(written: str, matched: str) -> float:
    """How alike two names look once case, diacritics, marks and articles are gone (0-1)."""
    return float(fuzz.ratio(surface_form(written), surface_form(matched))) / 100.0


def article_prefixed(written: str, candidates: Sequence[Candidate]) -> bool:
    """An Arabic article glued to a name ("Al-Romania") that the matched names lack."""
    if not ARTICLE_PREFIX.match(written):
        return False
    return not any(ARTICLE_PREFIX.match(c.matched_name) for c in candidates)


def names_country(written: str, matched: str) -> bool:
    """Whether a name matched to a country is that country's name: country names have one
    spelling in English, so "Columbia" (South Carolina's capital, a university) is no
    Colombia, though the two share a transliteration key. Stops and a leading "the" aside
    ("U.S" is the U.S., "Netherlands" The Netherlands); surface >= 0.95 on the letters left."""
    return surface_similarity(_country_letters(written), _country_letters(matched)) >= 0.95


def _country_letters(name: str) -> str:
    return re.sub(r"^the\s+|[^\w\s]", "", name.strip(), flags=re.IGNORECASE)


def well_spelled(written: str, matched: str) -> bool:
    """The same name letter for letter, give or take marks and articles (surface >= 0.9)."""
    return surface_similarity(written, matched) >= 0.9


#: Acronyms, also with lowercase joining letters ("SDF", "U.S.", "JaT" for Jaysh al-Thuwar).
ACRONYM = re.compile(r"[A-Z][A-Z.]{1,4}|[A-Z][a-z]?[A-Z][a-z]?[A-Z]?")

#: A lowercase preposition inside an entity span: "Alma in Dar'a", "Shaddadah of Hasakeh" are
#: two places ("Party of Turkistan" is caught as an organisation by ORG_OF).
ENTITY_LINK = re.compile(r"\s+(?:in|near|at|of)\s+")

#: "Ar-Raqqa city", "Afrin town": the container is the built-up place, not its surroundings.
CITY_AFTER = re.compile(r"^\s+(?:city|town)\b", re.IGNORECASE)


def compass_vector(direction: str) -> tuple[float, float] | None:
    """The unit (east, north) vector of a direction as written ("southwestern", "north east"),
    or None when it names no compass direction."""
    words = re.findall(r"north|south|east|west", direction.lower())
    if not words:
        return None
    x = sum({"east": 1.0, "west": -1.0}.get(w, 0.0) for w in words)
    y = sum({"north": 1.0, "south": -1.0}.get(w, 0.0) for w in words)
    length = math.hypot(x, y)
    return (x / length, y / length) if length else None


#: The AP style's abbreviations of US states and Canadian provinces, as datelines and
#: addresses write them after a town ("Louisville, Ky.", "Slidell, La.", "Vancouver, B.C."),
#: by country.
_ABBREVIATED = {
    "US": (
        "Ala.=Alabama Ariz.=Arizona Ark.=Arkansas Calif.=California Colo.=Colorado "
        "Conn.=Connecticut Del.=Delaware Fla.=Florida Ga.=Georgia Ill.=Illinois "
        "Ind.=Indiana Kan.=Kansas Kans.=Kansas Ky.=Kentucky La.=Louisiana Md.=Maryland "
        "Mass.=Massachusetts Mich.=Michigan Minn.=Minnesota Miss.=Mississippi Mo.=Missouri "
        "Mont.=Montana Neb.=Nebraska Nev.=Nevada N.H.=New_Hampshire N.J.=New_Jersey "
        "N.M.=New_Mexico N.Y.=New_York N.C.=North_Carolina N.D.=North_Dakota "
        "Okla.=Oklahoma Ore.=Oregon Pa.=Pennsylvania R.I.=Rhode_Island "
        "S.C.=South_Carolina S.D.=South_Dakota Tenn.=Tennessee Vt.=Vermont Va.=Virginia "
        "Wash.=Washington W.Va.=West_Virginia Wis.=Wisconsin Wyo.=Wyoming "
        "D.C.=District_of_Columbia"
    ),
    "CA": (
        "B.C.=British_Columbia Ont.=Ontario Que.=Quebec Alta.=Alberta Man.=Manitoba "
        "Sask.=Saskatchewan N.S.=Nova_Scotia N.B.=New_Brunswick"
    ),
}
#: Abbreviation -> the region's name ("Ky." -> "Kentucky").
STATE_ABBREVIATIONS: dict[str, str] = {
    abbreviation: region.replace("_", " ")
    for table in _ABBREVIATED.values()
    for abbreviation, region in (pair.split("=") for pair in table.split())
}

#: The abbreviations made of initials only ("S.C.", "B.C.", "D.C."), which no word spells: a
#: region wherever written ("the S.C. Highway Patrol", "Rep. Clyburn, D-S.C.", "in B.C."),
#: unless a number comes before ("500 B.C." is a date).
STATE_INITIALS = re.compile(
    r"(?<![\w.])(?<!\d )("
    + "|".join(
        re.escape(a)
        for a in sorted(STATE_ABBREVIATIONS, key=len, reverse=True)
        if re.fullmatch(r"(?:[A-Z]\.){2,}", a)
    )
    + r")(?![\w])"
)

STATE_AFTER_TOWN = re.compile(
    r"(?<=[A-Za-z], )("
    + "|".join(re.escape(a) for a in sorted(STATE_ABBREVIATIONS, key=len, reverse=True))
    + r")(?![A-Za-z])"
)
