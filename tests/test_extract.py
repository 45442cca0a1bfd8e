"""Event extraction: who fought whom, read from real report sentences (issue 4).

Each case is a real sentence (ACLED notes from the dev files, written like news briefs) coded by
the real pipeline with the session gazetteer; the assertions are the sides a human coder would
give, which are also ACLED's where ACLED's order follows the text.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from eventcoder.models import Article, Event, Failure
from eventcoder.pipeline import Pipeline
from eventcoder.settings import load_settings


@pytest.fixture(scope="module")
def pipeline(gazetteer_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    """The real pipeline (spaCy model, classifier, session gazetteer)."""
    return Pipeline(load_settings(gazetteer=gazetteer_path, db=tmp_path_factory.mktemp("extract") / "e.sqlite"))


def code(pipeline: Pipeline, text: str, country: str, published: date) -> list[Event]:
    """The events of one report, published on ``published`` with a country hint."""
    article = Article(id="t", text=text, outlet="", published=published, origin="t", country=country)
    [result] = list(pipeline.code_articles([article]))
    assert not isinstance(result, Failure), result
    return result[1]


def sides(events: list[Event], sub_event_type: str) -> list[tuple[str, str]]:
    """The (actor1, actor2) of the events of one sub-event type."""
    return [(e.actor1, e.actor2) for e in events if e.sub_event_type == sub_event_type]


SYRIA = "Military Forces of Syria (2000-)"


@pytest.mark.parametrize(
    ("text", "published", "actor1", "actor2", "assoc1", "assoc2"),
    [
        (  # allies of the first side by definition, then the other side and its ally
            ("Clashes took place between regime forces and loyalist militias and rebel and Islamist faction "
            "fighters in the al-Mansheyyi neighborhood of Dar'a with no information about casualties reported."),
            date(2017, 6, 10), SYRIA, "Opposition Rebels (Syria)", "Militia (Pro-Government)", "Islamist Militia (Syria)",
        ),
        (  # a support phrase ends at the comma: "aerial support, and IS" is the other side
            ("Clashes took place between QSD, backed by Global Coalition aerial support, and IS in areas in Abu "
            "Kamal district of Deir-ez-Zor province."),
            date(2018, 11, 20), "QSD: Syrian Democratic Forces", "Islamic State (Syria)", "Global Coalition Against Daesh", "",
        ),
        (  # "on one hand ... on other" splits the list
            ("Clashes between the Syrian army supported by allied fighters and Shiite militias on one hand and "
            "Al-Rahman Corps on other took place in Ein Terma town in Rural Damascus."),
            date(2017, 6, 10), SYRIA, "FaR: Al Rahman Corps", "Shiite Muslim Militia (Syria)", "",
        ),
        (  # "backed by X and Y": Y may begin the other side when nothing else does
            ("Clashes took place between regime forces backed by allied militias and rebel forces backed my "
            "Islamist militias."),
            date(2017, 6, 10), SYRIA, "Opposition Rebels (Syria)", "Militia (Pro-Government)", "Islamist Militia (Syria)",
        ),
    ],
)
def test_extract_between_lists_are_read_as_two_sides(
    pipeline: Pipeline, text: str, published: date, actor1: str, actor2: str, assoc1: str, assoc2: str
) -> None:
    """A "between" list is split into two sides by camp: supporters and a state's militias join it."""
    [clash] = [e for e in code(pipeline, text, "Syria", published) if e.sub_event_type == "Armed clash"]
    assert (clash.actor1, clash.actor2) == (actor1, actor2)
    assert clash.assoc_actor_1 == assoc1
    assert clash.assoc_actor_2 == assoc2


def test_extract_a_named_group_names_its_side(pipeline: Pipeline) -> None:
    """Among generic labels and a named group on one side, the named group is the actor."""
    events = code(
        pipeline,
        "Regime forces backed by loyal militias fought rebel forces, Islamist militias and Hayat Tahrir al-Sham "
        "in the southeastern countryside of Hama. No deaths reported.",
        "Syria",
        date(2017, 10, 5),
    )
    [clash] = [e for e in events if e.event_type == "Battles"]
    assert (clash.actor1, clash.actor2) == (SYRIA, "HTS: Hayat Tahrir al Sham")
    assert set(clash.assoc_actor_2.split("; ")) == {"Opposition Rebels (Syria)", "Islamist Militia (Syria)"}


@pytest.mark.parametrize(
    ("text", "country", "published", "expected"),
    [
        (
            "HTS and Ahrar al Sham fighters clashed in the town of Bennsh with no injuries or fatalities reported.",
            "Syria", date(2018, 10, 30), ("HTS: Hayat Tahrir al Sham", "AAS: Ahrar al Sham"),
        ),
        (
            ("04 June: Al Shabaab and Kenyan police forces clashed in Fino, Mandera county. One person from each "
            "group killed in the clash."),
            "Kenya", date(2015, 6, 4), ("Al Shabaab", "Police Forces of Kenya (2013-)"),
        ),
    ],
)
def test_extract_subjects_of_a_reciprocal_verb_are_the_two_sides(
    pipeline: Pipeline, text: str, country: str, published: date, expected: tuple[str, str]
) -> None:
    """"X and Y clashed": the coordinated subjects fight each other, they are not allies."""
    assert expected in sides(code(pipeline, text, country, published), "Armed clash")


@pytest.mark.parametrize(
    ("text", "country", "published", "group"),
    [
        (
            ("Clashes took place among members of the Sultan Murad Division in Kafr Janna in northern Aleppo "
            "countryside."),
            "Syria", date(2018, 6, 1), "Sultan Murad Division",
        ),
        (
            ("On 16 November 2023, two factions of Awami League engaged in a clash in Nabiganj town (Habiganj, "
            "Sylhet), following an altercation over establishing dominance."),
            "Bangladesh", date(2023, 11, 16), "AL: Bangladesh Awami League",
        ),
    ],
)
def test_extract_a_fight_within_one_group_has_it_on_both_sides(
    pipeline: Pipeline, text: str, country: str, published: date, group: str
) -> None:
    """Infighting ("among members of X", "two factions of X") is coded X against X, as ACLED does."""
    assert (group, group) in sides(code(pipeline, text, country, published), "Armed clash")


def test_extract_allies_are_never_the_other_side(pipeline: Pipeline) -> None:
    """The takeover in a sentence that lists the sides of its fight is against the other side,
    not against the militias the regime fought beside."""
    events = code(
        pipeline,
        "Clashes took place between regime forces, clan and allied militias, and Russian forces against Islamic "
        "State fighters on the eastern bank of the Euphrates River, where regime and allied forces took control "
        "over the village of Mazloum. No fatalities reported",
        "Syria",
        date(2017, 10, 1),
    )
    assert sides(events, "Armed clash") == [(SYRIA, "Islamic State (Syria)")]
    assert sides(events, "Government regains territory") == [(SYRIA, "Islamic State (Syria)")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # the dead of a fight fell to the side they fought
            ("On 5 March 2020, 3 'Arbakis' were killed and 1 was wounded during clashes with Taliban militants in "
            "Nijrab distrct, Kapisa."),
            ("Taliban", "Militia (Pro-Government)"),
        ),
        (  # the dead of their own one-way attack made it
            ("As reported on 19 March 2020, 10 Taliban militants were killed and 3 were wounded following their "
            "attacks on Afghan forces in Alishing district, Laghman."),
            ("Taliban", "Military Forces of Afghanistan (2014-)"),
        ),
    ],
)
def test_extract_the_dead_of_a_fight_are_a_side(pipeline: Pipeline, text: str, expected: tuple[str, str]) -> None:
    """Fighters killed in clashes are a side of the clash: the one acted upon in a mutual fight,
    the attackers in their own attack."""
    events = code(pipeline, text, "Afghanistan", date(2020, 3, 21))
    assert expected in [(e.actor1, e.actor2) for e in events if e.event_type == "Battles"]


def test_extract_a_later_mention_of_the_clashes_is_the_same_event(pipeline: Pipeline) -> None:
    """"During the clashes, 8 IS and 2 QSD fighters were killed." names the clash before it again
    (after a sentence about something else): one clash, with those deaths, not a second one."""
    events = code(
        pipeline,
        "Clashes took place between QSD, backed by Global Coalition aerial support, and IS in areas in Abu Kamal "
        "district of Deir-ez-Zor province. No advances were made. During the clashes, 8 IS and 2 QSD fighters "
        "were killed.",
        "Syria",
        date(2018, 11, 20),
    )
    clashes = [e for e in events if e.sub_event_type == "Armed clash"]
    assert [(e.actor1, e.actor2) for e in clashes] == [("QSD: Syrian Democratic Forces", "Islamic State (Syria)")]
    assert clashes[0].fatalities == 10
    assert any("refers back" in reason for reason in clashes[0].reasons)


def test_extract_one_side_named_takes_its_rival_from_the_article(pipeline: Pipeline) -> None:
    """A takeover that names only the taker is against the side it was fighting in the article."""
    events = code(
        pipeline,
        "Clashes continued between Syria democratic forces supported by the US Special Forces against the "
        "Islamic State in the neighborhood of Hutteen in Ar-Raqqa city. Reports that SDF controlled the area. "
        "No reported fatalities.",
        "Syria",
        date(2017, 10, 1),
    )
    assert ("QSD: Syrian Democratic Forces", "Islamic State (Syria)") in sides(events, "Non-state actor overtakes territory")


def test_extract_the_country_hint_names_the_actors(pipeline: Pipeline) -> None:
    """A Syrian report that mentions the UK once stays Syrian: its Islamic State is IS (Syria)."""
    events = code(
        pipeline,
        "QSD forces, supported by the Coalition, captured the village of Abu al Khatir from Islamic State "
        "fighters. UK reported that reapers and warplanes carried out seven attacks on IS positions in the "
        "south-east of Hajin.",
        "Syria",
        date(2018, 11, 5),
    )
    names = {name for e in events for name in (e.actor1, e.actor2)}
    assert "Islamic State (Syria)" in names
    assert not any("United Kingdom" in name for name in names if name.startswith("Islamic State"))


@pytest.mark.parametrize(
    ("text", "actor1", "not_an_actor"),
    [
        (  # "a military operation" names no actor: the rebels launched it
            ("After launching a military operation, rebels controlled Majdal village in Hama. Neither injuries nor "
            "fatalities were reported."),
            "Opposition Rebels (Syria)", SYRIA,
        ),
        (  # a generic label right before a name is the name's description
            ("Loyalist militia Tiger Force recaptured Sahm al-Hawa in Idleb with neither injuries nor fatalities "
            "reported."),
            "Military Forces of Syria (2000-) Tiger Paramilitary Forces (Qawat al Nimr)", "Militia (Pro-Government)",
        ),
    ],
)
def test_extract_words_that_only_qualify_are_not_actors(
    pipeline: Pipeline, text: str, actor1: str, not_an_actor: str
) -> None:
    """Only the actor a phrase names is coded, not the adjective or label inside it."""
    events = code(pipeline, text, "Syria", date(2017, 7, 1))
    assert events and events[0].actor1 == actor1
    assert all(not_an_actor not in (e.actor1, e.actor2) for e in events)


@pytest.mark.parametrize(
    "text",
    [
        (
            "QSD forces supported by International Coalition warplanes, suspected to belong to "
            "the US, managed to capture the town of Big Sweida from the Islamic State."
        ),
        (
            "SAA control all the ruling points and border posts at Jordan-Syria border, after "
            "control garrisons 154 and 143 in battles with opposition."
        ),
    ],
)
def test_extract_a_foreign_country_named_in_a_report_about_syria_is_not_the_place(
    pipeline: Pipeline, text: str
) -> None:
    """In a report the user says is about Syria, "warplanes suspected to belong to the US" and
    "the Jordan-Syria border" name whose forces act and a border, not where: no event is put
    in the United States or Jordan (ACLED's Syria notes: Big Sweidiyeh, Tanf)."""
    events = code(pipeline, text, "Syria", date(2017, 6, 1))
    assert events
    for event in events:
        assert event.country in ("", "Syria"), (event.location, event.reasons)
