"""The rows of ``eventcoder geoparse``: every toponym of an article, resolved or explicitly not.

A view of :func:`~eventcoder.toponyms.find_toponyms` for people checking the gazetteer and the
disambiguation, apart from event location (:mod:`eventcoder.geocode`): one flat row per
mention, with the reason for its choice. By default it also gives the places named as
modifiers (:mod:`eventcoder.place_modifiers`: "Russian", "U.S. military", "Texas Department of
...") that event location leaves out, as the geoparsing corpora count them; such a row
replaces the row it overlaps (only ever a no-match: resolved spans are taken). A region's
coordinates are its middle (:meth:`~eventcoder.gazetteer.Gazetteer.middle`), not the capital
where event location puts region-level events.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from eventcoder.gazetteer import Gazetteer
from eventcoder.nlp import doc_text
from eventcoder.place_modifiers import modifier_toponyms
from eventcoder.toponym_lexicon import MIN_EXACT_SCORE
from eventcoder.toponyms import find_toponyms


def geoparse(
    doc: Doc,
    gazetteer: Gazetteer,
    article_id: str,
    *,
    countries: Sequence[str] = (),
    modifiers: bool = True,
) -> list[dict[str, object]]:
    """The rows of ``eventcoder geoparse``: one per toponym, resolved or explicitly not.

    Args:
        countries: ISO codes the article is about (inferred from the text when empty).
        modifiers: also the places named by adjectives and inside other names.

    Coordinates and ids are None for a no-match; ``reason`` says why either way.
    """
    # No container to fall back on here: a weak but exact match beats a no-match.
    toponyms = find_toponyms(
        doc, gazetteer, countries=tuple(countries), exact_bar=MIN_EXACT_SCORE
    )
    if modifiers:
        extra = modifier_toponyms(doc, doc_text(doc), gazetteer, toponyms)
        toponyms = sorted(
            [t for t in toponyms if not any(e.start < t.end and t.start < e.end for e in extra)]
            + extra,
            key=lambda t: (t.start, -t.end),
        )
    rows: list[dict[str, object]] = []
    for toponym in toponyms:
        place = toponym.place
        latitude, longitude = gazetteer.middle(place) if place else (None, None)
        rows.append(
            {
                "article_id": article_id,
                "start": toponym.start,
                "end": toponym.end,
                "text": toponym.text,
                "geonameid": place.geonameid if place else None,
                "name": place.name if place else None,
                "feature_code": place.feature_code if place else None,
                "country": place.country if place else None,
                "admin1": place.admin1 if place else None,
                "latitude": latitude,
                "longitude": longitude,
                "score": toponym.score,
                "reason": toponym.reason,
            }
        )
    return rows
