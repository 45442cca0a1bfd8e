"""Transliteration-aware keys for place names written in Latin script.

One Arabic village reaches English news as Khan al-Sheih, Khan al-Shieh, Khan ash Shih, Khan
Eshieh or Khan Elshih. The gazetteer indexes every name and alternate name under
:func:`name_key`, a key that erases the differences transliteration introduces and nothing
else, and under :func:`loose_key`, a consonant skeleton used for a second, looser tier.
Whatever the two keys miss is left to :func:`similarity` (rapidfuzz) on the keys.

What the key erases, in order:

1. case, diacritics, apostrophes and the ayn/hamza marks (Dar'a = Dar‘ā = Dara);
2. hyphens and other separators (al-Shih = al Shih);
3. the Arabic article, written apart or glued, with or without sun-letter assimilation
   (al-Shih = ash-Shih = el-Shih = Elshih = Eshieh = Shih);
4. common generic words spelled many ways (Deir/Dayr/Dair, Tal/Tall/Tell, Kafr/Kfar,
   Ain/Ayn/Ein, Jabal/Jebel, Khirbet/Khirbat, Sheikh/Shaykh, Umm/Um, Abu/Abou, Beit/Bayt ...);
5. consonant digraph variants (kh = gh, q = k = g, dh = th = z, French ch = sh, dj = j);
6. vowel variants (ei = ie = i = ee = ey = ay, ou = u = oo = o, a = e) and doubled letters;
7. the feminine ending (Khabiyeh = Khabiya = Khabiyah) and English admin suffixes
   ("Idlib Governorate" = "Idlib").

**Sheikh is not Shih.** شيخ (sheikh, "elder") and شيح (shih, "wormwood") are different words,
and Syria has dozens of Sheikh-villages (Sheikh Maqsoud, Tall Shaykh ...), so the key keeps
them apart: "Khan al-Sheikh" does not share a key with "Khan al-Shih". The writers' confusion
of ح (h) and خ (kh) is caught one tier down: :func:`loose_key` merges h and kh, so the
gazetteer returns Khan al-Shih for "Khan al-Sheikh" with a loose-tier score (below an exact
match), and the toponym stage prefers it when the same article names Khan al-Sheih elsewhere.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

#: Letters NFKD does not decompose into ASCII plus a combining mark.
_SPECIAL_LETTERS = str.maketrans(
    {
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ħ": "h",
        "ŧ": "t",
    }
)

#: Apostrophe-like marks (ayn, hamza, quotes) vanish; they carry no Latin letter.
_MARKS = re.compile(r"['’‘`´ʿʾʻʼ′]")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_/.,;:()\[\]\"«»·]+")

#: The Arabic article as a word of its own, in its assimilated forms.
_ARTICLES = frozenset(
    {
        "al",
        "el",
        "il",
        "ul",
        "l",
        "ad",
        "ed",
        "ar",
        "er",
        "as",
        "es",
        "ash",
        "esh",
        "ush",
        "at",
        "et",
        "ath",
        "eth",
        "adh",
        "az",
        "ez",
        "an",
        "ud",
        "ur",
        "us",
        "ut",
        "uz",
    }
)

#: English and transliterated admin descriptors that name the same place as the bare name.
_ADMIN_WORDS = frozenset(
    {
        "governorate",
        "governate",
        "province",
        "district",
        "subdistrict",
        "muhafazat",
        "muhafazah",
        "muhafaza",
        "nahiyat",
        "nahiya",
        "nahiyah",
        "mintaqat",
        "mohafazat",
        "wilayat",
        "wilayah",
    }
)

#: Generic words of Arabic place names, each spelling mapped to one canonical token.
_GENERIC_SPELLINGS: dict[str, tuple[str, ...]] = {
    "dir": ("deir", "dayr", "dair", "der", "deyr", "dier"),
    "tal": ("tal", "tall", "tell", "tel", "til", "tilal"),
    "kafr": ("kafr", "kfar", "kefr", "kafar", "kufr", "kfr", "kefar"),
    "ayn": ("ain", "ayn", "ein", "aayn", "ayin", "aain", "ayoun", "ayun", "uyun", "oyoun"),
    "jabal": ("jabal", "jebel", "jabel", "jbel", "djebel", "gebel", "jbal", "jibal", "jebal"),
    "xirba": (
        "khirbet",
        "khirbat",
        "kherbet",
        "khirbit",
        "khurbet",
        "khirba",
        "khirbah",
        "kherbit",
        "kharbet",
        "khirbeh",
        "kherbeh",
        "khurbat",
        "kharbat",
        "khrbet",
        "kherbat",
    ),
    "$ayx": (
        "sheikh",
        "shaykh",
        "sheik",
        "shaikh",
        "cheikh",
        "shekh",
        "sheykh",
        "shiekh",
        "shaikh",
    ),
    "um": ("umm", "um", "om", "oum", "umme"),
    "abu": ("abu", "abou", "abo", "bou"),
    "bit": ("beit", "bayt", "bait", "bet", "beyt", "beth"),
    "bir": ("bir", "beer", "bier", "beir", "bi'r"),
    "ras": ("ras", "raas", "rass", "ra's"),
    "wadi": ("wadi", "wady", "ouadi", "oued", "wad"),
    "ksr": ("qasr", "kasr", "ksar", "qsar", "gasr", "qasar"),
    "mazraa": ("mazraa", "mazraat", "mazraet", "mazrat", "mazraeh", "mazraah", "mazra", "mazrah"),
    "klaa": ("qalaat", "qalat", "kalaat", "qalaa", "qala", "qalaah", "kalat"),
    "jisr": ("jisr", "jesr", "jsr"),
    "nahr": ("nahr", "nahar"),
    "bani": ("bani", "beni", "bny", "bene"),
    "ibn": ("ibn", "bin", "ben"),
}
_GENERIC = {
    spelling: canon for canon, spellings in _GENERIC_SPELLINGS.items() for spelling in spellings
}

#: Keys of words that begin place names but are no name alone ("Khan", "Deir", "Tal" ...).
GENERIC_KEYS = frozenset(_GENERIC_SPELLINGS) | {
    "xan",
    "suk",
    "hay",
    "marj",
    "kasr",
    "kariat",
    "karyat",
    "dar",
}

#: Generic words that name no place on their own, written as single words ("Hay Zin" is the
#: Zin quarter; "Ein" alone is no village).
_GENERIC_WORDS = frozenset(
    {
        "hay",
        "hayy",
        "hai",
        "hosh",
        "hawsh",
        "haush",
        "khan",
        "souq",
        "suq",
        "sook",
        "souk",
        "marj",
        "dar",
        "qarya",
        "qaryat",
        "karyat",
        "mazraa",
        "mazraat",
        "mazraet",
        "qalaat",
        "khirbet",
        "khirbat",
        "sheikh",
        "shaykh",
        "tal",
        "tell",
        "ain",
        "ein",
        "ayn",
        "kafr",
        "kfar",
        "deir",
        "dayr",
        "jabal",
        "jebel",
        "wadi",
        "nahr",
        "ras",
        "bir",
        "beit",
        "bayt",
        "umm",
        "um",
        "abu",
        "bani",
        "beni",
        "jisr",
        "qasr",
        "tall",
        "tel",
        "harat",
        "haret",
        "mintaqat",
        "nahiyat",
    }
)

_SUN_DOUBLED = re.compile(r"^[aeiu](sh|th|dh|ts|[tdrzsnl])(?=\1[a-z]{2})")
_GLUED_AL = re.compile(r"^[ae]l(?=[^aeiouy\W])")
_GLUED_E_SUN = re.compile(r"^e(?=(?:sh|[tdrzsn])[aeiouy])")

#: Fixed-string replacements, in order (str.replace is several times faster than re.sub).
_DIGRAPHS: tuple[tuple[str, str], ...] = (
    ("x", "ks"),
    ("ch", "$"),
    ("sh", "$"),
    ("kh", "x"),
    ("gh", "x"),
    ("dh", "z"),
    ("th", "z"),
    ("zh", "z"),
    ("ph", "f"),
    ("dj", "j"),
    ("ck", "k"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),  # Erbeen = Arbin, Jisreen = Jisrin: an English long i, not a doubled e
)
_SINGLE_LETTERS = str.maketrans({"q": "k", "c": "k", "g": "k", "o": "u"})
_DOUBLED = re.compile(r"(.)\1+")


def _first_letter(match: re.Match[str]) -> str:
    return match.group(1)


_VOWEL_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"[au]w(?![aeiu])", "u"),
        (r"iy(?=[aeiu])", "y"),
        (r"(?<=.)y(?![aeiu])", "i"),
        (r"ei|ie|ai|ae|ii", "i"),
        (r"(?<=[^aeiu])i(?=[au])", "y"),
    )
)

_VOWELS = re.compile(r"[aeiouy\s]")

#: Every combining mark of the Basic Multilingual Plane, for str.translate (much faster than
#: testing unicodedata.combining() character by character).
_COMBINING = {code: None for code in range(0x300, 0x10000) if unicodedata.combining(chr(code))}
_NON_LATIN_LETTER = re.compile(r"(?![\x00-\x7f])[^\W\d_]")


def _ascii_fold(name: str) -> str:
    """Lower-case, strip diacritics and marks; non-Latin letters are kept as they are."""
    if name.isascii():
        return _MARKS.sub("", name.lower())
    text = unicodedata.normalize("NFKD", name.translate(_SPECIAL_LETTERS)).translate(_COMBINING)
    return _MARKS.sub("", text.casefold().translate(_SPECIAL_LETTERS))


def _is_latin(text: str) -> bool:
    return text.isascii() or _NON_LATIN_LETTER.search(text) is None


def _tokens(folded: str) -> list[str]:
    """Split into words and drop articles and admin descriptors, keeping at least one word."""
    words = [w for w in _SEPARATORS.split(folded) if w]
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    while len(words) > 1 and words[-1] in _ADMIN_WORDS:
        words.pop()
    if len(words) > 1 and words[-1] == "sub" and words[-2] in _ADMIN_WORDS:
        words.pop()
    out: list[str] = []
    for index, word in enumerate(words):
        last = index == len(words) - 1
        if word in _ARTICLES and not last:
            continue
        first = word[:1]
        if first in "aeiu" and len(word) >= 5:
            word = _SUN_DOUBLED.sub("", word)
        if out and word[1:2] == "l" and len(word) >= 5:
            word = _GLUED_AL.sub("", word)
        if out and word[:1] == "e" and len(word) >= 4:
            word = _GLUED_E_SUN.sub("", word)
        out.append(word)
    return out or words


@lru_cache(maxsize=1 << 19)
def _fold_letters(word: str) -> str:
    """Consonant digraphs, then vowel classes, then doubled letters and the feminine ending."""
    for digraph, replacement in _DIGRAPHS:
        if digraph in word:
            word = word.replace(digraph, replacement)
    word = word.translate(_SINGLE_LETTERS)
    if _DOUBLED.search(word):
        word = _DOUBLED.sub(_first_letter, word)
    for pattern, replacement in _VOWEL_RULES:
        word = pattern.sub(replacement, word)
    word = word.replace("e", "a")
    if _DOUBLED.search(word):
        word = _DOUBLED.sub(_first_letter, word)
    if len(word) > 3 and word.endswith("ah"):
        word = word[:-1]
    return word


@lru_cache(maxsize=1 << 20)
def name_key(name: str) -> str:
    """The transliteration-aware key under which a place name is indexed and looked up.

    Two spellings of one Arabic name get the same key (see the module docstring for what is
    erased); names in other scripts keep their letters (case and diacritics folded, the Arabic
    article "ال" dropped) so that an Arabic alternate name still matches itself.
    """
    folded = _ascii_fold(name).strip()
    if not folded:
        return ""
    if not _is_latin(folded):
        words = [w for w in _SEPARATORS.split(folded) if w]
        words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in words]
        return " ".join(words)
    words = _tokens(folded)
    keyed: list[str] = []
    for word in words:
        generic = _GENERIC.get(word)
        if generic is not None and len(words) > 1:
            keyed.append(generic)
        else:
            keyed.append(_fold_letters(word))
    return " ".join(w for w in keyed if w)


def is_generic(name: str) -> bool:
    """Whether a single word only begins place names ("Khan", "Deir", "Ein", "Hay") and names
    no place on its own; any spelling of the generic words in the module docstring counts."""
    words = _tokens(_ascii_fold(name).strip())  # "al-Marj" is the generic "Marj"
    if len(words) != 1:
        return False
    word = words[0]
    return word in _GENERIC_WORDS or word in _GENERIC or name_key(name) in GENERIC_KEYS


def loose_key(name: str) -> str:
    """A consonant skeleton of :func:`name_key`: no vowels, no spaces, h and kh merged.

    It is the second lookup tier: two names with the same skeleton (Idlib/Idleb,
    Quneitra/Qunaytirah, Khan al-Shih/Khan al-Sheikh) are probably one name written two ways.
    Skeletons shorter than three letters are too common to mean anything and come back "".
    """
    return index_keys(name)[1]


def block_key(name: str) -> str:
    """The fuzzy-search block of a name: the first three letters of its skeleton.

    Fuzzy scoring runs only over names of the same block, which keeps a lookup on the world
    index well under a millisecond while still catching vowel and suffix variants.
    """
    return index_keys(name)[2]


@lru_cache(maxsize=1 << 20)
def index_keys(name: str) -> tuple[str, str, str]:
    """``(name_key, loose_key, block_key)`` of a name, computed together for the index build."""
    key = name_key(name)
    if not _is_latin(key):
        flat = key.replace(" ", "")
        return key, flat, flat[:3]
    skeleton = _VOWELS.sub("", key).replace("x", "h").replace("w", "")
    if _DOUBLED.search(skeleton):
        skeleton = _DOUBLED.sub(_first_letter, skeleton)
    loose = skeleton if len(skeleton) >= 3 else ""
    return key, loose, (skeleton or key.replace(" ", ""))[:3]


def similarity(key_a: str, key_b: str) -> float:
    """Fuzzy similarity (0-1) of two keys from :func:`name_key` (rapidfuzz normalized ratio)."""
    if not key_a or not key_b:
        return 0.0
    return fuzz.ratio(key_a, key_b) / 100.0


#: Arabic direction adjectives after a name and the English word written before it instead:
#: "Jurdi al-Sharqi" is "Eastern Jurdi", "Msheirfeh al-Shamaliyah" "Northern Msheirfeh".
_ARABIC_DIRECTIONS: tuple[tuple[str, str], ...] = (
    ("sh[ae]rq[iy]|sharki", "Eastern"),
    ("gh[ae]rb[iy]", "Western"),
    ("sham[ae]l[iy]", "Northern"),
    ("jan[ou]+b[iy]|q[ai]bl[iy]", "Southern"),
    ("taht[ae]n[iy]", "Lower"),
    ("f[ao]+q[ae]n[iy]", "Upper"),
)
_ARABIC_DIRECTION = re.compile(
    r"^(?P<base>.+?)[\s-]+(?:(?:al|el|ash|esh|ech|as|es)[\s-]?)?"
    rf"(?P<adjective>(?:{'|'.join(root for root, _ in _ARABIC_DIRECTIONS)})\w*)$",
    re.IGNORECASE,
)
_ENGLISH_DIRECTION = re.compile(
    r"^(?P<direction>eastern|western|northern|southern|east|west|north|south|lower|upper)\s+"
    r"(?P<base>.+)$",
    re.IGNORECASE,
)
_ENGLISH_TO_ARABIC = {
    "east": ("Sharqi", "Sharqiyah"),
    "west": ("Gharbi", "Gharbiyah"),
    "north": ("Shamali", "Shamaliyah"),
    "south": ("Janoubi", "Qibli"),
    "lower": ("Tahtani",),
    "upper": ("Fawqani",),
}


def direction_variants(name: str) -> tuple[str, ...]:
    """The same name with its direction word in the other language, for a second lookup.

    Syrian lists and reports write a village's half both ways: "Jurdi al-Sharqi" and
    "Eastern Jurdi", "Al-Habr Al-Sharqiyah" and "Eastern Habr". Returns () for a name with no
    direction word.
    """
    arabic = _ARABIC_DIRECTION.match(name.strip())
    if arabic:
        adjective = arabic.group("adjective").lower()
        english = next(
            word for root, word in _ARABIC_DIRECTIONS if re.match(root, adjective, re.IGNORECASE)
        )
        base = arabic.group("base").strip()
        bare = re.sub(r"^(?:al|el|ad|an|ar|as|ash|at|az)[\s-]+", "", base, flags=re.IGNORECASE)
        return tuple(dict.fromkeys(f"{english} {b}" for b in (base, bare)))
    english_match = _ENGLISH_DIRECTION.match(name.strip())
    if english_match:
        direction = english_match.group("direction").lower().removesuffix("ern")
        base = english_match.group("base").strip()
        return tuple(f"{base} {adjective}" for adjective in _ENGLISH_TO_ARABIC[direction])
    return ()


_OLD_TOWN = re.compile(r"^(?P<base>.+?)[\s-]+(?:al|el)[\s-]balad$", re.IGNORECASE)


def quarter_stem(name: str) -> str:
    """The quarter a half or old town of a city quarter belongs to, or "".

    Lists split a city's quarters ("Joubar Sharqi" and "Joubar Gharbi", "Barza Al Balad"),
    while reports name the whole ("fighting in Jobar", "the Barzeh neighbourhood"): the whole
    is the stem.
    """
    name = name.strip()
    for pattern in (_ARABIC_DIRECTION, _OLD_TOWN):
        found = pattern.match(name)
        if found and len(found.group("base").strip()) >= 3:
            return found.group("base").strip()
    return ""


def consonant_key(key: str) -> str:
    """The consonants of a name key, in order, doubles kept ("belil" and "bleel" -> "bll").

    Transliterations of one Arabic name differ mostly in their vowels; this tells a vowel
    difference from a lost consonant among fuzzy matches of the same score.
    """
    return _VOWELS.sub("", key).replace(" ", "")
