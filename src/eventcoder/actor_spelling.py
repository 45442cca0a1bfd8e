"""Named groups spelled unlike any alias: "Rahman Corp", "Jaysh Khaled Ibn al-Walid".

Why a module of its own: transliterated names vary more than an alias table can list, so the
capitalised word runs of an article that no alias matched are compared with the table's named
aliases after dropping case, articles ("al", "ibn") and punctuation (:func:`skeleton`); a
close enough spelling (rapidfuzz ratio >= :data:`FUZZY_CUTOFF`) counts. This runs over every
capitalised run of every article, so it is written for speed: word flags come from one
``Doc.to_array`` call instead of a ``Token`` per word, and only aliases whose length can reach
the cutoff are compared, once per distinct spelling. Neither shortcut drops a match.
:class:`~eventcoder.actors.ActorResolver` decides what a close spelling names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process
from spacy.strings import get_string_id
from spacy.tokens import Doc

#: The least rapidfuzz ratio (0-100) at which a spelling names an alias.
FUZZY_CUTOFF = 90.0
#: Skeletons shorter than this are too short to compare by spelling.
MIN_SKELETON = 7
#: Longest word run (in tokens) compared with the aliases.
MAX_RUN_WORDS = 6
#: Distinct spellings remembered per index before the memory starts again.
_MAX_REMEMBERED = 50_000

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
_NAME_LINK_IDS = np.array(sorted(get_string_id(word) for word in _NAME_LINKS), dtype=np.uint64)


@lru_cache(maxsize=65_536)
def skeleton(text: str) -> str:
    """A spelling-tolerant key: ASCII, lower case, no punctuation, no "al"/"ibn"/"of" words."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", " ", ascii_text.replace("'", "").replace("’", "")).split()
    return " ".join(w for w in words if w not in _NAME_LINKS)


@dataclass(frozen=True, slots=True)
class _NameWords:
    """What spelling matching needs of a doc's tokens, read without a ``Token`` per word.

    ``names`` flags name words (alphabetic, title case or a 2+ letter acronym); ``runs`` are
    the token ranges of name words joined by "al", "ibn", "of" or a hyphen; ``orth`` and
    ``space`` give each token's text (a string id) and whether a space follows it.
    """

    names: list[bool]
    orth: list[int]
    space: list[bool]
    runs: list[tuple[int, int]]

    @classmethod
    def read(cls, doc: Doc) -> _NameWords:
        """Read the flags from one ``Doc.to_array`` call and find the name runs."""
        if not len(doc):
            return cls([], [], [], [])
        columns = doc.to_array(
            ["ORTH", "SPACY", "IS_ALPHA", "IS_TITLE", "IS_UPPER", "LENGTH", "LOWER"]
        ).T
        orth, space, alpha, title, upper, length, lower = columns
        name_array = (alpha != 0) & ((title != 0) | ((upper != 0) & (length > 1)))
        joins = name_array | np.isin(lower, _NAME_LINK_IDS)
        names: list[bool] = name_array.tolist()
        joinable: list[bool] = joins.tolist()
        runs: list[tuple[int, int]] = []
        consumed = 0
        for index in np.flatnonzero(name_array).tolist():
            if index < consumed:
                continue
            end = index + 1
            while end < len(names) and joinable[end]:
                end += 1
            while end > index + 1 and not names[end - 1]:
                end -= 1
            runs.append((index, end))
            consumed = end
        return cls(names, orth.tolist(), (space != 0).tolist(), runs)


class SpellingIndex:
    """The named aliases by skeleton, for finding names spelled like one of them.

    Args:
        aliases: skeleton -> alias key, in the alias table's order (ties go to the first).
    """

    def __init__(self, aliases: Mapping[str, str]) -> None:
        self._aliases = dict(aliases)
        self._skeletons = list(self._aliases)
        self._by_length: dict[int, list[str]] = {}
        self._closest: dict[str, tuple[str, float] | None] = {}

    def closest(self, text_skeleton: str) -> tuple[str, float] | None:
        """The alias skeleton spelled most like ``text_skeleton`` and its ratio, or None.

        Remembered per distinct skeleton: an article, and a run of articles, repeat the same
        names many times.
        """
        if text_skeleton in self._closest:
            return self._closest[text_skeleton]
        best = process.extractOne(
            text_skeleton,
            self._within_reach(len(text_skeleton)),
            scorer=fuzz.ratio,
            score_cutoff=FUZZY_CUTOFF,
        )
        found = None if best is None else (best[0], best[1])
        if len(self._closest) >= _MAX_REMEMBERED:
            self._closest.clear()
        self._closest[text_skeleton] = found
        return found

    def _within_reach(self, length: int) -> list[str]:
        """The skeletons whose length allows a ratio >= the cutoff with one of ``length``.

        rapidfuzz's ratio is 100 * (1 - d / (m + n)) for lengths m, n and an edit distance d
        of at least |m - n|, so a ratio >= 90 needs 10 * |m - n| <= m + n. The list keeps
        the index's order, so the best match and its ties are those of the full list.
        """
        pool = self._by_length.get(length)
        if pool is None:
            pool = [s for s in self._skeletons if 10 * abs(len(s) - length) <= len(s) + length]
            self._by_length[length] = pool
        return pool

    def candidates(self, doc: Doc, taken: AbstractSet[int]) -> list[tuple[float, int, int, str]]:
        """Word runs of ``doc`` spelled like a named alias, best first.

        Every run of up to :data:`MAX_RUN_WORDS` capitalised words that ends in a name word
        and overlaps no ``taken`` token is compared. Returns ``(score, start, end, alias
        key)`` tuples, highest score first, then longest, then latest; overlapping
        candidates are left for the caller to choose between.
        """
        words = _NameWords.read(doc)
        strings = doc.vocab.strings
        found: list[tuple[float, int, int, str]] = []
        for start, end in words.runs:
            bare = [strings[words.orth[k]] for k in range(start, end)]
            with_space = [
                text + " " if words.space[k] else text for k, text in enumerate(bare, start)
            ]
            for i in range(start, end):
                for j in range(end, i, -1):
                    if j - i > MAX_RUN_WORDS or not words.names[j - 1]:
                        continue
                    if not taken.isdisjoint(range(i, j)):
                        continue
                    # doc[i:j].text without building a Span: the last word has no space.
                    text = "".join(with_space[i - start : j - 1 - start]) + bare[j - 1 - start]
                    text_skeleton = skeleton(text)
                    if len(text_skeleton) < MIN_SKELETON:
                        continue
                    best = self.closest(text_skeleton)
                    if best is not None:
                        found.append((best[1], j - i, i, best[0]))
        return [
            (score, i, i + length, self._aliases[alias_skeleton])
            for score, length, i, alias_skeleton in sorted(found, reverse=True)
        ]
