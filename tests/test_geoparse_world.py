"""The standalone geoparser on world news (geoparse.py, place_modifiers.py), with the world
gazetteer a user builds: every namesake on earth present.

The sentences are shaped on the misses bench/geoparse_corpora.py found in the LGL, TR-News and
GeoWebNews samples.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from eventcoder.gazetteer import Gazetteer, haversine_km
from eventcoder.geoparse import geoparse
from eventcoder.models import Toponym
from eventcoder.toponyms import find_toponyms


@pytest.fixture(scope="module")
def world(world_gazetteer_path: Path) -> Iterator[Gazetteer]:
    gazetteer = Gazetteer.open(world_gazetteer_path)
    yield gazetteer
    gazetteer.close()


def _rows(nlp, world: Gazetteer, text: str, **kw: object) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    return {str(r["text"]): r for r in geoparse(nlp(text), world, "a", **kw)}  # type: ignore[arg-type]


def _toponyms(nlp, world: Gazetteer, text: str) -> dict[str, Toponym]:  # type: ignore[no-untyped-def]
    """find_toponyms (the event step's reading) by text."""
    return {t.text: t for t in find_toponyms(nlp(text), world)}


def _km(row: dict[str, object], lat: float, lon: float) -> float:
    assert row["latitude"] is not None, row
    return haversine_km(float(row["latitude"]), float(row["longitude"]), lat, lon)  # type: ignore[arg-type]


def test_geoparse_adjectives_name_their_countries(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """ "Russian" and "Turkish" are Russia and Turkey for a geoparser (TR-News and GeoWebNews
    count them), each with its reason; without modifiers they are not places."""
    text = (
        "The Russian ambassador to Turkey was shot dead in Ankara. Turkish officials said the "
        "gunman was a police officer."
    )
    rows = _rows(nlp, world, text)
    assert rows["Russian"]["country"] == "Russia" and rows["Russian"]["feature_code"] == "PCLI"
    assert rows["Turkish"]["country"] == "Turkey"
    assert "adjective" in str(rows["Turkish"]["reason"])
    assert rows["Ankara"]["feature_code"] == "PPLC"
    plain = _rows(nlp, world, text, modifiers=False)
    assert "Russian" not in plain and "Turkish" not in plain and "Ankara" in plain


def test_geoparse_adjectives_of_regions_and_street_names(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """ "Basque" is the Basque Country (an admin1 region), but "Frenchmen Street" in New
    Orleans is no France."""
    rows = _rows(
        nlp,
        world,
        "ETA fought for an independent Basque homeland. The bar on Frenchmen Street in New "
        "Orleans reopened.",
    )
    assert rows["Basque"]["feature_code"] == "ADM1" and rows["Basque"]["country"] == "Spain"
    assert not any("France" == r["country"] for r in rows.values())


def test_geoparse_places_inside_names_of_bodies(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """A country inside an organisation's name ("the U.S. Department of Justice") and a region
    of the article's country ("Texas Department of Criminal Justice") are places to a
    geoparser; event location keeps skipping them (find_toponyms has neither)."""
    text = (
        "He was sentenced in Houston to five years in the Texas Department of Criminal Justice, "
        "the U.S. Department of Justice said."
    )
    rows = _rows(nlp, world, text)
    assert rows["Texas"]["feature_code"] == "ADM1" and rows["Texas"]["country"] == "United States"
    assert rows["U.S."]["feature_code"] == "PCLI"
    found = {t.text for t in find_toponyms(nlp(text), world)}
    assert "Texas" not in found and "U.S." not in found


def test_geoparse_town_named_by_its_police(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """ "the Columbus Police Department" names the Columbus the article is in (Ohio, by its
    other places), but "Loyola University" and "Carnegie Library" are named after people."""
    rows = _rows(
        nlp,
        world,
        "A text message about a gang initiation is circulating in Dublin and Westerville, Ohio, "
        "but the Columbus Police Department said it is a hoax. Students at Loyola University "
        "met at the Carnegie Library.",
    )
    assert _km(rows["Columbus"], 39.96, -83.0) < 25, rows["Columbus"]
    assert "Loyola" not in rows and "Carnegie" not in rows


def test_geoparse_regions_at_their_middle_events_at_the_capital(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """A geoparser's "Texas" is the state, placed at its middle as GeoNames places it (31.25N
    99.25W), not at Austin; the entry itself stays at the capital, where ACLED puts a
    region-level event."""
    rows = _rows(nlp, world, "Floods hit Texas on Monday.")
    assert _km(rows["Texas"], 31.25, -99.25) < 161
    texas = next(
        c.place for c in world.lookup("Texas", countries=["US"]) if c.place.feature_code == "ADM1"
    )
    assert haversine_km(texas.latitude, texas.longitude, 30.27, -97.74) < 10  # Austin
    assert world.seat(texas).name == "Austin"


def test_geoparse_country_with_no_iso_code_in_natural_earth(world: Gazetteer) -> None:
    """Natural Earth writes -99 as France's ISO code; its ADM0_A3 still names it, so France
    sits at its middle (GeoNames: 46N 2E), not at Paris."""
    france = world.country("FR")
    assert france is not None
    assert haversine_km(france.latitude, france.longitude, 46.0, 2.0) < 161
    assert haversine_km(france.latitude, france.longitude, 48.85, 2.35) > 150


def test_toponyms_world_names_that_used_to_go_unresolved(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """Three no-matches of the corpora: "South Korea" (its spelling was judged on the bare
    "Korea"), Sioux Falls in a list of far-apart US cities, and Paris in "After Paris, London
    is ..." (read as a Paris inside London)."""
    found = _toponyms(
        nlp,
        world,
        "Park Geun-hye was found guilty in South Korea. Indianapolis, Louisville, New "
        "Haven and Sioux Falls are finalists. After Paris, London is the second "
        "destination of the train.",
    )
    korea = found["South Korea"].place
    assert korea is not None and korea.country_code == "KR" and korea.feature_code == "PCLI"
    sioux = found["Sioux Falls"].place
    assert sioux is not None and sioux.admin1 == "South Dakota"
    paris = found["Paris"].place
    assert paris is not None and paris.country_code == "FR"


def test_geoparse_state_abbreviations_after_towns(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """AP datelines abbreviate states: "Conn." is Connecticut, not a fuzzy Juneau, and "S.D."
    South Dakota; a capitalised "Ga" elsewhere is no Georgia."""
    rows = _rows(
        nlp,
        world,
        "Alexandria was picked along with Louisville, Ky., New Haven, Conn., Sioux Falls, S.D. "
        "and Surprise, Ariz., from 60 applicants. Ga Rankuwa is in South Africa.",
    )
    assert rows["Ky."]["admin1"] == "Kentucky" and rows["Ky."]["feature_code"] == "ADM1"
    assert rows["Conn."]["admin1"] == "Connecticut"
    assert rows["S.D."]["admin1"] == "South Dakota"
    assert rows["Ariz."]["admin1"] == "Arizona"
    assert not any(r["admin1"] == "Georgia" for r in rows.values())


def test_toponyms_home_lists_do_not_claim_a_report_from_elsewhere(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """The world gazetteer holds Syrian lists, but a Connecticut budget story naming Sharon
    and Salisbury has no Syrian name: "Sharon" is not the Syrian Sharan it sounds like."""
    rows = _rows(
        nlp,
        world,
        "Budget cuts will hit the region's schools. Only Cornwall and Kent will see decreases. "
        "Sharon will see an increase, and residents of Sharon and Salisbury met on Monday.",
        modifiers=False,
    )
    assert rows["Sharon"]["country"] == "United States", rows["Sharon"]
    assert all(r["country"] != "Syria" for r in rows.values()), rows


def test_toponyms_state_abbreviation_holds_the_town_before_it(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """ "New Haven, Conn." is New Haven in Connecticut for the recogniser itself (without the
    modifier pass), and the abbreviation holds only the town just before it: Louisville stays
    in Kentucky although "Ariz." ends the list."""
    rows = _rows(
        nlp,
        world,
        "The finalists are Denver, Louisville, Ky., New Haven, Conn., Sioux Falls, S.D. and "
        "Surprise, Ariz.",
        modifiers=False,
    )
    assert rows["Conn."]["feature_code"] == "ADM1" and rows["Conn."]["admin1"] == "Connecticut"
    assert rows["New Haven"]["admin1"] == "Connecticut", rows["New Haven"]
    assert "as the text says" in str(rows["New Haven"]["reason"])
    assert rows["Louisville"]["admin1"] == "Kentucky"
    assert rows["Denver"]["admin1"] == "Colorado"
    assert rows["Surprise"]["admin1"] == "Arizona"


def test_toponyms_datelines_in_capitals(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """A dateline in capitals ("SACRAMENTO —", "HUDSON --") names the town the story is
    filed from; spaCy reads such words as organisations or nothing at all."""
    rows = _rows(
        nlp,
        world,
        "SACRAMENTO — Investors this week flocked to California's first major bond sale.",
        modifiers=False,
    )
    assert rows["SACRAMENTO"]["admin1"] == "California", rows
    rows = _rows(
        nlp,
        world,
        "HUDSON -- Officials in central Illinois say a body found in a stolen car is that of a "
        "missing man.",
        modifiers=False,
    )
    assert rows["HUDSON"]["admin1"] == "Illinois", rows


def test_toponyms_state_names_and_the_region_named_most(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """A bare state name is the state (not Indiana, Pennsylvania); among a dozen Boone
    Counties, the one in the state the story names most; a bare "New York" is the city."""
    rows = _rows(
        nlp,
        world,
        "Boone County's unemployment rate reached 7.7 percent in February, the state said. "
        "Across Indiana, rates rose. In Indiana, neighbouring Kentucky and Ohio, jobs were "
        "lost; Indiana's rate was 8 percent.",
        modifiers=False,
    )
    assert rows["Indiana"]["feature_code"] == "ADM1", rows["Indiana"]
    assert rows["Boone County"]["admin1"] == "Indiana", rows["Boone County"]
    assert "names most" in str(rows["Boone County"]["reason"])
    rows = _rows(nlp, world, "The mayor of New York said the subway will reopen.")
    assert rows["New York"]["name"] == "New York City", rows["New York"]


def test_geoparse_counties_residents_and_capitals(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """A county far from the story's other places is still a county ("Lamar County"), and a
    company's "Inc." is no town; "a Coral Gables man" names his town (a modifier row); a bare
    "Washington" is the capital, not the state or an Ohio town once called so; "Plymouth" in
    a US story is not Montserrat's abandoned capital."""
    rows = _rows(
        nlp,
        world,
        "The TxDOT representative told the commissioners on Monday that the list of deficient "
        "bridges in Lamar County had been simplified. Systems & Software, Inc. will install "
        "the computers.",
    )
    assert rows["Lamar County"]["feature_code"] == "ADM2", rows["Lamar County"]
    assert rows["Lamar County"]["country"] == "United States"
    assert "Inc" not in rows
    rows = _rows(
        nlp,
        world,
        "A Coral Gables man was arrested in Miami. Lawmakers in Washington and officials in "
        "Ohio and Massachusetts said the files came from Plymouth.",
    )
    assert rows["Coral Gables"]["admin1"] == "Florida", rows["Coral Gables"]
    assert "live" in str(rows["Coral Gables"]["reason"])
    assert rows["Washington"]["feature_code"] == "PPLC", rows["Washington"]
    assert rows["Plymouth"]["country"] != "Montserrat", rows["Plymouth"]


def test_geoparse_places_joined_by_hyphens(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """ "Israeli-Egyptian peace" and "an EU-Israel summit" name Israel and Egypt; "The
    Calgary-based firm" names Calgary (the row is "Calgary", not "The Calgary"); a lone
    adjective glued to a word ("Syrian-based") is no country."""
    text = (
        "An EU-Israel summit marked the anniversary of Israeli-Egyptian peace. The "
        "Calgary-based firm hired a Syrian-based contractor. Its offices in Calgary, Alberta, "
        "will close."
    )
    found = geoparse(nlp(text), world, "a")
    rows = {str(r["text"]): r for r in found}
    assert rows["Israel"]["country"] == "Israel", rows
    assert rows["Israeli"]["country"] == "Israel"
    assert rows["Egyptian"]["country"] == "Egypt"
    calgary = [r for r in found if r["name"] == "Calgary"]
    assert len(calgary) == 2 and all(r["text"] == "Calgary" for r in calgary), calgary
    assert "Syrian" not in rows


def test_geoparse_seats_of_bodies(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """ "The Abu Dhabi-based agency" names Abu Dhabi, a seat abroad; "Grand Ledge Emergency
    Services" and "the Lansing Chamber of Commerce" name their towns in the article's
    country (and "Commerce" is no town); a university named after a town names no town."""
    rows = _rows(
        nlp,
        world,
        "The Abu Dhabi-based International Renewable Energy Agency said prices fell.",
    )
    assert rows["Abu Dhabi"]["country"] == "United Arab Emirates", rows
    assert "based there" in str(rows["Abu Dhabi"]["reason"])
    rows = _rows(
        nlp,
        world,
        "LANSING, Mich. -- A chief of Grand Ledge Emergency Services told the Lansing Chamber "
        "of Commerce that the woman had studied at Cambridge University.",
    )
    assert rows["Grand Ledge"]["admin1"] == "Michigan", rows
    assert rows["LANSING"]["admin1"] == "Michigan", rows
    assert "Commerce" not in rows and "Cambridge" not in rows


def test_geoparse_country_names_have_one_spelling(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """ "Columbia" shares Colombia's transliteration key but is South Carolina's capital, while
    "Netherlands" (GeoNames: The Netherlands) and "U.S" (its stop cut) are their countries."""
    rows = _rows(nlp, world, "The shooting happened in Columbia, South Carolina, late on Friday.")
    assert rows["Columbia"]["country"] == "United States", rows["Columbia"]
    assert rows["Columbia"]["admin1"] == "South Carolina"
    rows = _rows(nlp, world, "The Netherlands and the U.S signed the deal.")
    assert rows["Netherlands"]["feature_code"] == "PCLI", rows
    assert rows["U.S"]["country"] == "United States", rows


def test_geoparse_names_the_label_gets_wrong(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """spaCy calls a country's name opening a quote and an adjective PERSON; a country's name
    on its own is still the country and an adjective is nobody's name."""
    rows = _rows(
        nlp,
        world,
        "Officials, who did not want to be named because they are not authorized to speak with "
        'media, told CNN.\n"Tunisia was one of the first countries in the region to ratify '
        'international treaties," one said.',
    )
    assert rows["Tunisia"]["feature_code"] == "PCLI" and rows["Tunisia"]["country"] == "Tunisia"
    rows = _rows(nlp, world, "One prediction about Sri Lankan political developments can be made.")
    assert rows["Sri Lankan"]["country"] == "Sri Lanka", rows
    assert "adjective" in str(rows["Sri Lankan"]["reason"])


def test_toponyms_each_town_of_a_list_of_people(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """ "Parviz of Houston, Edward of Southlake and Hamid of Colleyville": the "of" names the
    last man's town, not a town holding Houston (which made Houston a no-match)."""
    found = _toponyms(
        nlp,
        world,
        "Other survivors include sons Parviz Moayyad of Houston, Edward Moayyad of "
        "Southlake and Hamid Moayyad of Colleyville, all in Texas.",
    )
    houston = found["Houston"].place
    assert houston is not None and houston.admin1 == "Texas", found["Houston"]


def test_toponyms_the_state_that_holds_the_article_towns(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """No state is named, but South Carolina holds Summerville, Goose Creek and Moncks Corner:
    Charleston is theirs, not West Virginia's capital; and in "Savannah, Georgia" Georgia is
    the state that holds Savannah, not the country."""
    found = _toponyms(
        nlp,
        world,
        "Police in Summerville, Goose Creek and Moncks Corner searched for the man, who "
        "was last seen in Charleston.",
    )
    charleston = found["Charleston"].place
    assert charleston is not None and charleston.admin1 == "South Carolina", found["Charleston"]
    assert "holds places of 4" in found["Charleston"].reason
    rows = _rows(nlp, world, "Lincoln High School in Savannah, Georgia, won the state title.")
    assert rows["Georgia"]["feature_code"] == "ADM1", rows["Georgia"]
    assert rows["Georgia"]["country"] == "United States"
    assert rows["Savannah"]["admin1"] == "Georgia", rows["Savannah"]
    assert "Lincoln" not in rows  # a school named after a man, not after Lincoln, Nebraska


def test_geoparse_towns_named_by_their_institutions(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """A county in a span spaCy calls a person ("McMinn County Sheriff Steve Frisbie") and a
    town named by its school ("East Bank Middle School", near Charleston, W.Va.) are places
    to a geoparser."""
    rows = _rows(
        nlp,
        world,
        "McMinn County Sheriff Steve Frisbie said deputies found the car near Athens, Tenn.",
    )
    assert rows["McMinn County"]["admin1"] == "Tennessee", rows
    rows = _rows(
        nlp,
        world,
        "Classes at East Bank Middle School were canceled after the mudslide near Charleston, "
        "W.Va.",
    )
    assert rows["East Bank"]["admin1"] == "West Virginia", rows
    assert "institution" in str(rows["East Bank"]["reason"])


def test_geoparse_adjectives_before_feature_words_and_world_regions(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """The Indian Ocean is no India and Central American migrants are no Americans: the
    first is a no-match row (the gazetteer has no oceans), the second names a world region
    the gazetteer lacks, and neither puts a point in India or the United States."""
    found = geoparse(
        nlp(
            "Tankers crossed the Indian Ocean while talks stalled. Central American migrants "
            "reached the border."
        ),
        world,
        "a",
    )
    assert not any(r["country"] in ("India", "United States") for r in found), found
    rows = {str(r["text"]): r for r in found}
    assert rows["Central American"]["latitude"] is None
    assert "Central America" in str(rows["Central American"]["reason"])


def test_geoparse_takes_weak_exact_matches_events_do_not(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """A town the gazetteer spells as written but that scores low (a story the text puts in
    Mexico by "a native of Mexico") is still the geoparser's answer, with its low score;
    event location keeps the stricter bar and its explicit no-match."""
    text = (
        "Mason charged with sex assault. BANTAM — A Danbury stonework mason was arraigned in "
        "Bantam Superior Court on Tuesday. Gomez, a native of Mexico, was arrested by Danbury "
        "police and brought to New Milford authorities."
    )
    doc = nlp(text)
    rows = {str(r["text"]): r for r in geoparse(doc, world, "a")}
    assert rows["BANTAM"]["admin1"] == "Connecticut", rows["BANTAM"]
    assert float(rows["BANTAM"]["score"]) < 0.5  # type: ignore[arg-type]
    strict = {t.text: t for t in find_toponyms(doc, world)}
    assert strict["BANTAM"].place is None, strict["BANTAM"]


def test_toponyms_a_namesake_beside_another_name_of_the_article(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """One other name close by is enough: "London" beside St. Thomas is London, Ontario, not
    England's capital, which is larger but lies nowhere near."""
    found = _toponyms(
        nlp,
        world,
        "London's crystal meth crisis has prompted the city's homeless coalition to launch a "
        "campaign. Addiction began taking hold in London about two years ago. St. Thomas "
        "police have confirmed one of the overdoses in that city.",
    )
    london = found["London"].place
    assert london is not None and london.admin1 == "Ontario", found["London"]


def test_toponyms_state_initials_and_legislators_homes(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """Initials are a state wherever they stand ("the S.C. Highway Patrol", "D-S.C."), but not
    in a date ("500 B.C."); a legislator's "R-Florence" names the home town, in the state the
    story is about."""
    found = _toponyms(
        nlp,
        world,
        "The S.C. Highway Patrol is looking for leads. House Majority Whip James Clyburn, "
        "D-S.C., inserted the language. Senate Finance Committee Chairman Hugh Leatherman, "
        "R-Florence, said the state would take the money. The temple was built in 500 B.C.",
    )
    carolina = found["S.C."].place
    assert carolina is not None and carolina.feature_code == "ADM1", found["S.C."]
    assert carolina.admin1 == "South Carolina"
    florence = found["Florence"].place
    assert florence is not None and florence.admin1 == "South Carolina", found["Florence"]
    assert "B.C." not in found


def test_toponyms_names_listed_before_counties(nlp, world: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """ "Eastland and Callahan counties", "Barrow and Jackson counties": each name of the list
    is a county of the story's state, not a Florida town or a Jackson somewhere."""
    found = _toponyms(
        nlp,
        world,
        "Fires burned more than 260 acres in Eastland and Callahan counties, according to the "
        "Texas Fire Service. The jobless rate for wider Northeast Georgia, which includes "
        "Barrow and Jackson counties, rose.",
    )
    for name, state in (
        ("Eastland", "Texas"),
        ("Callahan", "Texas"),
        ("Barrow", "Georgia"),
        ("Jackson", "Georgia"),
    ):
        place = found[name].place
        assert place is not None and place.feature_code == "ADM2", found[name]
        assert place.admin1 == state, found[name]
