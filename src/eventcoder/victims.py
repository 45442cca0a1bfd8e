"""Victim phrases: the words that say who was killed and how many.

Why a module of its own: once a death word is found, the figure lives in the noun phrase
beside it ("at least 8 IS and 6 QSD fighters", "a woman and a child", "the commander and his
wife"). The parse of such phrases is unreliable, so they are read from POS tags and words
within the sentence, and each phrase is turned into its counts (:func:`head_quantities`,
:func:`singular_people`) and a coarse victim class (:func:`victim_key`) that later decides
whether two figures count the same deaths.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from eventcoder.death_words import DEATH_NOUNS, DEATH_VERBS, INJURY_WORDS, word_set
from eventcoder.quantities import Quantity, read_quantities, word_value

_QUANT_WORDS = word_set(
    """at least most more than less fewer up to between about around nearly almost over some
    approximately roughly as many an estimated estimate total of and or - – to reportedly
    only just exactly"""
)

_CIVILIAN = word_set(
    """civilian civilians people person persons resident residents villager villagers child
    children kid kids woman women man men girl girls boy boys family families worshipper
    worshippers student students farmer farmers shepherd shepherds herder herders passenger
    passengers trader traders journalist journalist journalists activist activists worker
    workers doctor doctors teacher teachers protester protesters demonstrator demonstrators
    pedestrians pedestrian infant infants baby babies"""
)
_STATE = word_set(
    """soldier soldiers troop troops army police policeman policemen officer officers
    personnel servicemen serviceman guard guards security forces force regime government
    military commander commanders pilot pilots gendarme gendarmes recruit recruits
    conscripts conscript"""
)
_NONSTATE = word_set(
    """militant militants fighter fighters rebel rebels insurgent insurgents terrorist
    terrorists jihadist jihadists gunman gunmen attacker attackers assailant assailants bomber
    bombers militiaman militiamen militia militias member members raider raiders bandit
    bandits combatant combatants jihadi jihadis extremists extremist"""
)


_NP_POS = frozenset({"DET", "NUM", "ADJ", "NOUN", "PROPN", "PART", "X", "SYM"})
_NP_STOP = word_set(
    """in on at from by during after before near when while as since with that which who
    whom where because following amid amidst across into inside outside through against
    for after"""
)


def _np_token(token: Token) -> bool:
    """Whether ``token`` can sit inside a victim phrase such as "at least 8 IS and 6 QSD
    fighters" (the parse of such phrases is unreliable, so this reads POS tags and words)."""
    lower = token.lower_
    if lower in INJURY_WORDS:
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
        return lower not in DEATH_NOUNS or lower == "dead"
    if token.pos_ == "VERB" and token.dep_ in ("amod", "compound") and token.tag_ in ("VBN", "VBG"):
        return lower not in DEATH_VERBS
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
            or word_value(nxt.text) is not None
        )
    return False


def phrase_left(
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


def phrase_right(
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
    if i < sentence.end and sentence.doc[i].lower_ in INJURY_WORDS:
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


#: Phrase heads that are not people: "the rebel side", "a vehicle" are not a death each.
_NOT_A_PERSON = word_set(
    """side sides group groups faction area village town city position positions vehicle car
    tank base checkpoint unit army force regime government convoy truck building house number
    front camp post ranks rank countryside region district province neighborhood
    neighbourhood outskirts vicinity road highway street field farm farms hill mountain axis
    sector desert border crossing bridge station airport school hospital mosque market office
    headquarters attack clash clashes fighting battle exchange raid ambush operation"""
)


def head_quantities(tokens: Sequence[Token]) -> list[Quantity]:
    """The counts of the phrase, ignoring those inside an "of" phrase after a counted head
    ("1 member of Brigade 93", "two of the 5 soldiers") until the list goes on ("8 members of
    IS and 3 fighters of the rebel group"), and everything after a subset marker ("including")."""
    cut = len(tokens)
    for k, token in enumerate(tokens):
        if token.lower_ in ("including", "among", "incl."):
            cut = k
            break
    tokens = tokens[:cut]
    kept: list[Quantity] = []
    for q in read_quantities(tokens):
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


_NOT_PEOPLE = word_set("sides side parties groups camps factions forces")


def victim_key(tokens: Sequence[Token]) -> tuple[str, frozenset[str]]:
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


_PERSON_WORDS = word_set(
    """leader leaders chief chiefs official officials driver drivers suspect suspects assistant
    chairman mayor governor imam cleric ranger herdsman herdsmen wife husband son daughter
    brother father mother relative relatives elder elders bodyguard bodyguards guard member
    volunteer volunteers rescuer rescuers medic medics nurse nurses"""
)
_SINGULAR_PRONOUNS = frozenset({"he", "she", "him", "her", "himself", "herself"})


def singular_people(tokens: Sequence[Token], *, strict: bool = False) -> int:
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
        if head.lower_ in _NOT_A_PERSON or head.lower_ in _NOT_PEOPLE or read_quantities(conjunct):
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


_PRUNED_DEPS = frozenset({"relcl", "acl", "advcl", "appos", "ccomp", "parataxis", "punct"})


def subject_phrase(token: Token) -> list[Token]:
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


def figure_count(tokens: Sequence[Token]) -> int:
    """How many separate figures a phrase holds ("4 rebels and 12 soldiers": 2)."""
    return len(head_quantities(tokens)) + singular_people(tokens)


def phrase_count(tokens: Sequence[Token]) -> int:
    """The people a phrase counts: its figures added up plus the people named without one."""
    return sum(q.value for q in head_quantities(tokens)) + singular_people(tokens)


def is_quantified(tokens: Sequence[Token]) -> bool:
    """Whether a phrase gives a figure or names people ("3 soldiers", "a woman")."""
    return bool(head_quantities(tokens)) or singular_people(tokens) > 0
