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

The stages live in their own modules; this one holds the entry points and their order:
:mod:`~eventcoder.toponym_spans` (recognition, grouping, gazetteer candidates),
:mod:`~eventcoder.toponym_focus` (the article's countries, dropping non-places),
:mod:`~eventcoder.toponym_scoring` (disambiguation), :mod:`~eventcoder.toponym_containers`
(which named place the text says contains another) and :mod:`~eventcoder.toponym_lexicon`
(the cue words and patterns they share).

Measured on 600 ACLED Syria notes with geo_precision 1 (bench-style, not a test): of the notes
whose ACLED location the text names and the gazetteer knows, 93-94% resolve within 25 km.

Each distinct name is resolved on its own, so one unresolvable name never affects the others;
a name with place evidence that nothing matches well is returned with ``place=None`` and a
reason, never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from eventcoder.gazetteer import Gazetteer
from eventcoder.models import Toponym
from eventcoder.nlp import doc_text
from eventcoder.toponym_containers import bare_link, can_contain, links_container
from eventcoder.toponym_focus import capital_groups, corroborate, infer_focus, keep_places
from eventcoder.toponym_lexicon import (
    ATTRIBUTIVE,
    CONTAINER_GAP,
    LIST_HOPS,
    LIST_LINK,
    MIN_SCORE,
    POSSESSIVE_LINK,
)
from eventcoder.toponym_scoring import as_toponyms, resolve_groups, widen_unresolved
from eventcoder.toponym_spans import (
    group_mentions,
    look_up_candidates,
    recognize,
)


def find_toponyms(
    doc: Doc,
    gazetteer: Gazetteer,
    *,
    countries: Sequence[str] = (),
    exact_bar: float = MIN_SCORE,
) -> list[Toponym]:
    """Every place name of the article, resolved or explicitly unresolved, in text order.

    Args:
        doc: the parsed article (``doc.text`` is the article text; offsets index it).
        gazetteer: the installed gazetteer.
        countries: ISO codes the article is about; inferred from the text when empty.
        exact_bar: the least score that resolves a name the gazetteer holds as written.
            Event location keeps the default bar: a weak village loses to the place the
            text says contains it ("Hayan gas field west of Tadmor" is placed at Tadmor).
            The geoparser, which has no such fallback, passes ``MIN_EXACT_SCORE``.
    """
    text = doc_text(doc)  # Doc.text is rebuilt from the tokens on every access
    mentions = recognize(doc, text, gazetteer)
    groups = group_mentions(mentions)
    for group in groups:
        look_up_candidates(group, gazetteer, fuzzy=False)
    home = gazetteer.home_countries()
    focus = tuple(c.upper() for c in countries) or infer_focus(text, groups, home)
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
            look_up_candidates(group, gazetteer, fuzzy=True, countries=focus)
            group.candidates = group.candidates + abroad
    groups = groups + capital_groups(text, gazetteer, focus)
    keep_places(groups, focus)
    for group in groups:
        corroborate(group, focus)
    # The home lists break ties only when the user gave no countries.
    tie_break = () if countries else home
    resolve_groups(groups, focus, text, tie_break, gazetteer, exact_bar)
    if widen_unresolved(groups, gazetteer, focus, text):
        # Resolved again from scratch, as if the new spellings had been there from the start.
        for group in groups:
            group.choice, group.score, group.reason = None, 0.0, ""
            corroborate(group, focus)
        resolve_groups(groups, focus, text, tie_break, gazetteer, exact_bar)
    return as_toponyms(groups)


def qualifies_actor(after: str) -> bool:
    """Whether the words after a place name make it qualify an actor ("Idlib rebels", "US and
    UK warplanes", "Turkey's army"): the place then says who acts, not where."""
    return bool(ATTRIBUTIVE.match(after))


def stated_containers(text: str, toponyms: Sequence[Toponym]) -> dict[int, int]:
    """Index of each toponym -> index of the toponym the text says contains it.

    "the town of Khan al-Sheih in Southwestern Damascus", "X, Idlib province", "Hamidiya and
    Jbeileh neighbourhoods in Deir-ez-Zor city" (every name of the list) and "Damascus's Jobar"
    state containment; the event-location step uses it to place a village the gazetteer lacks.
    """
    out: dict[int, int] = {}
    for i, toponym in enumerate(toponyms):
        end, j = toponym.end, i + 1
        for _ in range(LIST_HOPS + 1):
            if j >= len(toponyms) or toponyms[j].start - end > CONTAINER_GAP:
                break
            other = toponyms[j]
            link = bare_link(text[end : other.start])
            if links_container(link, other.place, text[other.end : other.end + 30]) and can_contain(
                toponym.place, other.place
            ):
                out[i] = j
                break
            if not LIST_LINK.fullmatch(link):
                break
            end, j = other.end, j + 1
    for i, toponym in enumerate(toponyms):
        if i + 1 < len(toponyms) and i + 1 not in out:
            after = toponyms[i + 1]
            if POSSESSIVE_LINK.match(text[toponym.end : after.start]):
                out[i + 1] = i  # "Damascus's Jobar neighbourhood"
    return out
