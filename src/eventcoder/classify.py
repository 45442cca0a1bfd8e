"""Classify a sentence (or an ACLED note) into one of ACLED's 25 sub-event types, or no event.

Two sources of evidence are combined:

1. Two linear models on TF-IDF word n-grams, 5-letter stems and event-word families
   ("riots", "rioting", "rioters" -> ``^riot``; see :data:`EVENT_WORDS`), trained by
   :mod:`eventcoder.train`: a *type model* (multinomial logistic regression over the
   sub-event types, trained on human-coded ACLED notes) and an *event detector* (binary,
   notes against eventless sentences, restricted to n-grams with an event or modality word).
   ``p_model(type) = p(event) * p(type | event)``, ``p_model(no event) = 1 - p(event)``.
   Small (a vocabulary and weight matrices, no pickles) and fast (thousands of sentences per
   second), which matters because the extraction stage runs it on every candidate sentence.
2. A lexicon of *cues* (``data/subevent_cues.csv``, data, not code): regular expressions that
   name a sub-event type outright ("suicide bomber", "sarin", "recaptured") or mark a sentence
   as eventless ("plans to attack", "threatened to"). ACLED's notes rarely contain air strikes,
   suicide bombs or chemical weapons, but war reporting does, so the model alone cannot
   learn them.

How they are combined (log-linear, so a cue's weight has one meaning everywhere)::

    p_event        = the detector's probability that the text reports an event
    lam(c)         = max(SMOOTHING, TRUST_COUNT / (TRUST_COUNT + n_c))   n_c = training notes of c
    q(c)           = (1 - lam(c)) * p_model(c | event) + lam(c) / 25, renormalised over the 25 types
    p_event(c)     = p_event, backed off to max(p_event, (1 - lam(c)) * p_event + lam(c) / 2)
                     when a cue for c matches (the detector knows rare classes no better)
    w(c)           = sum of the weights of the cues for c that match (w(none): "No event" cues)
    score(c)       = log(p_event(c)) + log(q(c)) + w(c)
    score(none)    = log(1 - p_event) + w(none)
    P(none)        = softmax(score with each w(c) capped at EVENT_CUE_CAP)[none]
    P(c)           = (1 - P(none)) * softmax(score)[c] / (1 - softmax(score)[none])

A cue of weight ``w`` multiplies the odds of its class by ``e**w``: 1.5 nudges, 3 is strong,
6 or more decides even against a confident model. As evidence that an event happened at all a
sub-event cue counts at most ``EVENT_CUE_CAP`` (4): a cue names a kind of event, and commentary
names kinds of events ("the use of chemical weapons") far more often than it reports one.
``lam`` says how far the model's opinion about a class can be trusted: it has little to say
about a class it saw a handful of times (Suicide bomb: 3 notes; Chemical weapon: none), so
there the cues decide, while for a class learnt from thousands of notes a cue only tips a
close call. Cue rows can be silenced by *contexts* (other patterns in the same file): an air
strike in a text that also reports ground fighting is part of the battle in ACLED's coding, so
the air-strike cue stays silent there and the model decides.
The decision is two-step: no event when ``P(no event) >= 0.5`` (``sub_event_type`` is None),
otherwise the sub-event type of highest ``P``.

Before features are computed, ACLED boilerplate is removed (dates, "[size=...]", "Fatalities
coded as ...", "(coded to ...)", and the category labels older notes start with, such as
"Movement of forces:" or "Non-violent activity:") and so are attribution and calendar words
("said", "Monday", "according to"): neither says what kind of event happened, and keeping them
would teach the model the style of coders' notes rather than the event.
"""

from __future__ import annotations

import copy
import csv
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from eventcoder.errors import ConfigError, ModelNotFound
from eventcoder.taxonomy import BY_NAME

#: Label of the no-event outcome inside the model and the cue file.
NO_EVENT = "No event"

#: Least share of p(type | event) spread uniformly over the sub-event types before cues are added.
SMOOTHING = 0.05

#: Training notes at which the model's opinion about a class gets half the weight (see the module
#: docstring): measured on the dev notes, 10 balances 5-fold and leave-one-file-out macro-F1.
TRUST_COUNT = 10.0

#: Share of the event/no-event probability spread evenly, so a decisive cue can still win.
EVENT_SMOOTHING = 0.02

#: Most log-odds a sub-event cue adds to "an event happened" (its full weight still chooses the
#: type). Why: a cue names a kind of event, and commentary names kinds of events all the time
#: ("the use of chemical weapons", "air strikes would ..."). Measured on the dev data: 4 cuts
#: the eventless sentences called events from 4.3% to 3.1% (Guardian modal sentences 11% ->
#: 7.6%) and changes no notes' figure; 3 cuts further but loses rare-class notes in
#: leave-one-file-out (Syria macro-F1 -0.02).
EVENT_CUE_CAP = 4.0

#: Version tag written into ``model.json``; :meth:`EventClassifier.load` refuses other formats.
ARTEFACT_FORMAT = "eventcoder-classifier/1"

_PACKAGED_MODEL = "data/classifier"
_PACKAGED_CUES = "data/subevent_cues.csv"
_TRAIN_HINT = "retrain with `eventcoder train` (eventcoder.train.train_classifier)"


@dataclass(frozen=True, slots=True)
class Prediction:
    """The classifier's answer for one text.

    Attributes:
        sub_event_type: the ACLED sub-event type, or None when the text reports no event.
        probability: the probability of that outcome (of "no event" when it is None).
        ranked: sub-event types with their probabilities, most likely first (top five, the
            no-event outcome excluded), so callers can take a second choice.
        cues: the lexicon cues that matched, as ``"<label>: <pattern>"``, for the event's reasons.
    """

    sub_event_type: str | None
    probability: float
    ranked: tuple[tuple[str, float], ...]
    cues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Cue:
    """One lexicon row: a regular expression that adds ``weight`` to the score of ``label``.

    A row whose label is ``@name`` is a *context*: it adds nothing, but other rows name it in
    ``unless`` and are ignored on texts it matches. ``prefixes`` are literal strings one of
    which every match starts with (derived from the pattern; None when none can be derived):
    the regex only runs on texts that contain one, which makes the lexicon several times
    cheaper on sentences it cannot match.
    """

    pattern: re.Pattern[str]
    label: str
    weight: float
    prefixes: frozenset[str] | None = None
    unless: frozenset[str] = frozenset()

    def matches(self, text: str) -> bool:
        """Whether the cue matches ``text`` (already lower-cased by :func:`cue_text`)."""
        if self.prefixes is not None and not any(p in text for p in self.prefixes):
            return False
        return self.pattern.search(text) is not None

    @property
    def context(self) -> str | None:
        """The context name this row defines (``@fighting`` -> ``fighting``), or None."""
        return self.label[1:] if self.label.startswith("@") else None

    @property
    def name(self) -> str:
        """``"<label>: <pattern>"``, how the cue is reported in a prediction."""
        return f"{self.label}: {self.pattern.pattern}"


# --------------------------------------------------------------------------------------------
# Text normalisation

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|{_MONTH}\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
)
_LEADING_DATE = re.compile(
    rf"^\s*(?:reported\s+)?(?:on|around|between|during|from|overnight|since|as\s+of|by|in)\b"
    rf"[^,]{{0,50}}?{_DATE}[^,]{{0,25}},\s*",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"\[size=[^\]]*\]"
    r"|\((?:[^()]*\bcoded\b[^()]*|[^()]*\breported\s+\d[^()]*)\)"
    r"|(?:^|(?<=[.;]))[^.;]*\bfatalit(?:y|ies)\b[^.;]*\b(?:coded|spread)\b[^.]*(?:\.|$)"
    r"|\bno\s+(?:information|reports?|details?)\s+(?:about|on|of)\s+(?:the\s+)?"
    r"(?:fatalities|casualties|losses)\b[^.]*(?:\.|$)"
    r"|\b(?:no|neither)\s+(?:reported\s+)?(?:fatalities|casualties|losses)(?:\s+(?:were\s+)?reported)?"
    r"|\bwith\s+(?:neither|no)\s+injuries\s+nor\s+fatalities\s+reported"
    r"|-\s*LOCATION:.*$",
    re.IGNORECASE,
)
_ANY_DATE = re.compile(rf"\b(?:on\s+)?{_DATE}\b", re.IGNORECASE)
#: Category labels that older ACLED notes start with: the coder's verdict, not the report.
_CATEGORY_PREFIX = re.compile(
    r"^\s*(?:non-violent activity|movement of forces|recruitment|security measures?|defusal|"
    r"detonation|weapons? seizure|property destruction|destruction of property|looting|arrests?|"
    r"agreement|change to (?:armed )?group|headquarters(?: or base)? established|raid)\s*:\s*",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")


_BOILERPLATE_HINTS = ("[size", "coded", "reported", "fatalit", "casualt", "losses", "location:")
_DATE_HINT = re.compile(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\d-\d", re.IGNORECASE)


def clean_text(text: str) -> str:
    """Remove ACLED note boilerplate (dates, crowd size, fatality-coding remarks, category labels).

    Why: these strings describe how ACLED codes, not what happened (a leading "Movement of
    forces:" is the coder's own label, a shortcut no news sentence offers); a model that
    learns them learns the style of notes and transfers worse to news sentences. Harmless on news text.
    Cheap substring checks skip the regexes on the (news) texts that cannot contain them.
    """
    text = _CATEGORY_PREFIX.sub("", text, count=1)
    text = _LEADING_DATE.sub("", text, count=1)
    lowered = text.lower()
    if any(hint in lowered for hint in _BOILERPLATE_HINTS):
        text = _BOILERPLATE.sub(" ", text)
    if _DATE_HINT.search(text):
        text = _ANY_DATE.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


_STYLE_WORDS = re.compile(
    r"\b(?:said|says|say|told|tells|according|reportedly|reported|reports|claimed|claims|"
    r"stated|added|alleged|allegedly|quoted|sources?|spokes(?:man|woman|person)|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight|"
    r"january|february|april|june|july|august|september|october|november|december)\b",
    re.IGNORECASE,
)
_QUOTES = re.compile(r"[\"“”‘’«»]|'(?=\s)|(?<=\s)'")
_DIGITS = re.compile(r"\d")


def feature_text(text: str) -> str:
    """The string the n-gram features are computed from: cleaned, lower-cased, style-neutral.

    Attribution and calendar words and quote marks are dropped and digits become ``0``, so
    "killed 12 on Tuesday, the Observatory said" and "killed 3" share their features.
    """
    return _feature_string(clean_text(text))


_NAME = re.compile(r"(?<![.!?:;\"“(] )(?<!^)\b[A-Z][a-z][\w'’]*(?:[\s-]+[A-Z][\w'’]*)*")


def _feature_string(cleaned: str, mask_names: bool = False) -> str:
    if mask_names:
        cleaned = _NAME.sub("_name_", cleaned)
    text = cleaned.lower()
    text = _STYLE_WORDS.sub(" ", text)
    text = _QUOTES.sub(" ", text)
    text = _DIGITS.sub("0", text)
    return _SPACE.sub(" ", text).strip()


def cue_text(text: str) -> str:
    """The string cues match against: cleaned, lower-cased, hyphens read as spaces."""
    return _cue_string(clean_text(text))


def _cue_string(cleaned: str) -> str:
    return _SPACE.sub(" ", cleaned.lower().replace("-", " "))


# --------------------------------------------------------------------------------------------
# Cues


@lru_cache(maxsize=4)
def load_cues(path: str = "") -> tuple[Cue, ...]:
    """Read the cue lexicon (the packaged ``data/subevent_cues.csv`` unless ``path`` is given).

    Columns: ``pattern`` (a Python regular expression matched against lower-cased text with
    hyphens turned into spaces), ``label`` (a sub-event type, ``No event``, or ``@name`` for a
    context), ``weight`` (log-odds added to that label's score; empty for a context),
    ``unless`` (optional: context names, space-separated, that silence the row), ``note``.
    Lines starting with ``#`` are comments.

    Raises:
        ConfigError: the file is missing, a label is not an ACLED sub-event type, a weight is
            not a number, a pattern is not a valid regular expression, or ``unless`` names a
            context not defined above the row (the row is named).
    """
    if path:
        name = path
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise ConfigError(f"{path}: cannot read the cue lexicon ({error.strerror})") from None
    else:
        name = f"eventcoder/{_PACKAGED_CUES}"
        text = resources.files("eventcoder").joinpath(_PACKAGED_CUES).read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    cues: list[Cue] = []
    contexts: set[str] = set()
    for number, row in enumerate(csv.DictReader(lines), start=2):
        try:
            label = row["label"].strip()
            is_context = label.startswith("@") and len(label) > 1
            if not is_context and label != NO_EVENT and label not in BY_NAME:
                raise ValueError(
                    f"label {label!r} is not an ACLED sub-event type, {NO_EVENT!r} or '@context'"
                )
            unless = frozenset((row.get("unless") or "").split())
            unknown = unless - contexts
            if unknown:
                raise ValueError(f"unless names undefined context(s) {', '.join(sorted(unknown))}")
            pattern = re.compile(row["pattern"].strip())
            weight = 0.0 if is_context else float(row["weight"])
            cues.append(Cue(pattern, label, weight, literal_prefixes(pattern), unless))
            if is_context:
                contexts.add(label[1:])
        except (KeyError, ValueError, TypeError, AttributeError, re.error) as error:
            raise ConfigError(f"{name}: row {number} is malformed: {error}") from None
    return tuple(cues)


def literal_prefixes(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Literal strings one of which starts every match of ``pattern``; None if there are none.

    Read from the parsed pattern: literals, groups, alternations and optional parts are
    followed; character classes and other constructs stop the prefix there. Conservative:
    whenever the answer is not certain it is None (the cue then always runs its regex).
    """
    try:
        from re import _parser  # type: ignore[attr-defined]

        prefixes, _ = _sequence_prefixes(list(_parser.parse(pattern.pattern, pattern.flags)))
    except Exception:  # noqa: BLE001 - any parser surprise just disables the shortcut
        return None
    if not prefixes or "" in prefixes or len(prefixes) > 300:
        return None
    return frozenset(prefixes)


def _sequence_prefixes(items: list[Any]) -> tuple[set[str], bool]:
    """(necessary prefixes of a parsed sequence, whether they cover the whole sequence)."""
    from re import _constants as c  # type: ignore[attr-defined]

    current = {""}
    for op, arg in items:
        if op is c.AT:
            continue
        if op is c.LITERAL:
            current = {p + chr(arg) for p in current}
            continue
        if op is c.SUBPATTERN and not arg[1] and not arg[2]:
            sub, complete = _sequence_prefixes(list(arg[3]))
        elif op is c.BRANCH:
            sub, complete = set(), True
            for branch in arg[1]:
                branch_prefixes, branch_complete = _sequence_prefixes(list(branch))
                sub |= branch_prefixes
                complete &= branch_complete
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and arg[1] == 1:
            sub, complete = _sequence_prefixes(list(arg[2]))
            if arg[0] == 0:
                if not complete:
                    return current, False
                current = current | {p + s for p in current for s in sub}
                continue
        else:
            return current, False
        current = {p + s for p in current for s in sub}
        if len(current) > 300:
            return current, False
        if not complete:
            return current, False
    return current, True


# --------------------------------------------------------------------------------------------
# Features

#: Words that report violence, protest or agreement (each alternative matches a word's start).
#: Used by :mod:`eventcoder.train` to pick eventless sentences and the detector's n-grams, and
#: here for the *event-word families* (``TextFeatures.event_stems``): "riots", "rioting" and
#: "rioters" all add the feature ``^riot``, so a form unseen in training still counts.
EVENT_WORDS = re.compile(
    r"\b(?:kill|dead|death|die[sd]?\b|dying|wound|injur|attack|strike|struck|bomb|shell|artiller|"
    r"mortar|rocket|missile|clash|fight|fought|battle|assault|offensive|raid|ambush|captur|seiz|"
    r"retak|retook|recaptur|overr|overt|took control|control of|fall of|fell to|liberat|storm|gun|"
    r"shot|shoot|fire[ds]?\b|firing|explo|blast|ied|mine[ds]?\b|landmine|grenade|abduct|kidnap|"
    r"hostage|detain|arrest|custody|protest|demonstrat|rall(?:y|ied|ies)|march|riot|loot|burn|"
    r"torch|destroy|demolish|agree|deal\b|ceasefire|truce|accord|treaty|signed|massacre|execut|"
    r"behead|tortur|rape|sexual|abuse|chemical|gas\b|sarin|chlorine|siege|besieg|evacuat|"
    r"displac|flee|fled|casualt|troops|soldier|militant|fighter|forces|jets?\b|warplane|drone|"
    r"aircraft|helicopter|tank|weapon|violence|violent|war\b|conflict|beat|stab|knife|machete|"
    r"lynch|mob\b|operation|advanc|push|moved into|withdr|retreat|surrender|crackdown|tear gas|"
    r"police|strikers?\b|sit-in|blockad|vandal|sabotag|hijack|sniper|massacr|assassin|murder)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TextFeatures:
    """TF-IDF over word n-grams and character n-grams, from a fixed vocabulary.

    Kept as plain data (vocabularies and idf vectors) so the artefact is JSON + npz rather
    than a pickle, and identical at training and prediction time.
    """

    word_vocabulary: tuple[str, ...]
    word_idf: np.ndarray
    word_ngrams: tuple[int, int]
    char_vocabulary: tuple[str, ...]
    char_idf: np.ndarray
    char_ngrams: tuple[int, int]
    stem_length: int = 0
    mask_names: bool = False
    event_stems: bool = False

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        *,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (3, 5),
        max_word_features: int = 20_000,
        max_char_features: int = 20_000,
        min_df: int = 2,
        stem_length: int = 0,
        mask_names: bool = False,
        event_stems: bool = False,
    ) -> TextFeatures:
        """Choose the vocabularies (most frequent n-grams seen in ``min_df`` texts) and idf.

        ``stem_length > 0`` adds each longer word cut to that many letters ("shelling" ->
        "~shell"), a cheap stand-in for character n-grams that generalises across word forms.
        ``mask_names`` replaces capitalised words inside a sentence (places, people, groups)
        by one placeholder, so the model cannot learn a country's place names.
        ``event_stems`` adds each event word's family (:data:`EVENT_WORDS`: "riots" -> "^riot").
        """
        prepared = [_feature_string(clean_text(t), mask_names) for t in texts]
        word_vocab, word_idf = _fit_vocabulary(
            prepared,
            _word_vectorizer(word_ngrams, stem_length=stem_length, event_stems=event_stems),
            max_word_features,
            min_df,
        )
        if max_char_features > 0:
            char_vocab, char_idf = _fit_vocabulary(
                prepared, _char_vectorizer(char_ngrams), max_char_features, min_df
            )
        else:
            char_vocab, char_idf = (), np.zeros(0, dtype=np.float32)
        return cls(
            word_vocab,
            word_idf,
            word_ngrams,
            char_vocab,
            char_idf,
            char_ngrams,
            stem_length,
            mask_names,
            event_stems,
        )

    @property
    def size(self) -> int:
        """Number of features (columns of :meth:`transform`)."""
        return len(self.word_vocabulary) + len(self.char_vocabulary)

    def transform(self, texts: Iterable[str], *, cleaned: bool = False) -> sparse.csr_matrix:
        """Texts -> L2-normalised TF-IDF rows (sublinear tf), words and characters side by side.

        ``cleaned=True`` says the texts already went through :func:`clean_text`.
        """
        prepared = [
            _feature_string(t if cleaned else clean_text(t), self.mask_names) for t in texts
        ]
        blocks = [_tfidf(prepared, self._word_vectorizer, self.word_idf)]
        if self.char_vocabulary:
            blocks.append(_tfidf(prepared, self._char_vectorizer, self.char_idf))
        matrix = sparse.hstack(blocks, format="csr")
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)

    # Built once per instance and kept in the instance (``cached_property`` writes the
    # instance ``__dict__``, which a frozen dataclass allows). Not a module-level cache keyed
    # by ``id(self)``: ids are reused after garbage collection, and a new classifier then got
    # a dead one's vectoriser, i.e. another vocabulary (it corrupted cross-validation folds).
    @cached_property
    def _word_vectorizer(self) -> CountVectorizer:
        return _word_vectorizer(
            self.word_ngrams,
            self.word_vocabulary,
            stem_length=self.stem_length,
            event_stems=self.event_stems,
        )

    @cached_property
    def _char_vectorizer(self) -> CountVectorizer:
        return _char_vectorizer(self.char_ngrams, self.char_vocabulary)

    def to_json(self) -> dict[str, Any]:
        """The vocabularies and n-gram ranges (the idf vectors go into the npz file)."""
        return {
            "word": {
                "ngram_range": list(self.word_ngrams),
                "stem_length": self.stem_length,
                "mask_names": self.mask_names,
                "event_stems": self.event_stems,
                "vocabulary": list(self.word_vocabulary),
            },
            "char": {
                "ngram_range": list(self.char_ngrams),
                "vocabulary": list(self.char_vocabulary),
            },
        }


_TOKEN = re.compile(r"\w+")


@lru_cache(maxsize=65_536)
def _event_family(token: str) -> str | None:
    """``"^riot"`` for "riots" (the :data:`EVENT_WORDS` stem a token starts with), else None."""
    match = EVENT_WORDS.match(token)
    return "^" + match.group(0) if match else None


def _word_analyzer(ngrams: tuple[int, int], stem_length: int, event_stems: bool = False) -> Any:
    low, high = ngrams

    def analyze(text: str) -> list[str]:
        tokens = _TOKEN.findall(text)
        grams: list[str] = []
        for n in range(low, high + 1):
            if n == 1:
                grams.extend(tokens)
            else:
                grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        if stem_length:
            grams.extend("~" + t[:stem_length] for t in tokens if len(t) > stem_length)
        if event_stems:
            grams.extend(family for t in tokens if (family := _event_family(t)))
        return grams

    return analyze


def _word_vectorizer(
    ngrams: tuple[int, int],
    vocabulary: Sequence[str] | None = None,
    *,
    stem_length: int = 0,
    event_stems: bool = False,
) -> CountVectorizer:
    return CountVectorizer(
        analyzer=_word_analyzer((ngrams[0], ngrams[1]), stem_length, event_stems),
        vocabulary={v: i for i, v in enumerate(vocabulary)} if vocabulary else None,
        dtype=np.float32,
    )


def _char_vectorizer(
    ngrams: tuple[int, int], vocabulary: Sequence[str] | None = None
) -> CountVectorizer:
    return CountVectorizer(
        lowercase=False,
        analyzer="char_wb",
        ngram_range=tuple(ngrams),
        vocabulary={v: i for i, v in enumerate(vocabulary)} if vocabulary else None,
        dtype=np.float32,
    )


def _fit_vocabulary(
    texts: Sequence[str], vectorizer: CountVectorizer, max_features: int, min_df: int
) -> tuple[tuple[str, ...], np.ndarray]:
    vectorizer.set_params(max_features=max_features, min_df=min_df)
    counts = vectorizer.fit_transform(texts)
    names = vectorizer.get_feature_names_out()
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1 + counts.shape[0]) / (1 + df)) + 1.0
    return tuple(str(n) for n in names), idf.astype(np.float32)


def _tfidf(texts: Sequence[str], vectorizer: CountVectorizer, idf: np.ndarray) -> sparse.csr_matrix:
    counts = vectorizer.transform(texts).tocsr()
    counts.data = 1.0 + np.log(counts.data)
    return sparse.csr_matrix(counts @ sparse.diags(idf))


# --------------------------------------------------------------------------------------------
# The classifier


class EventClassifier:
    """A trained sub-event classifier plus the cue lexicon. Load once, then call :meth:`predict`.

    Two linear models share one feature space: the *type model* (multinomial, over the
    sub-event types seen in training, trained on ACLED notes only) and the *event detector*
    (binary: does the text report an event at all, trained on notes against eventless
    sentences). The detector only has weights on n-grams that contain an event or modality
    word (``train.DETECTOR_VOCABULARY``), so it cannot tell notes from news by their topic or
    style, only by what they say happened. ``p(type) = p(event) * p(type | event)``.

    Build it with :meth:`load` (the packaged artefact or one written by
    :func:`eventcoder.train.train_classifier`); the constructor is for the training code.
    """

    def __init__(
        self,
        features: TextFeatures,
        coef: np.ndarray,
        intercept: np.ndarray,
        classes: Sequence[str],
        *,
        event_coef: np.ndarray | None = None,
        event_intercept: float = 0.0,
        cues: Sequence[Cue] = (),
        meta: dict[str, Any] | None = None,
    ) -> None:
        self.features = features
        self.coef = np.asarray(coef, dtype=np.float32)
        self.intercept = np.asarray(intercept, dtype=np.float32)
        self.classes = tuple(classes)
        self.event_coef = None if event_coef is None else np.asarray(event_coef, dtype=np.float32)
        self.event_intercept = float(event_intercept)
        self.meta = dict(meta or {})
        self.outcomes: tuple[str, ...] = (*BY_NAME, NO_EVENT)
        index = {name: i for i, name in enumerate(self.outcomes)}
        self._model_to_outcome = np.array([index[c] for c in (*self.classes, NO_EVENT)])
        counts = self.meta.get("class_counts")
        if isinstance(counts, dict):
            seen = np.array([float(counts.get(name, 0)) for name in self.outcomes[:-1]])
            self._trust_share = np.maximum(SMOOTHING, TRUST_COUNT / (TRUST_COUNT + seen))
        else:  # an artefact without counts: every class trusted alike
            self._trust_share = np.full(len(self.outcomes) - 1, SMOOTHING)
        self._set_cues(cues)

    def _set_cues(self, cues: Sequence[Cue]) -> None:
        index = {name: i for i, name in enumerate(self.outcomes)}
        self.cues = tuple(cues)
        self._contexts = tuple(c for c in self.cues if c.context is not None)
        self._scoring = tuple(c for c in self.cues if c.context is None)
        self._scoring_position = [i for i, c in enumerate(self.cues) if c.context is None]
        self._cue_rows = np.array([index[c.label] for c in self._scoring], dtype=np.int64)
        self._cue_weights = np.array([c.weight for c in self._scoring], dtype=np.float64)

    def with_cues(self, cues: Sequence[Cue]) -> EventClassifier:
        """A copy that uses ``cues`` instead (``()`` measures the model alone)."""
        twin = copy.copy(self)
        twin._set_cues(cues)
        return twin

    @classmethod
    def load(
        cls, path: Path | None = None, *, cues: Sequence[Cue] | None = None
    ) -> EventClassifier:
        """Load a trained artefact (the one packaged with eventcoder when ``path`` is None).

        ``cues`` replaces the packaged cue lexicon (pass ``()`` for the models alone).

        Raises:
            ModelNotFound: the folder or its ``model.json``/``weights.npz`` is missing or is not
                an eventcoder classifier; the message says how to train one.
        """
        folder = Path(path) if path is not None else _packaged_folder()
        meta_file, weights_file = folder / "model.json", folder / "weights.npz"
        if not meta_file.is_file() or not weights_file.is_file():
            raise ModelNotFound(
                f"{folder}: no trained event classifier here (model.json and weights.npz); "
                f"{_TRAIN_HINT}"
            )
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            with np.load(weights_file, allow_pickle=False) as arrays:
                weights = {name: arrays[name] for name in arrays.files}
            if meta.get("format") != ARTEFACT_FORMAT:
                raise ValueError(f"format {meta.get('format')!r}, expected {ARTEFACT_FORMAT!r}")
            word, char = meta["features"]["word"], meta["features"]["char"]
            features = TextFeatures(
                word_vocabulary=tuple(word["vocabulary"]),
                word_idf=weights["word_idf"],
                word_ngrams=tuple(word["ngram_range"]),
                char_vocabulary=tuple(char["vocabulary"]),
                char_idf=weights["char_idf"],
                char_ngrams=tuple(char["ngram_range"]),
                stem_length=int(word.get("stem_length", 0)),
                mask_names=bool(word.get("mask_names", False)),
                event_stems=bool(word.get("event_stems", False)),
            )
            has_detector = "event_coef" in weights
            classifier = cls(
                features,
                weights["coef"],
                weights["intercept"],
                meta["classes"],
                event_coef=weights["event_coef"] if has_detector else None,
                event_intercept=float(weights["event_intercept"]) if has_detector else 0.0,
                cues=load_cues() if cues is None else cues,
                meta=meta,
            )
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ModelNotFound(
                f"{folder}: unreadable event classifier ({error}); {_TRAIN_HINT}"
            ) from None
        if classifier.coef.shape != (len(classifier.classes), features.size):
            raise ModelNotFound(f"{folder}: weights do not match the vocabulary; {_TRAIN_HINT}")
        return classifier

    def save(self, folder: Path) -> None:
        """Write ``model.json`` (classes, vocabularies, training metadata) and ``weights.npz``."""
        folder.mkdir(parents=True, exist_ok=True)
        meta = {
            **self.meta,
            "format": ARTEFACT_FORMAT,
            "classes": list(self.classes),
            "features": self.features.to_json(),
        }
        (folder / "model.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        arrays: dict[str, np.ndarray] = {
            "coef": self.coef.astype(np.float16),
            "intercept": self.intercept,
            "word_idf": self.features.word_idf,
            "char_idf": self.features.char_idf,
        }
        if self.event_coef is not None:
            arrays["event_coef"] = self.event_coef.astype(np.float16)
            arrays["event_intercept"] = np.array(self.event_intercept, dtype=np.float32)
        np.savez_compressed(folder / "weights.npz", **arrays)  # type: ignore[arg-type]

    def model_probabilities(self, texts: Sequence[str], *, cleaned: bool = False) -> np.ndarray:
        """The models' probabilities alone: rows per text, columns ``classes`` + no event."""
        if not texts:
            return np.zeros((0, len(self.classes) + 1))
        matrix = self.features.transform(texts, cleaned=cleaned)
        types = _softmax(np.asarray(matrix @ self.coef.T + self.intercept, dtype=np.float64))
        if self.event_coef is None:
            p_event = np.ones(len(texts))
        else:
            logit = (
                np.asarray(matrix @ self.event_coef, dtype=np.float64).ravel()
                + self.event_intercept
            )
            p_event = 1.0 / (1.0 + np.exp(-logit))
        return np.column_stack([types * p_event[:, None], 1.0 - p_event])

    def outcome_probabilities(self, texts: Sequence[str]) -> tuple[np.ndarray, list[list[int]]]:
        """Models and cues combined: rows over ``outcomes`` (25 types + no event), and the cues hit.

        The cue indices refer to :attr:`cues`; only rows that added weight are listed (a row
        silenced by one of its ``unless`` contexts is not).
        """
        cleaned = [clean_text(t) for t in texts]
        model = self.model_probabilities(cleaned, cleaned=True)
        types = len(self.outcomes) - 1
        base = np.zeros((len(texts), len(self.outcomes)))
        base[:, self._model_to_outcome] = model
        p_event = base[:, :types].sum(axis=1)
        p_type = base[:, :types] / np.maximum(p_event, 1e-12)[:, None]
        p_type = (1.0 - self._trust_share) * p_type + self._trust_share / types
        p_type /= p_type.sum(axis=1, keepdims=True)
        p_event = (1.0 - EVENT_SMOOTHING) * p_event + EVENT_SMOOTHING / 2
        hits: list[list[int]] = []
        cue_scores = np.zeros_like(base)
        for row, text in enumerate(cleaned):
            lowered = _cue_string(text)
            present: set[str | None] | None = None  # contexts, read only when a cue needs them
            matched: list[int] = []
            for i, cue in enumerate(self._scoring):
                if not cue.matches(lowered):
                    continue
                if cue.unless:
                    if present is None:
                        present = {c.context for c in self._contexts if c.matches(lowered)}
                    if cue.unless & present:
                        continue
                matched.append(i)
            hits.append([self._scoring_position[i] for i in matched])
            if matched:
                np.add.at(cue_scores[row], self._cue_rows[matched], self._cue_weights[matched])
        # the detector knows rare classes no better than the type model: where a cue names a
        # class, p(event) backs off towards even odds by that class's trust share
        named = cue_scores[:, :types] > 0
        backed_off = (1.0 - self._trust_share) * p_event[:, None] + self._trust_share * 0.5
        p_event_for = np.where(named, np.maximum(p_event[:, None], backed_off), p_event[:, None])
        scores = np.column_stack([np.log(p_event_for) + np.log(p_type), np.log(1.0 - p_event)])
        # the type is chosen with the cues' full weights; whether there is an event at all,
        # with each sub-event cue counting at most EVENT_CUE_CAP (the "No event" cues in full)
        full = _softmax(scores + cue_scores)
        capped = cue_scores.copy()
        capped[:, :types] = np.minimum(capped[:, :types], EVENT_CUE_CAP)
        p_none = _softmax(scores + capped)[:, types]
        p_types = full[:, :types] / full[:, :types].sum(axis=1, keepdims=True)
        return np.column_stack([p_types * (1.0 - p_none)[:, None], p_none]), hits

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Classify a batch of texts (sentences or notes); one :class:`Prediction` per text."""
        texts = list(texts)
        if not texts:
            return []
        probabilities, hits = self.outcome_probabilities(texts)
        none_column = len(self.outcomes) - 1
        predictions: list[Prediction] = []
        for row, matched in zip(probabilities, hits, strict=True):
            order = np.argsort(-row[:none_column])[:5]
            ranked = tuple((self.outcomes[i], round(float(row[i]), 4)) for i in order)
            eventless = row[none_column] >= 0.5
            predictions.append(
                Prediction(
                    sub_event_type=None if eventless else self.outcomes[order[0]],
                    probability=float(row[none_column] if eventless else row[order[0]]),
                    ranked=ranked,
                    cues=tuple(self.cues[i].name for i in matched),
                )
            )
        return predictions


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    result: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
    return result


def _packaged_folder() -> Path:
    return Path(str(resources.files("eventcoder").joinpath(_PACKAGED_MODEL)))
