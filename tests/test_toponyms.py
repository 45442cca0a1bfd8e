"""Toponym recognition and disambiguation on real text (toponyms.py)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from eventcoder.gazetteer import Gazetteer, haversine_km
from eventcoder.models import Toponym
from eventcoder.toponyms import find_toponyms

KHAN_AL_SHIH = (33.375, 36.113)


@pytest.fixture(scope="module")
def sample_toponyms(nlp, sample_text: str, gazetteer: Gazetteer) -> list[Toponym]:  # type: ignore[no-untyped-def]
    """The toponyms of the Khan al-Shih sample, found once for this module."""
    return find_toponyms(nlp(sample_text), gazetteer)


def _by_text(toponyms: Sequence[Toponym], text: str) -> list[Toponym]:
    return [t for t in toponyms if t.text == text]


def test_toponyms_sample_spellings_resolve_to_one_place(sample_toponyms: list[Toponym]) -> None:
    """Khan al-Sheih, Khan al-Shieh and Khan al-Sheikh in the sample all go to Khan al-Shih."""
    places = set()
    for spelling in ("Khan al-Sheih", "Khan al-Shieh", "Khan al-Sheikh"):
        found = _by_text(sample_toponyms, spelling)
        assert found, spelling
        for toponym in found:
            assert toponym.place is not None, toponym
            places.add(toponym.place.geonameid)
    assert len(places) == 1
    place = _by_text(sample_toponyms, "Khan al-Sheikh")[0].place
    assert place is not None
    assert haversine_km(place.latitude, place.longitude, *KHAN_AL_SHIH) < 1.5
    assert "same place as" in _by_text(sample_toponyms, "Khan al-Sheikh")[0].reason


@pytest.mark.parametrize(
    ("text", "admin1", "country", "near"),
    [
        ("Idlib", "Idleb", "SY", (35.93, 36.63)),
        ("Quneitra", "Quneitra", "SY", (33.13, 35.82)),
        ("Dara'a", "Dar'a", "SY", (32.62, 36.10)),
        ("Darayya", "Rural Damascus", "SY", (33.46, 36.23)),
        ("Deir al-Khabiyeh", "Rural Damascus", "SY", (33.3646, 36.1596)),
    ],
)
def test_toponyms_sample_places_resolve_to_the_right_places(
    sample_toponyms: list[Toponym], text: str, admin1: str, country: str, near: tuple[float, float]
) -> None:
    """The sample's destinations and villages resolve to the real places of those names."""
    found = _by_text(sample_toponyms, text)
    assert found
    for toponym in found:
        place = toponym.place
        assert place is not None and place.admin1 == admin1 and place.country_code == country
        assert haversine_km(place.latitude, place.longitude, *near) < 25


def test_toponyms_country_name_resolves_to_the_country(sample_toponyms: list[Toponym]) -> None:
    """ "Jordan" is the country (A.PCLI), not a town or river of that name."""
    jordan = _by_text(sample_toponyms, "Jordan")
    assert jordan and all(t.place is not None and t.place.feature_code == "PCLI" for t in jordan)
    assert jordan[0].place is not None and jordan[0].place.country_code == "JO"


def test_toponyms_namesake_near_the_other_places_wins(sample_toponyms: list[Toponym]) -> None:
    """al-Tibeh and al-Zakiyeh are the villages next to Khan al-Shih, not namesakes elsewhere."""
    for text in ("al-Tibeh", "al-Zakiyeh"):
        toponym = _by_text(sample_toponyms, text)[0]
        assert toponym.place is not None
        assert haversine_km(toponym.place.latitude, toponym.place.longitude, *KHAN_AL_SHIH) < 15, (
            toponym.reason
        )


def test_toponyms_unknown_names_are_explicit_no_matches(sample_toponyms: list[Toponym]) -> None:
    """A place name the gazetteer lacks comes back with place=None and a reason, never dropped."""
    albuyizeh = _by_text(sample_toponyms, "Albuyizeh")
    assert albuyizeh and all(t.place is None and t.score == 0.0 for t in albuyizeh)
    assert "Albuyizeh" in albuyizeh[0].reason


def test_toponyms_persons_and_organisations_are_not_places(sample_toponyms: list[Toponym]) -> None:
    """Heisam Hasoun, al-Nusra Front, Fatah al-Sham (al-Sham: old name of Damascus) are skipped."""
    texts = {t.text for t in sample_toponyms}
    assert not texts & {
        "Heisam Hasoun",
        "al-Nusra Front",
        "Nusra",
        "Fatah al-Sham",
        "al-Sham",
        "Syrian",
        "FNA",
    }
    assert all(t.text != "Damascus" or t.start not in range(1640, 1680) for t in sample_toponyms)


def test_toponyms_stated_containment_picks_the_namesake(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """ "Tiba, Raqqa province" and "Tiba in Rural Damascus" go to two different villages."""
    raqqa = find_toponyms(
        nlp("Heavy clashes broke out in Tiba, Raqqa province, on Monday."), gazetteer
    )
    damascus = find_toponyms(
        nlp("Heavy clashes broke out in Tiba in Rural Damascus on Monday."), gazetteer
    )
    tiba_raqqa = _by_text(raqqa, "Tiba")[0].place
    tiba_damascus = _by_text(damascus, "Tiba")[0].place
    assert tiba_raqqa is not None and tiba_raqqa.admin1 == "Ar-Raqqa"
    assert tiba_damascus is not None and tiba_damascus.admin1 == "Rural Damascus"


def test_toponyms_country_names_never_resolve_to_buildings(  # type: ignore[no-untyped-def]
    nlp, tmp_path, geonames_dir
) -> None:
    """With a full dump holding a "Syria" hotel and a "Jordan" street, the text's countries win."""
    from eventcoder.gazetteer import install_gazetteer

    folder = tmp_path / "geonames"
    folder.mkdir()
    for name in (
        "cities500.txt.gz",
        "admin1CodesASCII.txt",
        "admin2Codes.txt.gz",
        "countryInfo.txt",
    ):
        (folder / name).symlink_to(geonames_dir / name)
    rows = [
        ["990002", "Syria", "Syria", "Syria Hotel", "33.512", "36.29", "S", "HTL", "SY", "", "13"],
        ["990003", "Jordan", "Jordan", "Jordan Street", "33.51", "36.3", "R", "ST", "SY", "", "13"],
    ]
    (folder / "SY.txt").write_text(
        "".join(
            "\t".join(r + ["", "", "", "0", "", "700", "Asia/Damascus", "2024-01-01"]) + "\n"
            for r in rows
        ),
        encoding="utf-8",
    )
    install_gazetteer(
        tmp_path / "g.sqlite", geonames=str(folder), countries=["SY"], country_filter=["SY", "JO"]
    )
    with Gazetteer.open(tmp_path / "g.sqlite") as gazetteer:
        doc = nlp("Hundreds of families fled from Syria to Jordan after shelling in Damascus.")
        found = {t.text: t.place for t in find_toponyms(doc, gazetteer)}
    assert found["Syria"] is not None and found["Syria"].feature_code == "PCLI"
    assert found["Jordan"] is not None and found["Jordan"].feature_code == "PCLI"
    assert found["Damascus"] is not None and found["Damascus"].feature_code == "PPLC"


def test_toponyms_one_bad_name_does_not_affect_the_others(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """Adding an unresolvable village to a sentence changes nothing for the other names."""
    plain = find_toponyms(
        nlp("Government forces shelled Darayya and Al Kiswah on Sunday."), gazetteer
    )
    noisy = find_toponyms(
        nlp("Government forces shelled Darayya, the village of Qwazbrit and Al Kiswah on Sunday."),
        gazetteer,
    )
    assert [(t.text, t.place) for t in plain] == [
        (t.text, t.place) for t in noisy if t.text != "Qwazbrit"
    ]
    assert [t.place for t in noisy if t.text == "Qwazbrit"] == [None]


def test_toponyms_country_focus_is_inferred_from_the_text(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """An Afghan report resolves its towns in Afghanistan without being told the country."""
    doc = nlp(
        "Taliban fighters attacked a police checkpoint in Kunduz city, Afghan officials said."
    )
    kunduz = _by_text(find_toponyms(doc, gazetteer), "Kunduz")
    assert kunduz and kunduz[0].place is not None and kunduz[0].place.country_code == "AF"


def test_toponyms_given_countries_restrict_the_answer(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """With countries=("JO",), an ambiguous village name prefers its Jordanian namesake."""
    doc = nlp("Clashes were reported in At Tayyibah on Friday.")
    found = find_toponyms(doc, gazetteer, countries=("JO",))
    assert found and found[0].place is not None and found[0].place.country_code == "JO"


# --------------------------------------------------------------------------------------------
# Regressions found by bench/geocode.py on the ACLED Syria notes (real sentences)


def _places(toponyms: Sequence[Toponym]) -> dict[str, Toponym]:
    return {t.text: t for t in toponyms}


def test_toponyms_months_acronyms_and_actor_names_are_not_places(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """ "March" of a date, "AAS" and the "Sham" of "Suquor al Sham" are no toponyms."""
    found = _places(
        find_toponyms(
            nlp(
                "On 21 March 2020, clashes broke out between the AAS and HTS in Kafr Nabl. "
                "Hayat Tahrir al Sham fighters kidnapped a Suquor al Sham leader in Hazano in Idleb."
            ),
            gazetteer,
        )
    )
    assert not {"March", "AAS", "HTS", "Sham", "Hayat"} & set(found)
    assert found["Kafr Nabl"].place is not None and found["Kafr Nabl"].place.admin1 == "Idleb"
    assert found["Hazano"].place is not None and found["Hazano"].place.admin1 == "Idleb"


def test_toponyms_quarters_of_a_named_city_are_never_namesakes_elsewhere(  # type: ignore[no-untyped-def]
    nlp, gazetteer: Gazetteer
) -> None:
    """Every quarter of "X, Y and Z neighbourhoods in Deir-ez-Zor city" is in that city or
    unresolved (the city then places it), never a namesake village elsewhere in Syria."""
    text = (
        "The Syrian army supported by its loyal gunmen clashed with the Islamic State in Hamidiya, "
        "Al-Rashidia, Jbeileh, and Al-Huwaiqa neighbourhoods in Deir-ez-Zor city."
    )
    found = _places(find_toponyms(nlp(text), gazetteer))
    city = found["Deir-ez-Zor"].place
    assert city is not None and city.admin1 == "Deir-ez-Zor"
    for name in ("Hamidiya", "Al-Rashidia", "Jbeileh", "Al-Huwaiqa"):
        place = found[name].place
        assert (
            place is None
            or haversine_km(place.latitude, place.longitude, city.latitude, city.longitude) < 30
        ), (name, found[name].reason)


def test_toponyms_country_qualifying_an_actor_is_not_a_place(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """ "US special forces" names who fights: no "US" toponym, and the quarter stays in Raqqa."""
    text = (
        "Clashes took place between IS and QSD and the US special forces in the Al-Batani "
        "neighbourhood east of Al-Raqqah city."
    )
    found = _places(find_toponyms(nlp(text), gazetteer))
    assert "US" not in found
    raqqa = found["Al-Raqqah"].place
    assert raqqa is not None and raqqa.admin1 == "Ar-Raqqa"
    batani = found["Al-Batani"].place
    assert batani is None or batani.country_code == "SY"


def test_toponyms_unknown_name_after_in_is_recognised(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """ "in Erbeen", which spaCy reads as a date, is found and matched to Arbin (ee = i)."""
    found = _places(
        find_toponyms(
            nlp(
                "Clashes continue between Jaish Al Islam against HTS and Alrahman Corps in Erbeen."
            ),
            gazetteer,
        )
    )
    place = found["Erbeen"].place
    assert place is not None and place.admin1 == "Rural Damascus", found["Erbeen"].reason
    assert haversine_km(place.latitude, place.longitude, 33.539, 36.365) < 10


def test_toponyms_the_capital_is_the_focus_country_capital(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """In a Syrian report, "the capital" is Damascus, and Jobar named with it is not the Jober
    of Homs 130 km away."""
    text = (
        "Amid shelling, clashes took place in Jobar neighbourhood at the eastern outskirts of the "
        "capital."
    )
    found = _places(find_toponyms(nlp(text), gazetteer))
    capital = found["the capital"].place
    assert capital is not None and capital.feature_code == "PPLC" and capital.country_code == "SY"
    jobar = found["Jobar"].place
    assert jobar is None or jobar.admin1 in ("Damascus", "Rural Damascus")


def test_toponyms_a_country_named_as_backer_stays_the_country(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """ "factions supported by Turkey in Samaan Castle area ... of Aleppo": Turkey is still the
    country (a country is contained by nothing the text names)."""
    text = (
        "Clashes took place between QSD against the rebel factions supported by Turkey in Samaan "
        "Castle area in the western countryside of Aleppo."
    )
    found = _places(find_toponyms(nlp(text), gazetteer))
    turkey = found["Turkey"].place
    assert turkey is not None and turkey.feature_code == "PCLI" and turkey.country_code == "TR"


# --------------------------------------------------------------------------------------------
# Geocoding round 3 (bench/geocode.py on the ACLED Syria notes; real sentences)


def _near(toponym: Toponym, lat: float, lon: float, km: float = 15.0) -> bool:
    place = toponym.place
    return place is not None and haversine_km(place.latitude, place.longitude, lat, lon) <= km


@pytest.mark.parametrize(
    ("text", "name", "admin1"),
    [
        (
            (
                "Regime and loyalist militia forces clashed with Rahman Corp fighters in the Jobar "
                "suburb of Damascus amid an exchange of targeting and airstrikes."
            ),
            "Jobar",
            ("Damascus", "Rural Damascus"),
        ),
        (
            (
                "Clashes took place between the Syrian regime forces and militiamen loyal to them "
                "against the rebel and Islamic factions in Al-Sa'en village area in northern "
                "countryside of Homs."
            ),
            "Al-Sa'en",
            ("Homs",),
        ),
    ],
)
def test_toponyms_stated_container_rules_out_namesakes_elsewhere(  # type: ignore[no-untyped-def]
    nlp, gazetteer: Gazetteer, text: str, name: str, admin1: tuple[str, ...]
) -> None:
    """ "the X suburb of Damascus", "X village area in ... Homs" state a container: a namesake
    in another governorate is not chosen (the name stays unresolved, or is placed inside)."""
    found = _places(find_toponyms(nlp(text), gazetteer))
    place = found[name].place
    assert place is None or place.admin1 in admin1, found[name].reason


def test_toponyms_a_name_ruled_out_at_home_gets_its_other_spellings(  # type: ignore[no-untyped-def]
    nlp, gazetteer: Gazetteer
) -> None:
    """ "Al-Thaljah village in southern Idleb": the exact Thalja is in Hasakeh, so other
    spellings in Syria are tried, and Thleijeh in Idleb is found."""
    text = (
        "Following clashes with rebels, Islamic State fighters took control of Al-Thaljah "
        "village in southern Idleb. No fatalities reported."
    )
    found = _places(find_toponyms(nlp(text), gazetteer))
    place = found["Al-Thaljah"].place
    assert place is not None and place.admin1 == "Idleb", found["Al-Thaljah"].reason


def test_toponyms_a_town_container_is_kept_over_a_guessed_spelling(  # type: ignore[no-untyped-def]
    nlp, gazetteer: Gazetteer
) -> None:
    """ "Qadsiyah of southeastern Ar-Raqqa city": a quarter of the city; no fuzzy namesake 26 km
    east of it is guessed (the city places the name)."""
    text = (
        "Syrian Democratic Forces battled the Islamic State around Qadsiyah of southeastern "
        "Ar-Raqqa city. No losses reported."
    )
    found = _places(find_toponyms(nlp(text), gazetteer))
    toponym = found["Qadsiyah"]
    assert toponym.place is None or _near(toponym, 35.95, 39.01, 10.0), toponym.reason


def test_toponyms_the_side_of_the_container_chooses_between_namesakes(  # type: ignore[no-untyped-def]
    nlp, gazetteer: Gazetteer
) -> None:
    """Two Hmeimehs lie in Homs governorate; "in the eastern countryside of Homs" is the one
    east of the city, not the one 20 km west of it."""
    text = (
        "Warplanes bombarded areas amid clashes between the Syrian regime forces and gunmen "
        "loyal to them against IS in Hmimeh area in the eastern countryside of Homs."
    )
    found = _places(find_toponyms(nlp(text), gazetteer))
    assert _near(found["Hmimeh"], 34.9059, 36.9175, 5.0), found["Hmimeh"].reason
    assert "eastern part" in found["Hmimeh"].reason


@pytest.mark.parametrize(
    ("text", "name", "near"),
    [
        # spaCy reads "Alma in Dar'a" as one organisation.
        (
            (
                "Regime forces regained control of Alma in Dar'a following clashes with rebel and "
                "Islamist factions."
            ),
            "Alma",
            (32.7508, 36.2407),
        ),
        # spaCy reads "Elfijeh" as a person: the longer village name around it still counts.
        (
            (
                "Intense clashes took place in Ein Elfijeh between regime forces backed by allied "
                "militias and Hezbollah and rebel forces backed by Islamist militant groups."
            ),
            "Ein Elfijeh",
            (33.615, 36.1818),
        ),
        # ... and "the Islamic State in Shaddadah of Hasakeh" as one organisation.
        (
            (
                "Syrian Democratic Forces battled the Islamic State in Shaddadah of Hasakeh. No "
                "losses reported."
            ),
            "Shaddadah",
            (36.0534, 40.7268),
        ),
        # A list after "including" names places.
        (
            (
                "Between November 21st and 26th, Islamic State fighters took control of over 20 "
                "villages and residential areas in northern Hama, including Rasm Skaf, following "
                "clashes with Hayat Tahrir al-Sham."
            ),
            "Rasm Skaf",
            (35.3372, 37.1993),
        ),
        # The name spelled as written beats Batha, which only shares its key.
        (
            (
                "Clashes took place between the National Police Forces and Hamza Brigade in Baza'a "
                "in Aleppo. Neither injuries nor fatalities were reported."
            ),
            "Baza'a",
            (36.3834, 37.5661),
        ),
        # "al-Sharqi" is "Eastern": the list has the village as Eastern Jarda.
        (
            (
                "Unidentified gunmen attacked and killed 1 QSD fighter at a checkpoint in the village "
                "of Jurdi al-Sharqi which lies in eastern Deir ez-Zor province."
            ),
            "Jurdi al-Sharqi",
            (34.872, 40.639),
        ),
    ],
)
def test_toponyms_villages_the_model_or_the_spelling_hides_are_found(  # type: ignore[no-untyped-def]
    nlp, gazetteer: Gazetteer, text: str, name: str, near: tuple[float, float]
) -> None:
    """Villages that spaCy's entity spans, a list or a spelling used to hide are resolved
    (within the bench's 25 km: a list may place a village only by its sub-district)."""
    found = _places(find_toponyms(nlp(text), gazetteer))
    assert name in found, sorted(found)
    assert _near(found[name], *near, 25.0), found[name].reason


def test_toponyms_actor_words_are_no_places(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """ "the military of Turkey" qualifies an actor, "JaT" is an armed group (Jaysh al-Thuwar),
    not the village of Jat in Aleppo."""
    text = (
        "Clashes occurred between IS and Euphrates Shield forces supported by the military of "
        "Turkey. Clashes took place between QSD, including forces of JaT, against IS in Hajin."
    )
    found = _places(find_toponyms(nlp(text), gazetteer))
    assert "Turkey" not in found
    assert "JaT" not in found
    assert found["Hajin"].place is not None and found["Hajin"].place.admin1 == "Deir-ez-Zor"


def test_toponyms_eastern_ghouta_is_no_village_called_ghota(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    """ "Eastern Ghota" names the plain east of Damascus: the Ghota hamlet of Ar-Raqqa, 370 km
    away, is not read into it."""
    text = (
        "Clashes took place between regime forces and Jaysh al Islam in areas of Hosh "
        "al-Dawahira town in the east of Eastern Ghota."
    )
    toponyms = find_toponyms(nlp(text), gazetteer)
    assert not any(t.place is not None and t.place.admin1 == "Ar-Raqqa" for t in toponyms), [
        (t.text, t.reason) for t in toponyms
    ]


@pytest.mark.parametrize(
    ("text", "name", "near"),
    [
        # A quoted name is still contained by what follows it.
        (
            (
                "Government forces and pro-government militias clashed with Islamist fighters in "
                "'Muhammadiyah' in rural Damascus. There were no reported fatalities."
            ),
            "Muhammadiyah",
            (33.5066, 36.421),
        ),
        # ... and still a place after "near".
        (
            (
                "Government forces clashed with an unidentified rebel group near 'Kafar Nan.' There "
                "were no reported fatalities."
            ),
            "Kafar Nan",
            (34.8864, 36.6481),
        ),
        # "encircling X" places X like "besieging X".
        (
            "Regime army was slowly encircling Dayr Hafir after clashes with Islamic State.",
            "Dayr Hafir",
            (36.156, 37.7093),
        ),
    ],
)
def test_toponyms_quoted_and_encircled_names_are_places(  # type: ignore[no-untyped-def]
    nlp, gazetteer: Gazetteer, text: str, name: str, near: tuple[float, float]
) -> None:
    """Quotes around a name and siege verbs before it do not hide the place."""
    found = _places(find_toponyms(nlp(text), gazetteer))
    assert name in found, sorted(found)
    assert _near(found[name], *near, 25.0), found[name].reason


@pytest.mark.parametrize(
    ("text", "name", "admin1", "point"),
    [
        (
            # ACLED places it in Idleb, 2 km from the Aleppo line; the writer put it in Aleppo.
            (
                "On 8 December 2018, an unidentified armed group shot and killed a HTS commander "
                "and dumped his body in the outskirts of Tweim in Aleppo."
            ),
            "Tweim",
            "Idleb",
            (35.805, 37.0406),
        ),
        (
            # Tall Abu Azzu (also written Tall alwaz) lies in Idleb, 6 km from Aleppo's.
            "Regime forces took control of Tal al-Waz in southern Aleppo. No fatalities reported.",
            "Tal al-Waz",
            "Idleb",
            (35.8213, 37.12),
        ),
    ],
)
def test_toponyms_a_border_village_put_in_the_next_governorate_is_taken(  # type: ignore[no-untyped-def]
    nlp, gazetteer: Gazetteer, text: str, name: str, admin1: str, point: tuple[float, float]
) -> None:
    """A village the gazetteer has only just across the governorate line the text names is the
    same village, not a reason to fall back to the governorate's capital."""
    found = _places(find_toponyms(nlp(text), gazetteer))
    toponym = found[name]
    assert toponym.place is not None and toponym.place.admin1 == admin1, toponym.reason
    assert _near(toponym, *point, km=25.0), toponym.reason
    assert "line, where the text puts it" in toponym.reason


def test_toponyms_a_namesake_inside_the_named_governorate_beats_one_on_its_line(  # type: ignore[no-untyped-def]
    nlp, gazetteer: Gazetteer
) -> None:
    """ "Majdal village in Hama": the Majdal in Hama, not the Al Majdal of Homs near the line."""
    text = "After launching a military operation, rebels controlled Majdal village in Hama."
    found = _places(find_toponyms(nlp(text), gazetteer))
    place = found["Majdal"].place
    assert place is not None and place.admin1 == "Hama", found["Majdal"].reason


@pytest.mark.parametrize(
    ("text", "name", "point"),
    [
        (
            # The sub-district of Basira (40,000 people) has its seat at Al Busayrah; the
            # village of Basira in Tartous has 2,000.
            (
                "Unconfirmed reports claimed that QSD forces had taken over the whole of Basira "
                "from Islamic State fighters."
            ),
            "Basira",
            (35.158, 40.4277),
        ),
        (
            # The town Tadmur, not the list's guess at a village "Tadmor" placed at the centre
            # of the Tadmor sub-district, 36 km south of it.
            (
                "Government forces and pro-government militias clashed with ISIS in Tadmor in "
                "Homs province. There were no reported fatalities."
            ),
            "Tadmor",
            (34.5656, 38.2877),
        ),
    ],
)
def test_toponyms_a_town_beats_the_village_guesses_of_its_name(  # type: ignore[no-untyped-def]
    nlp, gazetteer: Gazetteer, text: str, name: str, point: tuple[float, float]
) -> None:
    found = _places(find_toponyms(nlp(text), gazetteer))
    assert _near(found[name], *point, km=10.0), found[name].reason


def test_toponyms_rural_damascus_in_lower_case_is_the_governorate(  # type: ignore[no-untyped-def]
    nlp, gazetteer: Gazetteer
) -> None:
    """ "in rural Damascus" is Rural Damascus governorate, not the city: Sabe Byar, 140 km
    east of the city, is in it."""
    text = (
        "Government forces and its allied militias clashed with JOS and Shuhada al Qaryatayn "
        "Brigade in Sabe Biyar (Sabea' Biyar) in rural Damascus. There were no reports of "
        "casualties."
    )
    found = _places(find_toponyms(nlp(text), gazetteer))
    assert found["Damascus"].place is not None
    assert found["Damascus"].place.feature_code == "ADM1", found["Damascus"].reason
    assert _near(found["Sabe Biyar"], 33.7801, 37.6881, 25.0), found["Sabe Biyar"].reason


def test_toponyms_a_neighbourhood_is_a_city_quarter_not_a_village(  # type: ignore[no-untyped-def]
    nlp, gazetteer: Gazetteer
) -> None:
    """The IOM list has Damascus's Jobar only as its halves, "Joubar Sharqi" and "Joubar
    Gharbi"; "the Jobar neighborhood" is that quarter, not the village of Jober in Homs."""
    text = (
        "Amid an exchange of shelling, regime forces backed by allied militias continued to "
        "fight Islamist militias in the Jobar neighborhood. No deaths were reported."
    )
    found = _places(find_toponyms(nlp(text), gazetteer))
    place = found["Jobar"].place
    assert place is not None and place.admin1 == "Damascus", found["Jobar"].reason


def test_toponyms_an_area_of_a_named_city_is_near_the_city(  # type: ignore[no-untyped-def]
    nlp, gazetteer: Gazetteer
) -> None:
    """ "the Castilo area of Aleppo city" is in the city: no Qastal 46 km away in the
    governorate."""
    text = (
        "Unidentified gunmen stormed an HTS headquarters in the Castilo area of Aleppo city, "
        "killing 4 HTS fighters."
    )
    found = _places(find_toponyms(nlp(text), gazetteer))
    toponym = found["Castilo"]
    assert toponym.place is None or _near(toponym, 36.206, 37.1524, 30.0), toponym.reason
