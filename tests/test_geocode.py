"""Event location and the geoparse rows (geocode.py)."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc, Span

from eventcoder.gazetteer import Gazetteer, haversine_km
from eventcoder.geocode import geoparse, locate_event
from eventcoder.models import Location, Toponym
from eventcoder.toponyms import find_toponyms

KHAN_AL_SHIH = (33.375, 36.113)

#: Places the sample names only as destinations, objectives or context.
CONTEXT_ADMIN1 = {"Idleb", "Quneitra", "Dar'a"}


@pytest.fixture(scope="module")
def sample(nlp, sample_text: str, gazetteer: Gazetteer) -> tuple[Doc, list[Toponym]]:  # type: ignore[no-untyped-def]
    """The parsed sample and its toponyms (session gazetteer with the Syrian lists)."""
    doc = nlp(sample_text)
    return doc, find_toponyms(doc, gazetteer)


def _sentence(doc: Doc, starting: str) -> Span:
    return next(s for s in doc.sents if s.text.startswith(starting))


def _trigger(sentence: Span, word: str) -> Span:
    token = next(t for t in sentence if t.text == word)
    return sentence.doc[token.i : token.i + 1]


def _locate(
    sample: tuple[Doc, list[Toponym]], gazetteer: Gazetteer, starting: str, word: str
) -> Location:
    doc, toponyms = sample
    sentence = _sentence(doc, starting)
    location = locate_event(sentence, _trigger(sentence, word), toponyms, gazetteer)
    assert location is not None
    return location


def test_geocode_sample_events_are_never_in_context_places(
    sample: tuple[Doc, list[Toponym]], gazetteer: Gazetteer
) -> None:
    """Whatever word triggers an event, it is never in Idlib, Quneitra, Dara'a or Jordan."""
    doc, toponyms = sample
    checked = 0
    for sentence in doc.sents:
        for token in sentence:
            if token.pos_ not in ("VERB", "NOUN"):
                continue
            location = locate_event(sentence, doc[token.i : token.i + 1], toponyms, gazetteer)
            assert location is not None and location.place is not None, sentence.text
            place = location.place
            assert place.admin1 not in CONTEXT_ADMIN1 and place.country_code == "SY", (
                token.text,
                location,
            )
            assert haversine_km(place.latitude, place.longitude, *KHAN_AL_SHIH) < 40, (
                token.text,
                location,
            )
            checked += 1
    assert checked > 200


def test_geocode_town_named_as_event_place_is_precision_1(
    sample: tuple[Doc, list[Toponym]], gazetteer: Gazetteer
) -> None:
    """'combat sorties over positions in Khan al-Sheih' -> Khan al-Shih, precision 1."""
    location = _locate(sample, gazetteer, "Syrian fighter jets", "sorties")
    assert location.geo_precision == 1 and location.place is not None
    assert haversine_km(location.place.latitude, location.place.longitude, *KHAN_AL_SHIH) < 1.5
    assert location.span is not None and location.span.text == "Khan al-Sheih"


@pytest.mark.parametrize(
    ("starting", "word"),
    [("Syrian fighter jets", "clashes"), ("The artillery units", "fire")],
)
def test_geocode_farms_and_east_of_are_precision_2(
    sample: tuple[Doc, list[Toponym]], gazetteer: Gazetteer, starting: str, word: str
) -> None:
    """'in Khan al-Sheih farms' and 'the farms East of Khan al-Sheih' -> Khan al-Shih at 2."""
    location = _locate(sample, gazetteer, starting, word)
    assert location.geo_precision == 2 and location.place is not None
    assert haversine_km(location.place.latitude, location.place.longitude, *KHAN_AL_SHIH) < 1.5


def test_geocode_road_between_two_villages_is_the_first_at_precision_2(
    sample: tuple[Doc, list[Toponym]], gazetteer: Gazetteer
) -> None:
    """'a road connecting the town of Deir al-Khabiyeh to ... Albuyizeh' -> Deir al-Khabiyeh, 2."""
    location = _locate(sample, gazetteer, "Army soldiers also fended", "attack")
    assert location.place is not None and location.place.name == "Deir Khabiyeh"
    assert location.geo_precision == 2
    assert "road" in location.reason


def test_geocode_unknown_village_keeps_its_name_and_falls_back(
    sample: tuple[Doc, list[Toponym]], gazetteer: Gazetteer
) -> None:
    """The liberation of Albuyizeh (in no list) keeps its name, at a neighbour, precision 2."""
    location = _locate(sample, gazetteer, "After the liberation", "liberation")
    assert location.name == "Albuyizeh"
    assert location.place is not None and location.geo_precision == 2
    assert haversine_km(location.place.latitude, location.place.longitude, *KHAN_AL_SHIH) < 10
    assert "not in the gazetteer" in location.reason


def test_geocode_destination_is_not_the_event_place(
    sample: tuple[Doc, list[Toponym]], gazetteer: Gazetteer
) -> None:
    """'a deal to relocate to Idlib ... siege on the suburban Damascus town' is not in Idlib."""
    location = _locate(sample, gazetteer, "The government offered", "siege")
    assert location.place is not None and location.place.admin1 == "Rural Damascus"
    assert "'Idlib' is a destination" in location.reason


def test_geocode_speaker_and_objectives_are_not_event_places(
    sample: tuple[Doc, list[Toponym]], gazetteer: Gazetteer
) -> None:
    """Reports 'from Western Damascus' and the aim of 'separating Quneitra' place no event."""
    speaker = _locate(sample, gazetteer, "Reports from Western Damascus", "fleeing")
    assert speaker.place is not None and speaker.place.feature_class == "P"
    assert "'Western Damascus' is where the speaker is" in speaker.reason
    objective = _locate(sample, gazetteer, "Heisam Hasoun", "operation")
    assert objective.place is not None and objective.place.admin1 == "Rural Damascus"
    assert "objective" in objective.reason


def test_geocode_sentence_without_place_inherits_the_previous_one(
    sample: tuple[Doc, list[Toponym]], gazetteer: Gazetteer
) -> None:
    """'Talks have been underway ...' names no place: the last place of action, precision 2."""
    location = _locate(sample, gazetteer, "Talks have been underway", "Talks")
    assert location.geo_precision == 2 and location.place is not None
    assert haversine_km(location.place.latitude, location.place.longitude, *KHAN_AL_SHIH) < 1.5
    assert "previous place of action" in location.reason


def test_geocode_unknown_town_uses_the_stated_container(
    nlp,
    sample_text: str,
    geonames_gazetteer: Gazetteer,  # type: ignore[no-untyped-def]
) -> None:
    """No Syrian lists: 'Khan al-Sheih in Southwestern Damascus' -> Rural Damascus."""
    doc = nlp(sample_text)
    toponyms = find_toponyms(doc, geonames_gazetteer)
    sentence = _sentence(doc, "Peace talks between")
    location = locate_event(sentence, _trigger(sentence, "attacks"), toponyms, geonames_gazetteer)
    assert location is not None and location.name == "Khan al-Sheih"
    assert location.place is not None and location.place.admin1 == "Rural Damascus"
    assert location.geo_precision in (2, 3)
    assert "not in the gazetteer" in location.reason and "contains it" in location.reason
    for sentence in doc.sents:  # and still never in the context places
        for token in sentence:
            if token.pos_ == "VERB":
                found = locate_event(
                    sentence, doc[token.i : token.i + 1], toponyms, geonames_gazetteer
                )
                assert (
                    found is None or found.place is None or found.place.admin1 not in CONTEXT_ADMIN1
                )


def test_geocode_region_only_is_precision_3_at_its_capital(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """ "Clashes erupted across Idlib province" -> Idleb governorate, precision 3, at Idlib city."""
    doc = nlp("Clashes erupted across Idlib province on Tuesday.")
    sentence = next(iter(doc.sents))
    location = locate_event(sentence, doc[0:1], find_toponyms(doc, gazetteer), gazetteer)
    assert location is not None and location.geo_precision == 3
    assert location.place is not None and location.place.admin1 == "Idleb"
    assert haversine_km(location.place.latitude, location.place.longitude, 35.93, 36.63) < 5


def test_geocode_no_place_in_the_article_gives_none(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """An article that names no place at all gets no location rather than an invented one."""
    doc = nlp("Gunmen attacked a checkpoint on Sunday, killing two soldiers.")
    sentence = next(iter(doc.sents))
    assert locate_event(sentence, doc[1:2], find_toponyms(doc, gazetteer), gazetteer) is None


def test_geocode_geoparse_rows_have_every_field(
    sample: tuple[Doc, list[Toponym]], gazetteer: Gazetteer
) -> None:
    """geoparse gives one row per toponym with the documented keys, and nulls for a no-match."""
    doc, _ = sample
    rows = geoparse(doc, gazetteer, "khan-al-shih")
    keys = {
        "article_id",
        "start",
        "end",
        "text",
        "geonameid",
        "name",
        "feature_code",
        "country",
        "admin1",
        "latitude",
        "longitude",
        "score",
        "reason",
    }
    assert rows and all(set(row) == keys for row in rows)
    assert all(doc.text[row["start"] : row["end"]] == row["text"] for row in rows)  # type: ignore[misc]
    unknown = [row for row in rows if row["text"] == "Albuyizeh"]
    assert (
        unknown
        and unknown[0]["latitude"] is None
        and unknown[0]["geonameid"] is None
        and unknown[0]["reason"]
    )
    jordan = [row for row in rows if row["text"] == "Jordan"]
    assert jordan and jordan[0]["feature_code"] == "PCLI" and jordan[0]["country"] == "Jordan"
