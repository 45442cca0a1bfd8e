"""Death counts read from real sentences with the real spaCy model (eventcoder.fatalities)."""

from __future__ import annotations

import pytest

from eventcoder.fatalities import count_fatalities
from eventcoder.quantities import MANY_DEATHS, UNNUMBERED_DEATHS


def _count(nlp, text: str):  # type: ignore[no-untyped-def]
    return count_fatalities(list(nlp(text).sents))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the sample article: a mixed killed-or-wounded figure is not a death count
        (
            (
                "Army soldiers also fended off terrorists' attack on their positions along a road "
                "connecting the town of Deir al-Khabiyeh to the village of Albuyizeh, killing or "
                "wounding ten of militants and capturing five."
            ),
            0,
        ),
        (
            (
                "Sources said the Syrian air force's resumed airstrikes killed and wounded several "
                "terrorists, including their high-ranking commanders."
            ),
            0,
        ),
        ("A number of Afghan security personnel were killed and wounded by an IED.", 0),
        # numbers in digits and words
        ("Two soldiers were killed in the ambush.", 2),
        ("Twenty-five people were killed when the car bomb exploded.", 25),
        ("Gunmen killed 12 villagers in Dadaab.", 12),
        ("An opposition fighter was killed during clashes in Eastern Ghouta.", 1),
        ("A woman and a child were reportedly killed in the shelling.", 2),
        ("A JOS commander was killed by an unidentified armed group in Dhameer.", 1),
        ("IS killed 19 YPG fighters in clashes near Al-Shaddadi.", 19),
        ("Nine are dead and six are injured after a fight between pastoralists and farmers.", 9),
        ("The bodies of 2 members of the armed opposition were found on a road.", 2),
        ("The clashes led to the death of two of the regime forces allied militiamen.", 2),
        # most conservative figure
        ("At least 12 members of the regime forces were killed in the clashes.", 12),
        ("Airstrikes killed between 7 and 12 people in the city.", 7),
        ("5-6 policemen were killed and 1 was wounded following an attack.", 5),
        ("Up to 17 regime soldiers were killed in the clashes.", 17),
        ("More than 20 fighters died in the battle.", 20),
        # ACLED's vague counts
        ("Tens of militants were killed in the operation.", 10),
        ("Dozens of civilians were killed in the airstrike.", 12),
        ("Hundreds of people were killed in the siege.", 100),
        ("Several fighters of the Syrian army were killed.", UNNUMBERED_DEATHS),
        ("Rebels killed a number of regime soldiers.", UNNUMBERED_DEATHS),
        ("Many soldiers were killed in the attack.", MANY_DEATHS),
        # deaths only; injured numbers never read
        ("Afghan forces killed 3 Taliban militants and injured 6.", 3),
        ("Two soldiers were killed and 14 others were wounded.", 2),
        ("The explosion wounded 30 people.", 0),
        ("Casualties were reported on both sides.", 0),
        # several parties of one event add up
        ("The attack killed 3 civilians, and 1 of the attackers was also killed.", 4),
        ("Clashes left at least 8 IS and 6 QSD fighters dead.", 14),
        (
            (
                "At least 4 rebel fighters and 12 members from the Syrian regime forces were "
                "killed in these clashes."
            ),
            16,
        ),
        (
            (
                "IS attacked the position, killing 4 of its fighters, in addition to the suicide "
                "bomber."
            ),
            5,
        ),
        # names, ages, dates and appositions are not counts
        ("The clash left a 9 year old boy dead.", 1),
        ("01 Oct. 7 people killed in the attack on Banisaa Village.", 7),
        ("Unidentified gunmen assassinated 1 HTS commander, a security official, in Balyun.", 1),
        ("Gunmen killed Kamal Salih Samran, a commander of the National Defence Forces.", 1),
        ("The ambush killed 15 QSD, Coalition, and U.S. military fighters.", 15),
        ("As many as 16 people were killed in the attack.", 16),
        ("Clashes led to the death of at least 19 fighters, 8 regime and 11 IS fighters.", 19),
        ("Two attackers hacked to death a Lamu chief and his assistant in their office.", 2),
        ("Kenya police shot dead one civilian in Mombasa.", 1),
        ("The IRC said the number of infant deaths in al-Hawl reached 100.", 100),
        # negated, attempted and topical deaths
        ("No one was killed in the attack.", 0),
        ("Neither injuries nor fatalities were reported.", 0),
        ("Militants tried to kill the governor.", 0),
        ("Students protested the killing of a classmate by police.", 0),
    ],
)
def test_fatalities_phrases(nlp, text, expected):
    """Deaths only, the lowest figure given, ACLED's vague values, parties added up."""
    result = _count(nlp, text)
    assert result.count == expected, result.reason
    assert result.reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("At least 5 people were killed in the blast. The death toll later rose to 7.", 7),
        ("Two soldiers were killed in the attack. The two soldiers were from Homs.", 2),
        ("Gunmen killed 3 villagers. Police said 2 of the attackers were also killed.", 5),
        (
            "The clashes killed 16 fighters from both sides. 5 of them were IS fighters.",
            16,
        ),
        ("Reports said 9 civilians were killed. Other reports said 13 civilians died.", 9),
        ("Three soldiers and two militants were killed. Five people died in the fighting.", 5),
    ],
)
def test_fatalities_across_sentences(nlp, text, expected):
    """A toll update replaces, a restatement is not double counted, added parties add."""
    assert _count(nlp, text).count == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            (
                "On 5 March 2020, 5-6 policemen were killed and 1 was wounded following an attack "
                "by Taliban militants in Zabul. Local authorities reported that also 9-11 Taliban "
                "militants were killed. Total fatalities coded as 14."
            ),
            14,
        ),
        (
            (
                "On 10 March 2020, Taliban militants attacked an Afghan military base, killing 1 "
                "soldier, in Balkh district. Fatalities coded as 0 (VoJ reported 1)."
            ),
            0,
        ),
        (
            (
                "Clashes took place in Abu Kamal district. Fatalities from both sides were reported. "
                "Unknown fatalities coded as 10."
            ),
            10,
        ),
        (
            (
                "On 19 March 2020, 6 Taliban militants were killed during clashes with Afghan "
                "forces in Kunar. Fatalities are split across 2 events (3)."
            ),
            3,
        ),
        (
            (
                "Clashes in Jalaa resulted in casualties on both sides, with the unknown number of "
                "fatalities coded as 10 and split between Jalaa and Hasrat."
            ),
            5,
        ),
        (
            (
                "The clashes killed 8 IS fighters and 3 QSD fighters. Total number of fatalities, "
                "11, was split between the 3 locations."
            ),
            4,  # 4, 4 and 3: the share most of the events get
        ),
        ("Syrian regime forces captured the village of Abu Dali. No fatalities reported.", 0),
    ],
)
def test_fatalities_acled_coder_statements(nlp, text, expected):
    """An ACLED note's own coded figure is honoured, and a split gives the usual share."""
    assert _count(nlp, text).count == expected


def test_fatalities_mixed_figure_reason_and_span(nlp):
    """A killed-or-wounded figure gives 0 with a reason saying why, and points at the words."""
    text = "Soldiers repelled the attack, killing or wounding ten of militants and capturing five."
    result = _count(nlp, text)
    assert result.count == 0
    assert "not a death count" in result.reason
    assert result.span is not None
    assert text[result.span.start : result.span.end] == result.span.text
    assert "killing" in result.span.text


def test_fatalities_evidence_span_uses_article_offsets(nlp, sample_text):
    """The evidence span indexes the article text, even for a sentence deep in the article."""
    text = sample_text + "\nA car bomb killed 7 civilians in Khan al-Sheih on Monday."
    doc = nlp(text)
    last = list(doc.sents)[-1]
    result = count_fatalities([last])
    assert result.count == 7
    assert result.span is not None
    assert text[result.span.start : result.span.end] == result.span.text
    assert "7 civilians" in result.span.text


@pytest.mark.parametrize(
    "text",
    [
        "Gunmen killed 3 villagers. Police said 2 of the attackers were also killed.",
        "Clashes took place in Hajin. Total fatalities coded as 14.",
    ],
)
def test_fatalities_span_text_is_the_article_text(nlp, text):
    """The span's text is the article's characters, within one sentence and across two."""
    result = _count(nlp, text)
    assert result.span is not None
    assert result.span.text == text[result.span.start : result.span.end]
    assert result.span.text.strip()


def test_fatalities_no_deaths(nlp):
    """A sentence without any death word gives 0, no span, and says so."""
    result = _count(nlp, "Regime forces advanced in al-Abbasiyeh farms backed by helicopters.")
    assert (result.count, result.span) == (0, None)
    assert result.reason == "no death reported"
    assert count_fatalities([]).count == 0


def test_fatalities_sample_article_has_no_numbered_deaths(nlp, sample_text):
    """The Khan al-Shih article never gives a death figure: its mixed counts must not add up."""
    doc = nlp(sample_text)
    sentences = [s for s in doc.sents if "wounding ten" in s.text or "killed and wounded" in s.text]
    assert len(sentences) == 2
    assert count_fatalities(sentences).count == 0
