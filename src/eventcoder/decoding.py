"""Bytes to text for :mod:`eventcoder.ingest`: refuse binary files, then find the encoding.

News files arrive as UTF-8, UTF-8 with a BOM, UTF-16 from Windows tools, or a legacy code page.
The order is: a byte-order mark, then UTF-8, then (for HTML) the declared charset, then
charset_normalizer's guess. A poor guess is refused with "re-save it as UTF-8" rather than
decoded into mojibake that would be coded as if it were words.
"""

from __future__ import annotations

import codecs
import re

from eventcoder.errors import UnsupportedInput

#: The fix for any encoding problem.
RESAVE = "re-save it as UTF-8"
_FORMATS_HINT = "eventcoder reads .txt, .md, .html, .jsonl, .csv and RSS/Atom files, optionally .gz"

#: Leading bytes of common binary formats: what the file is, and what to do about it.
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG", "a PNG image", _FORMATS_HINT),
    (b"\xff\xd8\xff", "a JPEG image", _FORMATS_HINT),
    (b"GIF8", "a GIF image", _FORMATS_HINT),
    (b"%PDF", "a PDF", "convert it to text first, e.g. with pdftotext"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx)", "unpack it or save the article as .txt"),
    (b"\x1f\x8b", "gzip-compressed", "give it a .gz suffix, e.g. news.jsonl.gz, or decompress it"),
    (b"SQLite format 3\x00", "an SQLite database", _FORMATS_HINT),
)
#: Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Control bytes that do not occur in text files (tab, newlines, form feed and escape do).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0c\x1b")


def bom_encoding(data: bytes) -> str:
    """The encoding named by the byte-order mark ``data`` starts with, else ""."""
    return next((encoding for bom, encoding in _BOMS if data.startswith(bom)), "")


def check_binary(head: bytes, origin: str) -> None:
    """Refuse images, archives and other binary files, judged from their first bytes.

    Raises:
        UnsupportedInput: the file is binary; the message says what it looks like.
    """
    for magic, what, fix in _MAGIC:
        if head.startswith(magic):
            raise UnsupportedInput(origin, f"is {what}, not text", fix)
    if bom_encoding(head):
        return  # UTF-16/32 text is full of NUL bytes
    # A stray NUL or bell in a text file is dropped by normalize_text; many mean binary data.
    control = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if control > max(2, len(head) * 0.05):
        raise UnsupportedInput(origin, "is a binary file, not text", _FORMATS_HINT)


def decode(data: bytes, origin: str, *, html: bool = False) -> str:
    """Decode a whole document: BOM, then UTF-8, then an HTML meta charset, then detection.

    Raises:
        UnsupportedInput: the encoding cannot be told with confidence.
    """
    encoding = bom_encoding(data) or "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        if encoding != "utf-8":
            raise UnsupportedInput(origin, f"is marked {encoding} but is not", RESAVE) from None
    declared = re.search(rb"""<meta[^>]+charset=["']?([\w-]+)""", data[:4096], re.IGNORECASE)
    if html and declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return data.decode(detect_encoding(data, origin), "replace")


def stream_encoding(head: bytes, origin: str) -> str:
    """The encoding to stream a file with (CSV), judged from its first bytes.

    Raises:
        UnsupportedInput: the head is not UTF-8 and no confident guess exists.
    """
    encoding = bom_encoding(head)
    if encoding:
        return encoding
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return detect_encoding(head, origin)
    return "utf-8"


def detect_encoding(data: bytes, origin: str) -> str:
    """The encoding charset_normalizer finds with good confidence (low chaos, some coherence).

    Raises:
        UnsupportedInput: no confident guess (or charset_normalizer is not installed).
    """
    try:
        import charset_normalizer
    except ImportError:  # pragma: no cover - it ships with requests and trafilatura
        best = None
    else:
        best = charset_normalizer.from_bytes(data[:1_000_000]).best()
    if best is None or best.chaos > 0.2 or best.coherence < 0.1:
        raise UnsupportedInput(origin, "is not UTF-8 and its encoding cannot be told", RESAVE)
    return str(best.encoding)
