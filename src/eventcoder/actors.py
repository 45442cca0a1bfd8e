"""Actors the ACLED way: names as written in a report -> ACLED actor names and inter codes.

Reports name the same armed group in many ways ("al-Nusra Front", "Nusra", "Fatah al-Sham"),
call state forces by common nouns ("the army", "government troops", "regime forces") and
describe the rest with loaded or generic words ("terrorists", "militants", "protesters").
ACLED writes one name per actor, dated: the same group is "Jabhat Fateh al Sham" in November
2016 and "HTS: Hayat Tahrir al Sham" in 2018, and state forces carry the years of the regime
they serve ("Military Forces of Syria (2000-)"). This module maps the first to the second with
an alias table that is data, not code (``data/actors.csv``, reviewed by people; drafted from
the ACLED dev data by ``scripts/seed_actor_aliases.py``). The table, its columns, and ACLED's
codes and country names are :mod:`eventcoder.actor_table`; this module finds the table's
aliases in parsed articles and resolves them to actors.

Matching uses spaCy's PhraseMatcher over the parsed article and keeps the longest match
("Free Syrian Army" wins over "army"). A generic armed word right after a name belongs to it
("Taliban militants" is one mention), as does one before "of"/"from" and a group ("fighters
from rebel factions"); a generic label right before a name only describes it ("the loyalist
militia Tiger Force"); "military" qualifying a thing ("a military operation") names no
actor. :func:`allied` says which actors are one side by definition (a state's forces and
the militias fighting for it). Capitalised names no alias matched are compared with the
named aliases by spelling similarity ("Rahman Corp" -> "Al Rahman Corps",
:mod:`eventcoder.actor_spelling`). Community names
used as places ("West Pokot", "Turkana County") are not identity militias. Every resolved
:class:`~eventcoder.models.Actor` carries a one-line ``reason`` naming the words, the table
row's period and the date used. :func:`mention_role` tells agents ("X attacked", "by X") from
patients ("attacked X", "against X"), for choosing actor1 and actor2.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from pathlib import Path

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan
from spacy.util import filter_spans
from spacy.vocab import Vocab

from eventcoder import models
from eventcoder.actor_spelling import MIN_SKELETON, SpellingIndex, skeleton
from eventcoder.actor_table import (
    ALIAS_COLUMNS,
    ARMED_FALLBACK,
    AliasRow,
    alias_key,
    case_sensitive,
    country_code,
    country_name,
    fill_country,
    interaction_code,
    normalize_actor_name,
    parse_inter,
    read_alias_table,
)

# The codes and country names below are defined in eventcoder.actor_table and re-exported for
# the modules that import them from here (extract, acled, evaluate, the alias-drafting script).
__all__ = [
    "ALIAS_COLUMNS",
    "PRO_GOVERNMENT",
    "ActorContext",
    "ActorMention",
    "ActorResolver",
    "allied",
    "country_code",
    "country_name",
    "interaction_code",
    "mention_role",
    "normalize_actor_name",
    "parse_inter",
]

_PACKAGED_TABLE = "actors.csv"

#: ACLED's name for the militias that fight for a government ("allied militias", "loyalists").
PRO_GOVERNMENT = "Militia (Pro-Government)"
_STATE_NAME = re.compile(r"^(?:Former )?(?:Military|Police) Forces of (?:the )?(.+?) \(")


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
        name = fill_country(ARMED_FALLBACK, self.country)
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


def allied(first: models.Actor, second: models.Actor) -> bool:
    """True when two actors are on the same side by definition, whatever the sentence says.

    The same actor; two state forces of the report's country (army and police, a unit and its
    army: inter 1); and a state's forces with the militias that fight for it ("regime forces
    and allied militias"). Foreign forces (inter 8) are allies only by what a report says.
    """
    if first.name == second.name:
        return True
    sides = {"militia" if a.name == PRO_GOVERNMENT else a.inter for a in (first, second)}
    return sides in ({1}, {1, "militia"})


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
        named: dict[str, str] = {}
        for key, key_rows in self._rows.items():
            row = key_rows[0]
            if row.kind == "named" and not case_sensitive(row.alias) and row.alias[:1].isupper():
                alias_skeleton = skeleton(row.alias)
                if len(alias_skeleton) >= MIN_SKELETON:
                    named.setdefault(alias_skeleton, key)
        self._spelling = SpellingIndex(named)
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
                if _qualifies_a_thing(doc, span):
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

        Capitalised word runs that no alias matched are compared with the named aliases by
        spelling (:mod:`eventcoder.actor_spelling`); the best candidates are taken first and
        a candidate that overlaps one already taken, or names nothing in this country and
        period, is dropped.
        """
        taken = {i for match in found for i in range(match.start, match.end)}
        fuzzy: list[_Match] = []
        for score, start, end, key in self._spelling.candidates(doc, frozenset(taken)):
            if any(k in taken for k in range(start, end)):
                continue
            row, on_date = self._choose(key, iso2, on)
            if row is None:
                continue
            taken.update(range(start, end))
            fuzzy.append(_Match(start, end, row, on_date, fuzzy_alias=row.alias, score=score))
        return fuzzy

    def _matchers_for(self, vocab: Vocab) -> tuple[PhraseMatcher, PhraseMatcher]:
        cached = self._matchers.get(id(vocab))
        if cached is not None and cached[0] is vocab:
            return cached[1], cached[2]
        tokenizer = self._tokenizer(vocab)
        lower = PhraseMatcher(vocab, attr="LOWER")
        exact = PhraseMatcher(vocab, attr="ORTH")
        for key, variants in self._variants.items():
            target = exact if case_sensitive(key) else lower
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
        name = fill_country(row.acled_name, iso2)
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


#: Nouns that "military" qualifies without naming the armed forces as an actor: "a military
#: operation" (by rebels as often as by the army), "the military council of the SDF",
#: "military sources said".
_NOT_ACTOR_HEADS = frozenset(
    {
        "operation", "operations", "council", "councils", "court", "courts", "source", "sources",
        "official", "officials", "spokesman", "spokesperson", "analyst", "analysts", "expert",
        "experts", "campaign", "uniform", "uniforms", "academy",
    }
)  # fmt: skip


def _qualifies_a_thing(doc: Doc, span: SpacySpan) -> bool:
    """True for the adjective "military" before a noun that is not the forces themselves."""
    if len(span) != 1 or span[0].lower_ != "military" or span.end >= len(doc):
        return False
    return doc[span.end].lower_ in _NOT_ACTOR_HEADS


_GENERIC_HEAD_LINKS = frozenset({"of", "from", "the", "a", "an", "'s", "’s"})


def _absorb_generic_heads(doc: Doc, matches: list[_Match]) -> list[_Match]:
    """Fold a generic armed word into the actor it qualifies: "Taliban militants", "loyalist
    militia fighters", "fighters of the QSD", "fighters from rebel factions"; and drop a generic
    label right before a name: "the loyalist militia Tiger Force", "Islamist faction Jaysh
    al-Izza" name the Tiger Force and Jaysh al-Izza.

    Without this, "militants" in "Taliban militants" would be a second, generic mention of the
    same actor and could be resolved through the article to a different one.
    """
    kept: list[_Match] = []
    for index, match in enumerate(matches):
        after = matches[index + 1] if index + 1 < len(matches) else None
        if _is_armed_generic(match.row):
            before = kept[-1] if kept else None
            if (
                before is not None
                and not _is_armed_generic(before.row)
                and _linked(doc, before.end, match.start, 0)
            ):
                kept[-1] = replace(before, end=match.end)
                continue
            if (
                after is not None
                and not _is_armed_generic(after.row)
                and after.row.inter != 7
                and _linked(doc, match.end, after.start, 2)
            ):
                continue
        elif (
            match.row.kind == "generic"
            and 2 <= match.row.inter <= 4
            and after is not None
            and after.row.kind in ("named", "state")
            and after.start == match.end
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
