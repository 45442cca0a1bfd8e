"""Ingest: every input format, every kind of bad input, and the real sample and Guardian data."""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import tracemalloc
from datetime import date
from pathlib import Path

import pytest

from conftest import SAMPLE, SAMPLE_PUBLISHED
from eventcoder.errors import IngestError, UnsupportedInput
from eventcoder.ingest import article_id_for, normalize_text, read_article, read_inputs
from eventcoder.language import english_problem
from eventcoder.models import Article, Failure

DATA = Path(__file__).parent / "data" / "ingest"
GUARDIAN = "dev/articles/guardian_syria_2017-2019.csv.gz"

REPORT = (
    "Government forces shelled the town of Kafr Nabl on Tuesday, killing four civilians, "
    "a local rescue group said.\n\nThe army said it had targeted positions of armed groups "
    "in the area and denied that civilians were hit."
)

# Hand-written translations of one short report, for the language check.
FOREIGN = {
    "arabic": "استعادت القوات الحكومية السورية يوم الاثنين السيطرة على المدينة بعد عدة أيام "
    "من القتال. وقال المرصد إن ما لا يقل عن اثني عشر مدنيا قتلوا في القصف.",
    "russian": "Сирийские правительственные войска в понедельник восстановили контроль над "
    "городом после нескольких дней боёв. По данным наблюдателей, погибли не менее "
    "двенадцати мирных жителей.",
    "french": "Les forces gouvernementales syriennes ont repris lundi le contrôle de la ville, "
    "après des combats qui ont duré plusieurs jours. Selon l'Observatoire, au moins douze "
    "civils sont morts dans les bombardements et des centaines de familles ont fui vers le nord.",
    "spanish": "Las fuerzas del gobierno sirio recuperaron el lunes el control de la ciudad tras "
    "varios días de combates. Según el Observatorio, al menos doce civiles murieron en los "
    "bombardeos y cientos de familias huyeron hacia el norte.",
    "french headline": "Syrie : le régime reprend la ville de Khan al-Shih",
}


def _only(records: list[Article | Failure]) -> Article | Failure:
    assert len(records) == 1, records
    return records[0]


def _articles(paths: list[Path], **kwargs: object) -> list[Article]:
    records = list(read_inputs(paths, **kwargs))  # type: ignore[arg-type]
    assert all(isinstance(r, Article) for r in records), records
    return records  # type: ignore[return-value]


def _write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    return path


# Formats -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["report.txt", "report.text", "report.md", "report.story"])
def test_ingest_reads_plain_text_files(tmp_path: Path, name: str) -> None:
    """Plain text under any text-like suffix (or an unknown one that sniffs as text) is read."""
    path = tmp_path / name
    path.write_text(REPORT, encoding="utf-8")
    article = _only(list(read_inputs([path])))
    assert isinstance(article, Article)
    assert article.text == REPORT
    assert article.origin == str(path)
    assert article.id == article_id_for(REPORT)


def test_ingest_normalizes_text_lightly(tmp_path: Path) -> None:
    """CRLF, NUL and control characters go; paragraph breaks and the words stay."""
    path = tmp_path / "messy.txt"
    raw = "Rebels  shelled\x00 Aleppo.\r\n\r\n\r\n\r\nThree\x07 civilians\tdied.\r\nMore later."
    path.write_bytes(raw.encode("utf-8"))
    article = read_article(path)
    assert article.text == "Rebels shelled Aleppo.\n\nThree civilians died.\nMore later."
    assert normalize_text(article.text) == article.text


def test_ingest_reads_html_main_text_and_metadata() -> None:
    """A web page gives its article text (no menu or footer), title, date, outlet and URL."""
    article = read_article(DATA / "page.html")
    assert article.text.startswith("Artillery shells struck a crowded vegetable market")
    assert "Subscribe" not in article.text and "Copyright" not in article.text
    assert article.title == "Shelling hits market in Ariha"
    assert article.published == date(2018, 3, 4)
    assert article.outlet == "Levant Daily"
    assert article.url == "https://levant-daily.example/news/ariha-market-shelling"


@pytest.mark.parametrize("name", ["saved-page.txt", "saved-page"])
def test_ingest_sniffs_html_saved_under_another_name(tmp_path: Path, name: str) -> None:
    """A saved web page named .txt, or without suffix, is still read as HTML."""
    path = tmp_path / name
    path.write_bytes((DATA / "page.html").read_bytes())
    article = read_article(path)
    assert "<p>" not in article.text
    assert article.outlet == "Levant Daily"


def test_ingest_reads_jsonl_keys_and_aliases(tmp_path: Path) -> None:
    """JSONL lines give id (as a string), text, title, url, outlet and date, also under aliases."""
    page = (DATA / "page.html").read_text(encoding="utf-8")
    path = _write_jsonl(
        tmp_path / "news.jsonl",
        [
            {
                "id": 17,
                "text": REPORT,
                "title": "Kafr Nabl shelled",
                "url": "https://x.example/1",
                "outlet": "Idlib Post",
                "published": "2019-05-07T10:00:00Z",
            },
            {
                "content": REPORT + " Two more died.",
                "date": "7 May 2019",
                "source": {"name": "Wire"},
                "link": "https://x.example/2",
                "headline": "Update",
            },
            {"html": page},
        ],
    )
    first, second, third = _articles([path])
    assert (first.id, first.title, first.url, first.outlet) == (
        "17",
        "Kafr Nabl shelled",
        "https://x.example/1",
        "Idlib Post",
    )
    assert first.published == date(2019, 5, 7) and first.origin == f"{path}:1"
    assert second.text.endswith("Two more died.") and second.id == article_id_for(second.text)
    assert (second.outlet, second.published, second.url, second.title) == (
        "Wire",
        date(2019, 5, 7),
        "https://x.example/2",
        "Update",
    )
    assert third.outlet == "Levant Daily" and third.published == date(2018, 3, 4)
    assert third.origin == f"{path}:3"


def test_ingest_reads_json_array_and_single_object(tmp_path: Path) -> None:
    """A .json file may hold an array of articles or one pretty-printed article."""
    array = tmp_path / "batch.json"
    array.write_text(json.dumps([{"text": REPORT}, {"text": "Clashes in Daraa killed two."}]))
    single = tmp_path / "one.json"
    single.write_text(json.dumps({"id": "a1", "text": REPORT}, indent=2))
    records = _articles([array, single])
    assert [r.origin for r in records] == [f"{array}#item1", f"{array}#item2", str(single)]
    assert records[2].id == "a1"


def test_ingest_reads_rss_entries_as_articles() -> None:
    """Each RSS item becomes an article with its link, guid, local publication date and feed title."""
    first, second = _articles([DATA / "feed.rss"], outlet="Fallback")
    assert first.origin == f"{DATA / 'feed.rss'}#entry1" and first.id == "lw-2018-0211"
    assert first.text.startswith("Rebel fighters clashed with government forces near Saraqib")
    assert "<b>" not in first.text
    assert first.published == date(2018, 2, 11)  # as written, not shifted to UTC
    assert (first.outlet, first.title) == ("Levant Wire", "Clashes near Saraqib")
    assert second.text.startswith("A United Nations aid convoy") and second.id == article_id_for(
        second.text
    )


def test_ingest_reads_atom_full_content_over_summary() -> None:
    """An Atom entry's full content is preferred to its summary."""
    article = read_article(DATA / "feed.atom")
    assert "nine people were killed" in article.text and "Short summary" not in article.text
    assert (article.outlet, article.url) == ("Frontline Monitor", "https://frontline.example/101")
    assert article.published == date(2017, 9, 19)


def test_ingest_reads_csv_and_gzipped_inputs(tmp_path: Path) -> None:
    """CSV with a text column, and .csv.gz / .jsonl.gz / .txt.gz, are read transparently."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["", "date", "text", "source"])
    writer.writerow(["0", "2018-01-02", REPORT, "Guardian"])
    writer.writerow(["1", "2018-01-03", "Shelling in Jisr al-Shughur\nkilled two.", "Guardian"])
    plain = tmp_path / "rows.csv"
    plain.write_text(buffer.getvalue(), encoding="utf-8")
    packed = tmp_path / "rows.csv.gz"
    packed.write_bytes(gzip.compress(buffer.getvalue().encode("utf-8")))
    lines = tmp_path / "news.jsonl.gz"
    lines.write_bytes(gzip.compress(json.dumps({"text": REPORT}).encode("utf-8")))
    text = tmp_path / "report.txt.gz"
    text.write_bytes(gzip.compress(REPORT.encode("utf-8")))
    rows = _articles([plain])
    assert [(r.published, r.outlet) for r in rows] == [
        (date(2018, 1, 2), "Guardian"),
        (date(2018, 1, 3), "Guardian"),
    ]
    assert rows[1].origin == f"{plain}:5"  # the first row spans lines 2-4
    assert [r.text for r in _articles([packed])] == [r.text for r in rows]
    assert [r.text for r in _articles([lines, text])] == [REPORT, REPORT]


def test_ingest_reads_guardian_rows_from_shared_csv(shared_dir: Path) -> None:
    """Every row of the real Guardian corpus comes through with its date and outlet."""
    path = shared_dir / GUARDIAN
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    articles = _articles([path])
    assert len(articles) == len(rows)
    first = articles[0]
    assert first.text == normalize_text(rows[0]["text"])
    assert first.published == date.fromisoformat(rows[0]["date"])
    assert first.outlet == rows[0]["source"]
    assert first.origin == f"{path}:2"
    assert len({a.id for a in articles}) == len(articles)


def test_ingest_reads_sample_article(sample_text: str) -> None:
    """The Khan al-Shih sample reads with the given date and outlet, its text intact."""
    article = read_article(SAMPLE, published=SAMPLE_PUBLISHED, outlet="FNA")
    assert article.text == normalize_text(sample_text)
    assert article.text.startswith(sample_text.strip().splitlines()[0])
    assert (article.published, article.outlet, article.origin) == (
        SAMPLE_PUBLISHED,
        "FNA",
        str(SAMPLE),
    )
    assert article.id == article_id_for(sample_text)


def test_ingest_streams_large_jsonl(tmp_path: Path) -> None:
    """A large JSONL is read line by line: peak memory stays far below the file size."""
    path = tmp_path / "big.jsonl"
    line = json.dumps({"text": (REPORT + " ") * 40}) + "\n"
    with path.open("w", encoding="utf-8") as handle:
        for _ in range(300):
            handle.write(line)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        count = sum(1 for record in read_inputs([path]) if isinstance(record, Article))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 300
    assert peak < size / 10, (peak, size)


# Ids, dates and outlets ----------------------------------------------------------------------


def test_ingest_article_id_is_stable(tmp_path: Path) -> None:
    """The same text gets the same id however it is wrapped or cased; other text does not."""
    (tmp_path / "a.txt").write_text(REPORT)
    (tmp_path / "b.txt").write_text("  " + REPORT.upper().replace(" ", "\n "))
    (tmp_path / "c.txt").write_text(REPORT.replace("four", "five"))
    a, b, c = _articles([tmp_path])
    again = read_article(tmp_path / "a.txt")
    assert a.id == b.id == again.id != c.id
    assert len(a.id) >= 16 and int(a.id, 16) >= 0


def test_ingest_published_and_outlet_precedence(tmp_path: Path) -> None:
    """The input's own date and outlet win, then page metadata, then the caller's fallback."""
    page = (DATA / "page.html").read_text(encoding="utf-8")
    path = _write_jsonl(
        tmp_path / "mixed.jsonl",
        [
            {"text": REPORT, "published": "2020-02-02", "outlet": "Own"},
            {"html": page, "published": "2020-02-02", "outlet": "Own"},
            {"html": page},
            {"text": REPORT},
            {"text": REPORT, "date": "not a date at all"},
        ],
    )
    records = _articles([path], published=date(1999, 9, 9), outlet="Arg")
    assert [(r.published, r.outlet) for r in records] == [
        (date(2020, 2, 2), "Own"),
        (date(2020, 2, 2), "Own"),
        (date(2018, 3, 4), "Levant Daily"),
        (date(1999, 9, 9), "Arg"),
        (date(1999, 9, 9), "Arg"),
    ]


# Bad input -----------------------------------------------------------------------------------


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, type[IngestError], str]]:
    """name -> (path, expected error class, a word the one-line message must contain)."""

    def put(name: str, data: bytes) -> Path:
        (tmp_path / name).write_bytes(data)
        return tmp_path / name

    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    return {
        "missing": (tmp_path / "nowhere.txt", IngestError, "check the path"),
        "empty": (put("empty.txt", b""), UnsupportedInput, "empty"),
        "whitespace": (put("blank.txt", b" \n\t\r\n  \n"), UnsupportedInput, "whitespace"),
        "digits only": (put("numbers.txt", b"2018 2019 - 12 / 40"), UnsupportedInput, "no words"),
        "png": (put("photo.txt", png), UnsupportedInput, "PNG"),
        "gzip unnamed": (put("news.jsonl", gzip.compress(b"{}")), UnsupportedInput, ".gz"),
        "corrupt gzip": (put("news.jsonl.gz", REPORT.encode()), IngestError, "cannot be read"),
        "cut-off gzip": (
            put("cut.txt.gz", gzip.compress(REPORT.encode())[:-12]),
            IngestError,
            "cannot be read",
        ),
        "nul bytes": (put("data.txt", b"Army" + b"\x00\x01" * 200), UnsupportedInput, "binary"),
        "control bytes": (put("ctl.md", bytes(range(1, 9)) * 300), UnsupportedInput, "binary"),
        "undecodable": (put("odd.txt", bytes(range(0x80, 0x100)) * 20), UnsupportedInput, "UTF-8"),
        "no main text": (
            put(
                "menu.html",
                b"<html><head><title>Menu</title></head><body><script>var a=1;"
                b"</script><div class='x'></div></body></html>",
            ),
            UnsupportedInput,
            "main text",
        ),
        "broken feed": (
            put("feed.xml", b"<?xml version='1.0'?><rss><channel><item><ti"),
            IngestError,
            "feed",
        ),
        "feed without entries": (
            put("wire.rss", b"<rss><channel><title>Wire</title></channel></rss>"),
            UnsupportedInput,
            "no entries",
        ),
        "csv without text": (
            put("t.csv", b"date,headline\n2018-01-01,Clashes\n"),
            IngestError,
            "text column",
        ),
        **{
            lang: (
                put(f"{lang.replace(' ', '-')}.txt", text.encode("utf-8")),
                UnsupportedInput,
                "English only",
            )
            for lang, text in FOREIGN.items()
        },
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing",
        "empty",
        "whitespace",
        "digits only",
        "png",
        "gzip unnamed",
        "corrupt gzip",
        "cut-off gzip",
        "nul bytes",
        "control bytes",
        "undecodable",
        "no main text",
        "broken feed",
        "feed without entries",
        "csv without text",
        *FOREIGN,
    ],
)
def test_ingest_bad_file_fails_with_one_line_naming_file(tmp_path: Path, case: str) -> None:
    """Each kind of bad file yields one Failure (and read_article raises) naming file and fix."""
    path, error_class, word = _bad_inputs(tmp_path)[case]
    failure = _only(list(read_inputs([path])))
    assert isinstance(failure, Failure)
    assert failure.origin == str(path)
    assert failure.message.startswith(f"{path}: ") and "\n" not in failure.message
    assert word in failure.message and "(" in failure.message  # the fix, in parentheses
    with pytest.raises(error_class) as raised:
        read_article(path)
    assert str(raised.value) == failure.message


def test_ingest_non_english_message_names_script() -> None:
    """Arabic and Russian are refused by script, named in the message."""
    assert "Arabic script" in (english_problem(FOREIGN["arabic"]) or "")
    assert "Cyrillic script" in (english_problem(FOREIGN["russian"]) or "")


@pytest.mark.parametrize(
    "headline",
    [
        "Syrian army retakes eastern Aleppo district",
        "Airstrikes kill 12 in Idlib",
        "De Mistura: Geneva talks to resume",
        "Turkish-backed rebels enter Afrin city centre",
        "Khan al-Sheih: army advances on al-Nusra positions",
    ],
)
def test_ingest_short_english_headlines_pass(tmp_path: Path, headline: str) -> None:
    """Headlines with few function words are still accepted as English."""
    path = tmp_path / "headline.txt"
    path.write_text(headline)
    assert read_article(path).text == headline


def test_ingest_jsonl_bad_lines_fail_alone(tmp_path: Path) -> None:
    """A malformed line, a line without text and a non-object fail alone; good lines survive."""
    path = tmp_path / "news.jsonl"
    path.write_bytes(
        json.dumps({"text": REPORT}).encode()
        + b"\n"
        + b'{"text": "unterminated\n'
        + b'{"title": "no body", "url": "u"}\n'
        + b"\n"
        + b"[1, 2]\n"
        + b'{"text": "caf\xe9 bombed"}\n'
        + json.dumps({"text": "Two killed in Deraa."}).encode()
        + b"\n"
    )
    records = list(read_inputs([path]))
    assert [type(r).__name__ for r in records] == [
        "Article",
        "Failure",
        "Failure",
        "Failure",
        "Failure",
        "Article",
    ]
    failures = [r for r in records if isinstance(r, Failure)]
    assert [f.origin for f in failures] == [f"{path}:{n}" for n in (2, 3, 5, 6)]
    assert "not valid JSON" in failures[0].message and "fix or remove" in failures[0].message
    assert '"text"' in failures[1].message and "'title'" in failures[1].message
    assert "UTF-8" in failures[3].message
    assert all(f.message.startswith(f.origin + ": ") for f in failures)


def test_ingest_folder_batch_survives_bad_files(tmp_path: Path) -> None:
    """A folder is read recursively in order, hidden files skipped, bad files reported, rest kept."""
    (tmp_path / "b-report.txt").write_text(REPORT)
    (tmp_path / "a-photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (tmp_path / "sub").mkdir()
    _write_jsonl(tmp_path / "sub" / "c.jsonl", [{"text": "Clashes in Daraa killed two."}])
    (tmp_path / ".hidden.txt").write_text(REPORT)
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "d.txt").write_text(REPORT)
    records = list(read_inputs([tmp_path, tmp_path / "gone.txt"]))
    assert [(type(r).__name__, r.origin) for r in records] == [
        ("Failure", str(tmp_path / "a-photo.png")),
        ("Article", str(tmp_path / "b-report.txt")),
        ("Article", f"{tmp_path / 'sub' / 'c.jsonl'}:1"),
        ("Failure", str(tmp_path / "gone.txt")),
    ]


def test_ingest_cuts_long_text_at_sentence_with_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Text over max_chars is kept, cut at a sentence end near the limit, with a warning."""
    path = tmp_path / "long.txt"
    path.write_text(" ".join([REPORT.replace("\n\n", " ")] * 40))
    with caplog.at_level(logging.WARNING, logger="eventcoder.ingest"):
        article = _only(list(read_inputs([path], max_chars=2_000)))
    assert isinstance(article, Article)
    assert 1_600 < len(article.text) <= 2_000 and article.text.endswith(".")
    assert str(path) in caplog.text and "max_chars" in caplog.text


def test_ingest_refuses_huge_single_document(tmp_path: Path) -> None:
    """A single text document over 50 MB is refused with a message saying how to split it."""
    path = tmp_path / "huge.txt"
    chunk = (REPORT + "\n").encode() * 4_000
    with path.open("wb") as handle:
        while handle.tell() <= 50 * 1024 * 1024:
            handle.write(chunk)
    failure = _only(list(read_inputs([path])))
    assert isinstance(failure, Failure)
    assert "50 MB" in failure.message and "JSON Lines" in failure.message


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("cp1252", b"")],
)
def test_ingest_decodes_bom_and_legacy_encodings(
    tmp_path: Path, encoding: str, prefix: bytes
) -> None:
    """UTF-8 with BOM, UTF-16 with BOM and a Windows-1252 file all decode to the same text."""
    text = (
        "The café owner said the “strikes” hit the old souk at dawn — witnesses counted six dead. "
    ) * 6
    path = tmp_path / "report.txt"
    path.write_bytes(prefix + text.encode(encoding))
    assert read_article(path).text == text.strip()


def test_ingest_read_article_refuses_multi_article_file(tmp_path: Path) -> None:
    """read_article is for one article; a two-line JSONL points to read_inputs."""
    path = _write_jsonl(tmp_path / "two.jsonl", [{"text": REPORT}, {"text": REPORT}])
    with pytest.raises(IngestError, match="read_inputs"):
        read_article(path)
