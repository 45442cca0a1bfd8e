"""Tests for actors.py and actor_table.py: ACLED actor names, with dates, countries, context."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from spacy.language import Language

from eventcoder.actor_table import (
    ALIAS_COLUMNS,
    country_code,
    country_name,
    interaction_code,
    normalize_actor_name,
    parse_inter,
)
from eventcoder.actors import PRO_GOVERNMENT, ActorMention, ActorResolver, allied, mention_role
from eventcoder.errors import ConfigError
from eventcoder.models import Actor

SAMPLE_DAY = date(2016, 11, 28)


@pytest.fixture(scope="module")
def resolver() -> ActorResolver:
    """The packaged alias table."""
    return ActorResolver.load()


def mentions(
    nlp: Language, resolver: ActorResolver, text: str, country: str, on: date | None
) -> list[ActorMention]:
    doc = nlp(text)
    return [m for sent in doc.sents for m in resolver.find_mentions(sent, country=country, on=on)]


def by_text(found: list[ActorMention]) -> dict[str, str]:
    return {m.span.text: m.actor.name for m in found}


@pytest.fixture(scope="module")
def sample_mentions(nlp: Language, resolver: ActorResolver, sample_text: str) -> list[ActorMention]:
    """Every actor mention of the Khan al-Shih sample, coded as of its publication day."""
    return mentions(nlp, resolver, sample_text, "SY", SAMPLE_DAY)


def test_actors_sample_state_forces(sample_mentions: list[ActorMention]) -> None:
    """Syrian army, fighter jets, artillery and 'the army' in the sample are Syria's military."""
    names = by_text(sample_mentions)
    for words in (
        "Syrian fighter jets",
        "Syrian army",
        "artillery units",
        "the army",
        "goverment troops",
    ):
        assert names[words] == "Military Forces of Syria (2000-)", words
    state = [m for m in sample_mentions if m.actor.name == "Military Forces of Syria (2000-)"]
    assert all(m.actor.inter == 1 and not m.generic for m in state)


def test_actors_sample_nusra_is_jabhat_fateh_al_sham_in_2016(
    sample_mentions: list[ActorMention],
) -> None:
    """al-Nusra Front, Nusra and Fatah al-Sham are Jabhat Fateh al Sham on 2016-11-28."""
    names = by_text(sample_mentions)
    for words in ("al-Nusra Front", "Nusra", "Fatah al-Sham", "Fatah al-Sham Front"):
        assert names[words] == "Jabhat Fateh al Sham", words
    nusra = next(m for m in sample_mentions if m.span.text == "al-Nusra Front")
    assert nusra.actor.reason == (
        "'al-Nusra Front' is Jabhat Fateh al Sham from 2016-07-28 to 2017-01-28 "
        "(ACLED name on 2016-11-28)"
    )


def test_actors_sample_nusra_is_hts_in_2018(
    nlp: Language, resolver: ActorResolver, sample_text: str
) -> None:
    """The same words coded for a 2018 event give the group's 2018 ACLED name."""
    names = by_text(mentions(nlp, resolver, sample_text, "SY", date(2018, 3, 1)))
    assert names["al-Nusra Front"] == "HTS: Hayat Tahrir al Sham"
    assert names["Fatah al-Sham"] == "HTS: Hayat Tahrir al Sham"


def test_actors_sample_terrorists_resolved_by_article_context(
    sample_mentions: list[ActorMention],
) -> None:
    """'terrorists' and 'militants' in an article naming al-Nusra are that group, never a name."""
    loaded = [m for m in sample_mentions if m.span.text.lower() in ("terrorists", "militants")]
    assert len(loaded) >= 10
    for mention in loaded:
        assert mention.generic
        assert mention.actor.name == "Jabhat Fateh al Sham"
        assert "names most" in mention.actor.reason and "'al-Nusra Front'" in mention.actor.reason
    assert not any("terrorist" in m.actor.name.lower() for m in sample_mentions)


def test_actors_every_actor_has_a_one_line_reason(sample_mentions: list[ActorMention]) -> None:
    """Every resolved actor says in one line why it got its name."""
    assert sample_mentions
    for mention in sample_mentions:
        assert mention.actor.reason and "\n" not in mention.actor.reason
        assert mention.actor.span == mention.span


def test_actors_article_context_ranks_named_actors(
    nlp: Language, resolver: ActorResolver, sample_text: str
) -> None:
    """The article context lists the named actors by frequency and picks the armed group."""
    context = resolver.article_context(nlp(sample_text), country="Syria", on=SAMPLE_DAY)
    names = [actor.name for actor, _ in context.actors]
    assert names[0] == "Military Forces of Syria (2000-)"
    assert context.armed_group is not None and context.armed_group.name == "Jabhat Fateh al Sham"
    assert "Nusra" in context.armed_group_words


@pytest.mark.parametrize(
    ("text", "country", "words", "expected"),
    [
        ("Gunmen attacked a bus near Mandera.", "KE", "Gunmen", "Unidentified Armed Group (Kenya)"),
        (
            "Militants shelled the town overnight.",
            "SY",
            "Militants",
            "Unidentified Armed Group (Syria)",
        ),
        ("Protesters marched to the governor's office.", "KE", "Protesters", "Protesters (Kenya)"),
        ("Rioters burned tyres on the highway.", "BD", "Rioters", "Rioters (Bangladesh)"),
        (
            "Two civilians were killed in the crossfire.",
            "AF",
            "civilians",
            "Civilians (Afghanistan)",
        ),
        (
            "Unidentified gunmen shot a trader.",
            "SY",
            "Unidentified gunmen",
            "Unidentified Armed Group (Syria)",
        ),
    ],
)
def test_actors_generic_fallbacks_per_country(
    nlp: Language,
    resolver: ActorResolver,
    text: str,
    country: str,
    words: str,
    expected: str,
) -> None:
    """Generic words with no named group in the text become ACLED's generic actor of the country."""
    found = {m.span.text: m for m in mentions(nlp, resolver, text, country, date(2018, 5, 1))}
    assert found[words].actor.name == expected
    assert found[words].generic


def test_actors_unidentified_is_never_resolved_by_context(
    nlp: Language, resolver: ActorResolver
) -> None:
    """'unidentified gunmen' stays unidentified even when the article names a group."""
    text = (
        "Al Shabaab attacked a police post in Lamu. Separately, unidentified gunmen shot a trader."
    )
    names = by_text(mentions(nlp, resolver, text, "KE", date(2015, 6, 1)))
    assert names["Al Shabaab"] == "Al Shabaab"
    assert names["unidentified gunmen"] == "Unidentified Armed Group (Kenya)"


def test_actors_generic_head_joins_its_name(nlp: Language, resolver: ActorResolver) -> None:
    """'Taliban militants' is one Taliban mention; later 'the militants' are the Taliban too."""
    text = "Taliban militants attacked a checkpoint in Ghazni. The militants fled after the clash."
    found = mentions(nlp, resolver, text, "AF", date(2020, 3, 5))
    assert [(m.span.text, m.actor.name) for m in found if "ilitant" in m.span.text] == [
        ("Taliban militants", "Taliban"),
        ("militants", "Taliban"),
    ]


@pytest.mark.parametrize(
    ("text", "words", "expected"),
    [
        # A generic armed word before "from"/"of" and a group is that group.
        ("2 fighters from rebel and Islamic factions were killed.", "rebel", "Opposition Rebels (Syria)"),
        # A generic label right before a name describes the name.
        ("Loyalist militia Tiger Force recaptured Sahm al-Hawa.", "Tiger Force",
         "Military Forces of Syria (2000-) Tiger Paramilitary Forces (Qawat al Nimr)"),
    ],
)
def test_actors_generic_words_join_the_group_they_describe(
    nlp: Language, resolver: ActorResolver, text: str, words: str, expected: str
) -> None:
    """"fighters from rebel factions" and "the loyalist militia Tiger Force" are one actor each."""
    found = mentions(nlp, resolver, text, "SY", date(2017, 6, 3))
    assert by_text(found)[words] == expected
    assert [m.span.text for m in found if m.actor.name != "Islamist Militia (Syria)"] == [words]


def test_actors_military_as_a_plain_adjective_is_no_actor(nlp: Language, resolver: ActorResolver) -> None:
    """"a military operation" and "the military council of the SDF" do not name the state's army."""
    text = (
        "After launching a military operation, rebels controlled Majdal village. Gunmen killed two members "
        "of the military council of Syrian Democratic Forces. The military shelled the town."
    )
    found = mentions(nlp, resolver, text, "SY", date(2017, 6, 3))
    military = [m for m in found if m.actor.name == "Military Forces of Syria (2000-)"]
    assert [m.span.text for m in military] == ["military"]
    assert military[0].span.start == text.index("The military") + 4


def test_actors_allied_by_definition() -> None:
    """A state's forces and the militias fighting for it are one side; rebels and foreign forces are not."""
    army = Actor("Military Forces of Syria (2000-)", 1)
    police = Actor("Police Forces of Syria (2000-)", 1)
    militia = Actor(PRO_GOVERNMENT, 3)
    rebels = Actor("Opposition Rebels (Syria)", 2)
    russia = Actor("Military Forces of Russia (2000-)", 8)
    assert allied(army, militia) and allied(militia, army) and allied(army, police) and allied(rebels, rebels)
    assert not allied(army, rebels) and not allied(militia, rebels) and not allied(army, russia)


def test_actors_case_insensitive_except_acronyms(nlp: Language, resolver: ActorResolver) -> None:
    """Names match in any case; acronyms only in capitals, so the verb 'is' is no actor."""
    upper = by_text(
        mentions(nlp, resolver, "THE SYRIAN ARMY SHELLED THE TOWN.", "SY", date(2017, 1, 5))
    )
    assert upper["SYRIAN ARMY"] == "Military Forces of Syria (2000-)"
    text = "The syrian army said IS fighters attacked. The situation is calm."
    found = mentions(nlp, resolver, text, "SY", date(2017, 1, 5))
    assert by_text(found)["syrian army"] == "Military Forces of Syria (2000-)"
    assert [m.actor.name for m in found if m.span.text.startswith("IS")] == [
        "Islamic State (Syria)"
    ]
    assert not any(m.span.text == "is" for m in found)


def test_actors_longest_match_wins(nlp: Language, resolver: ActorResolver) -> None:
    """'Free Syrian Army' is the FSA, not the army; 'Syrian Democratic Forces' is the SDF."""
    text = (
        "Free Syrian Army fighters clashed with Syrian Democratic Forces and the army near Afrin."
    )
    names = by_text(mentions(nlp, resolver, text, "SY", date(2018, 2, 1)))
    assert names == {
        "Free Syrian Army fighters": "JSH: Free Syrian Army",
        "Syrian Democratic Forces": "QSD: Syrian Democratic Forces",
        "the army": "Military Forces of Syria (2000-)",
    }


@pytest.mark.parametrize(
    ("text", "country", "on", "expected", "inter"),
    [
        ("police", "KE", date(2010, 6, 1), "Police Forces of Kenya (2002-2013)", 1),
        ("police", "KE", date(2016, 6, 1), "Police Forces of Kenya (2013-)", 1),
        ("the army", "Afghanistan", date(2020, 3, 1), "Military Forces of Afghanistan (2014-)", 1),
        ("Turkish forces", "SY", date(2018, 2, 1), "Military Forces of Turkey (2016-)", 8),
        (
            "US forces",
            "SY",
            date(2017, 1, 10),
            "Military Forces of the United States (2009-2017)",
            8,
        ),
        (
            "US forces",
            "SY",
            date(2018, 1, 10),
            "Military Forces of the United States (2017-2021)",
            8,
        ),
        ("al-Nusra Front", "SY", date(2015, 6, 1), "Al Nusra Front", 2),
        ("Nusra", "SY", date(2017, 1, 27), "Jabhat Fateh al Sham", 2),
        ("Nusra", "SY", date(2017, 1, 28), "HTS: Hayat Tahrir al Sham", 2),
    ],
)
def test_actors_validity_dates_pick_the_name_of_the_day(
    resolver: ActorResolver, text: str, country: str, on: date, expected: str, inter: int
) -> None:
    """Regime years and group renamings follow the event date; foreign state forces are inter 8."""
    actor = resolver.resolve(text, country=country, on=on)
    assert actor is not None
    assert (actor.name, actor.inter) == (expected, inter)


@pytest.mark.parametrize(
    ("on", "expected"),
    [(date(2017, 6, 1), "JTS: Syrian Revolutionaries Front"), (date(2018, 5, 1), "JTS: Syria Liberation Front")],
)
def test_actors_shared_acronym_is_read_by_date(resolver: ActorResolver, on: date, expected: str) -> None:
    """"JTS" is the Syria Liberation Front from its founding (2018-02-18), the Revolutionaries Front before."""
    actor = resolver.resolve("JTS", country="SY", on=on)
    assert actor is not None and actor.name == expected


def test_actors_name_used_outside_its_period_says_so(resolver: ActorResolver) -> None:
    """An alias used before its name existed gets the nearest name and a reason that says so."""
    actor = resolver.resolve("HTS", country="SY", on=date(2016, 1, 1))
    assert actor is not None and actor.name == "HTS: Hayat Tahrir al Sham"
    assert "outside that period" in actor.reason


def test_actors_resolve_unknown_text_is_none(resolver: ActorResolver) -> None:
    """Text that names no actor resolves to None rather than a guess."""
    assert resolver.resolve("the weather in Aleppo", country="SY", on=date(2017, 1, 1)) is None


def test_actors_misspelled_group_found_by_similarity(
    nlp: Language, resolver: ActorResolver
) -> None:
    """Transliteration variants missing from the table still resolve, and the reason says how."""
    text = "Rahman Corp fighters attacked regime positions in Jobar."
    found = {m.span.text: m for m in mentions(nlp, resolver, text, "SY", date(2017, 6, 1))}
    assert found["Rahman Corp fighters"].actor.name == "FaR: Al Rahman Corps"
    assert "spelled like 'Al Rahman Corps'" in found["Rahman Corp fighters"].actor.reason


def test_actors_misspelled_group_found_in_every_report_that_names_it(nlp: Language) -> None:
    """A spelling variant is found again in later reports, not only the first one read."""
    resolver = ActorResolver.load()
    texts = [
        "Jaysh Khaled Ibn al-Walid fighters attacked a checkpoint near Nawa.",
        "Regime forces shelled positions of the Rahman Corp in Ain Tarma.",
        "Jaish Khalid bin Walid attacked a checkpoint near Nawa.",
        "Jaysh Khaled Ibn al-Walid fighters attacked a checkpoint near Nawa.",
        "Rahman Corp fighters attacked regime positions in Jobar.",
    ]
    expected = [
        "Khalid ibn al Walid Army",
        "FaR: Al Rahman Corps",
        "Khalid ibn al Walid Army",
        "Khalid ibn al Walid Army",
        "FaR: Al Rahman Corps",
    ]
    found = [
        {m.actor.name for m in mentions(nlp, resolver, text, "SY", date(2017, 6, 1))}
        for text in texts
    ]
    assert all(name in names for name, names in zip(expected, found, strict=True)), found


def test_actors_community_name_used_as_place_is_no_militia(
    nlp: Language, resolver: ActorResolver
) -> None:
    """'West Pokot County' is a place; 'Pokot raiders' are the Pokot militia."""
    text = "Students from West Pokot County held a demonstration. Pokot raiders attacked herders."
    names = [m.actor.name for m in mentions(nlp, resolver, text, "KE", date(2015, 6, 1))]
    assert names.count("Pokot Ethnic Militia (Kenya)") == 1


def test_actors_mention_role_agent_and_patient(nlp: Language, resolver: ActorResolver) -> None:
    """Subjects and 'by X' are agents; objects and 'against X' are patients."""
    doc = nlp("Taliban militants attacked Afghan forces. Two policemen were killed by gunmen.")
    roles = {
        m.span.text: mention_role(doc, m)
        for sent in doc.sents
        for m in resolver.find_mentions(sent, country="AF", on=date(2020, 3, 5))
    }
    assert roles == {
        "Taliban militants": "agent",
        "Afghan forces": "patient",
        "policemen": "patient",
        "gunmen": "agent",
    }


@pytest.mark.parametrize(
    ("inter1", "inter2", "expected"),
    [(1, 2, 12), (2, 1, 12), (7, 3, 37), (2, 0, 20), (0, 6, 60), (1, 1, 11), (0, 0, 0), (8, 5, 58)],
)
def test_actors_interaction_code(inter1: int, inter2: int, expected: int) -> None:
    """ACLED interaction: smaller code first, one-sided events end in 0."""
    assert interaction_code(inter1, inter2) == expected


def test_actors_interaction_code_rejects_bad_codes() -> None:
    """An inter code outside 0-8 is an error, not a silent number."""
    with pytest.raises(ValueError, match="0-8"):
        interaction_code(9, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Rioters", 5), ("State forces", 1), ("External/Other forces", 8), ("2", 2), (7, 7), ("", 0)],
)
def test_actors_parse_inter_reads_words_and_digits(value: str | int, expected: int) -> None:
    """Both ACLED column sets' inter codes (digits, and 2023's words) read as numbers."""
    assert parse_inter(value) == expected


def test_actors_country_names_the_acled_way() -> None:
    """ISO codes map to ACLED's country names and back."""
    assert country_name("SY") == "Syria"
    assert country_name("cd") == "Democratic Republic of Congo"
    assert country_name("TR") == "Turkey"
    assert country_code("Syria") == "SY"
    assert country_code("Bangladesh") == "BD"
    assert country_code("ke") == "KE"
    with pytest.raises(ConfigError, match="Narnia"):
        country_code("Narnia")


def test_actors_normalized_names_agree_across_spellings() -> None:
    """Normalization drops acronym prefixes, regime years and sub-units, but keeps countries."""
    assert normalize_actor_name("QSD: Syrian Democratic Forces") == "syrian democratic forces"
    assert normalize_actor_name("Military Forces of Syria (2000-) Syrian Arab Air Force") == (
        normalize_actor_name("Military Forces of Syria (2000-)")
    )
    assert normalize_actor_name("Al-Nusra Front") == normalize_actor_name("Al Nusra Front")
    assert normalize_actor_name("Islamic State (Syria)") != normalize_actor_name(
        "Islamic State (Iraq)"
    )


def test_actors_table_errors_name_file_and_line(tmp_path: Path) -> None:
    """A malformed alias table fails with the file, the line and what to fix."""
    header = ",".join(ALIAS_COLUMNS)
    bad_inter = tmp_path / "bad.csv"
    bad_inter.write_text(
        f"{header}\nthe army,Military Forces of Syria (2000-),9,SY,,,state,\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"bad\.csv:2: inter must be"):
        ActorResolver.load(bad_inter)
    missing = tmp_path / "missing.csv"
    missing.write_text("alias,acled_name\nIS,Islamic State\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="lacks column"):
        ActorResolver.load(missing)
    duplicate = tmp_path / "dup.csv"
    row = "HTS,HTS: Hayat Tahrir al Sham,2,,2017-01-28,,named,"
    duplicate.write_text(f"{header}\n{row}\n{row}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="repeats line 2"):
        ActorResolver.load(duplicate)
    with pytest.raises(ConfigError, match="cannot read"):
        ActorResolver.load(tmp_path / "absent.csv")


def test_actors_custom_table_is_used(nlp: Language, tmp_path: Path) -> None:
    """A user's own alias table replaces the packaged one."""
    table = tmp_path / "actors.csv"
    table.write_text(
        ",".join(ALIAS_COLUMNS) + "\nBlue Brigade,Blue Brigade (Narnia),2,,,,named,test row\n",
        encoding="utf-8",
    )
    resolver = ActorResolver.load(table)
    found = mentions(nlp, resolver, "The Blue Brigade attacked the army.", "SY", None)
    assert [m.actor.name for m in found] == ["Blue Brigade (Narnia)"]


def test_actors_packaged_table_is_reviewed(resolver: ActorResolver) -> None:
    """The packaged table loads, has no unreviewed draft rows, and covers the four dev countries."""
    rows = resolver.rows
    assert not any(row.note.startswith("DRAFT") for row in rows)
    countries = {row.country for row in rows}
    assert {"SY", "AF", "KE", "BD"} <= countries
    assert len({row.acled_name for row in rows}) < len(rows) / 2  # many aliases per ACLED name
