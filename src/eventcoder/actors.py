"""Actors the ACLED way: names as written in a report -> ACLED actor names and inter codes.

Reports name the same armed group in many ways ("al-Nusra Front", "Nusra", "Fatah al-Sham"),
call state forces by common nouns ("the army", "government troops", "regime forces") and
describe the rest with loaded or generic words ("terrorists", "militants", "protesters").
ACLED writes one name per actor, dated: the same group is "Jabhat Fateh al Sham" in November
2016 and "HTS: Hayat Tahrir al Sham" in 2018, and state forces carry the years of the regime
they serve ("Military Forces of Syria (2000-)"). This module maps the first to the second with
an alias table that is data, not code (``data/actors.csv``, reviewed by people; drafted from
the ACLED dev data by ``scripts/seed_actor_aliases.py``).

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

Matching uses spaCy's PhraseMatcher over the parsed article and keeps the longest match
("Free Syrian Army" wins over "army"). A generic armed word right after a name belongs to it
("Taliban militants" is one mention). Capitalised names no alias matched are compared with the
named aliases by spelling similarity ("Rahman Corp" -> "Al Rahman Corps"). Community names
used as places ("West Pokot", "Turkana County") are not identity militias. Every resolved
:class:`~eventcoder.models.Actor` carries a one-line ``reason`` naming the words, the table
row's period and the date used. :func:`mention_role` tells agents ("X attacked", "by X") from
patients ("attacked X", "against X"), for choosing actor1 and actor2.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

import spacy
from rapidfuzz import fuzz, process
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan
from spacy.util import filter_spans
from spacy.vocab import Vocab

from eventcoder import models
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

_PACKAGED_TABLE = "actors.csv"
_STATE_NAME = re.compile(r"^(?:Former )?(?:Military|Police) Forces of (?:the )?(.+?) \(")

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
    return text if _case_sensitive(alias) else text.lower()


def _case_sensitive(alias: str) -> bool:
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


# ---------------------------------------------------------------------------------------------
# Mentions and article context


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor named in a sentence: the words, the ACLED actor, and whether the words are generic.

    ``generic`` is True for common nouns ("militants", "gunmen", "civilians", "unidentified
    gunmen"), False for names and state forces ("HTS", "the Syrian army").
    """

    span: models.Span
    actor: models.Actor
    generic: bool


@dataclass(frozen=True, slots=True)
class ActorContext:
    """The actors an article names, most mentioned first, for resolving generic words.

    ``actors`` pairs each named (non-generic) actor with its number of mentions;
    ``armed_group`` is the most mentioned named non-state armed actor (inter 2-4), the one
    loaded words such as "terrorists" refer to, and ``armed_group_words`` the words the
    article used for it.
    """

    country: str
    on: date | None
    actors: tuple[tuple[models.Actor, int], ...]
    armed_group: models.Actor | None = None
    armed_group_words: tuple[str, ...] = ()

    def resolve_generic(self, text: str, span: models.Span | None = None) -> models.Actor:
        """The actor a generic armed word ("terrorists", "gunmen") stands for in this article.

        The article's most mentioned named non-state armed group when there is one, else
        "Unidentified Armed Group (<Country>)" (or without a country when it is unknown).
        """
        if self.armed_group is not None:
            count = {a.name: n for a, n in self.actors}.get(self.armed_group.name, 0)
            words = ", ".join(f"'{w}'" for w in self.armed_group_words[:4])
            reason = (
                f"'{text}' is {self.armed_group.name}: the non-state armed group this article "
                f"names most ({count} mention{'s' if count != 1 else ''}: {words})"
            )
            return models.Actor(self.armed_group.name, self.armed_group.inter, span, reason)
        name = _fill_country(ARMED_FALLBACK, self.country)
        reason = f"'{text}' names no group and the article names no non-state armed actor: {name}"
        return models.Actor(name, 3, span, reason)


@dataclass(frozen=True, slots=True)
class _Match:
    """A matched alias in a doc, before the generic words are resolved."""

    start: int  # token offsets
    end: int
    row: AliasRow
    on_date: bool  # the row's period contains the date (or no date was given)
    fuzzy_alias: str = ""  # set when the words only resemble the alias
    score: float = 100.0


def _fill_country(template: str, iso2: str) -> str:
    if "{country}" not in template:
        return template
    if not iso2:
        return template.replace(" ({country})", "").replace("{country}", "").strip()
    return template.replace("{country}", country_name(iso2))


def _state_country(acled_name: str) -> str | None:
    """The country whose forces a state-forces name denotes: "Military Forces of Turkey (2016-)"."""
    found = _STATE_NAME.match(acled_name)
    return found.group(1) if found else None


# Tokens that may precede a title-cased generic word without making it part of a proper name.
_NAME_OPENERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "of", "and", "or"})


class ActorResolver:
    """Finds actors in parsed sentences and names them the ACLED way.

    Build it with :meth:`load`; one resolver serves any number of documents and countries.
    The PhraseMatchers are built lazily, once per spaCy vocabulary.
    """

    def __init__(self, rows: Sequence[AliasRow], source: str = "") -> None:
        self.source = source
        self._rows: dict[str, list[AliasRow]] = defaultdict(list)
        self._variants: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            key = alias_key(row.alias)
            self._rows[key].append(row)
            for variant in _spellings(row.alias):
                self._variants[key].add(variant)
        self._fuzzy_index: dict[str, str] = {}
        for key, key_rows in self._rows.items():
            row = key_rows[0]
            if row.kind == "named" and not _case_sensitive(row.alias) and row.alias[:1].isupper():
                skeleton = _skeleton(row.alias)
                if len(skeleton) >= 7:
                    self._fuzzy_index.setdefault(skeleton, key)
        self._fuzzy_keys = list(self._fuzzy_index)
        self._matchers: dict[int, tuple[Vocab, PhraseMatcher, PhraseMatcher]] = {}
        self._blank: spacy.language.Language | None = None
        self._last: tuple[Doc, str, date | None, list[_Match], ActorContext] | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> ActorResolver:
        """Load the alias table at ``path``, or the packaged ``data/actors.csv`` by default.

        Raises:
            ConfigError: the table is missing or malformed (the message names file and line).
        """
        if path is None:
            resource = resources.files("eventcoder") / "data" / _PACKAGED_TABLE
            with resources.as_file(resource) as packaged:
                return cls(read_alias_table(packaged), str(packaged))
        return cls(read_alias_table(Path(path)), str(path))

    @property
    def rows(self) -> list[AliasRow]:
        """Every row of the alias table, in key order."""
        return [row for rows in self._rows.values() for row in rows]

    # -- public API ---------------------------------------------------------------------------

    def find_mentions(
        self, sent: SpacySpan, *, country: str, on: date | None
    ) -> list[ActorMention]:
        """The actors mentioned in one sentence, each resolved to an ACLED name.

        ``country`` is the report's country (ISO code or name); ``on`` the event date, which
        picks the name valid then (the latest name when None). Generic armed words are
        resolved through the whole article (:meth:`article_context`).
        """
        iso2 = country_code(country)
        matches, context = self._analyse(sent.doc, iso2, on)
        return [
            self._mention(sent.doc, match, iso2, on, context)
            for match in matches
            if match.start >= sent.start and match.end <= sent.end
        ]

    def resolve(self, text: str, *, country: str, on: date | None) -> models.Actor | None:
        """The ACLED actor a short name stands for ("Nusra", "the army"), or None.

        The whole text is tried as an alias first, then the longest alias inside it. Generic
        armed words resolve to the country's armed fall-back (there is no article context).
        The returned actor has no ``span``: offsets into ``text`` are not article offsets.
        """
        iso2 = country_code(country)
        row, on_date = self._choose(alias_key(text), iso2, on)
        if row is not None:
            context = ActorContext(country=iso2, on=on, actors=())
            return self._actor(row, text.strip(), None, iso2, on, on_date, context)
        if self._blank is None:
            self._blank = spacy.blank("en")
        doc = self._blank.make_doc(text)
        matches, context = self._analyse(doc, iso2, on)
        if not matches:
            return None
        best = max(matches, key=lambda m: (m.end - m.start, m.row.kind != "generic"))
        # Offsets into a loose string are no article offsets: the actor carries no span.
        return replace(self._mention(doc, best, iso2, on, context).actor, span=None)

    def article_context(self, doc: Doc, *, country: str, on: date | None) -> ActorContext:
        """The named actors of the whole article by frequency, and its main armed group."""
        return self._analyse(doc, country_code(country), on)[1]

    # -- matching -----------------------------------------------------------------------------

    def _analyse(self, doc: Doc, iso2: str, on: date | None) -> tuple[list[_Match], ActorContext]:
        """Matches and context for ``doc``, cached for the last doc (sentences come in order)."""
        last = self._last
        if last is not None and last[0] is doc and last[1] == iso2 and last[2] == on:
            return last[3], last[4]
        matches = self._match(doc, iso2, on)
        context = self._context(doc, matches, iso2, on)
        self._last = (doc, iso2, on, matches, context)
        return matches, context

    def _match(self, doc: Doc, iso2: str, on: date | None) -> list[_Match]:
        lower, exact = self._matchers_for(doc.vocab)
        # Resolve every candidate before choosing the longest, so that an alias with no
        # meaning in this country ("local police" outside Afghanistan) cannot hide a shorter
        # one that has ("police reservists" in Kenya).
        spans: list[SpacySpan] = []
        chosen: dict[tuple[int, int], tuple[AliasRow, bool]] = {}
        for matcher in (lower, exact):
            for match_id, start, end in matcher(doc):
                span = SpacySpan(doc, start, end, label=match_id)
                row, on_date = self._choose(doc.vocab.strings[match_id], iso2, on)
                if row is None or self._inside_proper_name(doc, span, row):
                    continue
                if row.inter == 4 and _names_a_place(doc, span):
                    continue
                spans.append(span)
                chosen[(start, end)] = (row, on_date)
        found = [
            _Match(span.start, span.end, *chosen[(span.start, span.end)])
            for span in filter_spans(spans)
        ]
        found += self._fuzzy_matches(doc, found, iso2, on)
        found.sort(key=lambda match: match.start)
        return _absorb_generic_heads(doc, found)

    def _fuzzy_matches(
        self, doc: Doc, found: list[_Match], iso2: str, on: date | None
    ) -> list[_Match]:
        """Named groups spelled unlike any alias: "Rahman Corp", "Jaysh Khaled Ibn al-Walid".

        Transliterated names vary more than a table can list, so capitalised word runs that
        no alias matched are compared with the named aliases after dropping case, articles
        ("al", "ibn") and punctuation; a close enough one (rapidfuzz ratio >= 90) counts.
        """
        taken = {i for match in found for i in range(match.start, match.end)}
        candidates: list[tuple[float, int, int, str]] = []
        for start, end in _name_runs(doc):
            for i in range(start, end):
                for j in range(end, i, -1):
                    if j - i > 6 or not _is_name_word(doc[j - 1]):
                        continue
                    if any(k in taken for k in range(i, j)):
                        continue
                    skeleton = _skeleton(doc[i:j].text)
                    if len(skeleton) < 7:
                        continue
                    best = process.extractOne(
                        skeleton, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
                    )
                    if best is not None:
                        candidates.append((best[1], j - i, i, best[0]))
        fuzzy: list[_Match] = []
        for score, length, i, skeleton in sorted(candidates, reverse=True):
            if any(k in taken for k in range(i, i + length)):
                continue
            key = self._fuzzy_index[skeleton]
            row, on_date = self._choose(key, iso2, on)
            if row is None:
                continue
            taken.update(range(i, i + length))
            fuzzy.append(_Match(i, i + length, row, on_date, fuzzy_alias=row.alias, score=score))
        return fuzzy

    def _matchers_for(self, vocab: Vocab) -> tuple[PhraseMatcher, PhraseMatcher]:
        cached = self._matchers.get(id(vocab))
        if cached is not None and cached[0] is vocab:
            return cached[1], cached[2]
        tokenizer = self._tokenizer(vocab)
        lower = PhraseMatcher(vocab, attr="LOWER")
        exact = PhraseMatcher(vocab, attr="ORTH")
        for key, variants in self._variants.items():
            target = exact if _case_sensitive(key) else lower
            target.add(key, [tokenizer.make_doc(v) for v in sorted(variants)])
        self._matchers[id(vocab)] = (vocab, lower, exact)
        return lower, exact

    @staticmethod
    def _tokenizer(vocab: Vocab) -> spacy.language.Language:
        """A blank English pipeline sharing ``vocab``: it tokenizes aliases as parsing does."""
        return spacy.blank("en", vocab=vocab)

    @staticmethod
    def _inside_proper_name(doc: Doc, span: SpacySpan, row: AliasRow) -> bool:
        """True for a one-word common noun that is part of an unknown proper name.

        "Army" in "Elite Army" or "Army of Revolutionaries" names a group missing from the
        table, not the state's army, so it is skipped rather than misnamed.
        """
        if row.kind not in ("state", "generic") or len(span) != 1 or not span[0].is_title:
            return False
        sent_start = span.sent.start if doc.has_annotation("SENT_START") else 0
        if span.start > sent_start:
            before = doc[span.start - 1]
            if before.is_title and not before.like_num and before.lower_ not in _NAME_OPENERS:
                return True
        followed_by_of_name = span.end + 1 < len(doc) and doc[span.end].lower_ == "of"
        return followed_by_of_name and doc[span.end + 1].is_title

    def _choose(self, key: str, iso2: str, on: date | None) -> tuple[AliasRow | None, bool]:
        """The row an alias means in a report from ``iso2`` on ``on``, and whether it is in period.

        Rows for the report's country and rows for any country compete: a row valid on the
        date beats one that is not; then the report country's row beats the general one;
        then the most recent period wins. With no date, the current (open-ended) name wins.
        """
        pool = [r for r in self._rows.get(key, ()) if not r.country or r.country == iso2]
        if not iso2:
            # Without a country, "{country}" names cannot be filled in, except generic ones.
            pool = [r for r in pool if "{country}" not in r.acled_name or r.kind != "state"]
        if not pool:
            return None, False

        def rank(row: AliasRow) -> tuple[int, bool, date]:
            if on is None:
                outside = 0 if row.valid_to is None else 1
            else:
                outside = row.days_outside(on)
            return (-outside, bool(row.country), row.valid_from or date.min)

        best = max(pool, key=rank)
        return best, on is None or best.valid_on(on)

    def _dated_state_name(self, name: str, on: date | None) -> tuple[str, AliasRow | None]:
        """The regime-dated name of "Military Forces of Syria" on ``on``, if the table has one."""
        if "(" in name:
            return name, None
        row, on_date = self._choose(alias_key(name), "", on)
        if row is None or row.kind != "state" or "{" in row.acled_name:
            return name, None
        return row.acled_name, row if on_date else None

    # -- resolution ---------------------------------------------------------------------------

    def _context(self, doc: Doc, matches: list[_Match], iso2: str, on: date | None) -> ActorContext:
        counts: Counter[str] = Counter()
        first: dict[str, models.Actor] = {}
        words: dict[str, list[str]] = defaultdict(list)
        for match in matches:
            if match.row.kind in ("generic", "unidentified"):
                continue
            text = doc[match.start : match.end].text
            actor = self._actor(match.row, text, None, iso2, on, match.on_date, None)
            counts[actor.name] += 1
            first.setdefault(actor.name, actor)
            if text not in words[actor.name]:
                words[actor.name].append(text)
        ranked = sorted(
            first.values(), key=lambda a: -counts[a.name]
        )  # stable: first mention wins ties
        armed = next((a for a in ranked if 2 <= a.inter <= 4), None)
        return ActorContext(
            country=iso2,
            on=on,
            actors=tuple((a, counts[a.name]) for a in ranked),
            armed_group=armed,
            armed_group_words=tuple(words[armed.name]) if armed else (),
        )

    def _mention(
        self, doc: Doc, match: _Match, iso2: str, on: date | None, context: ActorContext
    ) -> ActorMention:
        tokens = doc[match.start : match.end]
        span = models.Span(tokens.start_char, tokens.end_char, tokens.text)
        actor = self._actor(match.row, tokens.text, span, iso2, on, match.on_date, context)
        if match.fuzzy_alias:
            actor = replace(
                actor,
                reason=f"{actor.reason}; spelled like '{match.fuzzy_alias}' "
                f"(similarity {match.score:.0f})",
            )
        return ActorMention(span, actor, match.row.kind in ("generic", "unidentified"))

    def _actor(
        self,
        row: AliasRow,
        text: str,
        span: models.Span | None,
        iso2: str,
        on: date | None,
        on_date: bool,
        context: ActorContext | None,
    ) -> models.Actor:
        if _is_armed_generic(row) and context is not None:
            return context.resolve_generic(text, span)
        name = _fill_country(row.acled_name, iso2)
        inter = row.inter
        where = f"a {country_name(iso2)} report" if iso2 else "a report"
        regime: AliasRow | None = None
        if row.kind == "state":
            name, regime = self._dated_state_name(name, on)
            own = _state_country(name)
            if iso2 and own and own != country_name(iso2):
                inter = 8
        if row.kind == "named" and (row.valid_from or row.valid_to):
            when = f"ACLED name on {on}" if on else "latest ACLED name"
            reason = f"'{text}' is {name} {row.period()} ({when})"
            if not on_date:
                reason += f"; {on} is outside that period, so the nearest name is used"
        elif row.kind == "named":
            reason = f"'{text}' is {name} (alias table)"
        else:
            reason = f"'{text}' in {where} is {name}"
            if row.period():
                reason += f" ({row.period()}{'' if on_date else f'; {on} is outside'})"
            elif regime is not None and regime.period():
                reason += f" (regime name {regime.period()})"
            elif row.kind == "state" and "(" not in name:
                reason += " (regime years not in the alias table)"
        if inter == 8 and row.inter != 8:
            reason += " (state forces outside their country: inter 8)"
        return models.Actor(name, inter, span, reason)


def _spellings(alias: str) -> Iterator[str]:
    """The surface forms an alias is matched in: as written, hyphen as space, curly apostrophe."""
    base = re.sub(r"\s+", " ", alias.strip())
    forms = {
        base,
        base.replace("-", " "),
        base.replace("'", "’"),
        base.replace("-", " ").replace("'", "’"),
    }
    yield from (re.sub(r"\s+", " ", form).strip() for form in forms)


_PLACE_BEFORE = frozenset(
    {
        "in",
        "at",
        "near",
        "into",
        "across",
        "west",
        "east",
        "north",
        "south",
        "central",
        "upper",
        "lower",
    }
)
_PLACE_AFTER = frozenset(
    {
        "county",
        "district",
        "sub-county",
        "subcounty",
        "constituency",
        "town",
        "village",
        "road",
        "province",
        "region",
        "east",
        "west",
        "north",
        "south",
        "central",
        "university",
        "hospital",
    }
)


def _names_a_place(doc: Doc, span: SpacySpan) -> bool:
    """True when a community name is used as a place ("West Pokot", "Turkana County", "in Kisii").

    Identity militias (inter 4) are named after communities, and in Kenya, as in many
    countries, counties and towns carry the same names.
    """
    before = doc[span.start - 1].lower_ if span.start > 0 else ""
    after = doc[span.end].lower_ if span.end < len(doc) else ""
    return before in _PLACE_BEFORE or after in _PLACE_AFTER


_FUZZY_CUTOFF = 90.0
_NAME_LINKS = frozenset(
    {
        "al",
        "el",
        "ad",
        "ar",
        "as",
        "ash",
        "at",
        "az",
        "an",
        "ibn",
        "bin",
        "bn",
        "of",
        "the",
        "-",
        "'",
    }
)


def _skeleton(text: str) -> str:
    """A spelling-tolerant key: ASCII, lower case, no punctuation, no "al"/"ibn"/"of" words."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", " ", ascii_text.replace("'", "").replace("’", "")).split()
    return " ".join(w for w in words if w not in _NAME_LINKS)


def _is_name_word(token: spacy.tokens.Token) -> bool:
    return token.is_alpha and (token.is_title or (token.is_upper and len(token) > 1))


def _name_runs(doc: Doc) -> Iterator[tuple[int, int]]:
    """Token ranges of capitalised words, joined by "al", "ibn", "of" and hyphens."""
    index = 0
    while index < len(doc):
        if not _is_name_word(doc[index]):
            index += 1
            continue
        end = index + 1
        while end < len(doc) and (_is_name_word(doc[end]) or doc[end].lower_ in _NAME_LINKS):
            end += 1
        while end > index + 1 and not _is_name_word(doc[end - 1]):
            end -= 1
        yield index, end
        index = end


_GENERIC_HEAD_LINKS = frozenset({"of", "the", "'s", "’s"})


def _absorb_generic_heads(doc: Doc, matches: list[_Match]) -> list[_Match]:
    """Fold a generic armed word into the actor it qualifies: "Taliban militants", "loyalist
    militia fighters", "fighters of the QSD".

    Without this, "militants" in "Taliban militants" would be a second, generic mention of the
    same actor and could be resolved through the article to a different one.
    """
    kept: list[_Match] = []
    for index, match in enumerate(matches):
        if _is_armed_generic(match.row):
            before = kept[-1] if kept else None
            after = matches[index + 1] if index + 1 < len(matches) else None
            if (
                before is not None
                and not _is_armed_generic(before.row)
                and _linked(doc, before.end, match.start, 0)
            ):
                kept[-1] = replace(before, end=match.end)
                continue
            if (
                after is not None
                and after.row.kind in ("named", "state")
                and _linked(doc, match.end, after.start, 2)
            ):
                continue
        kept.append(match)
    return kept


def _is_armed_generic(row: AliasRow) -> bool:
    """A generic armed word that the article context may resolve ("militants", "gunmen")."""
    return row.kind == "generic" and row.acled_name == ARMED_FALLBACK


def _linked(doc: Doc, end: int, start: int, gap: int) -> bool:
    """True when at most ``gap`` tokens, each "of", "the" or a possessive, separate the two."""
    between = doc[end:start]
    return len(between) <= gap and all(t.lower_ in _GENERIC_HEAD_LINKS for t in between)


# ---------------------------------------------------------------------------------------------
# Roles: which mentions are the actor1 (agent) and actor2 (patient) of a sentence


_AGENT_PREPS = frozenset({"by"})
_PATIENT_PREPS = frozenset({"against", "on", "at", "from", "targeting", "upon", "into"})
_PARTNER_PREPS = frozenset({"with", "between", "alongside", "versus", "vs"})


def mention_role(doc: Doc, mention: ActorMention) -> str:
    """The syntactic role of a mention: "agent", "patient", "partner", "modifier" or "other".

    agent: subject of an active verb, or "by X"; patient: object, passive subject, "against
    X", "on X", "from X"; partner: "with X", "between X and Y"; modifier: a noun modifier
    ("regime positions"). ACLED's actor1 is usually the agent, actor2 the patient or partner.
    """
    span = doc.char_span(mention.span.start, mention.span.end, alignment_mode="expand")
    if span is None:
        return "other"
    return _token_role(span.root, 0)


def _token_role(token: spacy.tokens.Token, depth: int) -> str:
    if depth > 4:
        return "other"
    dep = token.dep_
    if dep in ("nsubj", "csubj"):
        return "agent"
    if dep in ("nsubjpass", "dobj", "attr", "dative", "oprd"):
        return "patient"
    if dep == "pobj":
        prep = token.head
        word = prep.lower_
        if word in _AGENT_PREPS or prep.dep_ == "agent":
            return "agent"
        if word in _PATIENT_PREPS:
            return "patient"
        if word in _PARTNER_PREPS:
            return "partner"
        if word == "of" and prep.head.pos_ in ("NOUN", "PROPN", "NUM", "PRON"):
            return _token_role(prep.head, depth + 1)
        return "other"
    if dep in ("conj", "appos"):
        return _token_role(token.head, depth + 1)
    if dep in ("compound", "poss", "amod", "nmod", "npadvmod"):
        return "modifier"
    return "other"
