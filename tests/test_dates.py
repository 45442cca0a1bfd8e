"""Event dates read from real sentences with the real spaCy model (eventcoder.dates)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from eventcoder.dates import find_time_expressions, mentions_time, resolve_event_date

#: The sample article's publication date, a Monday.
PUBLISHED = date(2016, 11, 28)


def _sentence(nlp, text: str):  # type: ignore[no-untyped-def]
    doc = nlp(text)
    sentences = list(doc.sents)
    return sentences[0] if len(sentences) == 1 else doc[:]


def _sample_sentence(nlp, sample_text: str, needle: str):  # type: ignore[no-untyped-def]
    doc = nlp(sample_text)
    return next(s for s in doc.sents if needle in s.text)


@pytest.mark.parametrize(
    ("needle", "expected", "tolerance", "precision"),
    [
        ("sources privy to the talks said on Sunday", date(2016, 11, 27), 0, None),
        ("nearly two weeks ago", date(2016, 11, 14), 2, 2),
        ("Reports from Western Damascus said on Thursday", date(2016, 11, 24), 0, None),
    ],
)
def test_dates_sample_article_phrases(nlp, sample_text, needle, expected, tolerance, precision):
    """The Khan al-Shih article's relative dates resolve against its Monday publication date."""
    sentence = _sample_sentence(nlp, sample_text, needle)
    result = resolve_event_date(sentence, PUBLISHED)
    assert result is not None
    assert abs((result.value - expected).days) <= tolerance
    if precision is not None:
        assert result.precision == precision
    assert result.span is not None and result.span.text in sentence.text


def test_dates_sample_saturday_attached_to_its_trigger(nlp, sample_text):
    """'who agreed on Saturday' dates the agreement (2016-11-26), not the Sunday report."""
    sentence = _sample_sentence(nlp, sample_text, "who agreed on Saturday")
    trigger = next(t for t in sentence if t.text == "agreed")
    span = sentence.doc[trigger.i : trigger.i + 1]
    result = resolve_event_date(sentence, PUBLISHED, trigger=span)
    assert result is not None
    assert result.value == date(2016, 11, 26)
    assert result.precision == 1


def test_dates_reason_names_the_rule(nlp, sample_text):
    """The reason quotes the expression, the publication date and its weekday, and the result."""
    sentence = _sample_sentence(nlp, sample_text, "sources privy to the talks said on Sunday")
    result = resolve_event_date(sentence, PUBLISHED)
    assert result is not None
    assert "'on Sunday' resolved against publication date 2016-11-28 (Monday) -> 2016-11-27" in (
        result.reason
    )
    assert "upper bound" in result.reason  # "said on Sunday" dates the report


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("Militants attacked the checkpoint yesterday.", date(2016, 11, 27), 1),
        ("Militants attacked the checkpoint on Monday.", date(2016, 11, 28), 1),
        ("Militants attacked the checkpoint last Monday.", date(2016, 11, 21), 1),
        ("Militants attacked the checkpoint last Thursday.", date(2016, 11, 24), 1),
        ("Militants attacked the checkpoint on Sunday night.", date(2016, 11, 27), 1),
        ("Militants attacked a checkpoint on Friday, killing two soldiers.", date(2016, 11, 25), 1),
        ("Militants attacked the checkpoint three days ago.", date(2016, 11, 25), 1),
        ("Militants attacked the checkpoint last week.", date(2016, 11, 24), 2),
        ("Militants attacked the checkpoint two weeks ago.", date(2016, 11, 14), 2),
        ("The army captured the village over the weekend.", date(2016, 11, 26), 2),
        ("In recent days, the army captured the village.", date(2016, 11, 25), 2),
        ("A few days ago, the army captured the village.", date(2016, 11, 25), 2),
        ("Airstrikes overnight killed 12 people in Idlib.", date(2016, 11, 27), 1),
        ("Airstrikes last night killed 12 people in Idlib.", date(2016, 11, 27), 1),
        ("The army captured the village on 12 March.", date(2016, 3, 12), 1),
        ("The army captured the village on 12 December.", date(2015, 12, 12), 1),
        ("The army captured the village on November 3.", date(2016, 11, 3), 1),
        ("The army captured the village in March 2016.", date(2016, 3, 15), 3),
        ("The army captured the village in early March 2016.", date(2016, 3, 1), 3),
        ("The army captured the village at the end of March 2016.", date(2016, 3, 31), 3),
        ("The army captured the village last month.", date(2016, 10, 15), 3),
        ("Earlier this month, the army captured the village.", date(2016, 11, 14), 3),
        ("The army captured the village two months ago.", date(2016, 9, 28), 3),
    ],
)
def test_dates_relative_expressions(nlp, text, expected, precision):
    """Relative and year-less expressions resolve against the publication date, ACLED precision."""
    result = resolve_event_date(_sentence(nlp, text), PUBLISHED)
    assert result is not None
    assert (result.value, result.precision) == (expected, precision), result.reason


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("On 21 March 2020, Taliban militants attacked a check point.", date(2020, 3, 21), 1),
        ("On December 31 2019, police shot dead two suspects in Mombasa.", date(2019, 12, 31), 1),
        ("On 5 August 2024, protesters vandalized the party office in Dhaka.", date(2024, 8, 5), 1),
        ("On Sept 17th 2019, in Garba Tula, Borana and Somalis clashed.", date(2019, 9, 17), 1),
        ("On the 26th of December 2018, a fighter succumbed to his wounds.", date(2018, 12, 26), 1),
        ("Between 1-3 March 2020, clashes took place in Kunduz.", date(2020, 3, 2), 2),
        ("Between the 20th and 26th of June 2018, QSD clashed with IS.", date(2018, 6, 23), 2),
        ("Between February 19th and 20th 2018, Turkish jets hit Afrin.", date(2018, 2, 19), 1),
        ("Around 12 May 2021, unidentified gunmen attacked a village.", date(2021, 5, 12), 2),
        ("As reported on 21 March 2020, 3 soldiers were killed in Kandahar.", date(2020, 3, 21), 2),
        ("On or before November 8, 2019, police clashed with raiders.", date(2019, 11, 8), 2),
    ],
)
def test_dates_acled_note_openings_without_publication_date(nlp, text, expected, precision):
    """ACLED notes' opening dates resolve exactly even when no publication date is known."""
    result = resolve_event_date(_sentence(nlp, text), None)
    assert result is not None
    assert (result.value, result.precision) == (expected, precision), result.reason


def test_dates_relative_expression_uses_the_sentence_report_date(nlp):
    """'On 3 December 2019, it was reported that last week...' resolves against 3 December."""
    text = 'On 3 December 2019, it was reported that "last week" a boy was killed in Tiaty.'
    result = resolve_event_date(_sentence(nlp, text), date(2019, 12, 5))
    assert result is not None
    assert (result.value, result.precision) == (date(2019, 11, 28), 2), result.reason


def test_dates_without_expression_fall_back_to_publication(nlp):
    """A sentence with no time expression is dated by its publication, precision 2, or None."""
    text = "Army soldiers fended off an attack on their positions near Albuyizeh."
    sentence = _sentence(nlp, text)
    result = resolve_event_date(sentence, PUBLISHED)
    assert result is not None
    assert (result.value, result.precision, result.span) == (PUBLISHED, 2, None)
    assert "not dated" in result.reason
    assert resolve_event_date(sentence, None) is None


def test_dates_future_date_is_not_an_event_date(nlp):
    """A date after publication (a plan) is skipped; the publication date stands in."""
    sentence = _sentence(nlp, "The rebels will leave the town on 15 December 2016, officials said.")
    result = resolve_event_date(sentence, PUBLISHED)
    assert result is not None
    assert result.value == PUBLISHED
    assert result.precision == 2


def test_dates_trigger_chooses_between_event_and_report(nlp):
    """The clause of the trigger decides: the event's own date beats the reporting date."""
    text = "The army said on Sunday that its troops had captured the village on Friday."
    sentence = _sentence(nlp, text)
    captured = next(t for t in sentence if t.text == "captured")
    said = next(t for t in sentence if t.text == "said")
    doc = sentence.doc
    event = resolve_event_date(sentence, PUBLISHED, trigger=doc[captured.i : captured.i + 1])
    untriggered = resolve_event_date(sentence, PUBLISHED)
    assert event is not None and untriggered is not None
    assert event.value == date(2016, 11, 25)
    assert untriggered.value == date(2016, 11, 25)  # the report date is the last resort
    report = resolve_event_date(sentence, PUBLISHED, trigger=doc[said.i : said.i + 1])
    assert report is not None and report.value in (date(2016, 11, 27), date(2016, 11, 25))


@pytest.mark.parametrize(
    "text",
    [
        "Talks have been underway between the two sides all throughout the last 12.",
        "After several days of pause in operations, the army restarted its attacks.",
        "The siege has lasted for three weeks.",
        "KPAWU members staged 3 day protests at the estate.",
    ],
)
def test_dates_durations_are_not_time_expressions(nlp, text):
    """Durations ('several days of pause', 'for three weeks') cannot date an event."""
    assert find_time_expressions(_sentence(nlp, text)) == []


@pytest.mark.parametrize(
    ("text", "dated"),
    [
        ("On 7 December 2018, exchange of targeting took place between members of the operation room and regime fighters.", True),
        ("27 July: One Kenyan airport police was killed in the clash with a group of armed men.", True),
        ("Sources privy to the talks said on Sunday that the army had advanced.", True),
        ("Regime forces advanced in the past few days near Tadmor.", True),
        ("Clashes took place between IS and regime forces in the T2 Pumping Station area.", False),
        ("ISIS killed 12 Syrian regime soldiers west of the 137th Brigade in Mayadin.", False),
        ("Talks have been underway between the two sides all throughout the last 12.", False),
        ("The siege has lasted for three weeks.", False),
    ],
)
def test_dates_mentions_time_tells_dated_from_undated_text(text, dated):
    """Text with a date, weekday or relative expression is dated; places, numbers and durations are not."""
    assert mentions_time(text) is dated


def test_dates_find_time_expressions_uses_article_offsets(nlp, sample_text):
    """Spans index the article text, so every expression can be traced to its characters."""
    doc = nlp(sample_text)
    found = [span for sentence in doc.sents for span in find_time_expressions(sentence)]
    texts = [span.text for span in found]
    assert "on Sunday" in texts and "nearly two weeks ago" in texts and "on Saturday" in texts
    for span in found:
        assert sample_text[span.start : span.end] == span.text


NEVER_AFTER = [
    "Militants attacked the checkpoint on Sunday.",
    "Militants attacked the checkpoint on Saturday night.",
    "Militants attacked the checkpoint on Wednesday.",
    "Militants attacked the checkpoint this week.",
    "Militants attacked the checkpoint earlier this week.",
    "Militants attacked the checkpoint this weekend.",
    "Militants attacked the checkpoint this month.",
    "Militants attacked the checkpoint in recent days.",
    "Militants attacked the checkpoint over the past 48 hours.",
    "Militants attacked the checkpoint today.",
    "Militants attacked the checkpoint this morning.",
    "Militants attacked the checkpoint on 31 December.",
    "Militants attacked the checkpoint on 1 January.",
    "Militants attacked the checkpoint on 29 February.",
    "Militants attacked the checkpoint on December 30.",
    "Militants attacked the checkpoint in December.",
    "Militants attacked the checkpoint in late December.",
    "Militants attacked the checkpoint in mid-January.",
    "Militants attacked the checkpoint between 30 December and 2 January.",
    "Militants attacked the checkpoint between 1-3 January.",
    "Militants attacked the checkpoint around 2 January.",
    "Militants attacked the checkpoint a week ago.",
    "Militants attacked the checkpoint last Friday.",
    "Militants attacked the checkpoint at the weekend.",
    "Militants attacked the checkpoint on 5 January 2017.",
    "Militants attacked the checkpoint in January 2017.",
    "Militants attacked the checkpoint on 2017-01-03.",
]


@pytest.mark.parametrize("published", [date(2016, 12, 30) + timedelta(days=k) for k in range(7)])
def test_dates_never_after_publication(nlp, published):
    """Whatever the expression, the resolved date is never after the publication date."""
    for text in NEVER_AFTER:
        result = resolve_event_date(_sentence(nlp, text), published)
        assert result is not None, text
        assert result.value <= published, f"{text!r} on {published}: {result.reason}"
        assert result.precision in (1, 2, 3)
