"""Event location and the geoparse rows (geocode.py)."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc, Span

from eventcoder.gazetteer import Gazetteer, haversine_km
from eventcoder.geocode import locate_event
from eventcoder.geoparse import geoparse
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


# --------------------------------------------------------------------------------------------
# Regressions found by bench/geocode.py on the ACLED Syria notes (real sentences)


def _first_location(nlp, gazetteer: Gazetteer, text: str, sentence: int = 0) -> Location:  # type: ignore[no-untyped-def]
    """The location of the event of one sentence, triggered by its first verb."""
    doc = nlp(text)
    toponyms = find_toponyms(doc, gazetteer)
    span = list(doc.sents)[sentence]
    verb = next(t for t in span if t.pos_ == "VERB")
    location = locate_event(span, doc[verb.i : verb.i + 1], toponyms, gazetteer)
    assert location is not None
    return location


@pytest.mark.parametrize(
    ("text", "name", "near"),
    [
        (
            (
                "Turkish and JSH Olive Branch forces took control over Marsawa village in "
                "northern Afrin, Aleppo, likely following clashes with YPG fighters."
            ),
            "Marsawa",
            (36.763, 36.954),
        ),
        ("Regime forces captured Hasraya in Hama after clashes with rebels.", "Hasraya", None),
    ],
)
def test_geocode_village_beats_the_city_or_region_containing_it(  # type: ignore[no-untyped-def]
    nlp, gazetteer: Gazetteer, text: str, name: str, near: tuple[float, float] | None
) -> None:
    """ "X village in northern Afrin, Aleppo", "Hasraya in Hama": the village is the place,
    the city or governorate only confirms it."""
    location = _first_location(nlp, gazetteer, text)
    assert location.place is not None and location.place.feature_code not in ("PPLA", "ADM1")
    assert location.name == name or (location.span is not None and location.span.text == name)
    if near is not None:
        assert haversine_km(location.place.latitude, location.place.longitude, *near) < 10


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            (
                "QSD forces retreated from Kafrnaya, likely following clashes, allowing for the "
                "capture of the town by Turkish forces."
            ),
            "Kafrnaya",
        ),
        (
            (
                "A member of the Military Council in Khan Shaykun was shot and killed by an "
                "unidentified armed actor."
            ),
            "Khan Shaykun",
        ),
        ("Clashes broke out with the regime in Kafruma on Monday.", "Kafruma"),
    ],
)
def test_geocode_town_given_up_or_seat_of_a_local_actor_is_the_place(  # type: ignore[no-untyped-def]
    nlp, gazetteer: Gazetteer, text: str, name: str
) -> None:
    """ "retreated from X", "the Military Council in X", "the regime in X": X is where it
    happened (only a capital or a country is a mere seat of government)."""
    location = _first_location(nlp, gazetteer, text)
    assert location.place is not None and location.span is not None
    assert location.span.text == name and location.geo_precision == 1, location.reason


def test_geocode_lede_without_a_place_takes_the_place_named_next(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """A first sentence without a place takes the next sentence's place, at precision 2."""
    location = _first_location(
        nlp,
        gazetteer,
        "Unidentified gunmen killed two fighters on Monday. The attack took place in Sarmin, east "
        "of Idlib.",
    )
    assert location.place is not None and location.place.admin1 == "Idleb"
    assert location.span is not None and location.span.text == "Sarmin"
    assert location.geo_precision == 2 and "names next" in location.reason


def test_geocode_region_sentence_goes_on_about_the_village(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """ "Clashes continued in the eastern countryside of Hama" after a village of Hama was named
    is about that village's area (precision 2), not Hama city."""
    location = _first_location(
        nlp,
        gazetteer,
        "Air raids targeted the village of Akash near Oqeirbat in the eastern countryside of Hama. "
        "Clashes continued in the eastern countryside of Hama.",
        sentence=1,
    )
    assert location.place is not None and location.place.feature_code not in ("PPLA", "ADM1")
    assert location.geo_precision == 2 and location.place.admin1 == "Hama"


def test_geocode_backer_country_and_foreign_street_names_are_not_event_places(  # type: ignore[no-untyped-def]
    nlp, gazetteer: Gazetteer
) -> None:
    """ "supported by Turkey", "Port Said street in Deir-ez-Zor city": the event stays in Syria."""
    backed = _first_location(
        nlp,
        gazetteer,
        "Clashes took place between QSD against the rebel factions supported by Turkey in Samaan "
        "Castle area in the western countryside of Aleppo.",
    )
    street = _first_location(
        nlp,
        gazetteer,
        "The Syrian army clashed with the Islamic State in Port Said street in Deir-ez-Zor city.",
    )
    for location in (backed, street):
        assert location.place is not None and location.place.country_code == "SY", location
    assert street.place is not None and street.place.admin1 == "Deir-ez-Zor"


def test_geocode_the_regime_in_a_city_is_the_city(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """ "militias allied to the regime in Damascus city": the city is where the battle is, not
    the seat of the government."""
    location = _first_location(
        nlp, gazetteer, "The Islamic State battled militias allied to the regime in Damascus city."
    )
    assert location.place is not None and location.place.admin1 == "Damascus", location.reason


def test_geocode_villages_listed_before_their_region_are_the_place(
    nlp, gazetteer: Gazetteer
) -> None:  # type: ignore[no-untyped-def]
    """ "in Rasm Hamam, Abu Khanadeq, and other villages in northeast Hama": Hama only contains
    the villages; the event is at one of them, not at the city 45 km away."""
    location = _first_location(
        nlp,
        gazetteer,
        "Islamic State fighters carried out an attack on Hayat Tahrir al-Sham fighters in Rasm "
        "Hamam, Abu Khanadeq, and other villages in northeast Hama.",
    )
    assert location.place is not None and location.place.feature_code != "PPLA", location.reason
    assert haversine_km(location.place.latitude, location.place.longitude, 35.41, 37.16) < 25
