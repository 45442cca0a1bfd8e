"""Recognition: the spans of an article that may name a place, grouped by name, with candidates.

spaCy's small model calls half the villages of a Syrian report PERSON or ORG, so its labels
are one source of spans among three: entities of any label, the longest gazetteer-known
n-gram of every run of capitalised words, and place patterns that hold for names the
gazetteer lacks ("the town of X", "X farms", "east of X"). Each span keeps the evidence that
it is a place; the mentions of one name form a :class:`_Group` that is looked up once.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc

from eventcoder.gazetteer import Candidate, Gazetteer
from eventcoder.place_modifiers import adjective_table
from eventcoder.placenames import direction_variants, index_keys, is_generic
from eventcoder.toponym_lexicon import (
    ACTOR_NAMES,
    AFTER_KIND_COMMA,
    ARTICLE,
    ATTRIBUTIVE,
    ATTRIBUTIVE_BEFORE,
    ATTRIBUTIVE_HYPHEN,
    BARE_ARTICLES,
    CALENDAR_WORDS,
    CHUNK,
    COMMUNITIES,
    CONTAINED,
    COUNTRYSIDE_AFTER,
    COUNTRYSIDE_AROUND,
    DEMONYM_ENDING,
    DEMONYM_EXCEPTIONS,
    DIRECTIONS,
    ENGLISH_GENERIC,
    ENTITY_LINK,
    KIND_WORD_AFTER,
    LOCATIVE,
    MAJOR_FEATURES,
    NAME,
    NON_PLACE_LABELS,
    ORG_HEADS,
    ORG_OF,
    ORG_WORDS,
    PAIR,
    PLACE_LABELS,
    PREFIX_HINT,
    QUALIFIER,
    QUALIFIER_ONLY,
    REGION_FORMS,
    STATE_ABBREVIATIONS,
    STATE_AFTER_TOWN,
    STATE_INITIALS,
    STRONG_LOCATIVE,
    SUFFIX_HINTS,
    names_country,
)

#: A list of names before "counties" or "parishes": "Cooke, Grayson and Love counties".
COUNTY_LIST = re.compile(
    rf"({NAME}(?:\s*,\s*{NAME})*,?\s+(?:and|or)\s+{NAME})\s+(counties|parishes)\b"
)

# Patterns of the hot recognition loops, compiled once.
_LEADING_THE = re.compile(r"^(?:the|The)\s+")
_WORD_BREAK = re.compile(r"[\s-]+")
_CAPITALS = re.compile(r"[A-Z]+")
_WORD_AFTER = re.compile(r"^\s+(\w+)")
_WORD = re.compile(r"\S+")
_ARTICLE_WORD = re.compile(rf"{ARTICLE}(?:[-\s]|$)")
_LIST_GAP = re.compile(r"\s*(?:,|,?\s+and|,?\s+or)\s+")


@dataclass(slots=True)
class Mention:
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
class NameGroup:
    """All mentions of one name (same key): resolved once, the same way."""

    key: str
    query: str
    mentions: list[Mention]
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

    @property
    def used_as_place(self) -> bool:
        """Place evidence, or a locative word before a mention ("in Brandon")."""
        return self.placelike or any("locative" in m.evidence for m in self.mentions)

    @property
    def names_country(self) -> bool:
        """The name is a country's, spelled as the country is: then it is that first
        ("Mexico", not Mexico, Missouri; but "Columbia" is no Colombia)."""
        return any(
            c.place.feature_code == "PCLI" and names_country(self.query, c.matched_name)
            for c in self.exact
        )


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
    while len(words) > 1 and words[-1].lower() in SUFFIX_HINTS:
        hint = hint or SUFFIX_HINTS[words[-1].lower()]
        words.pop()
    stripped = " ".join(words) if words else stripped
    lead = _LEADING_THE.match(stripped)
    if lead:
        start += lead.end()
        stripped = stripped[lead.end() :]
    match = QUALIFIER.match(stripped)
    if match and len(stripped) > match.end():
        qualifier = match.group(0).strip()
    # Offsets follow the original text; recompute the length from the (same-prefix) string.
    return stripped, start, hint, qualifier


def recognize(doc: Doc, text: str, gazetteer: Gazetteer) -> list[Mention]:
    """Every span that may name a place: entities, gazetteer n-grams and place patterns."""
    found: dict[tuple[int, int], Mention] = {}

    def add(start: int, end: int, evidence: str, label: str = "", hint: str = "") -> Mention | None:
        # "al-Nusra Front", "Syrian Army": an organisation word anywhere in the span (unless it
        # is a lowercase kind word about to be stripped, as in "the Ein Terma front").
        raw_words = [w.strip("'’.,") for w in _WORD_BREAK.split(text[start:end])]
        if any(
            w.lower() in ORG_WORDS and not (w.islower() and w in SUFFIX_HINTS) for w in raw_words
        ):
            return None
        pair = PAIR.search(text[start:end])
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
        words = {w.lower().strip("'’") for w in _WORD_BREAK.split(name)}
        if words & ORG_WORDS or QUALIFIER_ONLY.fullmatch(name) or name.lower() in ACTOR_NAMES:
            return None
        org_of = ORG_OF.search(text[max(0, start - 40) : start])
        if org_of and org_of.group(1).lower() in ORG_HEADS:
            return None  # "the Islamic Party of Turkistan", "the Military Council of Manbij"
        if (
            name.lower() in ENGLISH_GENERIC
            or name.lower() in CALENDAR_WORDS
            or name.lower() in COMMUNITIES
        ):
            return None  # "the Old City" -> "Old", "in Spring"
        if ATTRIBUTIVE_HYPHEN.search(name) or ATTRIBUTIVE_HYPHEN.match(text[end : end + 20]):
            return None  # "IS-held outskirts", "US-led coalition": an actor word, not a place
        if (label == "NORP" and DEMONYM_ENDING.search(name)) or name in adjective_table():
            # "Australian", "Iraqis": people, not places; nor is "Korean" of "the Korean
            # Peninsula" a Syrian village Koran (the geoparser reads adjectives on its own).
            return None
        if (
            name.lower() in DEMONYM_EXCEPTIONS
            or _CAPITALS.fullmatch(name)
            and len(name) <= 3
            and not label
        ):
            return None
        query = name[len(qualifier) :].strip() if qualifier else name
        mention = found.get((start, end))
        if mention is None:
            mention = Mention(start, end, name, query, qualifier=qualifier)
            found[(start, end)] = mention
        mention.evidence.add(evidence)
        if label:
            mention.labels.add(label)
        mention.hint = mention.hint or hint or trailing_hint
        after = text[end : end + 30]
        word_after = _WORD_AFTER.match(after)
        if word_after and word_after.group(1).lower() in SUFFIX_HINTS:
            mention.hint = mention.hint or SUFFIX_HINTS[word_after.group(1).lower()]
            mention.evidence.add("pattern")
        before = text[max(0, start - 40) : start]
        if COUNTRYSIDE_AROUND.search(before) or COUNTRYSIDE_AFTER.match(after):
            mention.area = True
        prefix = PREFIX_HINT.search(before)
        if prefix:
            mention.hint = mention.hint or next(k for k, v in prefix.groupdict().items() if v)
            mention.evidence.add("pattern")
        if LOCATIVE.search(before):
            mention.evidence.add("locative")
        if (
            STRONG_LOCATIVE.search(before)
            or CONTAINED.match(text[end : end + 60])
            or AFTER_KIND_COMMA.search(before)
        ):
            mention.evidence.add("strong")
        if ATTRIBUTIVE.match(after) or ATTRIBUTIVE_BEFORE.search(before):
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
                c.place.feature_code in MAJOR_FEATURES or c.place.population >= 50_000
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
        if ent.label_ in NON_PLACE_LABELS:
            # "On 1 March 2020": no "March". The small model also reads a bare village name
            # as a date or a language ("in Erbeen", "near Aleppo"): such a label is ignored.
            if any(t.like_num or t.lower_ in CALENDAR_WORDS or t.is_lower for t in ent) or (
                ent.label_ not in ("DATE", "TIME", "LANGUAGE")
            ):
                masked.append((ent.start_char, ent.end_char))
            continue
        for ent_start, ent_end in _split_at_links(text, ent.start_char, ent.end_char):
            mention = add(
                ent_start,
                ent_end,
                "label" if ent.label_ in PLACE_LABELS else "ent",
                ent.label_,
            )
            if ent.label_ in ("PERSON", "ORG", "NORP") and (
                mention is None or not is_known(mention.query)
            ):
                masked.append((ent_start, ent_end))

    masked.sort()
    masked_starts = [start for start, _ in masked]
    masked_ends = [end for _, end in masked]

    # Gazetteer-driven n-grams over runs of capitalised words.
    for chunk in CHUNK.finditer(text):
        words = list(_WORD.finditer(chunk.group(0)))
        if {w.group(0).lower().strip("'’") for w in words} & ORG_WORDS:
            continue
        base = chunk.start()
        n = len(words)
        # Only the masked names that overlap this run can block one of its n-grams. They are
        # entity spans, which never overlap: sorted by start, their ends are sorted too.
        blocking = masked[
            bisect.bisect_right(masked_ends, chunk.start()) : bisect.bisect_left(
                masked_starts, chunk.end()
            )
        ]
        # "Ma'dan Atiq village": a kind word after the run makes the whole run one name; only
        # a name at its end may be matched alone ("Western Ghoutain Khan al-Sheih farms").
        whole_name = bool(KIND_WORD_AFTER.match(text[chunk.end() : chunk.end() + 25]))
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
                # A masked name blocks the words inside it, not a longer known name around it:
                # "Ein Elfijeh" is a village although spaCy reads "Elfijeh" as a person.
                if not city_prefix and any(
                    start < m_end
                    and m_start < end
                    and not (start <= m_start and m_end <= end and end - start > m_end - m_start)
                    for m_start, m_end in blocking
                ):
                    continue
                if i > 0 and phrase[:1].islower():
                    continue
                if i > 0 and words[i - 1].group(0).lower() in BARE_ARTICLES:
                    continue  # "Suquor al Sham": the end of a longer name, no place of its own
                # "Khan" of "Khan al-Sheih" is no name of its own; "Daraa" of "Daraa al-Balad"
                # (a quarter of the city) is.
                # So is "Hayat" of "Hayat Tahrir al-Sham": the name runs on to an "al-" word.
                continued = any(_ARTICLE_WORD.match(words[k].group(0)) for k in range(j, n))
                if continued and not lookup(phrase)[1]:
                    continue
                if j - i == 1 and (
                    phrase.lower() in CALENDAR_WORDS or phrase.lower() in ENGLISH_GENERIC
                ):
                    continue
                # "Fas" of "Abu Fas", "Allo" of "Tell Allo": a generic word before it in the
                # same run of names makes it part of a longer name.
                after_generic = i > 0 and is_generic(words[i - 1].group(0))
                if after_generic and not lookup(phrase)[1]:
                    continue
                # "Eastern Ghouta" names the plain, not some village Ghota: after a direction in
                # the same run only a major place ("Eastern Aleppo") is matched on its own; the
                # qualified phrase is resolved as an area.
                after_direction = i > 0 and QUALIFIER_ONLY.fullmatch(words[i - 1].group(0))
                if after_direction and not lookup(phrase)[1]:
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
    for chunk in CHUNK.finditer(text):
        start, end = chunk.span()
        index = bisect.bisect_left(taken, (end, -1))
        if any(s < end and start < e for s, e in taken[max(0, index - 8) : index]):
            continue
        if not STRONG_LOCATIVE.search(text[max(0, start - 40) : start]):
            continue
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        # spaCy's small model reads some villages as dates ("in Erbeen"): a label counts only
        # for words that look like what it says.
        if any(t.ent_type_ and t.ent_type_ not in ("DATE", "TIME") for t in span) or any(
            t.lower_ in CALENDAR_WORDS or t.like_num for t in span
        ):
            continue
        if all(t.pos_ == "PROPN" for t in span if t.is_alpha and not t.is_lower):
            add(start, end, "pattern")
    _add_patterns(text, add)
    # "in Eastland and Callahan counties": each name of the list is a county, looked up as such.
    for match in COUNTY_LIST.finditer(text):
        kind = "County" if match.group(2).lower() == "counties" else "Parish"
        for name in re.finditer(NAME, match.group(1)):
            mention = add(match.start(1) + name.start(), match.start(1) + name.end(), "pattern")
            if mention is not None and not mention.query.endswith(kind):
                mention.query = f"{mention.query} {kind}"
                mention.hint = "admin2"
    # "New Haven, Conn.": a state's or province's abbreviation after a town is that region
    # (not "Conn" as a fuzzy Juneau), which then contains the town.
    # "the S.C. Highway Patrol", "D-S.C.": initials are a region wherever they stand.
    after_towns = [match.span(1) for match in STATE_AFTER_TOWN.finditer(text)]
    initials = [match.span(1) for match in STATE_INITIALS.finditer(text)]
    for start, end in sorted(set(after_towns + initials)):
        for span in [span for span in found if span[0] < end and start < span[1]]:
            del found[span]
        found[(start, end)] = Mention(
            start,
            end,
            text[start:end],
            STATE_ABBREVIATIONS[text[start:end]],
            {"pattern", "abbreviation"},
            hint="admin",
        )
    mentions = sorted(found.values(), key=lambda m: (m.start, -m.end))
    # A name listed with places ("Khan al-Sheih, al-Zakiyeh and al-Tibeh") is a place too.
    for previous, mention in itertools.pairwise(mentions):
        between = text[previous.end : mention.start]
        if _LIST_GAP.fullmatch(between) and (
            previous.placelike() or "locative" in previous.evidence
        ):
            mention.evidence.add("list")
    return mentions


def _split_at_links(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """An entity span cut at a lowercase "in", "near" or "at" between capitalised words: the
    small model reads "Alma in Dar'a" or "the Islamic State in Shaddadah" as one name; the
    words after the link are a place of their own."""
    parts: list[tuple[int, int]] = []
    for link in ENTITY_LINK.finditer(text, start, end):
        before, after = text[start : link.start()], text[link.end() : end]
        last = before.split()[-1:] or [""]
        if last[0][:1].isupper() and after[:1].isupper():
            parts.append((start, link.start()))
            start = link.end()
    parts.append((start, end))
    return parts


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
        re.compile(rf"\b(?:town|village|city|hamlet|camp)\s+of\s+(?:the\s+)?({NAME})"),
        "town",
    ),
    (re.compile(rf"\b(?:neighbou?rhood|quarter)\s+of\s+(?:the\s+)?({NAME})"), "quarter"),
    (re.compile(rf"({NAME})\s+(?:neighbou?rhoods?|quarter)\b"), "quarter"),
    (
        re.compile(
            rf"\b(?:region|area|countryside|province|governorate|district|outskirts|suburbs|vicinity)\s+of\s+(?:the\s+)?({NAME})"
        ),
        "region",
    ),
    (re.compile(rf"({NAME})\s+(?:farms|farm|fields|outskirts|suburbs|countryside)\b"), "near"),
    (re.compile(rf"({NAME})\s+(?:village|town|city|camp)\b"), "town"),
    (re.compile(rf"({NAME})\s+(?:province|governorate|provinces)\b"), "admin"),
    (
        re.compile(
            rf"(?:[Ee]ast|[Ww]est|[Nn]orth|[Ss]outh|[Nn]orth-?[Ee]ast|[Nn]orth-?[Ww]est|[Ss]outh-?[Ee]ast|[Ss]outh-?[Ww]est)(?:ern)?\s+of\s+(?:the\s+)?(?:town\s+of\s+|village\s+of\s+)?({NAME})"
        ),
        "near",
    ),
    (
        re.compile(
            rf"\b(?:road|highway|route)\s+(?:between|connecting|linking|from)\s+(?:the\s+(?:town|village|city)\s+of\s+)?({NAME})\s+(?:and|to|with)\s+(?:the\s+(?:town|village|city)\s+of\s+)?({NAME})"
        ),
        "near",
    ),
    (re.compile(rf"({NAME}),\s+({NAME})\s+(?:province|governorate)\b"), "pair"),
    # A dateline: "SACRAMENTO — Investors ...", "HUDSON -- Officials ...", "NEW YORK (AP) —",
    # "CHARLESTON, W.Va. -- A ...": capitals the recogniser would read as an acronym or an
    # organisation.
    (
        re.compile(
            r"\b([A-Z]{3,}(?:[ -][A-Z]{2,}){0,2})(?:,\s+[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?"
            r"\s*(?:\((?:AP|Reuters|AFP|CNN|UPI|CP)\)\s*)?(?:--|—|–)"
        ),
        "town",
    ),
    (
        re.compile(
            rf"\b(?:in|at|near|from|to|into|across|throughout|of)\s+(?:the\s+)?((?:{DIRECTIONS.title()})\s+{NAME})"
        ),
        "region",
    ),
    # A legislator's party and home: "Delegate Ricky Moye, D-Raleigh;", "Sen. Hugh
    # Leatherman, R-Florence, said" (the home is a place, whatever spaCy makes of it).
    (re.compile(rf"(?<=, )[DRI]-({NAME})(?=[,;)]|\.(?:\s|$))"), ""),
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


def group_mentions(mentions: Sequence[Mention]) -> list[NameGroup]:
    """Mentions of the same name (and qualifier and area reading) form one group."""
    groups: dict[str, NameGroup] = {}
    for mention in mentions:
        signature = f"{mention.key}|{mention.qualifier.lower()}|{mention.area}"
        if not mention.key:
            continue
        group = groups.get(signature)
        if group is None:
            group = groups[signature] = NameGroup(mention.key, mention.query, [])
        group.mentions.append(mention)
    return list(groups.values())


def look_up_candidates(
    group: NameGroup, gazetteer: Gazetteer, *, fuzzy: bool, countries: Sequence[str] = ()
) -> None:
    """Fill a group's gazetteer candidates (and, for "Southwestern X" or "X countryside",
    the candidates of the region meant)."""
    group.candidates = gazetteer.lookup(group.query, countries=countries, limit=60, fuzzy=fuzzy)
    if all("abbreviation" in m.evidence for m in group.mentions):
        # "Ga." is Georgia the state, never the country.
        group.candidates = [c for c in group.candidates if c.place.feature_code == "ADM1"]
        return
    qualifier = next((m.qualifier for m in group.mentions if m.qualifier), "")
    if not qualifier and not any(c.tier == "exact" for c in group.candidates):
        known = {c.place.geonameid for c in group.candidates}
        group.candidates = group.candidates + [
            c
            for c in _direction_variants(group.query, gazetteer, countries)
            if c.place.geonameid not in known
        ]
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
                or c.place.feature_code in MAJOR_FEATURES
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
            or _direction_variants(f"{qualifier} {group.query}", gazetteer, countries)
            if qualifier
            else []
        )
        if whole:
            group.region_candidates = whole
            return
        for form in REGION_FORMS:
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


def _direction_variants(
    name: str, gazetteer: Gazetteer, countries: Sequence[str]
) -> list[Candidate]:
    """Entries for the name with its direction word in the other language ("Jurdi al-Sharqi"
    for "Eastern Jurdi"), as another spelling of it: the loose tier, score 0.95."""
    out: dict[str, Candidate] = {}
    for variant in direction_variants(name):
        words = variant.split()
        # The direction word itself must be in the entry's name: a skeleton match may swap it
        # ("Western Jurdi" and "Eastern Jarda" share one).
        english = words[0].lower() in (
            "eastern",
            "western",
            "northern",
            "southern",
            "lower",
            "upper",
        )
        marker = (words[0] if english else words[-1])[:5].lower()
        for c in gazetteer.lookup(variant, countries=countries, limit=10, fuzzy=False):
            if c.place.geonameid in out or marker not in c.matched_name.lower():
                continue
            score = 0.95 if c.tier == "exact" else 0.9 * c.match_score
            out[c.place.geonameid] = Candidate(c.place, c.matched_name, score, c.prior, "loose")
    return list(out.values())
