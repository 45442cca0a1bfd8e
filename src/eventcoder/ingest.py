"""Read news reports from files, folders, JSONL, CSV and RSS/Atom feeds into ``Article`` records.

Ingest is the one stage that meets the outside world, so it is defensive: a bad file or line
becomes a ``Failure`` with a one-line message naming the file (and line) and the fix, and the
batch goes on. Formats are chosen by suffix (``.gz`` is read transparently), and files with an
unknown suffix are sniffed. Multi-record formats (JSONL, CSV) are streamed so a corpus of any
size never sits in memory; a single document (text, HTML, feed) is refused above
``MAX_DOCUMENT_BYTES``. The returned text is lightly normalized (newlines unified, control
characters dropped, paragraph breaks kept) and every later offset indexes that text.
"""

from __future__ import annotations

import codecs
import csv
import email.utils
import gzip
import hashlib
import io
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from eventcoder.decoding import RESAVE, bom_encoding, check_binary, decode, stream_encoding
from eventcoder.errors import IngestError, UnsupportedInput
from eventcoder.feeds import feed_records
from eventcoder.language import english_problem
from eventcoder.models import Article, Failure

log = logging.getLogger(__name__)

#: A single document (text, HTML, feed, JSON array) larger than this is refused, not read.
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024

_KINDS: dict[str, str] = {
    **dict.fromkeys((".txt", ".text", ".md"), "text"),
    **dict.fromkeys((".html", ".htm", ".xhtml"), "html"),
    **dict.fromkeys((".jsonl", ".ndjson"), "jsonl"),
    ".json": "json",
    **dict.fromkeys((".xml", ".rss", ".atom"), "feed"),
    ".csv": "csv",
}

#: Record keys (JSONL objects, CSV headers) and the aliases accepted for each, in priority order.
_KEYS: dict[str, tuple[str, ...]] = {
    "id": ("id", "article_id", "doc_id"),
    "text": ("text", "content", "body", "article", "maintext", "full_text"),
    "html": ("html", "raw_html"),
    "title": ("title", "headline"),
    "url": ("url", "link"),
    "outlet": ("outlet", "source", "publisher", "sitename", "source_domain"),
    "published": ("published", "date", "publish_date", "date_publish", "published_at", "pubdate"),
    "country": ("country", "country_code", "iso2"),
}

_HEAD_BYTES = 65_536
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)|\n")


@dataclass(frozen=True, slots=True)
class _Defaults:
    """The caller's fallbacks, used when neither the input nor its metadata has a value."""

    published: date | None
    outlet: str
    max_chars: int
    country: str = ""


def read_inputs(
    paths: Iterable[str | Path],
    *,
    published: date | None = None,
    outlet: str | None = None,
    max_chars: int = 200_000,
    country: str | None = None,
) -> Iterator[Article | Failure]:
    """Yield an ``Article`` per report found in ``paths`` and a ``Failure`` per bad input.

    Never raises for bad input, so one broken file cannot stop a batch of thousands. Folders
    are read recursively in sorted order, skipping hidden files and folders. ``published`` and
    ``outlet`` are fallbacks for inputs that carry neither themselves nor in their metadata;
    ``country`` likewise (the country the reports are about, for texts that name no place).
    """
    defaults = _Defaults(published, outlet or "", max_chars, country or "")
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            yield from _guarded(path, defaults)
            continue
        files = _walk(path)
        if not files:
            yield Failure(str(path), f"{path}: folder holds no files (put articles in it)")
        for file in files:
            yield from _guarded(file, defaults)


def read_article(
    path: str | Path,
    *,
    published: date | None = None,
    outlet: str | None = None,
    max_chars: int = 200_000,
) -> Article:
    """Read one file holding exactly one article: the strict form of :func:`read_inputs`.

    Raises:
        IngestError: the file is missing, unreadable, malformed or holds several articles.
        UnsupportedInput: the file is empty, binary, not English or in an unknown encoding.
    """
    path = Path(path)
    batch_hint = "use read_inputs (or `eventcoder ingest`)"
    if path.is_dir():
        raise IngestError(str(path), "is a folder", batch_hint)
    records = _read_file(path, _Defaults(published, outlet or "", max_chars))
    try:
        first, second = next(records, None), next(records, None)
    except (OSError, EOFError) as error:
        raise _unreadable(path, error) from None
    if first is None:
        raise UnsupportedInput(str(path), "holds no articles", "give a file with article text")
    if isinstance(first, IngestError):
        raise first
    if second is not None:
        raise IngestError(str(path), "holds several articles", batch_hint)
    return first


def article_id_for(text: str) -> str:
    """A stable id for a text that has none: SHA-256 of its case-folded, space-collapsed form.

    Folding case and whitespace means re-reading the same report (re-wrapped, re-saved) gives
    the same id, so the store does not code it twice. 16 hex characters.
    """
    key = re.sub(r"\s{2,}|[^\S ]", " ", unicodedata.normalize("NFC", text).casefold()).strip()
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def normalize_text(text: str) -> str:
    """Unify newlines, drop NUL/control characters, collapse spaces, keep paragraph breaks.

    Light on purpose: every later offset indexes the returned string, and the evidence shown
    to users must read like the original.
    """
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]", "\n", text)
    text = re.sub(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufeff\u200b]", "", text)
    text = re.sub(r"[ \t\u00a0\u3000]{2,}|[\t\u00a0\u3000]", " ", text)  # only what changes
    text = re.sub(r" \n ?|\n ", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def parse_date(value: str, origin: str = "") -> date | None:
    """Read a publication date written in ISO 8601, RFC 2822 (feeds) or a common form.

    The calendar date is kept as written (no conversion to UTC): it is the day the outlet
    published. An unreadable date is logged and treated as absent, not as an error.
    """
    value = value.strip()
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        pass
    import dateparser

    parsed = dateparser.parse(
        value, languages=["en"], settings={"REQUIRE_PARTS": ["day", "month", "year"]}
    )
    if isinstance(parsed, datetime):
        return parsed.date()
    log.warning("%s: cannot read the date %r; using the fallback date", origin, value)
    return None


# Files and formats ---------------------------------------------------------------------------


def _walk(folder: Path) -> list[Path]:
    """Files under ``folder``, recursively, sorted, without hidden files or hidden folders."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def _guarded(path: Path, defaults: _Defaults) -> Iterator[Article | Failure]:
    """Read one file, turning every error (of the file or of one record) into a ``Failure``."""
    try:
        for record in _read_file(path, defaults):
            if isinstance(record, IngestError):
                yield Failure(record.origin, str(record))
            else:
                yield record
    except IngestError as error:
        yield Failure(error.origin, str(error))
    except (OSError, EOFError) as error:  # permission denied, corrupt or cut-off .gz
        failure = _unreadable(path, error)
        yield Failure(failure.origin, str(failure))


def _unreadable(path: Path, error: OSError | EOFError) -> IngestError:
    """The error for a file the OS will not give us (permissions, a corrupt .gz)."""
    reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return IngestError(str(path), f"cannot be read ({reason})", "check the file and permissions")


def _open(path: Path) -> gzip.GzipFile | io.BufferedReader:
    """The file's bytes, decompressed on the fly when the name ends in ``.gz``."""
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb")


def _read_file(path: Path, d: _Defaults) -> Iterator[Article | IngestError]:
    """Dispatch one file to its reader; record errors are yielded, file errors raised."""
    origin = str(path)
    if not path.exists():
        raise IngestError(origin, "no such file or folder", "check the path")
    compressed = path.suffix.lower() == ".gz"
    suffix = Path(path.stem).suffix if compressed else path.suffix
    with _open(path) as fh:
        head = fh.read(_HEAD_BYTES)
    if not head:
        raise UnsupportedInput(origin, "is empty", "give a file with article text")
    check_binary(head, origin)
    kind = _KINDS.get(suffix.lower()) or _sniff(head)
    if kind == "text" and _sniff(head, strict=True) == "html":
        kind = "html"
    if kind == "json":
        kind = "jsonl" if _first_line_is_object(head) else "jsondoc"
    if kind == "jsonl":
        yield from _read_jsonl(path, head, d)
    elif kind == "csv":
        yield from _read_csv(path, head, d)
    else:
        data = _read_document(path, compressed)
        if kind == "feed":
            for entry_origin, record in feed_records(data, origin):
                yield _record_or_error(record, entry_origin, d)
        elif kind == "jsondoc":
            yield from _read_json_document(data, origin, d)
        elif kind == "html":
            yield _from_html(decode(data, origin, html=True), origin, d, {})
        else:
            yield _finish(decode(data, origin), origin, d)


def _read_document(path: Path, compressed: bool) -> bytes:
    """The whole file, refused when larger than :data:`MAX_DOCUMENT_BYTES`."""
    too_big = IngestError(
        str(path),
        f"is over {MAX_DOCUMENT_BYTES // 2**20} MB, too large for a single document",
        "split it into one file per article, or write JSON Lines (one article per line)",
    )
    if not compressed and path.stat().st_size > MAX_DOCUMENT_BYTES:
        raise too_big
    with _open(path) as fh:
        data = fh.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise too_big
    return data


def _sniff(head: bytes, *, strict: bool = False) -> str:
    """Guess a format from the first bytes: feed, html, jsonl or text.

    ``strict`` only recognises a whole saved web page (doctype or <html>), for files named
    .txt that are really HTML.
    """
    start = head[:4096].decode("utf-8", "replace").lstrip("\ufeff \t\r\n").lower()
    if strict:
        return "html" if start.startswith(("<!doctype html", "<html")) else "text"
    if start.startswith("<?xml"):
        return "html" if "<html" in start else "feed"
    if re.match(r"<(rss|feed|rdf:rdf)\b", start):
        return "feed"
    if _looks_like_html(start):
        return "html"
    return "jsonl" if start.startswith("{") else "text"


def _looks_like_html(text: str) -> bool:
    """Markup rather than prose (also used for record "content" fields that hold HTML)."""
    return bool(
        re.match(r"\s*<(!doctype html|html|head|body|article|div|p)\b", text, re.IGNORECASE)
    )


def _first_line_is_object(head: bytes) -> bool:
    """Tell JSON Lines from one pretty-printed JSON document (a .json file may be either)."""
    text = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n")
    line, newline, _ = text.partition(b"\n")
    if not newline:  # the first line is longer than the head: only JSON Lines has those
        return text.startswith(b"{")
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


# Record formats: JSON Lines, JSON, CSV --------------------------------------------------------


def _read_jsonl(path: Path, head: bytes, d: _Defaults) -> Iterator[Article | IngestError]:
    """Stream a JSON Lines file; a bad line fails alone, the others still come through."""
    wide = bom_encoding(head) if bom_encoding(head) in ("utf-16", "utf-32") else ""
    with _open(path) as fh:
        lines: Iterable[bytes | str] = io.TextIOWrapper(fh, encoding=wide) if wide else fh
        for number, raw in enumerate(lines, 1):
            origin = f"{path}:{number}"
            if isinstance(raw, bytes):
                try:
                    raw = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    yield UnsupportedInput(origin, "is not valid UTF-8", RESAVE)
                    continue
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except (ValueError, RecursionError) as error:
                where = (
                    f" at column {error.colno}" if isinstance(error, json.JSONDecodeError) else ""
                )
                problem = f"is not valid JSON ({getattr(error, 'msg', 'nested too deeply')}{where})"
                yield IngestError(origin, problem, "fix or remove this line")
                continue
            yield _record_or_error(record, origin, d)


def _read_json_document(data: bytes, origin: str, d: _Defaults) -> Iterator[Article | IngestError]:
    """A .json file holding one object, or an array of objects (one per article)."""
    try:
        document = json.loads(decode(data, origin))
    except (ValueError, RecursionError) as error:
        fix = "fix the file, or write JSON Lines (one object per line)"
        raise IngestError(origin, f"is not valid JSON ({error})", fix) from None
    items = document if isinstance(document, list) else [document]
    for number, record in enumerate(items, 1):
        yield _record_or_error(record, f"{origin}#item{number}" if len(items) > 1 else origin, d)


def _read_csv(path: Path, head: bytes, d: _Defaults) -> Iterator[Article | IngestError]:
    """Stream a CSV with a ``text`` column (e.g. the Guardian corpus: "", date, text, source)."""
    encoding = stream_encoding(head, str(path))
    csv.field_size_limit(max(csv.field_size_limit(), MAX_DOCUMENT_BYTES))
    with _open(path) as fh:
        reader = csv.reader(io.TextIOWrapper(fh, encoding=encoding, newline=""))
        try:
            header = [name.strip().lower() for name in next(reader)]
            if not set(header) & set(_KEYS["text"] + _KEYS["html"]):
                columns = ", ".join(repr(name) for name in header)
                fix = 'name the article column "text"'
                raise IngestError(str(path), f"has no text column (columns: {columns})", fix)
            for row in reader:
                if any(cell.strip() for cell in row):
                    record = {name: cell for name, cell in zip(header, row) if name}
                    line = reader.line_num - sum(cell.count("\n") for cell in row)
                    yield _record_or_error(record, f"{path}:{line}", d)
        except UnicodeDecodeError:
            origin = f"{path}:{reader.line_num + 1}"
            raise IngestError(origin, f"is not valid {encoding}", RESAVE) from None
        except csv.Error as error:
            origin = f"{path}:{reader.line_num}"
            raise IngestError(origin, f"is not valid CSV ({error})", "fix its quoting") from None


def _record_or_error(record: object, origin: str, d: _Defaults) -> Article | IngestError:
    """One JSON/CSV/feed record as an Article, or the error that says why it is not one."""
    if not isinstance(record, dict):
        return IngestError(origin, "is not a JSON object", "write one {...} object per line")
    try:
        return _from_record(record, origin, d)
    except IngestError as error:
        return error


def _from_record(record: dict[str, Any], origin: str, d: _Defaults) -> Article:
    """Map a record's keys (and their aliases) onto an Article; HTML bodies are extracted."""
    lowered = {str(key).strip().lower(): value for key, value in record.items()}
    value = {name: _pick(lowered, aliases) for name, aliases in _KEYS.items()}
    own = {key: value[key] for key in ("title", "url", "outlet", "published", "country")}
    own["ident"] = value["id"]
    if value["text"] and not _looks_like_html(value["text"]):
        return _finish(value["text"], origin, d, **own)
    if not (value["text"] or value["html"]):
        keys = ", ".join(repr(key) for key in lowered) or "none"
        fix = 'put the article text under "text", or the page under "html"'
        raise IngestError(origin, f'has no "text" or "html" (keys: {keys})', fix)
    return _from_html(value["text"] or value["html"], origin, d, own)


def _pick(record: dict[str, Any], aliases: tuple[str, ...]) -> str:
    """The first non-empty value among ``aliases``, as a string ({"name": ...} unwrapped)."""
    for key in aliases:
        value = record.get(key)
        if isinstance(value, dict):
            value = value.get("name") or value.get("title")
        if value is not None and not isinstance(value, (list, dict)) and str(value).strip():
            return str(value).strip()
    return ""


# Articles -------------------------------------------------------------------------------------


def _from_html(html: str, origin: str, d: _Defaults, own: dict[str, str]) -> Article:
    """Extract a page's main text and metadata with trafilatura; the record's own values win."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception:  # a parser crash on untrusted markup is bad input, not an eventcoder bug
        log.debug("%s: trafilatura failed", origin, exc_info=True)
        doc = None
    text = str(getattr(doc, "text", None) or "")
    if not re.search(r"[^\W\d_]{2}", text):
        fix = "check it is a complete article page, or save the article text as .txt"
        raise UnsupportedInput(origin, "is HTML without main text", fix)
    meta = {key: str(getattr(doc, key, None) or "") for key in ("title", "url", "sitename", "date")}
    if meta["title"] and text.startswith(meta["title"] + "\n"):
        text = text[len(meta["title"]) + 1 :]  # the headline goes in ``title``, not twice
    return _finish(
        text,
        origin,
        d,
        ident=own.get("ident", ""),
        title=own.get("title") or meta["title"],
        url=own.get("url") or meta["url"],
        outlet=own.get("outlet") or meta["sitename"],
        published=own.get("published", ""),
        meta_published=meta["date"],
        country=own.get("country", ""),
    )


def _finish(
    text: str,
    origin: str,
    d: _Defaults,
    *,
    ident: str = "",
    title: str = "",
    url: str = "",
    outlet: str = "",
    published: str = "",
    meta_published: str = "",
    country: str = "",
) -> Article:
    """Normalize, check (not blank, English) and cut the text; apply the fallbacks in order.

    Date and outlet precedence: the input's own value, then page metadata, then the caller's.
    """
    text = normalize_text(text)
    if not text:
        raise UnsupportedInput(origin, "holds only whitespace", "give it the article text")
    if not re.search(r"[^\W\d_]", text):
        raise UnsupportedInput(origin, "holds no words", "give it the article text")
    problem = english_problem(text)
    if problem:
        raise UnsupportedInput(origin, problem, "eventcoder codes English only; translate it first")
    article_id = ident or article_id_for(text)
    if len(text) > d.max_chars:
        cut = _truncate(text, d.max_chars)
        log.warning(
            "%s: text has %d characters, over max_chars=%d; cut to %d at a sentence end "
            "(raise max_chars to code it all)",
            origin,
            len(text),
            d.max_chars,
            len(cut),
        )
        text = cut
    dates = (parse_date(value, origin) for value in (published, meta_published) if value)
    return Article(
        id=article_id,
        text=text,
        title=" ".join(title.split()),
        url=url.strip(),
        outlet=outlet.strip() or d.outlet,
        published=next((day for day in dates if day), None) or d.published,
        origin=origin,
        country=country.strip() or d.country,
    )


def _truncate(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, at a sentence end when one is near."""
    window = text[:limit]
    floor = int(limit * 0.8)
    ends = [m.end() for m in _SENTENCE_END.finditer(window) if m.end() > floor]
    if ends:
        return window[: ends[-1]].rstrip()
    space = window.rfind(" ", floor)
    return window[:space] if space > 0 else window
