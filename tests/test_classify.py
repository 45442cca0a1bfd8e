"""The event classifier: the packaged artefact, the cue lexicon, and the training recipe."""

from __future__ import annotations

import csv
import gzip
import io
import re
from pathlib import Path

import numpy as np
import pytest

from eventcoder.classify import (
    EVENT_CUE_CAP,
    NO_EVENT,
    Cue,
    EventClassifier,
    Prediction,
    TextFeatures,
    clean_text,
    cue_text,
    load_cues,
)
from eventcoder.errors import ConfigError, EvaluationError, ModelNotFound
from eventcoder.train import (
    DEFAULT_OPTIONS,
    eventless_reason,
    prior_corrected,
    split_sentences,
    train_classifier,
)


@pytest.fixture(scope="module")
def classifier() -> EventClassifier:
    """The artefact shipped in the package, with the packaged cue lexicon."""
    return EventClassifier.load()


CLEAR_SENTENCES = [
    (
        (
            "Russian warplanes carried out air strikes on the town of Khan Sheikhoun on Tuesday, "
            "killing 12 civilians, the Syrian Observatory for Human Rights said."
        ),
        "Air/drone strike",
    ),
    (
        (
            "Government forces shelled the rebel-held district with artillery and mortars overnight, "
            "killing three people."
        ),
        "Shelling/artillery/missile attack",
    ),
    (
        (
            "Rebels and government troops clashed on the outskirts of the town, and fighting went on "
            "into the night, leaving 10 fighters dead."
        ),
        "Armed clash",
    ),
    (
        "A roadside bomb exploded under a police vehicle near Kandahar, killing two officers.",
        "Remote explosive/landmine/IED",
    ),
    (
        "A suicide bomber blew himself up at a checkpoint in Baghdad, killing eight soldiers.",
        "Suicide bomb",
    ),
    (
        (
            "Thousands of students marched through the capital on Friday demanding the release of "
            "detained activists."
        ),
        "Peaceful protest",
    ),
    (
        (
            "Rioters burned tyres, blocked roads and threw stones at passing vehicles after the "
            "election results were announced."
        ),
        "Violent demonstration",
    ),
    (
        "Gunmen abducted two aid workers from their compound in the north of the country.",
        "Abduction/forced disappearance",
    ),
    (
        "Militants stormed the village and shot dead five civilians, including two children.",
        "Attack",
    ),
    (
        "The government and the rebel alliance signed a ceasefire agreement in Geneva on Sunday.",
        "Agreement",
    ),
    (
        "Syrian army troops recaptured the town of Palmyra from Islamic State fighters on Thursday.",
        "Government regains territory",
    ),
]

EVENTLESS_SENTENCES = [
    (
        "The foreign minister said his country remained committed to a political solution and "
        "would continue talks with its partners."
    ),
    (
        "Temperatures are expected to drop below freezing across the region this weekend, with "
        "snow in the mountains."
    ),
    "The army plans to attack the rebel stronghold next month.",
]


def test_classify_packaged_artefact_loads_and_is_small(classifier: EventClassifier) -> None:
    """The shipped artefact loads without arguments and stays well under 5 MB."""
    folder = Path(__file__).resolve().parents[1] / "src" / "eventcoder" / "data" / "classifier"
    size = sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
    assert size < 5_000_000
    assert "Armed clash" in classifier.classes


@pytest.mark.parametrize(
    ("sentence", "expected"), CLEAR_SENTENCES, ids=[e for _, e in CLEAR_SENTENCES]
)
def test_classify_clear_news_sentences(
    classifier: EventClassifier, sentence: str, expected: str
) -> None:
    """A plain news sentence of each major class gets that sub-event type."""
    (prediction,) = classifier.predict([sentence])
    assert prediction.sub_event_type == expected, prediction


@pytest.mark.parametrize("sentence", EVENTLESS_SENTENCES)
def test_classify_eventless_sentences_yield_none(
    classifier: EventClassifier, sentence: str
) -> None:
    """Diplomacy, weather and plans are not events: the prediction is None."""
    (prediction,) = classifier.predict([sentence])
    assert prediction.sub_event_type is None, prediction


def test_classify_batch_predictions_are_well_formed(classifier: EventClassifier) -> None:
    """One prediction per text, in order, with probabilities ranked best first."""
    texts = [s for s, _ in CLEAR_SENTENCES] + EVENTLESS_SENTENCES
    predictions = classifier.predict(texts)
    assert len(predictions) == len(texts)
    assert all(isinstance(p, Prediction) for p in predictions)
    for prediction in predictions:
        assert 0.0 < prediction.probability <= 1.0
        scores = [score for _, score in prediction.ranked]
        assert scores == sorted(scores, reverse=True)
        if prediction.sub_event_type is not None:
            assert prediction.ranked[0][0] == prediction.sub_event_type
    assert classifier.predict([]) == []


def test_classify_reports_the_cues_that_fired(classifier: EventClassifier) -> None:
    """A lexicon cue that changed the scores is named in the prediction, for the event's reasons."""
    (prediction,) = classifier.predict(["A suicide bomber struck a wedding party, killing 30."])
    assert any(cue.startswith("Suicide bomb:") for cue in prediction.cues)


def test_classify_classifies_real_acled_notes(
    classifier: EventClassifier, shared_dir: Path
) -> None:
    """Whole ACLED notes (as `eventcoder evaluate` passes them) mostly get their coded type."""
    path = shared_dir / "dev" / "acled" / "afghanistan_2020-03.csv.gz"
    with io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:200]
    predictions = classifier.predict([row["notes"] for row in rows])
    agree = sum(
        p.sub_event_type == row["sub_event_type"] for p, row in zip(predictions, rows, strict=True)
    )
    assert agree / len(rows) > 0.8


@pytest.mark.parametrize(
    ("alone", "in_context", "instrument"),
    [
        (
            "Regime warplanes struck a market in the town of Ariha, killing nine people.",
            (
                "Rebels clashed with regime forces on the edge of the town as warplanes struck "
                "their positions, and six fighters were killed."
            ),
            "Air/drone strike",
        ),
        (
            "A man threw a grenade into a bar in Garissa, wounding five customers.",
            "Rioters threw a grenade at police during the protest over fuel prices.",
            "Grenade",
        ),
    ],
    ids=["air strike in a battle", "grenade in a riot"],
)
def test_classify_instrument_cue_yields_to_the_event_around_it(
    classifier: EventClassifier, alone: str, in_context: str, instrument: str
) -> None:
    """An instrument decides alone, but not when the text reports the battle or riot it belongs to."""
    first, second = classifier.predict([alone, in_context])
    assert first.sub_event_type == instrument
    assert any(cue.startswith(f"{instrument}:") for cue in first.cues)
    assert second.sub_event_type not in (None, instrument), second
    assert not any(cue.startswith(f"{instrument}:") for cue in second.cues)


def test_classify_class_unseen_in_training_is_carried_by_its_cue(
    classifier: EventClassifier,
) -> None:
    """Chemical weapon never occurs in the dev notes; its cue alone still names it."""
    assert classifier.meta["class_counts"].get("Chemical weapon", 0) == 0
    (prediction,) = classifier.predict(
        ["Government helicopters dropped barrels of chlorine gas on Douma, choking dozens."]
    )
    assert prediction.sub_event_type == "Chemical weapon"


CODEBOOK_SENTENCES = [
    ("Villagers beat a suspected thief to death in the market on Sunday.", "Mob violence"),
    (
        "Supporters of the ruling party attacked opposition activists with sticks, injuring 12.",
        "Mob violence",
    ),
    ("Unidentified men hurled crude bombs at the house of a local councillor.", "Mob violence"),
    (
        "Security forces opened fire on protesters in the capital, killing three.",
        "Excessive force against protesters",
    ),
    ("Rebel fighters clashed with army troops near the border.", "Armed clash"),
    ("Taliban militants attacked a police checkpoint, killing four officers.", "Armed clash"),
    ("Gunmen shot dead an off-duty policeman at his home.", "Attack"),
]


@pytest.mark.parametrize(
    ("sentence", "expected"), CODEBOOK_SENTENCES, ids=[s[:30] for s, _ in CODEBOOK_SENTENCES]
)
def test_classify_codebook_phrasings_decide_the_type(
    classifier: EventClassifier, sentence: str, expected: str
) -> None:
    """Phrasings ACLED's codebook decides: vigilantes, partisans and crude bombs are Riots (Mob
    violence), state forces shooting demonstrators is Excessive force, two armed groups fighting
    (also militants attacking a police post) is a Battle, but an off-duty officer is a civilian."""
    (prediction,) = classifier.predict([sentence])
    assert prediction.sub_event_type == expected, prediction
    assert any(cue.startswith(f"{expected}:") for cue in prediction.cues)


@pytest.mark.parametrize(
    "sentence",
    [
        "The Organisation for the Prohibition of Chemical Weapons will send inspectors next week.",
        "Western governments say Assad must never again be allowed to use chemical weapons.",
        "Diplomats fear a chemical weapons attack could trigger a wider war.",
    ],
)
def test_classify_commentary_naming_a_weapon_is_not_an_event(
    classifier: EventClassifier, sentence: str
) -> None:
    """Naming chemical weapons is not reporting their use (it was 70 of 189 false events)."""
    (prediction,) = classifier.predict([sentence])
    assert prediction.sub_event_type is None, prediction


def test_classify_cue_weight_above_the_cap_chooses_the_type_not_the_event(
    classifier: EventClassifier,
) -> None:
    """Beyond EVENT_CUE_CAP a cue's weight changes the type's odds, not P(no event)."""
    text = "Sarin is a nerve agent that was developed in Germany in 1938."
    pattern = re.compile(r"\bsarin\b")
    at_cap = classifier.with_cues([Cue(pattern, "Chemical weapon", EVENT_CUE_CAP)])
    beyond = classifier.with_cues([Cue(pattern, "Chemical weapon", EVENT_CUE_CAP + 4)])
    (low,), _ = at_cap.outcome_probabilities([text])
    (high,), _ = beyond.outcome_probabilities([text])
    chemical = classifier.outcomes.index("Chemical weapon")
    assert high[-1] == pytest.approx(low[-1])
    assert high[chemical] > low[chemical]


def test_classify_features_keep_their_own_vocabulary() -> None:
    """Each TextFeatures uses its own vocabulary, also after others were garbage-collected.

    Regression: vectorisers were cached by ``id(features)``; a new object at a dead one's
    address got the dead one's vocabulary, which corrupted cross-validation folds.
    """
    for round_ in range(26):
        word = "zz" + chr(ord("a") + round_) + "word"  # letters: digits become 0 in features
        features = TextFeatures.fit(
            [f"{word} attacked the town", f"{word} shelled the village"],
            max_char_features=0,
            min_df=2,
        )
        row = features.transform([f"the {word}"])
        assert row[0, features.word_vocabulary.index(word)] > 0
        del features


def test_classify_event_word_families_are_features() -> None:
    """Forms of one event word share a feature, so a form unseen in training still counts."""
    features = TextFeatures.fit(
        ["rioters burned tyres", "the rioting went on", "police killed two"],
        max_char_features=0,
        min_df=1,
        event_stems=True,
    )
    assert {"^riot", "^kill", "^burn"} <= set(features.word_vocabulary)
    unseen = features.transform(["youths riot again"])
    assert unseen[0, features.word_vocabulary.index("^riot")] > 0
    assert features.to_json()["word"]["event_stems"] is True


def test_classify_packaged_artefact_uses_event_word_families(classifier: EventClassifier) -> None:
    """The shipped model was trained with the families (the default recipe), and loads them."""
    assert DEFAULT_OPTIONS["event_stems"] is True
    assert classifier.features.event_stems
    assert "^riot" in classifier.features.word_vocabulary


def test_train_prior_correction_tempers_the_class_mix() -> None:
    """Intercepts move by -correction * log(n_c): a 100-fold rarer class gains 0.25 * log(100)."""
    intercept = np.array([2.0, 0.0])
    corrected = prior_corrected(intercept, [10_000, 100], {"prior_correction": 0.25})
    assert corrected[1] - corrected[0] == pytest.approx(-2.0 + 0.25 * np.log(100))
    assert prior_corrected(intercept, [10_000, 100], {"prior_correction": 0.0}) is intercept


def test_classify_missing_artefact_raises_model_not_found(tmp_path: Path) -> None:
    """Loading from a folder without an artefact names the folder and how to train one."""
    with pytest.raises(ModelNotFound, match="eventcoder train"):
        EventClassifier.load(tmp_path)


def test_classify_clean_text_strips_acled_boilerplate() -> None:
    """Dates, crowd sizes and fatality-coding remarks are removed; the event words stay."""
    note = (
        "On 5 March 2020, Taliban militants attacked a checkpoint in Balkh district, killing 2 "
        "soldiers. Fatalities coded as 0 (VoJ reported 2). [size=no report]"
    )
    cleaned = clean_text(note)
    assert (
        cleaned == "Taliban militants attacked a checkpoint in Balkh district, killing 2 soldiers."
    )


def test_classify_clean_text_strips_acled_category_labels() -> None:
    """The category label older notes start with ("Movement of forces:") is the coder's verdict."""
    note = "Movement of forces: Security personnel were deployed to Mandera town."
    assert clean_text(note) == "Security personnel were deployed to Mandera town."
    assert clean_text("Raiders attacked: no one was hurt.") == "Raiders attacked: no one was hurt."


def test_classify_cue_shortcut_agrees_with_the_regex(shared_dir: Path) -> None:
    """Skipping a cue's regex when none of its literal prefixes occur never changes a match."""
    path = shared_dir / "dev" / "articles" / "guardian_syria_2017-2019.csv.gz"
    with io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)][:40]
    sentences = [cue_text(s) for t in texts for s in split_sentences(t)]
    cues = load_cues()
    assert any(c.prefixes for c in cues)
    for cue in cues:
        for sentence in sentences:
            assert cue.matches(sentence) == bool(cue.pattern.search(sentence)), (cue.name, sentence)


def test_classify_malformed_cue_file_is_a_config_error(tmp_path: Path) -> None:
    """A cue row with an unknown label is rejected with the file and row named."""
    path = tmp_path / "cues.csv"
    path.write_text("pattern,label,weight,note\n\\bbombed\\b,Bombing,2.0,\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(f"{path}: row 2")):
        load_cues(str(path))


def test_classify_cue_naming_an_undefined_context_is_a_config_error(tmp_path: Path) -> None:
    """A row may only be silenced by a context defined above it; a typo is caught at load time."""
    path = tmp_path / "cues.csv"
    path.write_text(
        "pattern,label,weight,unless,note\n"
        "\\bclash\\w*,@fighting,,,\n"
        "\\bair ?strikes?\\b,Air/drone strike,3,figthing,\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="row 3 .*figthing"):
        load_cues(str(path))


def test_classify_eventless_filter_is_conservative() -> None:
    """The negative-set filter takes plans and eventless lines, never a reported killing."""
    assert (
        eventless_reason("The committee will meet again in the spring to review the budget.")
        == "no-trigger"
    )
    assert eventless_reason("Turkey said it would launch an offensive on Afrin soon.") == "modal"
    assert (
        eventless_reason("Jets bombed the market and killed 12 people, but talks may resume.")
        is None
    )


def test_train_small_real_subset_gives_a_loadable_artefact(
    shared_dir: Path, tmp_path: Path
) -> None:
    """Training on one real ACLED file plus PLOVER negatives writes an artefact that predicts."""
    acled = shared_dir / "dev" / "acled" / "afghanistan_2020-03.csv.gz"
    plover = shared_dir / "dev" / "plover" / "PLOVER_GSR_CAMEO.json"
    report = train_classifier([acled], tmp_path / "model", negatives=[plover], seed=1)
    assert report.notes == 496 and report.negatives > 100
    assert report.classes[NO_EVENT] == report.negatives
    loaded = EventClassifier.load(tmp_path / "model", cues=())
    assert set(loaded.classes) >= {"Armed clash", "Remote explosive/landmine/IED"}
    clash, ied = loaded.predict(
        [
            "Taliban militants attacked a police checkpoint and fought the police for two hours.",
            "An IED planted by Taliban militants exploded and killed two soldiers on the road.",
        ]
    )
    assert clash.sub_event_type == "Armed clash"
    assert ied.sub_event_type == "Remote explosive/landmine/IED"


def test_train_rejects_a_file_that_is_not_acled(tmp_path: Path) -> None:
    """A CSV without ACLED's notes/sub_event_type columns is an error naming the file."""
    path = tmp_path / "other.csv"
    path.write_text("id,text\n1,hello\n", encoding="utf-8")
    with pytest.raises(EvaluationError, match="other.csv: not an ACLED export"):
        train_classifier([path], tmp_path / "model")


def test_train_rejects_unknown_options(shared_dir: Path, tmp_path: Path) -> None:
    """A mistyped training option is an error rather than silently ignored."""
    acled = shared_dir / "dev" / "acled" / "afghanistan_2020-03.csv.gz"
    with pytest.raises(ConfigError, match="unknown training option"):
        train_classifier([acled], tmp_path / "model", learning_rate=0.1)
