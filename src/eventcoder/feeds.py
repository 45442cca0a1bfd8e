"""RSS and Atom feeds as plain records, one per entry, for :mod:`eventcoder.ingest`.

Kept apart from ingest so that feedparser's vocabulary (entries, content, summary, guid)
stays in one small place; ingest turns each record into an ``Article`` like a JSONL line.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from eventcoder.errors import IngestError, UnsupportedInput


def feed_records(data: bytes, origin: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Yield ``("path#entryN", record)`` for every entry of an RSS/Atom document.

    A record has the keys ingest reads from JSONL: ``id`` (the entry's guid), ``html`` or
    ``text`` (the full content when the feed carries it, else the summary), ``title``,
    ``url``, ``outlet`` (the entry's source, else the feed's title) and ``published`` (the
    date string as written, so the outlet's own calendar date is kept).

    Raises:
        IngestError: the document is not a feed feedparser can read.
        UnsupportedInput: the feed has no entries.
    """
    import feedparser

    parsed = feedparser.parse(io.BytesIO(data))
    entries = [entry for entry in parsed.entries if entry]  # a cut-off feed ends in an empty one
    if not entries:
        if parsed.bozo:
            reason = (str(parsed.get("bozo_exception", "")).splitlines() or ["not well-formed"])[0]
            problem = f"is not a readable RSS/Atom feed ({reason})"
            raise IngestError(origin, problem, "check the file is a complete feed")
        raise UnsupportedInput(origin, "is a feed with no entries", "give a feed with articles")
    feed_title = str(parsed.feed.get("title", ""))
    for number, entry in enumerate(entries, 1):
        yield f"{origin}#entry{number}", _record(entry, feed_title)


def _record(entry: Any, feed_title: str) -> dict[str, str]:
    """One feed entry in ingest's record vocabulary."""
    body = entry.get("summary_detail") or {}
    for content in entry.get("content") or ():
        if content.get("value"):
            body = content
            break
    value = str(body.get("value", "") or entry.get("summary", ""))
    markup = body.get("type") != "text/plain" and re.search(r"<[A-Za-z!/]", value)
    kind = "html" if markup else "text"  # RSS calls plain summaries text/html too
    source = entry.get("source") or {}
    return {
        "id": str(entry.get("id", "")),
        kind: value,
        "title": str(entry.get("title", "")),
        "url": str(entry.get("link", "")),
        "outlet": str(source.get("title", "")) or feed_title,
        "published": str(entry.get("published") or entry.get("updated") or ""),
    }
