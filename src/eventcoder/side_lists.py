"""The sides of a fight as a sentence lists them: "clashes between X, backed by Y, and Z".

The parse of such lists is unreliable (a conjunct attaches to the wrong name, a support phrase
swallows the next side), so they are read linearly, word by word, from "between" to the end of
the list. The list is split into two sides by "against" or "versus", by "on one hand ... on the
other", else by camp: the first side is the first actor with its supporters ("supported by",
"including") and its allies by definition (:func:`eventcoder.actors.allied`: a state's own
militias stay with the state); the second side begins with the first actor that is neither. The
coordinated subjects of a reciprocal verb ("HTS and Ahrar al-Sham clashed") are read the same
way. Each side is named by its main mention, a named group beating generic labels
(:func:`main_mention`); the others are its associates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span

from eventcoder.actors import ActorMention, allied
from eventcoder.models import Actor
from eventcoder.triggers import Trigger

#: Words that introduce the list of sides of a fight: "clashes between X and Y", "among".
_BETWEEN = frozenset({"between", "among", "amongst"})
#: Words that end the "between X and Y" list of sides: a new clause or a consequence begins.
_SIDE_LIST_END = frozenset(
    {
        "where",
        "which",
        "while",
        "after",
        "when",
        "amid",
        "resulting",
        "killing",
        "leaving",
        "in",
        "near",
        "on",
        "at",
        "around",
        ";",
    }
)
#: Words that set the two sides of the list apart: "between X against Y".
_SIDE_SPLIT = frozenset({"against", "versus", "vs", "vs."})
#: Words that open a phrase naming a side's allies or members: "X, supported by Y", "X, including Y".
_SUPPORT_OPENERS = frozenset(
    {
        "supported", "backed", "support", "assisted", "aided", "cover", "under", "alongside",
        "including", "with", "led", "belonging", "affiliated", "operating", "within", "loyal",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ListedSides:
    """The two sides of a fight as a sentence lists them, each with its associates.

    ``infighting`` is True for a fight within one group ("clashes among members of the Sultan
    Murad Division"), which has the same actor on both sides.
    """

    actor1: Actor
    assoc1: tuple[str, ...]
    actor2: Actor
    assoc2: tuple[str, ...]
    infighting: bool = False


def between_sides(trigger: Trigger, mentions: Sequence[ActorMention]) -> ListedSides | None:
    """The two sides of "clashes (took place) between X, allies and Y" or "... between X against Y".

    The parse of such lists is unreliable, so they are read linearly, from "between" to the end
    of the list (:func:`_list_sides`). A list that names one group only, with no other party
    ("clashes among members of IS", "infighting between two groups of IS"), is a fight within
    that group.
    """
    sentence = trigger.span.sent
    doc = sentence.doc
    start = _between_word(trigger)
    if start is None:
        return None
    end, split = _side_list_bounds(doc, start, sentence.end)
    listed = _listed(doc, mentions, start, end, split)
    if len({item.mention.actor.name for item in listed}) == 1:
        named = {t.i for item in listed for t in _tokens(doc, item.mention)}
        words = {t.lower_ for t in doc[start + 1 : end] if t.i not in named}
        if split is not None or words & {"and", "against", "with", ",", "&"}:
            return None
        actor = listed[0].mention.actor
        return ListedSides(actor, (), actor, (), infighting=True)
    return _list_sides(listed, split)


def subject_sides(
    doc: Doc, mentions: Sequence[ActorMention], region: frozenset[int]
) -> ListedSides | None:
    """The two sides named as the subjects of a reciprocal verb: "HTS and Ahrar al-Sham clashed",
    "the army, backed by allied militias and Russian forces on one hand and ISIS on the other,
    clashed" (read as a list of sides, :func:`_list_sides`)."""
    if not region:
        return None
    start, end = min(region) - 1, max(region) + 1
    split = next((i for i in range(start + 1, end) if _splits_sides(doc, i, end)), None)
    return _list_sides(_listed(doc, mentions, start, end, split), split)


@dataclass(frozen=True, slots=True)
class _Listed:
    """An actor named in a list of sides; ``allied`` when a support phrase introduces it."""

    start: int
    mention: ActorMention
    allied: bool
    continued: bool = False  # allied only as the next name after an ally ("backed by X and Y")


def _listed(
    doc: Doc, mentions: Sequence[ActorMention], start: int, end: int, split: int | None
) -> list[_Listed]:
    """The actors named strictly between tokens ``start`` and ``end``, each marked when a support
    phrase introduces it ("supported by X", "including X", "backed by X and Y")."""
    listed: list[_Listed] = []
    previous_end = start + 1
    for mention in mentions:
        tokens = _tokens(doc, mention)
        if not len(tokens) or not (start < tokens.start < end):
            continue
        gap = [t.lower_ for t in doc[previous_end : tokens.start]]
        # Only the words after the last "and" or comma introduce this mention: in "backed by
        # Coalition aerial support, and IS", "support" belongs to the phrase before.
        cut = max((i + 1 for i, word in enumerate(gap) if word in ("and", ",", "&")), default=0)
        supported = any(word in _SUPPORT_OPENERS for word in gap[cut:])
        # "backed by the Syriac Security Office and YPG": the support phrase goes on.
        continued = bool(listed) and listed[-1].allied and gap in (["and"], [","])
        if split is not None and previous_end <= split < tokens.start:
            supported = continued = False
        listed.append(
            _Listed(tokens.start, mention, supported or continued, continued and not supported)
        )
        previous_end = max(previous_end, tokens.end)
    return listed


def _split_by_camp(listed: Sequence[_Listed]) -> tuple[list[_Listed], list[_Listed]]:
    """The first side (the first actor, its supporters and allies) and the rest."""
    side_a: list[_Listed] = []
    side_b: list[_Listed] = []
    for item in listed:
        joins_a = (
            not side_a
            or item.allied
            or any(allied(item.mention.actor, x.mention.actor) for x in side_a)
        )
        (side_a if joins_a and not side_b else side_b).append(item)
    return side_a, side_b


def _list_sides(listed: Sequence[_Listed], split: int | None) -> ListedSides | None:
    """Two sides from a list of actors; None unless it names two.

    The sides are set apart by the ``split`` word ("against", "versus", "on one hand ... on
    the other"), else the second side begins with the first actor named that is neither
    introduced as support ("supported by", "including") nor an ally of the first side by
    definition (:func:`eventcoder.actors.allied`): "between regime forces and allied militias
    and rebel and Islamist factions" is the regime against the rebels. Each side is named by
    its main mention (:func:`main_mention`); the others are its associates.
    """
    if len({item.mention.actor.name for item in listed}) < 2:
        return None
    if split is not None:
        side_a = [item for item in listed if item.start < split]
        side_b = [item for item in listed if item.start > split]
    else:
        side_a, side_b = _split_by_camp(listed)
        if not side_b:
            # "regime forces backed by allied militias and rebel forces": after an ally, "and"
            # may as well begin the other side, when nothing else does.
            side_a, side_b = _split_by_camp(
                [replace(i, allied=False) if i.continued else i for i in listed]
            )
    if not side_a or not side_b:
        return None
    actor1, actor2 = _side_actor(side_a), _side_actor(side_b)
    if actor1.name == actor2.name:
        return None
    skip = (actor1.name, actor2.name)
    assoc1 = tuple(
        dict.fromkeys(i.mention.actor.name for i in side_a if i.mention.actor.name not in skip)
    )
    assoc2 = tuple(
        dict.fromkeys(i.mention.actor.name for i in side_b if i.mention.actor.name not in skip)
    )
    return ListedSides(actor1, assoc1, actor2, assoc2)


def _tokens(doc: Doc, mention: ActorMention) -> Span:
    tokens = doc.char_span(mention.span.start, mention.span.end, alignment_mode="expand")
    return tokens if tokens is not None else doc[0:0]


def _side_actor(side: Sequence[_Listed]) -> Actor:
    """The actor a side is coded as: its main mention among those not named as support."""
    heads = [item.mention for item in side if not item.allied] or [item.mention for item in side]
    return main_mention(heads).actor


def _between_word(trigger: Trigger) -> int | None:
    """The index of the "between" that lists the sides of ``trigger``'s fight, if any.

    Close after the trigger ("clashes between"), or attached to the trigger or to the verb it
    is the subject of, however far: "Clashes, accompanied by shelling, took place in the
    city between ...".
    """
    span = trigger.span
    sentence = span.sent
    root = span.root
    anchors = {root.i}
    if root.dep_ in ("nsubj", "nsubjpass") and root.head.i != root.i:
        anchors.add(root.head.i)
    for token in sentence.doc[span.start : sentence.end]:
        if token.lower_ not in _BETWEEN:
            continue
        if token.i == span.end or (token.lower_ == "between" and token.i < span.end + 8):
            # ("among" further on is rarely the sides: "the death toll among Hezbollah")
            return token.i
        node = token
        for _ in range(5):
            if node.head.i == node.i:
                break
            node = node.head
            if node.i in anchors:
                return token.i
            if node.pos_ in ("VERB", "AUX"):
                break
    return None


_ONE_HAND = (["one", "hand"], ["one", "side"], ["the", "one", "hand"], ["the", "one", "side"])


def _splits_sides(doc: Doc, index: int, limit: int) -> int:
    """How many words at ``index`` set two sides apart ("against", "on one hand"), 0 if none."""
    word = doc[index].lower_
    if word in _SIDE_SPLIT:
        return 1
    following = [t.lower_ for t in doc[index + 1 : min(index + 4, limit)]]
    if word == "on" and following[:2] in _ONE_HAND:
        return 3
    if word == "on" and following[:3] in _ONE_HAND:
        return 4
    return 0


def _side_list_bounds(doc: Doc, start: int, limit: int) -> tuple[int, int | None]:
    """Where the list of sides after "between" ends, and the index of the word splitting it.

    "between X on one hand and Y on the other": "on one hand" splits, "on the other" ends.
    """
    end = start + 1
    split: int | None = None
    while end < limit:
        width = _splits_sides(doc, end, limit)
        if width:
            split = end if split is None else split
            end += width
            continue
        word = doc[end].lower_
        following = [t.lower_ for t in doc[end + 1 : min(end + 3, limit)]]
        if word == "on" and (following[:1] == ["other"] or following[:2] == ["the", "other"]):
            break
        if word in _SIDE_LIST_END and end > start + 1:
            break
        end += 1
    return end, split


def _inside(
    doc: Doc, mentions: Sequence[ActorMention], region: frozenset[int]
) -> list[ActorMention]:
    """The mentions with a token inside ``region``, in text order."""
    if not region:
        return []
    inside: list[ActorMention] = []
    for mention in mentions:
        tokens = doc.char_span(mention.span.start, mention.span.end, alignment_mode="expand")
        if tokens is not None and any(t.i in region for t in tokens):
            inside.append(mention)
    return inside


def main_mention(mentions: Sequence[ActorMention]) -> ActorMention:
    """The mention that names a group of mentions: the first, unless it is a generic armed
    label and a named armed group follows. "rebel forces, Islamist militias and Hayat Tahrir
    al-Sham" is coded Hayat Tahrir al-Sham, the generic labels being its associates."""
    first = mentions[0]
    if first.generic and first.actor.inter in (2, 3, 4):
        named = next(
            (m for m in mentions[1:] if not m.generic and m.actor.inter in (2, 3, 4)), None
        )
        if named is not None:
            return named
    return first


def pick_actor(
    doc: Doc, mentions: Sequence[ActorMention], region: frozenset[int]
) -> tuple[Actor | None, tuple[str, ...]]:
    """The actor named inside ``region`` (:func:`main_mention`) and the others there (associates)."""
    inside = _inside(doc, mentions, region)
    if not inside:
        return None, ()
    main = main_mention(inside).actor
    return main, tuple(dict.fromkeys(m.actor.name for m in inside if m.actor.name != main.name))
