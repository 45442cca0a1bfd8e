"""A cheap test that a text is English, because eventcoder's models and rules are English-only.

No language-identification dependency: the share of Latin letters catches Arabic, Cyrillic and
other scripts, and the share of common English function words (against those of French,
Spanish, German, Italian and Portuguese) catches other Latin-script languages. Texts under 20
words (headlines) pass unless they are clearly in another language.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

# fmt: off
#: Frequent English function words: 33-50 % of the words of the Guardian dev articles.
_ENGLISH = frozenset({
    "the", "of", "and", "to", "in", "a", "an", "is", "was", "were", "are", "be", "been", "has",
    "have", "had", "that", "this", "for", "on", "with", "as", "by", "at", "from", "it", "its",
    "he", "she", "they", "their", "his", "her", "which", "who", "said", "after", "not", "but",
    "or", "will", "would", "into", "over", "than", "also", "more", "against", "while", "when",
    "there", "about", "during",
})
#: Frequent function words of French, Spanish, German, Italian and Portuguese that are not
#: English words too ("die", "per", "a", "in" and "on" are left out on purpose).
_FOREIGN = frozenset({
    "le", "la", "les", "des", "du", "une", "et", "est", "dans", "pour", "par", "sur", "qui",
    "au", "aux", "avec", "sont", "ont", "pas", "cette", "il", "elle", "el", "los", "las", "del",
    "y", "una", "por", "con", "para", "que", "es", "fue", "se", "su", "al", "lo", "como", "más",
    "der", "das", "und", "ist", "nicht", "mit", "von", "zu", "dem", "ein", "eine", "sich",
    "auf", "für", "di", "che", "della", "gli", "sono", "non", "da", "os", "não", "em", "com",
    "uma",
})
# fmt: on
#: A letter beyond Latin Extended-B (Arabic, Cyrillic, Greek, CJK...).
_NON_LATIN = re.compile(r"[^\W\d_\u0000-\u024f]")
#: A word, with inner apostrophes and hyphens ("al-Sheih" is one word, so "al" is never counted).
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def english_problem(text: str) -> str | None:
    """Why ``text`` is not English, or None when it is (or has too few words to tell).

    Looks at the first 10,000 characters only, so it costs the same for any article length.
    """
    sample = text[:10_000]
    other = Counter(map(_script, _NON_LATIN.findall(sample)))
    if other and other.total() > 0.4 * sum(map(str.isalpha, sample)):
        return f"is written mostly in {other.most_common(1)[0][0]} script, not English"
    words = _WORD.findall(sample.lower())
    english = sum(map(_ENGLISH.__contains__, words))
    foreign = sum(map(_FOREIGN.__contains__, words))
    if len(words) < 20:  # a headline: refuse only clear evidence of another language
        foreign_text = foreign >= 2 and foreign > english
    else:
        foreign_text = english < 0.12 * len(words) or foreign > english
    return "does not read as English, too few common English words" if foreign_text else None


def _script(char: str) -> str:
    """The script a letter belongs to, from its Unicode name ("ARABIC LETTER ALEF" -> Arabic)."""
    return unicodedata.name(char, "Other").split()[0].capitalize()
