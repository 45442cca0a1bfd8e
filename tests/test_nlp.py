"""Loading the spaCy pipeline: the memoised attribute ruler and lemmatizer annotate as the stock ones."""

from __future__ import annotations

import numpy as np
import pytest
import spacy
from spacy.attrs import (
    DEP,
    ENT_IOB,
    ENT_TYPE,
    HEAD,
    IS_SPACE,
    LEMMA,
    MORPH,
    ORTH,
    POS,
    SENT_START,
    TAG,
)
from spacy.language import Language

from eventcoder import nlp as nlp_module
from eventcoder.nlp import (
    MemoAttributeRuler,
    MemoLemmatizer,
    default_model_name,
    doc_text,
    use_memoised_components,
)

ATTRS = [ORTH, TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE, SENT_START, IS_SPACE]

TEXTS = [
    "Syrian government jets pounded Khan al-Sheih on Sunday, killing at least 12 civilians.",
    # the ruler's multi-word patterns ("gon na", "ai n't", "y' all", "let 's", expletive "there")
    "Y'all ain't gonna believe it: let's go, c'mon! There were 3 raids and there is gotta be more.",
    # whitespace tokens get the ruler's space attributes
    "Fighters  withdrew.\n\nThe  regime\tshelled   the farms  ",
    "The Free Syrian Army (FSA) said it had repelled an attack by Hayat Tahrir al-Sham (HTS).",
    "Nothing, something, anyone: that which the U.S.-backed SDF didn't say was that these were theirs.",
    "",
]


@pytest.fixture(scope="module")
def stock_nlp() -> Language:
    """The same model as ``load_nlp`` gives, with spaCy's own components only."""
    return spacy.load(default_model_name())


def test_nlp_runs_memoised_twins_of_the_rule_components(nlp: Language) -> None:
    """The attribute ruler and lemmatizer are replaced in place; the stock ones stay, disabled."""
    names = nlp.pipe_names
    assert names.index("attribute_ruler_memo") < names.index("lemmatizer_memo") < names.index("ner")
    assert {"attribute_ruler", "lemmatizer"} <= set(nlp.disabled)
    assert isinstance(nlp.get_pipe("attribute_ruler_memo"), MemoAttributeRuler)
    assert isinstance(nlp.get_pipe("lemmatizer_memo"), MemoLemmatizer)


@pytest.mark.parametrize("text", TEXTS)
def test_nlp_memoised_annotations_equal_the_stock_pipeline(nlp: Language, stock_nlp: Language, text: str) -> None:
    """Every token gets the tag, POS, morphology, lemma, parse and entity of stock spaCy, twice over."""
    expected = stock_nlp(text)
    for _ in range(2):  # the first pass fills the memos, the second reads them
        doc = nlp(text)
        assert np.array_equal(doc.to_array(ATTRS), expected.to_array(ATTRS))
        assert [(e.start, e.end, e.label_) for e in doc.ents] == [(e.start, e.end, e.label_) for e in expected.ents]


def test_nlp_memo_limit_empties_the_memos(nlp: Language, stock_nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    """A memo past MEMO_LIMIT entries starts again, and the annotations stay the same."""
    monkeypatch.setattr(nlp_module, "MEMO_LIMIT", 3)
    for text in TEXTS[:3]:
        doc = nlp(text)
        assert np.array_equal(doc.to_array(ATTRS), stock_nlp(text).to_array(ATTRS))
    lemmatizer = nlp.get_pipe("lemmatizer_memo")
    assert isinstance(lemmatizer, MemoLemmatizer)
    assert len(lemmatizer._memo) <= 3 + len(nlp(TEXTS[2]))


def test_nlp_memoised_components_leave_other_pipelines_alone() -> None:
    """A pipeline without the stock rule components is not changed."""
    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    use_memoised_components(blank)
    assert blank.pipe_names == ["sentencizer"]


def test_nlp_doc_text_is_the_text(nlp: Language) -> None:
    """doc_text gives doc.text and keeps it for the next call."""
    doc = nlp(TEXTS[0])
    assert doc_text(doc) == doc.text == TEXTS[0]
    assert doc.user_data[nlp_module.DOC_TEXT_KEY] == TEXTS[0]
