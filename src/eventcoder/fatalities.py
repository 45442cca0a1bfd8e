"""Death counts read from the sentences of one event, the ACLED way.

ACLED codes deaths only (never injuries) and, when sources disagree, the most conservative
figure. This module reads every death mention in the event's sentences ("killing 3 civilians",
"5-6 policemen were killed", "4 QSD fatalities", "the death of two fighters", "the toll rose to
7") and combines them with rules that are each a reading of that principle:

* **One number per mention, the lowest it allows.** "at least 12" -> 12, "between 10 and 15"
  and "5-6" -> the lower bound, "more than 20" -> 20. "up to 20" and "nearly 20" -> 20: it is
  the only figure the source gives, and ACLED's own notes code "Up to 17 soldiers were killed"
  as 17. Words count like digits ("twenty-five", "a woman and a child" -> 2).
* **Vague counts** follow ACLED's FAQ: tens = 10, dozens = 12, hundreds = 100 (and by the same
  reading a dozen = 12, scores = 20, thousands = 1000). A death toll reported without a number
  ("several fighters were killed", "fatalities were reported", "civilians were killed") is coded
  3: ACLED's rule gives 3 for an attack of limited scope and 10 for a significant attack in a
  war zone, and whether an attack was significant is not something one sentence tells us, so we
  take the lower figure, which is also the least "several" or "a few" can mean. "many",
  "numerous" and "scores" say the toll was large: 10 (20 for scores).
* **Deaths only.** A mixed figure ("killing or wounding ten", "killed and wounded several",
  "casualties") is not a death count: it adds 0, and the reason says so. Injured numbers are
  never read. Negated deaths ("no one was killed", "No fatalities reported") add 0.
* **Not this event's deaths.** Deaths that are the *topic* of the event rather than its result
  ("protesting the killing of a student", "arrested for killing", "in retaliation for the
  killing of") and deaths that did not happen ("tried to kill", "could have killed") are
  skipped.
* **Combining mentions.** Two mentions in one sentence are different deaths and add up
  ("killing 3 civilians and 2 soldiers", "killing 4 fighters, in addition to the bomber"),
  unless the second is a part of the first ("including two children", "5 of them"); a part is
  kept only when the whole was vague ("some deaths, including at least 2" -> 2). Across sentences, a mention marked as additional ("also",
  "another", "additional") or naming a clearly different party (civilians vs soldiers vs
  militants, IS vs QSD fighters) adds up; the same party counted again is a competing estimate
  of the same deaths and the lower one is kept; a general figure ("12 people were killed") next
  to a party-specific one may or may not include it, so the larger of the two (the least the
  union can hold) is kept. A total or a toll update ("a total of 27", "the toll rose to 7")
  replaces what came before.
* **Coder statements.** ACLED notes end with the figure the coder chose ("Total fatalities
  coded as 14", "Fatalities coded as 0 (VoJ reported 4)", "Unknown fatalities coded as 10 and
  split between the 2 locations", "Fatalities are split across 3 events (5)"). When such a
  statement is present it wins; it never matches ordinary news text, which does not speak of
  coding. A total split over N events gives the share most of those events get (ACLED spreads
  the remainder over the first ones: 10 over 3 is 4, 3, 3, so 3); which event a sentence
  list names first is not known here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from eventcoder.models import Fatalities, Span


def _words(text: str) -> frozenset[str]:
    """A word list written as one string, so the lexicons below stay readable."""
    return frozenset(text.split())


#: Death toll coded when deaths are reported without a number (see the module docstring).
UNNUMBERED_DEATHS = 3
#: Death toll coded for "many"/"numerous" deaths: ACLED's figure for a significant attack.
MANY_DEATHS = 10

_UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES: dict[str, int] = {"hundred": 100, "thousand": 1000}

#: Vague quantities, as (words, value); longest first so "a number of" beats "a".
_VAGUE: tuple[tuple[tuple[str, ...], int, str], ...] = (
    (("an", "unknown", "number", "of"), UNNUMBERED_DEATHS, "unnumbered"),
    (("unknown", "number", "of"), UNNUMBERED_DEATHS, "unnumbered"),
    (("an", "unspecified", "number", "of"), UNNUMBERED_DEATHS, "unnumbered"),
    (("unspecified", "number", "of"), UNNUMBERED_DEATHS, "unnumbered"),
    (("a", "large", "number", "of"), MANY_DEATHS, "vague"),
    (("large", "numbers", "of"), MANY_DEATHS, "vague"),
    (("a", "number", "of"), UNNUMBERED_DEATHS, "vague"),
    (("a", "handful", "of"), UNNUMBERED_DEATHS, "vague"),
    (("a", "couple", "of"), 2, "vague"),
    (("a", "dozen"), 12, "vague"),
    (("a", "few"), UNNUMBERED_DEATHS, "vague"),
    (("dozens",), 12, "vague"),
    (("dozen",), 12, "vague"),
    (("tens",), 10, "vague"),
    (("scores",), 20, "vague"),
    (("hundreds",), 100, "vague"),
    (("thousands",), 1000, "vague"),
    (("several",), UNNUMBERED_DEATHS, "vague"),
    (("few",), UNNUMBERED_DEATHS, "vague"),
    (("some",), UNNUMBERED_DEATHS, "vague"),
    (("many",), MANY_DEATHS, "vague"),
    (("numerous",), MANY_DEATHS, "vague"),
    (("both",), 2, "number"),
)  # fmt: skip

_DEATH_VERBS = _words(
    """kill killed kills killing die died dies dying slay slew slain execute executed executing
    executes assassinate assassinated assassinating murder murdered murdering murders behead
    beheaded beheading decapitate decapitated massacre massacred massacring lynch lynched
    lynches lynching perish perished perishing succumb succumbed succumbing martyred gunned"""
)
_DEATH_NOUNS = _words(
    """death deaths fatality fatalities killing killings body bodies corpse corpses toll
    dead assassination massacre execution executions"""
)
_INJURY_WORDS = _words(
    """wound wounded wounding wounds injure injured injuring injures injury injuries hurt
    maimed casualty casualties"""
)
_INTRANSITIVE = _words("die died dies dying perish perished perishing succumb succumbed succumbing")
#: Words that make a death the subject matter of another act, not a result of this event.
_CONTEXT_GOVERNORS = _words(
    """protest protests protested protesting protesters against condemn condemned condemning
    condemns denounce denounced denouncing demand demanded demanding demands mourn mourned
    mourning commemorate commemorating commemorated anniversary memory justice investigation
    investigate investigating probe inquiry trial accused accusing charged charges suspected
    arrested arrest convicted sentenced responsible retaliation revenge
    avenge response reaction blamed blaming"""
)
_MODAL_GOVERNORS = _words(
    """try tried tries trying attempt attempted attempting attempts threaten threatened
    threatening threatens vow vowed vowing plan planned planning plot plotted plotting aim
    aimed aiming want wanted seek sought fail failed failing intend intended"""
)
_MODAL_AUX = _words("would could might may will shall can should")
_ADDITIVE = _words("also another additional further other others more too besides")
_QUANT_WORDS = _words(
    """at least most more than less fewer up to between about around nearly almost over some
    approximately roughly as many an estimated estimate total of and or - – to reportedly
    only just exactly"""
)

_CIVILIAN = _words(
    """civilian civilians people person persons resident residents villager villagers child
    children kid kids woman women man men girl girls boy boys family families worshipper
    worshippers student students farmer farmers shepherd shepherds herder herders passenger
    passengers trader traders journalist journalist journalists activist activists worker
    workers doctor doctors teacher teachers protester protesters demonstrator demonstrators
    pedestrians pedestrian infant infants baby babies"""
)
_STATE = _words(
    """soldier soldiers troop troops army police policeman policemen officer officers
    personnel servicemen serviceman guard guards security forces force regime government
    military commander commanders pilot pilots gendarme gendarmes recruit recruits
    conscripts conscript"""
)
_NONSTATE = _words(
    """militant militants fighter fighters rebel rebels insurgent insurgents terrorist
    terrorists jihadist jihadists gunman gunmen attacker attackers assailant assailants bomber
    bombers militiaman militiamen militia militias member members raider raiders bandit
    bandits combatant combatants jihadi jihadis extremists extremist"""
)

_N = r"(?:\d+|[a-z]+)"
_CODER_CODED = re.compile(
    rf"(?i)\bcoded\s+(?:the\s+)?(?:fatalit(?:y|ies)|deaths)\s+(?:to|as|at)\s+(?P<n2>{_N})"
    rf"|total\s+(?:number\s+of\s+)?fatalit(?:y|ies)(?:\s+count)?,?\s+"
    rf"(?:is|was|of|are|=|stands\s+at)"
    rf"\s+(?P<n3>{_N})"
    rf"|total\s+(?:number\s+of\s+)?fatalit(?:y|ies),\s+(?P<n5>\d+),"
    rf"|\(\s*(?P<n4>\d+)\s+fatalit(?:y|ies)\s+(?:recorded|coded)\s+in\s+total\s*\)"
    rf"|\b(?:are|is|were|was)\s+assumed\s+(?:to\s+be\s+|as\s+|at\s+)?(?P<n6>\d+|ten)\b"
    rf"|\brecorded\s+at\s+(?P<n7>\d+)\b"
    rf"|\bcoded\s+(?:as|to|at|with)?\s*(?:an?\s+additional\s+|another\s+|the\s+)?"
    rf"(?P<n>{_N}(?:-[a-z]+)?)"
    r"(?=\s|[.,;)]|$)"
)
_CODER_SPLIT = re.compile(r"(?i)\b(?:split|spread|distributed|divided|shared)\b(?P<rest>[^.;]*)")
_SPLIT_EACH: tuple[re.Pattern[str], ...] = (
    re.compile(rf"(?i)(?:^|[\s,(])(?P<n>{_N})\s+(?:fatalit(?:y|ies)\s+)?each\b"),
    re.compile(
        rf"(?i)\beach\s+(?:location\s+|event\s+|area\s+|site\s+)?(?:being\s+|was\s+)?"
        rf"(?:allocated|assigned|coded(?:\s+with)?|given)\s+(?P<n>{_N})"
    ),
    re.compile(r"(?i)(?:events?|locations?|areas?)\s*\((?P<n>\d+)\)"),
)
_SPLIT_TARGETS = re.compile(
    rf"(?i)\b(?:between|across|among|over|on|into|to)\s+(?:the\s+|all\s+)?(?:first\s+)?"
    rf"(?:(?P<n>{_N})\s+(?:events?|locations?|areas?|places?|villages?|towns?|activities|"
    r"fronts?|sites?|points?|clash\s+areas|districts?|neighbou?rhoods?)\b"
    r"|(?P<names>.+))"
)
_ALLOCATED_EACH = re.compile(
    rf"(?i)\b(?P<n>{_N})\s+fatalit(?:y|ies)\s+(?:(?:was\s+|were\s+|is\s+|are\s+)?"
    r"(?:allocated|assigned|coded|given)\s+to\s+each\b|each\b)"
)
_CODER_UNKNOWN = re.compile(
    r"(?i)\b(?:unknown|unkonwn|unspecified|suspected|assumed|additional|unclear|another)\b"
)


@dataclass(frozen=True, slots=True)
class _Mention:
    """One death figure read from the text, with what it means for the total.

    ``kind`` is one of: number, vague, unnumbered (a count of deaths, exact or not); negated,
    mixed, skipped, subset (read but adding nothing); total (replaces what came before);
    coded, coded_unknown, split (an ACLED coder's statement).
    """

    count: int
    start: int
    end: int
    text: str
    kind: str
    sentence: int
    tokens: tuple[int, int] = (0, 0)
    victims: tuple[str, frozenset[str]] = ("generic", frozenset())
    additive: bool = False
    definite: bool = False
    note: str = ""


@dataclass(slots=True)
class _Group:
    count: int
    mentions: list[_Mention] = field(default_factory=list)


# --------------------------------------------------------------------------- numbers


def _word_value(word: str) -> int | None:
    """Value of one number token: digits ("1,500"), a number word, or a hyphenated compound."""
    text = word.lower().replace(",", "")
    if text.isdigit():
        return int(text)
    if text in _UNITS:
        return _UNITS[text]
    if text in _TENS:
        return _TENS[text]
    parts = re.split(r"[-–]", text)
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS:
        return _TENS[parts[0]] + _UNITS[parts[1]]
    return None


@dataclass(frozen=True, slots=True)
class _Quantity:
    value: int
    start: int  # token index
    end: int  # token index, exclusive
    kind: str  # number | vague | unnumbered


def _read_number(tokens: Sequence[Token], i: int) -> tuple[int, int] | None:
    """A number starting at tokens[i] ("twenty - five", "two hundred and fifty", "1,500")."""
    if i >= len(tokens):
        return None
    first = tokens[i]
    value = _word_value(first.text)
    if value is None:
        if first.lower_ in ("a", "one") and i + 1 < len(tokens) and tokens[i + 1].lower_ in _SCALES:
            value = 1
        else:
            return None
    j = i + 1
    # "twenty - five" (spaCy splits the hyphen) and "twenty five"
    if value in _TENS.values() and j < len(tokens):
        hyphen = tokens[j].text in ("-", "–")
        if hyphen and j + 1 < len(tokens) and tokens[j + 1].lower_ in _UNITS:
            value += _UNITS[tokens[j + 1].lower_]
            j += 2
        elif tokens[j].lower_ in _UNITS and 0 < _UNITS[tokens[j].lower_] < 10:
            value += _UNITS[tokens[j].lower_]
            j += 1
    while j < len(tokens) and tokens[j].lower_ in _SCALES:
        value *= _SCALES[tokens[j].lower_]
        j += 1
        if j + 1 < len(tokens) and tokens[j].lower_ == "and":
            rest = _read_number(tokens, j + 1)
            if rest is not None and rest[0] < 100:
                value += rest[0]
                j = rest[1]
    return value, j


def _quantities(tokens: Sequence[Token]) -> list[_Quantity]:
    """Every count in a victim phrase, ranges collapsed to their lower bound."""
    found: list[_Quantity] = []
    i = 0
    lowers = [t.lower_ for t in tokens]
    while i < len(tokens):
        if _not_a_count(tokens, i):
            i += 1
            continue
        vague = _match_vague(lowers, i)
        if vague is not None:
            length, value, kind = vague
            if kind == "number" or not _number_follows(tokens, i + length):
                found.append(_Quantity(value, i, i + length, kind))
                i += length
                continue
            i += length
            continue
        number = _read_number(tokens, i)
        if number is None:
            i += 1
            continue
        value, j = number
        start = i
        # Ranges: "5-6", "5 to 6", "two or three", "between 13 and 26" -> the lower bound.
        if j + 1 < len(tokens) and tokens[j].lower_ in ("-", "–", "to", "or"):
            other = _read_number(tokens, j + 1)
            if other is not None and other[0] >= value:
                j = other[1]
        elif (
            j + 1 < len(tokens)
            and tokens[j].lower_ == "and"
            and start > 0
            and lowers[start - 1] == "between"
        ):
            other = _read_number(tokens, j + 1)
            if other is not None:
                j = other[1]
        found.append(_Quantity(value, start, j, "number"))
        i = j
    return found


_MONTH_NAMES = _words(
    """jan jan. january feb feb. february mar mar. march apr apr. april may jun jun. june jul
    jul. july aug aug. august sep sep. sept sept. september oct oct. october nov nov. november
    dec dec. december"""
)


_UNITS_OF_MEASURE = _words(
    """$ £ € % percent per cent dollars usd pounds euros lira liras km kilometres kilometers
    miles metres meters kg tonnes tons hours minutes"""
)


def _not_a_count(tokens: Sequence[Token], i: int) -> bool:
    """Dates, times, ordinals and names ("5 March 2020", "25th", "Brigade 93") are not counts;
    "Oct. 7 people killed" and "Sep. two people" (the model tags both DATE) are."""
    token = tokens[i]
    prev = tokens[i - 1] if i > 0 else None
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if token.ent_type_ in ("TIME", "ORDINAL"):
        return True
    near = {t.lower_ for t in (prev, nxt) if t is not None}
    if near & _UNITS_OF_MEASURE:
        return True  # "$15", "15 percent", "20 km": the model also calls "15 QSD" MONEY
    counts_people = (
        nxt is not None
        and nxt.pos_ in ("NOUN", "PROPN", "ADJ")
        and (nxt.lower_ not in _MONTH_NAMES)
    )
    if re.fullmatch(r"(?:19|20)\d\d|\d+(?:st|nd|rd|th)", token.lower_):
        return True
    after = " ".join(t.lower_ for t in tokens[i + 1 : i + 4])
    if re.match(r"(?:-\s*)?(?:years?|months?)\s*-?\s*old\b", after):
        return True  # "a 9 year old boy", "a 12-year-old": an age
    if nxt is not None and nxt.lower_ in _MONTH_NAMES:
        return True  # "5 March"
    if prev is not None and prev.lower_ in _MONTH_NAMES:
        return not counts_people  # "March 5," vs "Oct. 7 people"
    if token.ent_type_ == "DATE" and not counts_people:
        return True
    # "Brigade 93", "Route 7": a number right after a name is part of the name.
    return (
        prev is not None
        and prev.pos_ == "PROPN"
        and token.text.isdigit()
        and prev.ent_type_ != "NORP"
        and not counts_people
    )


def _match_vague(lowers: Sequence[str], i: int) -> tuple[int, int, str] | None:
    if i > 0 and lowers[i - 1] in ("as", "so", "how", "too") and lowers[i] in ("many", "few"):
        return None  # "as many as 16": a hedge on the number that follows
    for words, value, kind in _VAGUE:
        if tuple(lowers[i : i + len(words)]) == words:
            return len(words), value, kind
    return None


def _number_follows(tokens: Sequence[Token], i: int) -> bool:
    """True for "some 20", "several dozen": the vague word only hedges the number after it."""
    return i < len(tokens) and (
        _read_number(tokens, i) is not None
        or tokens[i].lower_ in ("dozen", "dozens", "hundred", "hundreds")
    )


# --------------------------------------------------------------------------- victim phrases

_NP_POS = frozenset({"DET", "NUM", "ADJ", "NOUN", "PROPN", "PART", "X", "SYM"})
_NP_STOP = _words(
    """in on at from by during after before near when while as since with that which who
    whom where because following amid amidst across into inside outside through against
    for after"""
)


def _np_token(token: Token) -> bool:
    """Whether ``token`` can sit inside a victim phrase such as "at least 8 IS and 6 QSD
    fighters" (the parse of such phrases is unreliable, so this reads POS tags and words)."""
    lower = token.lower_
    if lower in _INJURY_WORDS:
        return False
    if lower in _NP_STOP and lower not in _QUANT_WORDS:
        return False
    if lower in _QUANT_WORDS or lower in ("'", "'s", "’s", "&", "/"):
        return True
    if token.text in ("-", "–") and not token.whitespace_ and token.i > 0:
        return not token.doc[token.i - 1].whitespace_  # "al-Jazrawi", "pro-regime"
    if token.is_upper and len(token.text) > 1 and token.is_alpha:
        return True  # acronyms: "IS", "QSD", "HTS" (the tagger reads "IS" as a verb)
    if token.pos_ in _NP_POS:
        return lower not in _DEATH_NOUNS or lower == "dead"
    if token.pos_ == "VERB" and token.dep_ in ("amod", "compound") and token.tag_ in ("VBN", "VBG"):
        return lower not in _DEATH_VERBS
    if token.pos_ == "PRON" and lower in (
        "he",
        "she",
        "him",
        "her",
        "they",
        "them",
        "his",
        "their",
        "its",
        "himself",
        "herself",
    ):
        return True
    if token.pos_ == "ADV" and lower in ("reportedly", "allegedly", "also", "all", "only"):
        return True
    if lower in ("and", "or", "&", "of"):
        return True
    if token.text == "," and token.i + 1 < token.sent.end:
        # A list goes on after a comma: ", and", ", 1 HTS fighter", ", a Hezbollah member".
        nxt = token.doc[token.i + 1]
        return (
            nxt.lower_ in ("and", "a", "an", "one")
            or nxt.pos_ == "PROPN"
            or _word_value(nxt.text) is not None
        )
    return False


def _phrase_left(
    sentence: SpacySpan, end: int, blocked: AbstractSet[int] = frozenset()
) -> list[Token]:
    """The victim phrase ending just before token index ``end`` (skipping auxiliaries).

    ``blocked`` tokens belong to a figure read before: a phrase never reaches into them.
    """
    i = end - 1
    while i >= sentence.start and (
        sentence.doc[i].pos_ == "AUX"
        and not sentence.doc[i].is_upper
        or sentence.doc[i].lower_
        in (
            "reportedly",
            "allegedly",
            "also",
            "later",
            "all",
            "both",
            "been",
            "being",
            "reported",
            "confirmed",
            "shot",
            "found",
            "were",
            "was",
            "are",
            "is",
            "have",
            "has",
            "had",
            "be",
            "subsequently",
            "eventually",
        )
    ):
        if (
            sentence.doc[i].lower_ == "both"
            and i > sentence.start
            and sentence.doc[i - 1].pos_ in ("NOUN", "PROPN", "PRON")
        ):
            break
        i -= 1
    stop = i
    while i >= sentence.start and _np_token(sentence.doc[i]) and i not in blocked:
        i -= 1
    tokens = list(sentence.doc[i + 1 : stop + 1])
    # A phrase cannot start with "and"/"of"/"or": that is the tail of something else.
    while tokens and tokens[0].lower_ in ("and", "or", "of", ",", "-"):
        tokens.pop(0)
    return tokens


def _phrase_right(
    sentence: SpacySpan, start: int, blocked: AbstractSet[int] = frozenset()
) -> list[Token]:
    """The victim phrase starting at token index ``start`` ("between 155 and 318 people")."""
    i = start
    tokens: list[Token] = []
    while i < sentence.end and _np_token(sentence.doc[i]) and i not in blocked:
        token = sentence.doc[i]
        if token.lower_ in ("and", "or", ",") and tokens:
            nxt = sentence.doc[i + 1] if i + 1 < sentence.end else None
            # "killed 3 militants and injured 6", "killing 3, and 1 attacker was also
            # killed": a coordinated verb or clause ends the phrase.
            if (
                nxt is None
                or not _np_token(nxt)
                or nxt.pos_ in ("VERB", "AUX")
                and not (nxt.is_upper)
                or _starts_clause(sentence, i + 1)
            ):
                break
        tokens.append(token)
        i += 1
    if i < sentence.end and sentence.doc[i].lower_ in _INJURY_WORDS:
        # "... and 3 fighters and few injuries": the last conjunct counts the injured.
        cut = max((k for k, t in enumerate(tokens) if t.lower_ in ("and", ",", "or")), default=-1)
        if cut >= 0:
            tokens = tokens[:cut]
    while tokens and tokens[-1].lower_ in ("and", "or", "of", ",", "-", "'s"):
        tokens.pop()
    return tokens


def _starts_clause(sentence: SpacySpan, start: int) -> bool:
    """Whether the noun phrase at ``start`` is the subject of a verb that follows it."""
    i = start
    while (
        i < sentence.end
        and _np_token(sentence.doc[i])
        and sentence.doc[i].lower_ not in ("and", "or", ",")
    ):
        i += 1
    while i < sentence.end and sentence.doc[i].lower_ in ("also", "reportedly", "allegedly"):
        i += 1
    return (
        i > start
        and i < sentence.end
        and sentence.doc[i].pos_ in ("AUX", "VERB")
        and (sentence.doc[i].dep_ not in ("amod", "compound"))
    )


_BE_FORMS = _words("was were been being is are be get got")
#: Phrase heads that are not people: "the rebel side", "a vehicle" are not a death each.
_NOT_A_PERSON = _words(
    """side sides group groups faction area village town city position positions vehicle car
    tank base checkpoint unit army force regime government convoy truck building house number
    front camp post ranks rank countryside region district province neighborhood
    neighbourhood outskirts vicinity road highway street field farm farms hill mountain axis
    sector desert border crossing bridge station airport school hospital mosque market office
    headquarters attack clash clashes fighting battle exchange raid ambush operation"""
)


def _head_quantities(tokens: Sequence[Token]) -> list[_Quantity]:
    """The counts of the phrase, ignoring those inside an "of" phrase after a counted head
    ("1 member of Brigade 93", "two of the 5 soldiers") until the list goes on ("8 members of
    IS and 3 fighters of the rebel group"), and everything after a subset marker ("including")."""
    cut = len(tokens)
    for k, token in enumerate(tokens):
        if token.lower_ in ("including", "among", "incl."):
            cut = k
            break
    tokens = tokens[:cut]
    kept: list[_Quantity] = []
    for q in _quantities(tokens):
        if kept:
            between = [t.lower_ for t in tokens[kept[-1].end : q.start]]
            if "of" in between:
                last_of = len(between) - 1 - between[::-1].index("of")
                if (
                    not any(w in ("and", ",") for w in between[last_of:])
                    or tokens[q.start - 1].lower_ == "of"
                ):
                    continue
        if (
            q.value == 2
            and tokens[q.start].lower_ == "both"
            and (
                (q.start > 0 and tokens[q.start - 1].lower_ in ("of", "on", "from"))
                or (q.end < len(tokens) and tokens[q.end].lower_ in _NOT_PEOPLE)
            )
        ):
            continue  # "members of both parties", "both sides": not a count of two
        kept.append(q)
    return kept


_NOT_PEOPLE = _words("sides side parties groups camps factions forces")


def _victims(tokens: Sequence[Token]) -> tuple[str, frozenset[str]]:
    """A coarse victim key: civilian/state/nonstate/generic, plus party names in the phrase."""
    kind = "generic"
    for token in reversed(tokens):
        lower = token.lower_
        if lower in _CIVILIAN and lower not in ("people", "persons", "person"):
            kind = "civilian"
            break
        if lower in _STATE:
            kind = "state"
            break
        if lower in _NONSTATE:
            kind = "nonstate"
            break
    parties = frozenset(
        t.lower_
        for t in tokens
        if (t.pos_ == "PROPN" or (t.is_upper and len(t.text) > 1))
        and t.lower_ not in _STATE
        and not t.like_num
    )
    return kind, parties


_PERSON_WORDS = _words(
    """leader leaders chief chiefs official officials driver drivers suspect suspects assistant
    chairman mayor governor imam cleric ranger herdsman herdsmen wife husband son daughter
    brother father mother relative relatives elder elders bodyguard bodyguards guard member
    volunteer volunteers rescuer rescuers medic medics nurse nurses"""
)
_SINGULAR_PRONOUNS = frozenset({"he", "she", "him", "her", "himself", "herself"})


def _singular_people(tokens: Sequence[Token], *, strict: bool = False) -> int:
    """Count people named without a number: "a woman and a child" (2), "the commander" (1),
    "Shahir Juma" (1), "a commander and his wife" (2), "Kamal Samran, a commander" (1); 0 for
    a plural.

    Each conjunct ("X and Y", "X, Y") with a singular person head counts one; what follows
    "of" belongs to its conjunct ("a leader of a rebel group" is one person).
    """
    conjuncts: list[list[Token]] = [[]]
    in_of = False
    for k, token in enumerate(tokens):
        if token.text == "," and not any(t.lower_ in ("and", "&") for t in tokens[k:]):
            break  # "Kamal Samran, a commander of the NDF": an apposition, the same person
        if (
            token.lower_ in ("and", "&", ",")
            and not in_of
            or (token.lower_ in ("and", ",") and in_of and _starts_person(tokens, token))
        ):
            conjuncts.append([])
            in_of = False
            continue
        if token.lower_ == "of":
            in_of = True
        if not in_of:
            conjuncts[-1].append(token)
    count = 0
    for conjunct in conjuncts:
        nouns = [
            t
            for t in conjunct
            if (t.pos_ in ("NOUN", "PROPN", "PRON") or t.is_upper)
            and t.ent_type_ in ("", "PERSON", "NORP", "ORG")
        ]
        if not nouns:
            continue
        head = nouns[-1]
        if head.lower_ in _NOT_A_PERSON or head.lower_ in _NOT_PEOPLE or _quantities(conjunct):
            continue
        determined = any(t.lower_ in ("a", "an", "one", "another", "each") for t in conjunct)
        if strict:
            # Beside numbered figures only "a Hezbollah member"-like conjuncts are people:
            # "an Isiolo-Garissa border attack, three herdsmen" holds one figure, not two.
            person = head.lower_ in _PERSON_WORDS | _CIVILIAN | _STATE | _NONSTATE
            count += determined and person
        elif head.tag_ in ("NN", "NNP") or head.lower_ in _SINGULAR_PRONOUNS or determined:
            count += 1
    return count


def _starts_person(tokens: Sequence[Token], separator: Token) -> bool:
    """Whether a new conjunct starts after ``separator`` ("..., a Hezbollah member")."""
    following = [t for t in tokens if t.i == separator.i + 1]
    return bool(following) and following[0].lower_ in ("a", "an", "one", "his", "her", "their")


# --------------------------------------------------------------------------- death words


def _is_death_token(token: Token) -> bool:
    lower = token.lower_
    if token.i + 1 < token.sent.end and token.doc[token.i + 1].lower_ == "off":
        return False  # "killed off any challenge": figurative
    if lower == "gunned":
        return token.i + 1 < token.sent.end and token.doc[token.i + 1].lower_ == "down"
    verb_like = token.pos_ in ("VERB", "AUX") or token.tag_ in ("VBD", "VBN", "VBG", "VBZ", "VBP")
    if lower in _DEATH_VERBS and verb_like:
        return True  # "killed", "lynches", "died"; not "lynch mob", "murder suspect"
    if lower in ("lives", "life"):
        return _lost_lives(token) is not None
    if lower not in _DEATH_NOUNS:
        return False
    if lower in ("body", "bodies", "corpse", "corpses"):
        return _found_bodies(token)
    if (
        lower in ("death", "deaths")
        and token.i + 1 < token.sent.end
        and (token.doc[token.i + 1].lower_ in ("toll", "tolls"))
    ):
        return False  # read at "toll"
    if lower in ("toll", "dead"):
        return True
    return token.pos_ in ("NOUN", "PROPN", "VERB", "ADJ")


def _lost_lives(token: Token) -> Token | None:
    """The verb of "lost their lives" / "claimed the lives of", or None."""
    for other in _window(token, 3, 0):
        if other.i < token.i and other.lower_ in (
            "lost",
            "losing",
            "lose",
            "claimed",
            "claiming",
            "claim",
            "cost",
            "costing",
        ):
            return other
    return None


def _found_bodies(token: Token) -> bool:
    """Bodies count as deaths when found ("the bodies of 2 fighters were found")."""
    words = {t.lower_ for t in token.sent}
    return bool(
        words
        & {
            "found",
            "recovered",
            "discovered",
            "retrieved",
            "dumped",
            "pulled",
            "exhumed",
            "unearthed",
            "lying",
            "identified",
            "handed",
            "bearing",
        }
    ) and not any(t.lower_ in ("governing", "student", "legislative") for t in _window(token, 2, 0))


def _window(token: Token, left: int, right: int) -> list[Token]:
    sent = token.sent
    lo = max(sent.start, token.i - left)
    hi = min(sent.end, token.i + right + 1)
    return [t for t in token.doc[lo:hi] if t.i != token.i]


def _is_mixed(token: Token) -> bool:
    """ "killed and wounded", "killing or wounding", "dead and injured": one shared figure."""
    doc = token.doc
    sent = token.sent
    after = [doc[k].lower_ for k in range(token.i + 1, min(sent.end, token.i + 4))]
    before = [doc[k].lower_ for k in range(max(sent.start, token.i - 3), token.i)][::-1]
    for seq in (after, before):
        if not seq or seq[0] not in ("and", "or", "and/or", "/", "&"):
            continue
        rest = [
            w
            for w in seq[1:]
            if w not in ("seriously", "critically", "severely", "badly", "/", "or")
        ]
        if rest and rest[0] in _INJURY_WORDS:
            if seq is after:
                return True
            # "wounded and killed": mixed only when the injury word has no figure of its own
            # ("6 wounded and 3 killed" are two figures).
            return not (len(seq) > 1 and doc[token.i - 1].like_num)
    return False


def _governed_by(token: Token, words: frozenset[str], hops: int = 4) -> Token | None:
    current = token
    for _ in range(hops):
        if current.head.i == current.i:
            return None
        if (
            current.pos_ == "VERB"
            and current.i != token.i
            and current.dep_ in ("ROOT", "conj", "ccomp", "advcl", "relcl")
        ):
            return None  # leaving the clause the death word sits in
        current = current.head
        if current.lower_ in words:
            return current
    return None


def _context_reason(token: Token) -> str:
    """Why a death word is not a death of this event ("" when it is)."""
    governor = _governed_by(token, _CONTEXT_GOVERNORS)
    if governor is None and (token.pos_ == "NOUN" or token.tag_ == "VBG"):
        left = [t for t in _window(token, 4, 0) if t.i < token.i]
        words = [t.lower_ for t in left]
        hit = [w for w in words if w in _CONTEXT_GOVERNORS]
        if hit and ("the" in words or "of" in words or "for" in words or "over" in words):
            return f"the deaths are the subject of '{hit[-1]}', not a result of this event"
        return ""
    if governor is None:
        return ""
    return f"the deaths are the subject of '{governor.text}', not a result of this event"


def _modal_reason(token: Token) -> str:
    for child in token.children:
        if child.dep_ == "aux" and child.lower_ in _MODAL_AUX:
            return f"'{child.text} {token.text}': the deaths did not (or not yet) happen"
    governor = _governed_by(token, _MODAL_GOVERNORS, hops=2)
    if governor is not None:
        return f"'{governor.text} ... {token.text}': an attempt or threat, not a death"
    near = [t.lower_ for t in _window(token, 2, 1)]
    if any(w in ("attempt", "attempted", "attempts", "foiled", "plot", "bid") for w in near):
        return f"'{token.text}' was only attempted"
    return ""


def _negated(token: Token, phrase: Sequence[Token]) -> bool:
    """ "no one was killed", "No fatalities reported", "neither injuries nor fatalities",
    "deaths have not been reported", "without casualties"."""
    if any(c.dep_ == "neg" for c in token.children):
        return True
    if any(t.lower_ in ("no", "none", "nobody", "neither", "nor", "zero") for t in phrase):
        return True
    head = token.head
    if token.dep_ in ("nsubj", "nsubjpass") and any(c.dep_ == "neg" for c in head.children):
        return True  # "Deaths have not yet been reported"
    left = []
    for other in reversed(_window(token, 5, 0)):
        if other.i > token.i or other.is_punct:
            break
        left.append(other.lower_)
    return bool(set(left[:4]) & {"no", "neither", "nor", "without", "nobody", "none", "zero"})


def _passive(token: Token) -> bool:
    """Whether the victims of a death verb stand before it ("5 soldiers were killed")."""
    lower = token.lower_
    if lower in _INTRANSITIVE or lower in ("martyred", "slain", "dead"):
        return True
    verb = token
    while verb.dep_ == "conj" and verb.head.i != verb.i and verb.head.pos_ == "VERB":
        if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
            return True
        verb = verb.head
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        return True
    if any(c.dep_ == "dobj" for c in token.children):
        return False
    prev = token.doc[token.i - 1] if token.i > token.sent.start else None
    if token.tag_ == "VBN":
        # No passive auxiliary: "4 soldiers killed" (headline) is passive, "... and killed 3
        # fighters" is the tagger mistaking a past tense for a participle.
        return prev is not None and (
            prev.pos_ in ("NOUN", "PROPN", "NUM", "PRON") or prev.lower_ in _BE_FORMS
        )
    return token.tag_ == "VBG" and prev is not None and prev.lower_ == "being"


# --------------------------------------------------------------------------- mentions


def _mentions(sentence: SpacySpan, index: int) -> list[_Mention]:
    """Every death figure of one sentence, in text order."""
    mentions: list[_Mention] = []
    used: set[int] = set()
    for token in sentence:
        if token.i in used or not _is_death_token(token):
            continue
        mention = _read_mention(sentence, token, index, frozenset(used))
        if mention is None:
            continue
        used.update(range(*mention.tokens))
        mentions.append(mention)
    return mentions


def _read_mention(
    sentence: SpacySpan, token: Token, index: int, blocked: AbstractSet[int] = frozenset()
) -> _Mention | None:
    lower = token.lower_
    doc = token.doc
    reason = _context_reason(token) or _modal_reason(token)
    if reason:
        return _make(sentence, token, [], 0, "skipped", index, reason)
    if lower in _DEATH_NOUNS and _negated(token, []):
        return _make(sentence, token, [], 0, "negated", index, "no deaths")
    if _is_mixed(token):
        phrase = _phrase_right(sentence, _after_coordination(token), blocked)
        if not _quantified(phrase):
            phrase = _phrase_left(sentence, token.i, blocked)
        return _make(
            sentence,
            token,
            phrase,
            0,
            "mixed",
            index,
            "killed and wounded given as one figure: not a death count",
        )
    if lower == "toll":
        return _read_toll(sentence, token, index, blocked)
    if lower in ("lives", "life"):
        verb = _lost_lives(token)
        assert verb is not None
        if verb.lower_.startswith(("los", "lose")):
            return _from_phrase(sentence, token, _phrase_left(sentence, verb.i, blocked), index)
        right = (
            _phrase_right(sentence, token.i + 2, blocked)
            if (token.i + 1 < sentence.end and doc[token.i + 1].lower_ == "of")
            else []
        )
        return _from_phrase(sentence, token, right, index)
    if lower == "dead" or (
        lower == "death" and token.i > sentence.start and doc[token.i - 1].lower_ == "to"
    ):
        return _read_dead(sentence, token, index, blocked)
    if lower in _DEATH_NOUNS and not (lower == "killing" and token.pos_ == "VERB"):
        return _read_death_noun(sentence, token, index, blocked)
    left = _phrase_left(sentence, token.i, blocked)
    subject = [t for t in _subject_phrase(token) if t.i not in blocked]
    if _quantified(subject) and _figure_count(subject) > _figure_count(left):
        left = subject  # the parse found conjuncts the word scan missed
    right = _phrase_right(sentence, token.i + 1, blocked)
    if not _quantified(right):
        objects = [c for c in token.children if c.dep_ == "dobj"]
        if objects:
            right = list(doc[objects[0].left_edge.i : objects[0].i + 1])
    # The victims stand before a passive or intransitive verb and after an active one; the
    # tagger confuses "killed" (VBD) and "killed" (VBN), so an empty side yields to the other.
    first, second = (left, right) if _passive(token) else (right, left)
    if (
        not _quantified(first)
        and _quantified(second)
        and token.tag_ in ("VBD", "VBN")
        and not (second is left and lower not in _INTRANSITIVE and _has_own_verb(second, token))
    ):
        first = second
    return _from_phrase(sentence, token, first, index)


def _has_own_verb(phrase: Sequence[Token], token: Token) -> bool:
    """Whether a phrase left of an active death verb is its killer ("IS killed ...")."""
    return any(
        c.dep_ == "nsubj" and phrase and phrase[0].i <= c.i <= phrase[-1].i for c in token.children
    )


def _read_dead(
    sentence: SpacySpan, token: Token, index: int, blocked: AbstractSet[int] = frozenset()
) -> _Mention | None:
    """ "Nine are dead", "left 8 fighters dead", "12 dead", "shot dead two herders", "hacked to
    death a chief and his assistant", "he was beaten to death", "the dead"."""
    doc = token.doc
    prev = [t.lower_ for t in doc[max(sentence.start, token.i - 3) : token.i]]
    if "among" in prev:
        return _make(
            sentence,
            token,
            [],
            0,
            "skipped",
            index,
            "'among the dead': part of a figure given elsewhere",
        )
    # "X shot dead Y" / "X hacked to death Y": the verb before decides who died.
    verb_i = token.i - 1
    if token.lower_ == "death" and verb_i >= sentence.start and doc[verb_i].lower_ == "to":
        verb_i -= 1
    verb = doc[verb_i] if verb_i >= sentence.start else None
    left = _phrase_left(
        sentence, verb_i + 1 if verb is None or verb.pos_ != "VERB" else verb_i, blocked
    )
    right = _phrase_right(sentence, token.i + 1, blocked)
    active = (
        verb is not None
        and verb.pos_ == "VERB"
        and not any(c.dep_ == "auxpass" for c in verb.children)
        and not (verb_i > sentence.start and doc[verb_i - 1].lower_ in ("was", "were", "been"))
    )
    if active and _quantified(right):
        return _from_phrase(sentence, token, right, index)
    if _quantified(left) or (left and left[-1].pos_ in ("NOUN", "PROPN", "PRON")):
        return _from_phrase(sentence, token, left, index)
    if _quantified(right):
        return _from_phrase(sentence, token, right, index)
    subject = _subject_phrase(verb) if verb is not None and verb.pos_ == "VERB" else []
    if _quantified(subject):
        return _from_phrase(sentence, token, subject, index)
    if token.dep_ in ("nsubj", "nsubjpass") or (prev and prev[-1] == "the"):
        return None  # "The dead include ...": the figures follow and are read where they are
    return _from_phrase(sentence, token, left, index)


def _after_coordination(token: Token) -> int:
    i = token.i + 1
    while i < token.sent.end and (
        token.doc[i].lower_
        in ("and", "or", "and/or", "/", "&", "seriously", "critically", "severely", "badly")
        or token.doc[i].lower_ in _INJURY_WORDS
        or token.doc[i].lower_ in _DEATH_VERBS
    ):
        i += 1
    return i


_PRUNED_DEPS = frozenset({"relcl", "acl", "advcl", "appos", "ccomp", "parataxis", "punct"})


def _subject_phrase(token: Token) -> list[Token]:
    """The parsed subject of a death verb, pruned of relative clauses and of prepositional
    phrases other than "of" ("At least 4 rebel fighters and 12 members from the regime
    forces" -> "At least 4 rebel fighters and 12 members")."""
    verb = token
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    while not subjects and verb.dep_ == "conj" and verb.head.i != verb.i:
        # "were shot, hacked and decapitated": the subject hangs on the first verb.
        verb = verb.head
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subjects or subjects[0].i > token.i:
        return []
    kept: list[Token] = []

    def collect(node: Token) -> None:
        kept.append(node)
        for child in node.children:
            hyphen_or_comma = child.dep_ == "punct" and child.text in (",", "-", "–")
            if child.dep_ in _PRUNED_DEPS and not hyphen_or_comma:
                continue
            if child.dep_ == "prep" and child.lower_ != "of":
                continue
            collect(child)

    collect(subjects[0])
    return sorted(kept, key=lambda t: t.i)


def _figure_count(tokens: Sequence[Token]) -> int:
    """How many separate figures a phrase holds ("4 rebels and 12 soldiers": 2)."""
    return len(_head_quantities(tokens)) + _singular_people(tokens)


def _phrase_count(tokens: Sequence[Token]) -> int:
    return sum(q.value for q in _head_quantities(tokens)) + _singular_people(tokens)


def _quantified(tokens: Sequence[Token]) -> bool:
    return bool(_head_quantities(tokens)) or _singular_people(tokens) > 0


def _read_death_noun(
    sentence: SpacySpan, token: Token, index: int, blocked: AbstractSet[int] = frozenset()
) -> _Mention | None:
    """ "4 QSD fatalities", "the death of two fighters", "the killing of 16", "one death"."""
    doc = token.doc
    prev = [t.lower_ for t in doc[max(sentence.start, token.i - 3) : token.i]]
    if "among" in prev:
        return _make(sentence, token, [], 0, "skipped", index, "a part of a figure given elsewhere")
    window = " ".join(t.lower_ for t in doc[max(sentence.start, token.i - 4) : token.i])
    if re.search(r"\bthe (?:total )?number of\b", window):
        # "the number of deaths reached 100": a toll, read like one.
        return _read_toll(sentence, token, index, blocked)
    left = _phrase_left(sentence, token.i, blocked)
    if _head_quantities(left) or _negated(token, left):
        return _from_phrase(sentence, token, left, index)
    if token.i + 1 < sentence.end and doc[token.i + 1].lower_ == "of":
        right = _phrase_right(sentence, token.i + 2, blocked)
        if right:
            return _from_phrase(sentence, token, right, index)
    if token.lower_ in ("death", "killing", "assassination", "body", "corpse", "execution") and (
        token.tag_ == "NN"
    ):
        # "the death of ...", "a killing": one death unless a figure says otherwise.
        return _make(sentence, token, [], 1, "number", index, "one death (singular noun)")
    return _make(
        sentence,
        token,
        left,
        UNNUMBERED_DEATHS,
        "unnumbered",
        index,
        "deaths reported without a number",
    )


def _read_toll(
    sentence: SpacySpan, token: Token, index: int, blocked: AbstractSet[int] = frozenset()
) -> _Mention | None:
    """ "the death toll rose to 7", "a toll of 12", "raising the toll to 30"."""
    doc = token.doc
    end = min(sentence.end, token.i + 8)
    for k in range(token.i + 1, end):
        if doc[k].lower_ in ("by",):
            break
        if doc[k].ent_type_ in ("DATE", "TIME", "ORDINAL"):
            continue
        number = _read_number(list(doc[k:end]), 0)
        if number is not None:
            stop = k + number[1]
            # "rose to 7 - 9" / "between 7 and 9": the lower bound, as everywhere.
            mention = _make(
                sentence,
                token,
                list(doc[k:stop]),
                number[0],
                "total",
                index,
                "a death toll: it replaces the figures before it",
            )
            return mention
    left = _phrase_left(sentence, token.i, blocked)
    quantities = _head_quantities(left)
    if quantities:
        return _make(
            sentence,
            token,
            left,
            quantities[0].value,
            "total",
            index,
            "a death toll: it replaces the figures before it",
        )
    return _make(
        sentence, token, [], UNNUMBERED_DEATHS, "unnumbered", index, "a death toll without a number"
    )


def _from_phrase(
    sentence: SpacySpan, token: Token, phrase: Sequence[Token], index: int
) -> _Mention:
    if _negated(token, phrase):
        return _make(sentence, token, phrase, 0, "negated", index, "no deaths")
    extra, extra_tokens = _addition(sentence, token, phrase)
    quantities = _head_quantities(phrase)
    if quantities:
        people = _singular_people(phrase, strict=True)
        values = [q.value for q in quantities]
        if len(values) >= 3 and values[0] == sum(values[1:]):
            values = values[:1]  # "at least 19 fighters, 8 regime and 11 IS": a breakdown
        count = sum(values) + people + extra
        phrase = list(phrase) + extra_tokens
        kinds = {q.kind for q in quantities}
        kind = (
            "number"
            if kinds == {"number"}
            else ("unnumbered" if kinds == {"unnumbered"} else "vague")
        )
        return _make(sentence, token, phrase, count, kind, index, "")
    people = _singular_people(phrase)
    if people:
        return _make(sentence, token, phrase, people, "number", index, "")
    return _make(
        sentence,
        token,
        phrase,
        UNNUMBERED_DEATHS,
        "unnumbered",
        index,
        "deaths reported without a number",
    )


_ADDITION_WORDS: tuple[tuple[str, ...], ...] = (
    ("in", "addition", "to"), ("as", "well", "as"), ("along", "with"), ("together", "with"),
    ("plus",),
)  # fmt: skip


def _addition(
    sentence: SpacySpan, token: Token, phrase: Sequence[Token]
) -> tuple[int, list[Token]]:
    """Victims added after an active verb's phrase: "killing 4 of its fighters, in addition
    to the suicide bomber" -> (1, tokens of "in addition to the suicide bomber")."""
    if not phrase or phrase[0].i < token.i:
        return 0, []
    i = phrase[-1].i + 1
    doc = token.doc
    if i < sentence.end and doc[i].text == ",":
        i += 1
    for words in _ADDITION_WORDS:
        if tuple(t.lower_ for t in doc[i : i + len(words)]) == words:
            extra = _phrase_right(sentence, i + len(words))
            count = _phrase_count(extra)
            if count:
                return count, list(doc[i : i + len(words)]) + extra
    return 0, []


def _make(
    sentence: SpacySpan,
    token: Token,
    phrase: Sequence[Token],
    count: int,
    kind: str,
    index: int,
    note: str,
) -> _Mention:
    doc = token.doc
    indices = [token.i] + [t.i for t in phrase]
    start, end = min(indices), max(indices) + 1
    window = [t.lower_ for t in doc[max(sentence.start, start - 3) : min(sentence.end, end + 2)]]
    # "another 3", "3 more", "3 other soldiers", "also killed", "killed as well"; not "other
    # reports said", which adds a source, not victims.
    additive = (
        any(t.lower_ in _ADDITIVE for t in phrase)
        or any(c.lower_ in ("also", "too", "additionally") for c in token.children)
        or (start > sentence.start and doc[start - 1].lower_ in ("also", "further", "additionally"))
        or "as well" in " ".join(t.lower_ for t in doc[end : min(sentence.end, end + 3)])
    )
    definite = (
        bool(phrase)
        and phrase[0].lower_ in ("the", "these", "those")
        and not (_head_quantities(phrase))
    )
    before = [t.lower_ for t in doc[max(sentence.start, start - 2) : start]]
    if kind in ("number", "vague", "unnumbered"):
        if set(before) & {"including", "among", "incl.", "included"} or _of_them(sentence, end):
            kind, note = "subset", "a part of a figure already counted"
        elif "total" in window or "totalling" in window or "altogether" in window:
            kind, note = "total", "a total: it replaces the figures before it"
    return _Mention(
        count,
        doc[start].idx,
        doc[end - 1].idx + len(doc[end - 1].text),
        doc[start:end].text,
        kind,
        index,
        (start, end),
        _victims(phrase),
        additive,
        definite,
        note,
    )


def _of_them(sentence: SpacySpan, end: int) -> bool:
    """ "two of them", "three of whom": the figure is part of one given before."""
    words = [t.lower_ for t in sentence.doc[max(sentence.start, end - 4) : end + 2]]
    return "of" in words and ("them" in words or "whom" in words)


# --------------------------------------------------------------------------- coder statements


def _coder_mentions(sentence: SpacySpan, index: int) -> list[_Mention]:
    """ACLED coder statements: "Total fatalities coded as 14", "split between the 2 locations".

    News text does not talk about coding fatalities, so none of this fires on articles; the
    split statements also need a death word in the sentence.
    """
    text = sentence.text
    base = sentence.start_char
    found: list[_Mention] = []
    for match in _CODER_CODED.finditer(text):
        groups = (match.group(k) for k in ("n2", "n3", "n5", "n4", "n6", "n7", "n"))
        number = next((g for g in groups if g), "")
        value = _word_value(number)
        if value is None:
            continue
        before = text[: match.start()]
        if re.search(r"(?i)\btotal\b", before[-80:] + match.group(0)) or any(
            match.group(k) for k in ("n3", "n4", "n5")
        ):
            kind = "coded"
        elif _CODER_UNKNOWN.search(before[-120:] + match.group(0)):
            kind = "coded_unknown"
        elif re.search(r"(?i)fatalit|casualt|death|killed|dead", before + match.group(0)):
            kind = "coded"
        else:
            continue
        found.append(
            _Mention(
                value,
                base + match.start(),
                base + match.end(),
                match.group(0),
                kind,
                index,
                note="the coder's figure",
            )
        )
    allocated = _ALLOCATED_EACH.search(text)
    if allocated is not None and _word_value(allocated.group("n")) is not None:
        found.append(
            _Mention(
                _word_value(allocated.group("n")) or 0,
                base + allocated.start(),
                base + allocated.end(),
                allocated.group(0),
                "split",
                index,
                note="the figure allocated to each event",
            )
        )
    elif re.search(r"(?i)fatalit|casualt|death|coded", text):
        for match in _CODER_SPLIT.finditer(text):
            split = _split_mention(match, base, index)
            if split is not None:
                found.append(split)
                break
    return found


def _split_mention(match: re.Match[str], base: int, index: int) -> _Mention | None:
    """A split statement: count >= 0 is the figure for each event, -n means "divide by n"."""
    rest = match.group("rest")
    for each in (m for pattern in _SPLIT_EACH for m in pattern.finditer(rest)):
        value = _word_value(each.group("n"))
        if value is not None:
            return _Mention(
                value,
                base + match.start(),
                base + match.end(),
                match.group(0),
                "split",
                index,
                note="the figure allocated to each event",
            )
    targets = _SPLIT_TARGETS.search(rest)
    if targets is None:
        return None
    events: int | None = None
    if targets.group("n"):
        events = 2 if targets.group("n").lower() == "both" else _word_value(targets.group("n"))
    elif targets.group("names"):
        names = re.split(r"(?i)\s+(?:with|as follows|where)\b|[(:]", targets.group("names"))[0]
        names = re.sub(
            r"(?i)^(?:the\s+)?(?:activities|events|fighting|clashes)\s+(?:in|at)\s+"
            r"(?:locations\s+)?",
            "",
            names.strip(),
        )
        items = [x for x in re.split(r"(?i)\s*,\s*(?:and\s+)?|\s+and\s+", names) if x.strip()]
        if names.strip().lower() in ("events", "the events", "locations", "the locations"):
            items = []
        events = len(items) if len(items) >= 2 else None
    if events is None or events < 2:
        return None
    return _Mention(
        -events,
        base + match.start(),
        base + match.end(),
        match.group(0),
        "split",
        index,
        note=f"split between {events} events",
    )


# --------------------------------------------------------------------------- combining

_SAME, _OVERLAP, _DISJOINT = "same", "overlap", "disjoint"


def _relation(new: _Mention, group: _Group) -> str:
    """How a new figure relates to a group of figures already read (see module docstring)."""
    old = group.mentions[0]
    if any(m.sentence == new.sentence for m in group.mentions):
        return _OVERLAP if "unnumbered" in (new.kind, old.kind) else _DISJOINT
    if new.additive:
        return _DISJOINT
    (new_class, new_parties), (old_class, old_parties) = new.victims, old.victims
    if new.kind == "unnumbered" or old.kind == "unnumbered":
        return _SAME if new.definite or old.definite else _OVERLAP
    if new_parties and old_parties and not new_parties & old_parties:
        return _DISJOINT
    if new_class != "generic" and old_class != "generic":
        return _SAME if new_class == old_class else _DISJOINT
    if new_class == old_class:
        return _SAME
    return _OVERLAP


def _merge_same(group: _Group, new: _Mention) -> None:
    """Two figures for the same deaths: a number beats a vague word; else the lower one."""
    old_vague = all(m.kind != "number" for m in group.mentions)
    if new.kind == "number" and old_vague:
        group.count = new.count
    elif new.kind == "number" or not old_vague:
        group.count = min(group.count, new.count) if new.kind == "number" else group.count
    else:
        group.count = min(group.count, new.count)
    group.mentions.append(new)


def _combine(mentions: Sequence[_Mention]) -> tuple[int, list[_Mention], list[str]]:
    """Fold the figures into one count; returns (count, contributing mentions, notes)."""
    groups: list[_Group] = []
    notes: list[str] = []
    mixed_sentences = {m.sentence for m in mentions if m.kind == "mixed"}
    for mention in mentions:
        if mention.kind == "subset":
            # "Some deaths were reported, including at least 2 by a land mine": a numbered
            # part of a vague (or mixed) figure is the best lower bound the text gives.
            local = [g for g in groups if any(m.sentence == mention.sentence for m in g.mentions)]
            if local and all(m.kind != "number" for g in local for m in g.mentions):
                local[-1].count = mention.count
                local[-1].mentions.append(replace(mention, kind="number"))
                continue
            if not local and mention.sentence in mixed_sentences:
                groups.append(_Group(mention.count, [replace(mention, kind="number")]))
                continue
        if mention.kind in ("negated", "mixed", "skipped", "subset"):
            notes.append(f"'{mention.text}': {mention.note or mention.kind} (0)")
            continue
        if mention.kind == "total":
            groups = [_Group(mention.count, [mention])]
            continue
        if mention.kind == "coded_unknown":
            groups = [g for g in groups if any(m.kind == "number" for m in g.mentions)]
            groups.append(_Group(mention.count, [mention]))
            continue
        totals = [g for g in groups if any(m.kind == "total" for m in g.mentions)]
        if totals and not mention.additive:
            notes.append(f"'{mention.text}': within the total already counted")
            continue
        relations = [(_relation(mention, g), g) for g in groups]
        same = [g for r, g in relations if r == _SAME]
        overlap = [g for r, g in relations if r == _OVERLAP]
        if same:
            _merge_same(same[-1], mention)
        elif overlap:
            merged = _Group(
                max(sum(g.count for g in overlap), mention.count),
                [m for g in overlap for m in g.mentions] + [mention],
            )
            if mention.kind == "unnumbered" and any(
                m.kind != "unnumbered" for g in overlap for m in g.mentions
            ):
                merged.count = sum(g.count for g in overlap)
            groups = [g for g in groups if all(g is not o for o in overlap)] + [merged]
        else:
            groups.append(_Group(mention.count, [mention]))
    count = sum(g.count for g in groups)
    used = sorted((m for g in groups for m in g.mentions), key=lambda m: m.start)
    return count, used, notes


def count_fatalities(sentences: Sequence[SpacySpan]) -> Fatalities:
    """The number of people killed in the event the ``sentences`` report, ACLED's way.

    Deaths only, the most conservative figure, vague words coded as ACLED does; see the module
    docstring for every rule. ``span`` covers the words the count was read from (article
    offsets) and ``reason`` lists each figure and what was done with it.
    """
    if not sentences:
        return Fatalities(0, None, "no sentence given")
    text = sentences[0].doc.text
    mentions: list[_Mention] = []
    coded: list[_Mention] = []
    for index, sentence in enumerate(sentences):
        statements = _coder_mentions(sentence, index)
        coded.extend(statements)
        for mention in _mentions(sentence, index):
            # "Distributed fatalities over ...", "Unknown fatalities coded as 10": in a coder's
            # sentence an unnumbered death word is the coder's topic, not a further death.
            if statements and mention.kind == "unnumbered":
                continue
            if any(m.start <= mention.start < m.end for m in statements):
                continue
            if mention.kind == "number" and any(
                m.kind == "split" and mention.end <= m.start for m in statements
            ):
                # "20 fatalities split between 3 locations": the figure being split is the total.
                mention = replace(mention, kind="total", note="the figure the coder splits")
            mentions.append(mention)
    mentions.sort(key=lambda m: (m.sentence, m.start))

    figures = [m for m in coded if m.kind in ("coded", "coded_unknown")]
    splits = [m for m in coded if m.kind == "split"]
    finals = [m for m in figures if m.kind == "coded"]
    if figures or splits:
        return _coded_result(mentions, figures, finals, splits, text)

    count, used, notes = _combine(mentions)
    if not used:
        if notes:
            reason = "; ".join(notes)
            first = next(m for m in mentions if m.kind in ("negated", "mixed", "skipped", "subset"))
            return Fatalities(0, Span(first.start, first.end, first.text), reason)
        return Fatalities(0, None, "no death reported")
    return Fatalities(count, _cover(used, text), _explain(count, used, notes))


def _coded_result(
    mentions: list[_Mention],
    figures: list[_Mention],
    finals: list[_Mention],
    splits: list[_Mention],
    text: str,
) -> Fatalities:
    """Apply the coder's own statements: the last coded figure, divided when split after it.

    A coded figure for unknown deaths ("Unknown fatalities coded as 10") replaces the vague
    figures it quantifies and adds to the numbered ones.
    """
    final = finals[-1] if finals else None
    split = splits[-1] if splits else None
    if final is not None and (
        split is None or (final.sentence, final.start) > (split.sentence, split.start)
    ):
        return Fatalities(
            final.count, _cover([final], text), f"coder's figure '{final.text}' -> {final.count}"
        )
    if final is not None:
        count, used = final.count, [final]
        reason = f"coder's figure '{final.text}' -> {count}"
    else:
        pool = mentions + [m for m in figures if m.kind == "coded_unknown"]
        count, used, _ = _combine(sorted(pool, key=lambda m: (m.sentence, m.start)))
        reason = f"figures read from the text -> {count}"
    if split is not None:
        if split.count >= 0:
            count = split.count
            reason += f"; '{split.text[:60]}': {count} for this event"
        else:
            events = -split.count
            # The share most of the events get: 10 over 3 -> 4, 3, 3 -> 3; 7 over 13 -> 1.
            share, rest = divmod(count, events)
            divided = share + 1 if 2 * rest > events else share
            reason += f"; '{split.text[:60]}': {count} over {events} events -> {divided} here"
            count = divided
        used = used + [split]
    if not used:
        return Fatalities(count, None, reason)
    return Fatalities(count, _cover(used, text), reason)


def _cover(mentions: Sequence[_Mention], text: str) -> Span:
    """The article characters from the first figure used to the last one."""
    start = min(m.start for m in mentions)
    end = max(m.end for m in mentions)
    return Span(start, end, text[start:end])


def _explain(count: int, used: Sequence[_Mention], notes: Sequence[str]) -> str:
    parts = []
    for mention in used:
        label = {
            "number": "",
            "vague": " (vague word)",
            "unnumbered": " (no number given)",
            "total": " (total)",
            "coded_unknown": " (coder's figure)",
        }.get(mention.kind, "")
        parts.append(f"'{mention.text}' = {mention.count}{label}")
    how = "; ".join(parts)
    if len(used) > 1:
        how += f" -> {count} (same deaths counted once, different victims added)"
    if notes:
        how += "; ignored: " + "; ".join(notes)
    return how
