"""The actor alias table (``data/actors.csv``) and the ACLED codes and names it is written in.

Why a module of its own: the table is data reviewed by people, and reading and checking it,
ACLED's inter and interaction codes and its country names are needed by more than the actor
matcher (the ACLED CSV reader, the evaluation, the alias-drafting script) and need no spaCy.
:mod:`eventcoder.actors` matches the table's aliases in parsed articles.

The alias table has one row per (alias, period, country) with these columns:

    alias       the name as written ("al-Nusra Front", "the army", "protesters"). Matched
                case-insensitively, except aliases with no space and two or more capitals
                (acronyms such as IS, HTS, TIP, GAP, FaR), which match only as written, so
                "is", "tip" and "gap" never match. "-" also matches a space, "'" also "’".
    acled_name  ACLED's exact spelling ("Jabhat Fateh al Sham"). "{country}" stands for the
                ACLED country name of the report ("Civilians ({country})" -> "Civilians (Kenya)").
                A state name without regime years ("Military Forces of {country}", "Military
                Forces of Syria") takes them from the table's own rows for that name, which
                are dated: "the army" in a Kenyan report of 2010 is "Military Forces of Kenya
                (2002-2013)", with the regime dates kept in one place per country.
    inter       ACLED inter code 1-8 (1 state forces ... 8 external/other forces). State
                forces of another country than the report's become 8, as ACLED codes them.
    country     ISO 3166 alpha-2 code of the reports the row applies to; empty for any report.
                A row for the report's country wins over a row for any country.
    valid_from  first day the name applies (ISO date, inclusive); empty for "always".
    valid_to    first day it no longer applies (exclusive); empty for "still". A name used on
                a date outside every period gets the nearest period's name, and says so.
    kind        named: a specific organisation ("HTS", "Taliban");
                state: state forces named by a common noun or unit ("the army", "police");
                generic: a common noun for a kind of actor ("militants", "civilians",
                "rebels" in Syria). Generic words whose acled_name is the armed fall-back
                "Unidentified Armed Group ({country})" are resolved through the article: in a
                report that names al-Nusra Front, "terrorists" and "militants" are that group;
                unidentified: a phrase that says the actor is unknown ("unidentified gunmen");
                it is never resolved through the article.
    note        why the row exists (dev data counts, the source of a date), for reviewers.

"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from eventcoder.errors import ConfigError

#: Columns of the alias table, in file order.
ALIAS_COLUMNS: tuple[str, ...] = (
    "alias",
    "acled_name",
    "inter",
    "country",
    "valid_from",
    "valid_to",
    "kind",
    "note",
)

#: Values of the ``kind`` column.
KINDS: tuple[str, ...] = ("named", "state", "generic", "unidentified")

#: ACLED's inter codes, as the 2023 column set writes them in words.
INTER_NAMES: dict[str, int] = {
    "state forces": 1,
    "rebel group": 2,
    "political militia": 3,
    "identity militia": 4,
    "rioters": 5,
    "protesters": 6,
    "civilians": 7,
    "external/other forces": 8,
}

#: The armed fall-back name: generic armed words with no named group in the article.
ARMED_FALLBACK = "Unidentified Armed Group ({country})"

# ACLED's country names where they differ from CLDR's English names (babel).
_ACLED_COUNTRY_NAMES: dict[str, str] = {
    "BA": "Bosnia and Herzegovina",
    "CD": "Democratic Republic of Congo",
    "CG": "Republic of Congo",
    "CI": "Ivory Coast",
    "CV": "Cape Verde",
    "CZ": "Czech Republic",
    "FM": "Micronesia",
    "HK": "Hong Kong",
    "MK": "North Macedonia",
    "MM": "Myanmar",
    "MO": "Macau",
    "PS": "Palestine",
    "SZ": "eSwatini",
    "TL": "East Timor",
    "TR": "Turkey",
    "VA": "Vatican City",
    "XK": "Kosovo",
}


# ---------------------------------------------------------------------------------------------
# Codes and names


def interaction_code(inter1: int, inter2: int) -> int:
    """ACLED's two-digit interaction code: the smaller inter code first, X0 when one-sided.

    ``interaction_code(7, 3) == 37``; a rebel-only event is ``interaction_code(2, 0) == 20``;
    no actor at all gives 0.
    """
    for code in (inter1, inter2):
        if not 0 <= code <= 8:
            raise ValueError(f"inter codes run 0-8, got {code}")
    low, high = sorted((inter1, inter2))
    if low == 0:
        return high * 10
    return low * 10 + high


def parse_inter(value: str | int) -> int:
    """Read an ACLED inter code written as a digit ("2") or in words ("Rebel group").

    The 2023 ACLED column set writes inter codes in words; older files use digits. An empty
    value is 0 (no actor).

    Raises:
        ValueError: a value that is neither a code 0-8 nor one of ACLED's inter names.
    """
    text = str(value).strip()
    if not text:
        return 0
    if text.isdigit() and 0 <= int(text) <= 8:
        return int(text)
    code = INTER_NAMES.get(text.lower())
    if code is None:
        raise ValueError(
            f"unknown ACLED inter value {text!r}; expected 0-8 or one of "
            f"{', '.join(sorted(INTER_NAMES))}"
        )
    return code


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """ISO alpha-2 -> ACLED country name, from CLDR (babel) with ACLED's own spellings."""
    from babel import Locale

    names: dict[str, str] = {}
    for code, name in Locale("en").territories.items():
        if len(code) != 2 or not code.isalpha():
            continue
        name = re.sub(r"\s*\(.*\)$", "", name).replace(" & ", " and ")
        name = re.sub(r"^St\. ", "Saint ", name)
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        names[code] = ascii_name
    names.update(_ACLED_COUNTRY_NAMES)
    return names


@lru_cache(maxsize=1)
def _country_codes() -> dict[str, str]:
    """Lower-cased country name (ACLED's and CLDR's) -> ISO alpha-2 code."""
    from babel import Locale

    codes = {name.lower(): code for code, name in _country_names().items()}
    for code, name in Locale("en").territories.items():
        if len(code) == 2 and code.isalpha():
            codes.setdefault(name.lower(), code)
    return codes


def country_name(iso2: str) -> str:
    """The ACLED country name for an ISO alpha-2 code ("SY" -> "Syria"), for generic actors.

    Raises:
        ConfigError: the code is not an ISO 3166 alpha-2 country code.
    """
    name = _country_names().get(iso2.strip().upper())
    if name is None:
        raise ConfigError(
            f"unknown country code {iso2!r}; give an ISO 3166 alpha-2 code such as SY"
        )
    return name


def country_code(country: str) -> str:
    """ISO alpha-2 code for a code or an English country name ("Syria" -> "SY"); "" stays "".

    Raises:
        ConfigError: neither a known code nor a known country name.
    """
    text = country.strip()
    if not text:
        return ""
    if len(text) == 2 and text.upper() in _country_names():
        return text.upper()
    code = _country_codes().get(text.lower())
    if code is None:
        raise ConfigError(
            f"unknown country {country!r}; give an ISO 3166 alpha-2 code (SY) or an English "
            "country name (Syria)"
        )
    return code


def normalize_actor_name(name: str) -> str:
    """A comparison key under which spellings of the same ACLED actor agree.

    Drops what varies between ACLED releases and coders but not the actor: case, accents and
    punctuation, an acronym prefix ("QSD: Syrian Democratic Forces" -> "syrian democratic
    forces"), and the regime years with any sub-unit after them ("Military Forces of Syria
    (2000-) Syrian Arab Air Force" -> "military forces of syria"). Country qualifiers stay:
    "Islamic State (Syria)" and "Islamic State (Iraq)" are different actors.
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"^\s*(?:Former\s+)?[^\s:]{1,12}:\s+", "", text)
    text = re.sub(r"\s*\(\d{4}-(?:\d{4})?\).*$", "", text)
    text = re.sub(r"[^0-9A-Za-z()]+", " ", text.lower())
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------------------------------------
# The alias table


@dataclass(frozen=True, slots=True)
class AliasRow:
    """One row of the alias table (see the module docstring for the columns)."""

    alias: str
    acled_name: str
    inter: int
    country: str
    valid_from: date | None
    valid_to: date | None
    kind: str
    note: str = ""

    def valid_on(self, on: date) -> bool:
        """True when the name applies on ``on`` (``valid_from`` inclusive, ``valid_to`` not)."""
        if self.valid_from and on < self.valid_from:
            return False
        return not (self.valid_to and on >= self.valid_to)

    def days_outside(self, on: date) -> int:
        """How many days ``on`` lies outside this row's period (0 inside)."""
        if self.valid_from and on < self.valid_from:
            return (self.valid_from - on).days
        if self.valid_to and on >= self.valid_to:
            return (on - self.valid_to).days + 1
        return 0

    def period(self) -> str:
        """The period in words: "from 2016-07-28 to 2017-01-28", "before 2016-07-28", ""."""
        if self.valid_from and self.valid_to:
            return f"from {self.valid_from} to {self.valid_to}"
        if self.valid_from:
            return f"from {self.valid_from}"
        if self.valid_to:
            return f"before {self.valid_to}"
        return ""


def alias_key(alias: str) -> str:
    """The key an alias is matched under: as written for acronyms, else lower case.

    Hyphens count as spaces and curly apostrophes as straight ones, so "al-Nusra" and
    "al Nusra" share a key.
    """
    text = re.sub(r"\s+", " ", alias.replace("’", "'").replace("-", " ")).strip()
    return text if case_sensitive(alias) else text.lower()


def case_sensitive(alias: str) -> bool:
    """Acronyms (no space, two or more capitals: IS, HTS, FaR) match only as written."""
    stripped = alias.strip()
    return " " not in stripped and sum(ch.isupper() for ch in stripped) >= 2


def _parse_date(value: str, where: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"{where}: {value!r} is not an ISO date (write YYYY-MM-DD)") from None


def read_alias_table(path: Path) -> list[AliasRow]:
    """Read and check an alias table CSV (the columns of :data:`ALIAS_COLUMNS`).

    Raises:
        ConfigError: the file is missing, lacks a column, or a row has a bad value; the
            message names the file and line.
    """
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise ConfigError(
            f"{path}: cannot read the actor alias table ({error.strerror}); "
            "pass the path of a CSV with columns " + ",".join(ALIAS_COLUMNS)
        ) from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ALIAS_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ConfigError(
                f"{path}: the actor alias table lacks column(s) {', '.join(missing)}; "
                "its header must be " + ",".join(ALIAS_COLUMNS)
            )
        rows = [_read_row(raw, f"{path}:{number}") for number, raw in enumerate(reader, start=2)]
    if not rows:
        raise ConfigError(f"{path}: the actor alias table has no rows")
    seen: dict[tuple[str, str, date | None, date | None], int] = {}
    for number, row in enumerate(rows, start=2):
        key = (alias_key(row.alias).lower(), row.country, row.valid_from, row.valid_to)
        if key in seen:
            raise ConfigError(
                f"{path}:{number}: alias {row.alias!r} repeats line {seen[key]} for the same "
                "country and period; keep one of the two rows"
            )
        seen[key] = number
    return rows


def _read_row(raw: dict[str, str], where: str) -> AliasRow:
    values = {key: (raw.get(key) or "").strip() for key in ALIAS_COLUMNS}
    if not values["alias"] or not values["acled_name"]:
        raise ConfigError(f"{where}: alias and acled_name must both be filled in")
    if values["kind"] not in KINDS:
        raise ConfigError(
            f"{where}: kind must be one of {', '.join(KINDS)}, got {values['kind']!r}"
        )
    if not values["inter"].isdigit() or not 1 <= int(values["inter"]) <= 8:
        raise ConfigError(
            f"{where}: inter must be an ACLED inter code 1-8, got {values['inter']!r}"
        )
    country = values["country"].upper()
    if country:
        try:
            country_name(country)
        except ConfigError:
            raise ConfigError(
                f"{where}: country must be an ISO alpha-2 code or empty, got {country!r}"
            ) from None
    valid_from = _parse_date(values["valid_from"], where)
    valid_to = _parse_date(values["valid_to"], where)
    if valid_from and valid_to and valid_to <= valid_from:
        raise ConfigError(f"{where}: valid_to {valid_to} is not after valid_from {valid_from}")
    return AliasRow(
        alias=values["alias"],
        acled_name=values["acled_name"],
        inter=int(values["inter"]),
        country=country,
        valid_from=valid_from,
        valid_to=valid_to,
        kind=values["kind"],
        note=values["note"],
    )


def fill_country(template: str, iso2: str) -> str:
    """An ``acled_name`` with "{country}" filled in ("Civilians ({country})", "KE" ->
    "Civilians (Kenya)"); with no country the qualifier is dropped ("Civilians")."""
    if "{country}" not in template:
        return template
    if not iso2:
        return template.replace(" ({country})", "").replace("{country}", "").strip()
    return template.replace("{country}", country_name(iso2))
