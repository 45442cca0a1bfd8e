"""The rows of ``eventcoder geoparse``: every toponym of an article, resolved or explicitly not.

A view of :func:`~eventcoder.toponyms.find_toponyms` for people checking the gazetteer and the
disambiguation, apart from event location (:mod:`eventcoder.geocode`): one flat row per
mention, with the reason for its choice.
"""

from __future__ import annotations

from spacy.tokens import Doc

from eventcoder.gazetteer import Gazetteer
from eventcoder.toponyms import find_toponyms


def geoparse(
    doc: Doc, gazetteer: Gazetteer, article_id: str, **kw: object
) -> list[dict[str, object]]:
    """The rows of ``eventcoder geoparse``: one per toponym, resolved or explicitly not.

    Keyword arguments are passed to :func:`~eventcoder.toponyms.find_toponyms` (``countries``).
    Coordinates and ids are None for a no-match; ``reason`` says why either way.
    """
    countries = kw.get("countries") or ()
    rows: list[dict[str, object]] = []
    for toponym in find_toponyms(doc, gazetteer, countries=tuple(countries)):  # type: ignore[arg-type]
        place = toponym.place
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
                "latitude": place.latitude if place else None,
                "longitude": place.longitude if place else None,
                "score": toponym.score,
                "reason": toponym.reason,
            }
        )
    return rows
