"""Every exception eventcoder raises, in one place so users can see what to catch.

    EventcoderError                 base class; ``str(error)`` is one line naming the fix
    ├── ConfigError                 a bad setting, option or environment variable
    ├── IngestError                 an input file or line that cannot be read as an article
    │   └── UnsupportedInput        binary, empty, non-English, unknown encoding or format
    ├── ModelNotFound               the spaCy model (or another packaged model) is not installed
    ├── GazetteerError              the gazetteer is missing, corrupt, or cannot be built
    ├── StoreError                  the event database cannot be opened or written
    ├── ExportError                 an export format or target that cannot be written
    └── EvaluationError             a gold file that is not ACLED-shaped

``Drop`` is not an error: a stage raises it to filter a record out on purpose (a sentence that
reports no event), so that filtering is never confused with failing.

Messages are written for the person at the terminal: they name the file (when there is one)
and say what to do next.
"""

from __future__ import annotations


class EventcoderError(Exception):
    """Base class of every error eventcoder raises on purpose."""


class ConfigError(EventcoderError):
    """A setting, CLI option or ``EVENTCODER_*`` environment variable is invalid."""


class IngestError(EventcoderError):
    """An input cannot be read as an article.

    Args:
        origin: the file (and line, for JSONL) that failed, e.g. ``"news.jsonl:12"``.
        problem: what is wrong, one clause.
        fix: what the user can do about it, one clause.
    """

    def __init__(self, origin: str, problem: str, fix: str = "") -> None:
        self.origin = origin
        self.problem = problem
        self.fix = fix
        message = f"{origin}: {problem}"
        if fix:
            message += f" ({fix})"
        super().__init__(message)


class UnsupportedInput(IngestError):
    """The input is readable but not something eventcoder can code (binary, empty, not English)."""


class ModelNotFound(EventcoderError):
    """A model eventcoder needs is not installed; the message gives the install command."""


class GazetteerError(EventcoderError):
    """The gazetteer is missing, unreadable or cannot be built; the message names the fix."""


class StoreError(EventcoderError):
    """The event database cannot be opened, migrated or written."""


class ExportError(EventcoderError):
    """An export cannot be written (unknown format, unwritable path)."""


class EvaluationError(EventcoderError):
    """A gold-standard file is not in ACLED's shape (missing columns, unreadable)."""


class Drop(Exception):
    """Raised by a stage to filter a record out on purpose. Not an error."""
