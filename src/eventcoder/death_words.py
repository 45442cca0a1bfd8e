"""Words that report a death, and whether that death belongs to the event being coded.

Why a module of its own: deciding that "killed" or "fatalities" is a death *of this event* is
a question about the word and its syntactic neighbourhood only: a figurative use ("killed off
any challenge"), a death that is the topic of another act ("protesting the killing of"), one
that did not happen ("tried to kill"), a negation ("no one was killed"), a figure shared with
the wounded ("killed and wounded"), or the voice that says on which side the victims stand.
Keeping these word-level tests and their lexicons apart from the phrase reading
(:mod:`eventcoder.victims`) and the figure assembly (:mod:`eventcoder.death_mentions`) lets
each be read and tested without the others.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Token


def word_set(text: str) -> frozenset[str]:
    """A word list written as one string, so the lexicons of death counting stay readable."""
    return frozenset(text.split())


DEATH_VERBS = word_set(
    """kill killed kills killing die died dies dying slay slew slain execute executed executing
    executes assassinate assassinated assassinating murder murdered murdering murders behead
    beheaded beheading decapitate decapitated massacre massacred massacring lynch lynched
    lynches lynching perish perished perishing succumb succumbed succumbing martyred gunned"""
)
DEATH_NOUNS = word_set(
    """death deaths fatality fatalities killing killings body bodies corpse corpses toll
    dead assassination massacre execution executions"""
)
INJURY_WORDS = word_set(
    """wound wounded wounding wounds injure injured injuring injures injury injuries hurt
    maimed casualty casualties"""
)
INTRANSITIVE = word_set(
    "die died dies dying perish perished perishing succumb succumbed succumbing"
)
#: Words that make a death the subject matter of another act, not a result of this event.
_CONTEXT_GOVERNORS = word_set(
    """protest protests protested protesting protesters against condemn condemned condemning
    condemns denounce denounced denouncing demand demanded demanding demands mourn mourned
    mourning commemorate commemorating commemorated anniversary memory justice investigation
    investigate investigating probe inquiry trial accused accusing charged charges suspected
    arrested arrest convicted sentenced responsible retaliation revenge
    avenge response reaction blamed blaming"""
)
_MODAL_GOVERNORS = word_set(
    """try tried tries trying attempt attempted attempting attempts threaten threatened
    threatening threatens vow vowed vowing plan planned planning plot plotted plotting aim
    aimed aiming want wanted seek sought fail failed failing intend intended"""
)
_MODAL_AUX = word_set("would could might may will shall can should")


_BE_FORMS = word_set("was were been being is are be get got")

#: Every word :func:`is_death_word` can accept; it rejects all others whatever their context.
_CANDIDATES = DEATH_VERBS | DEATH_NOUNS | {"lives", "life", "gunned"}


def is_death_word(token: Token) -> bool:
    """Whether ``token`` reports a death: "killed", "died", "fatalities", "the toll", "lost
    their lives", "the bodies of ... were found"; not "killed off", "a lynch mob"."""
    lower = token.lower_
    if lower not in _CANDIDATES:
        return False  # most words: decided before the (costly) look at the sentence
    if token.i + 1 < token.sent.end and token.doc[token.i + 1].lower_ == "off":
        return False  # "killed off any challenge": figurative
    if lower == "gunned":
        return token.i + 1 < token.sent.end and token.doc[token.i + 1].lower_ == "down"
    verb_like = token.pos_ in ("VERB", "AUX") or token.tag_ in ("VBD", "VBN", "VBG", "VBZ", "VBP")
    if lower in DEATH_VERBS and verb_like:
        return True  # "killed", "lynches", "died"; not "lynch mob", "murder suspect"
    if lower in ("lives", "life"):
        return lost_lives_verb(token) is not None
    if lower not in DEATH_NOUNS:
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


def lost_lives_verb(token: Token) -> Token | None:
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


def is_mixed(token: Token) -> bool:
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
        if rest and rest[0] in INJURY_WORDS:
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


def context_reason(token: Token) -> str:
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


def modal_reason(token: Token) -> str:
    """Why a death word is a death that did not happen ("" when it did): "could have killed",
    "tried to kill", "a foiled plot to kill"."""
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


def is_negated(token: Token, phrase: Sequence[Token]) -> bool:
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


def is_passive(token: Token) -> bool:
    """Whether the victims of a death verb stand before it ("5 soldiers were killed")."""
    lower = token.lower_
    if lower in INTRANSITIVE or lower in ("martyred", "slain", "dead"):
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
