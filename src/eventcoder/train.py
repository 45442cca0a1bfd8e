"""The training recipe of the event classifier: ACLED notes + eventless sentences -> artefact.

Why a recipe in the package: the shipped artefact (``data/classifier/``) must be reproducible
from the human-coded data by anyone, and the same code must serve the benchmark's
cross-validation. ``eventcoder train`` is a thin shell over :func:`train_classifier`.

Positives are ACLED ``notes`` labelled with their ``sub_event_type``. ACLED has no negatives,
so the no-event class is built from other sources, each with a conservative filter:

* **News articles** (a CSV with a ``text`` column, e.g. the Guardian dev corpus): sentences are
  split off and kept only when a filter judges them eventless. ``no-trigger``: no word of a
  broad violence/protest/agreement vocabulary at all (background, commentary, biography,
  weather). ``modal``: the sentence has such a word but also a plan, threat, condition or call
  ("will", "threatened to", "if", "called for") and no past-tense event verb ("killed",
  "captured", "signed"). A manual check of a random sample found about 1 in 20 of these
  sentences still describes an event, mostly in a subordinate clause; see the README.
* **PLOVER gold records** (the JSON list): sentences whose PLOVER type is non-violent and
  non-agreement (DEMAND, REJECT, THREATEN, DISAPPROVE, CONSULT, SUPPORT, AID, INVESTIGATE,
  SANCTION, COOPERATE, CONCEDE). A few still mention violence in a clause.
* **Plain text** files: one eventless sentence per line, taken as they are.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from eventcoder.classify import EVENT_WORDS, NO_EVENT, EventClassifier, TextFeatures, load_cues
from eventcoder.errors import ConfigError, EvaluationError
from eventcoder.taxonomy import BY_NAME

#: Options of :func:`train_classifier` and :func:`fit_classifier`, with their defaults.
DEFAULT_OPTIONS: dict[str, Any] = {
    "C": 10.0,  # inverse L2 strength of the logistic regression
    "word_ngrams": (1, 2),
    "char_ngrams": (3, 5),
    "max_word_features": 20_000,
    "max_char_features": 0,  # > 0 adds character n-grams (measured: 4x slower, no better)
    "min_df": 2,
    "stem_length": 5,  # > 0: add word prefixes of this length as features
    "mask_names": True,  # replace capitalised words inside sentences by one placeholder
    "event_stems": True,  # add event-word families ("riots" -> "^riot") as features
    "class_weight_power": 0.5,  # weight of class c = (n_largest / n_c) ** power; 0 = none, 1 = balanced
    "max_class_weight": 20.0,
    "prior_correction": 0.25,  # type model intercepts -= this * log(n_c): temper the dev class mix
    "no_event_weight": 1.0,  # detector: total weight of eventless texts / total weight of notes
    "detector_C": 1.0,  # inverse L2 strength of the event detector
    "false_event_rate": 0.05,  # share of held-out eventless sentences (with event words) let through
    "max_no_trigger": 3000,  # cap on the (easy) no-trigger sentences taken from articles
    "max_iter": 300,
}

#: PLOVER types whose gold sentences are used as eventless (no ACLED event).
PLOVER_EVENTLESS: frozenset[str] = frozenset(
    {
        "DEMAND", "REJECT", "THREATEN", "DISAPPROVE", "CONSULT", "SUPPORT", "AID",
        "INVESTIGATE", "SANCTION", "COOPERATE", "CONCEDE",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class LabelledText:
    """One training text: an ACLED note (``label`` = its sub-event type) or an eventless sentence.

    ``group`` identifies the document it came from (file name, article or record), so that
    held-out splits never put sentences of one article on both sides.
    """

    text: str
    label: str
    source: str
    group: str


@dataclass(frozen=True, slots=True)
class TrainReport:
    """What :func:`train_classifier` did: data counts, options, time and where it wrote."""

    out_dir: Path
    notes: int
    negatives: int
    skipped_rows: int
    classes: dict[str, int]
    negative_sources: dict[str, int]
    features: int
    seconds: float
    options: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (written into ``model.json`` as ``training``)."""
        data = asdict(self)
        data["out_dir"] = str(self.out_dir)
        return data


# --------------------------------------------------------------------------------------------
# Reading the data


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def read_notes(paths: Sequence[Path]) -> tuple[list[LabelledText], int]:
    """ACLED rows -> (labelled notes, number of rows skipped for an empty note or unknown type).

    Raises:
        EvaluationError: a file is unreadable or lacks the ``notes``/``sub_event_type`` columns.
    """
    notes: list[LabelledText] = []
    skipped = 0
    csv.field_size_limit(10_000_000)
    for path in paths:
        path = Path(path)
        try:
            with _open_text(path) as handle:
                reader = csv.DictReader(handle)
                missing = {"notes", "sub_event_type"} - set(reader.fieldnames or ())
                if missing:
                    raise EvaluationError(
                        f"{path}: not an ACLED export, missing column(s) {', '.join(sorted(missing))} "
                        "(export events from acleddata.com with the notes column)"
                    )
                for number, row in enumerate(reader):
                    text = (row.get("notes") or "").strip()
                    label = (row.get("sub_event_type") or "").strip()
                    if not text or label not in BY_NAME:
                        skipped += 1
                        continue
                    notes.append(LabelledText(text, label, path.name, f"{path.name}:{number}"))
        except (OSError, UnicodeDecodeError, csv.Error, EOFError) as error:
            raise EvaluationError(f"{path}: cannot read ACLED rows ({error})") from None
    return notes, skipped


_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")

_PLAN_WORDS = re.compile(
    r"\b(?:will|would|could|might|may|must|should|shall|plans?|planning|threat\w*|vow\w*|"
    r"warn\w*|intend\w*|prepar\w*|if|unless|whether|ready to|aims? to|seeks? to|wants? to|"
    r"calls? for|called for|urg\w+|hope\w*|expect\w*|possible|potential)\b",
    re.IGNORECASE,
)
_PAST_EVENT = re.compile(
    r"\b(?:killed|killing|attacked|struck|bombed|shelled|clashed|fought|seized|captured|"
    r"recaptured|retook|took|wounded|injured|died|exploded|detonated|fired|shot|arrested|"
    r"detained|abducted|kidnapped|protested|demonstrated|rallied|marched|stormed|destroyed|"
    r"looted|burned|burnt|hit|targeted|pounded|launched|signed|agreed|carried out|fell|"
    r"overran|ambushed|executed|raided|dead|massacred|rioted|clashes|fighting)\b",
    re.IGNORECASE,
)


#: Tokens the event detector may use (an n-gram is usable when one of its tokens matches).
DETECTOR_VOCABULARY = re.compile(
    "|".join(f"(?:{p.pattern})" for p in (EVENT_WORDS, _PLAN_WORDS, _PAST_EVENT)), re.IGNORECASE
)


def split_sentences(text: str) -> list[str]:
    """Split article text into sentences on end punctuation followed by a capital (fast, no model)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def eventless_reason(sentence: str) -> str | None:
    """Why a news sentence can safely be taken as eventless, or None when it may report one.

    ``"no-trigger"``: no word of a broad event vocabulary. ``"modal"``: event words, but governed
    by a plan, threat, condition or call, with no past-tense event verb. Conservative by
    design: a sentence with any past-tense event verb is never taken.
    """
    if not EVENT_WORDS.search(sentence):
        return "no-trigger"
    if _PLAN_WORDS.search(sentence) and not _PAST_EVENT.search(sentence):
        return "modal"
    return None


def read_negatives(
    paths: Sequence[Path], *, max_no_trigger: int = 3000, seed: int = 0
) -> list[LabelledText]:
    """Eventless sentences from articles (CSV with ``text``), PLOVER JSON or plain-text lists.

    The easy ``no-trigger`` sentences from articles are capped at ``max_no_trigger`` (a random
    sample, reproducible by ``seed``): thousands more add training time, not information.

    Raises:
        ConfigError: a file is unreadable or of an unknown kind (the message names it).
    """
    negatives: list[LabelledText] = []
    for path in paths:
        path = Path(path)
        name = path.name
        kind = "".join(path.suffixes[-2:]) if path.suffix == ".gz" else path.suffix
        try:
            if kind == ".json":
                negatives.extend(_plover_negatives(path))
            elif kind in (".csv", ".csv.gz"):
                negatives.extend(_article_negatives(path, max_no_trigger=max_no_trigger, seed=seed))
            elif kind in (".txt", ".txt.gz"):
                with _open_text(path) as handle:
                    for number, line in enumerate(handle):
                        if line.strip():
                            negatives.append(
                                LabelledText(
                                    line.strip(), NO_EVENT, f"{name}:list", f"{name}:{number}"
                                )
                            )
            else:
                raise ConfigError(
                    f"{path}: unknown kind of negative file; give articles as CSV with a text "
                    "column, PLOVER gold records as JSON, or one sentence per line as .txt"
                )
        except (OSError, UnicodeDecodeError, csv.Error, EOFError, json.JSONDecodeError) as error:
            raise ConfigError(f"{path}: cannot read negative examples ({error})") from None
    return negatives


def _plover_negatives(path: Path) -> Iterable[LabelledText]:
    records = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(records, list):
        raise ConfigError(f"{path}: expected a JSON list of PLOVER gold records")
    for record in records:
        if (
            isinstance(record, dict)
            and record.get("event") in PLOVER_EVENTLESS
            and record.get("text")
        ):
            yield LabelledText(
                str(record["text"]),
                NO_EVENT,
                f"{path.name}:plover",
                f"{path.name}:{record.get('id')}",
            )


def _article_negatives(path: Path, *, max_no_trigger: int, seed: int) -> list[LabelledText]:
    csv.field_size_limit(10_000_000)
    kept: dict[str, list[LabelledText]] = {"no-trigger": [], "modal": []}
    with _open_text(path) as handle:
        reader = csv.DictReader(handle)
        if "text" not in (reader.fieldnames or ()):
            raise ConfigError(f"{path}: an article file needs a 'text' column")
        for number, row in enumerate(reader):
            for sentence in split_sentences(row.get("text") or ""):
                if not 30 <= len(sentence) <= 400:
                    continue
                reason = eventless_reason(sentence)
                if reason:
                    kept[reason].append(
                        LabelledText(
                            sentence, NO_EVENT, f"{path.name}:{reason}", f"{path.name}:{number}"
                        )
                    )
    easy = kept["no-trigger"]
    if len(easy) > max_no_trigger:
        easy = random.Random(seed).sample(easy, max_no_trigger)
    return easy + kept["modal"]


def dev_training_files(shared: Path) -> tuple[list[Path], list[Path]]:
    """The dev data the packaged artefact is trained on: (ACLED files, negative files).

    ``shared`` is the shared data folder holding ``dev/acled``, ``dev/articles``, ``dev/plover``.

    Raises:
        ConfigError: a folder is missing or holds no data.
    """
    dev = Path(shared) / "dev"
    acled = sorted((dev / "acled").glob("*.csv*"))
    negatives = sorted((dev / "articles").glob("*.csv*")) + sorted((dev / "plover").glob("*.json"))
    if not acled:
        raise ConfigError(f"{dev / 'acled'}: no ACLED CSV files; point to the shared data folder")
    return acled, negatives


# --------------------------------------------------------------------------------------------
# Fitting


def resolve_options(options: dict[str, Any]) -> dict[str, Any]:
    """Defaults overlaid with ``options``; unknown names are an error (typos must not pass)."""
    unknown = set(options) - set(DEFAULT_OPTIONS)
    if unknown:
        raise ConfigError(
            f"unknown training option(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(DEFAULT_OPTIONS))}"
        )
    resolved = {**DEFAULT_OPTIONS, **options}
    for key in ("word_ngrams", "char_ngrams"):
        resolved[key] = tuple(int(v) for v in resolved[key])
    return resolved


def class_weights(labels: Sequence[str], *, power: float, cap: float) -> dict[str, float]:
    """Per-class sample weights ``(n_largest / n_c) ** power`` capped at ``cap``.

    Why tempered: plain balancing gives a class with 3 examples a weight of several thousand
    and overfits those three notes; ``power = 0.5`` lifts rare classes without that.
    """
    counts = Counter(labels)
    largest = max(counts.values())
    return {c: min(cap, (largest / n) ** power) for c, n in counts.items()}


def prior_corrected(
    intercept: np.ndarray, counts: Sequence[int], opts: dict[str, Any]
) -> np.ndarray:
    """Type-model intercepts minus ``prior_correction * log(n_c)``: the dev class mix, tempered.

    Why: the intercepts carry the training notes' class mix (46% Armed clash, 88% of those
    from Syria), and where a text's words are unfamiliar (another country, another decade,
    news) the intercept decides: short Kenyan protest notes came out as Armed clash. The class
    weights already halve the mix in the loss; this moves the intercepts a quarter of the way
    on towards uniform. Measured on the dev data (0.25): 5-fold macro-F1 +0.005 (weighted F1
    -0.003), leave-one-file-out macro-F1 +0.06 Afghanistan, +0.03 Bangladesh, +0.015 Kenya,
    -0.002 Syria, eventless sentences called events +0.35 points; 0.5 loses on 5-fold.
    """
    correction = float(opts["prior_correction"])
    if not correction:
        return intercept
    log_counts: np.ndarray = np.log(np.maximum(1, np.asarray(counts, dtype=np.float64)))
    return np.asarray(intercept, dtype=np.float64) - correction * log_counts


def detector_columns(features: TextFeatures) -> np.ndarray:
    """Indices of the features the event detector may use: n-grams with an event or modality word.

    Why restricted: the positives (ACLED notes) and the negatives (news sentences) differ in
    topic and style; a detector free to use every n-gram learns "looks like a note" and calls
    an unfamiliar country's notes, or news reports of real events, eventless.
    """
    keep = [
        i
        for i, gram in enumerate(features.word_vocabulary)
        if any(DETECTOR_VOCABULARY.search(token) for token in gram.lstrip("~^").split())
    ]
    return np.array(keep, dtype=np.int64)


def _fit_detector(
    matrix: Any, is_event: np.ndarray, opts: dict[str, Any], seed: int
) -> LogisticRegression:
    positives, negatives = int(is_event.sum()), int((~is_event).sum())
    sample_weight = np.where(is_event, 1.0, opts["no_event_weight"] * positives / negatives)
    detector = LogisticRegression(
        C=opts["detector_C"], max_iter=opts["max_iter"], random_state=seed
    )
    return detector.fit(matrix, is_event, sample_weight=sample_weight)


def _detector_threshold(
    matrix: Any, is_event: np.ndarray, hard: np.ndarray, opts: dict[str, Any], seed: int
) -> float:
    """The detector logit above which a text counts as an event, set on eventless texts only.

    Why: notes and eventless sentences are almost perfectly separable, so where a plain fit
    puts the boundary is arbitrary, and notes unlike the training notes (another country,
    headline style) fell on the eventless side. The threshold is instead the
    ``1 - false_event_rate`` quantile of out-of-fold detector scores of the *hard* eventless
    texts (those with event words): the share of such texts called events is fixed, and
    anything scoring above them is an event, however unfamiliar.
    """
    rate = opts["false_event_rate"]
    if rate <= 0 or hard.sum() < 20:
        return 0.0
    folds = np.random.default_rng(seed).integers(0, 5, size=len(is_event))
    scores: list[float] = []
    for k in range(5):
        train, test = folds != k, (folds == k) & hard
        if not test.any() or is_event[train].all() or not is_event[train].any():
            continue
        detector = _fit_detector(matrix[train], is_event[train], opts, seed)
        scores.extend(detector.decision_function(matrix[test]).tolist())
    return float(np.quantile(scores, 1.0 - rate)) if scores else 0.0


def fit_classifier(
    texts: Sequence[str], labels: Sequence[str], *, seed: int = 0, **options: Any
) -> EventClassifier:
    """Fit features, type model and event detector in memory; the packaged cues are attached.

    ``labels`` are sub-event types, or ``NO_EVENT`` for eventless sentences (which train the
    detector only). Without any ``NO_EVENT`` text there is no detector.

    Raises:
        ConfigError: an unknown option, or no labelled note to learn from.
    """
    opts = resolve_options(options)
    labels = list(labels)
    typed = [i for i, label in enumerate(labels) if label != NO_EVENT]
    if not typed:
        raise ConfigError(
            "training needs ACLED notes with sub-event types, not only eventless text"
        )
    features = TextFeatures.fit(
        texts,
        word_ngrams=opts["word_ngrams"],
        char_ngrams=opts["char_ngrams"],
        max_word_features=opts["max_word_features"],
        max_char_features=opts["max_char_features"],
        min_df=opts["min_df"],
        stem_length=opts["stem_length"],
        mask_names=opts["mask_names"],
        event_stems=opts["event_stems"],
    )
    matrix = features.transform(texts)
    type_labels = np.asarray([labels[i] for i in typed])
    classes = sorted(set(type_labels))
    if len(classes) == 1:
        coef, intercept = np.zeros((1, features.size)), np.zeros(1)
    else:
        weights = class_weights(
            list(type_labels), power=opts["class_weight_power"], cap=opts["max_class_weight"]
        )
        model = LogisticRegression(C=opts["C"], max_iter=opts["max_iter"], random_state=seed)
        model.fit(
            matrix[typed], type_labels, sample_weight=np.array([weights[y] for y in type_labels])
        )
        classes, coef, intercept = [str(c) for c in model.classes_], model.coef_, model.intercept_
        intercept = prior_corrected(
            intercept, [int((type_labels == c).sum()) for c in classes], opts
        )
    event_coef, event_intercept = None, 0.0
    is_event = np.array([label != NO_EVENT for label in labels])
    if not is_event.all():
        columns = detector_columns(features)
        detector_matrix = matrix[:, columns]
        detector = _fit_detector(detector_matrix, is_event, opts, seed)
        event_coef = np.zeros(features.size)
        event_coef[columns] = detector.coef_[0]
        hard = np.array(
            [not is_event[i] and bool(EVENT_WORDS.search(texts[i])) for i in range(len(texts))]
        )
        shift = _detector_threshold(detector_matrix, is_event, hard, opts, seed)
        event_intercept = float(detector.intercept_[0]) - shift
    return EventClassifier(
        features,
        coef,
        intercept,
        classes,
        event_coef=event_coef,
        event_intercept=event_intercept,
        cues=load_cues(),
        meta={
            "options": {k: list(v) if isinstance(v, tuple) else v for k, v in opts.items()},
            # how many notes each class was learnt from: the classifier trusts the model's
            # opinion about a class in proportion (classify.TRUST_COUNT) and lets cues decide
            # the rare ones
            "class_counts": dict(Counter(str(y) for y in type_labels).most_common()),
        },
    )


def train_classifier(
    acled_files: Sequence[Path],
    out_dir: Path,
    *,
    negatives: Sequence[Path] = (),
    seed: int = 0,
    **options: Any,
) -> TrainReport:
    """Train on ACLED notes (+ eventless sentences from ``negatives``) and write the artefact.

    Writes ``model.json`` and ``weights.npz`` into ``out_dir`` (loadable with
    ``EventClassifier.load(out_dir)``). Without ``negatives`` the model has no no-event class
    and only the cue lexicon can answer "no event". Takes a few minutes on 2 cores for the
    full dev data (about 25,000 notes).

    Raises:
        EvaluationError: an ACLED file is unreadable or not ACLED-shaped.
        ConfigError: an unknown option, an unreadable negative file, or too little data.
    """
    started = time.perf_counter()
    opts = resolve_options(options)
    notes, skipped = read_notes(acled_files)
    eventless = read_negatives(negatives, max_no_trigger=opts["max_no_trigger"], seed=seed)
    data = notes + eventless
    if not notes:
        raise ConfigError(f"no usable ACLED notes in {', '.join(str(p) for p in acled_files)}")
    classifier = fit_classifier(
        [d.text for d in data], [d.label for d in data], seed=seed, **options
    )
    report = TrainReport(
        out_dir=Path(out_dir),
        notes=len(notes),
        negatives=len(eventless),
        skipped_rows=skipped,
        classes=dict(Counter(d.label for d in data).most_common()),
        negative_sources=dict(Counter(d.source for d in eventless).most_common()),
        features=classifier.features.size,
        seconds=round(time.perf_counter() - started, 1),
        options={k: list(v) if isinstance(v, tuple) else v for k, v in opts.items()},
    )
    classifier.meta.update(
        {
            "training": report.to_dict()
            | {
                "files": [Path(p).name for p in acled_files],
                "negative_files": [Path(p).name for p in negatives],
                "seed": seed,
            },
        }
    )
    classifier.save(Path(out_dir))
    return report
