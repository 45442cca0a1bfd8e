"""Shared fixtures: the only conftest of the test suite.

Real parts only: the real spaCy model, real GeoNames rows read from the shared data folder,
real SQLite files under ``tmp_path``. The shared folder defaults to ``../shared`` beside the
repository; ``EVENTCODER_SHARED`` points elsewhere.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EVENTCODER_SHARED") or REPO.parent / "shared").resolve()
SAMPLE = SHARED / "samples" / "khan-al-shih-2016.txt"
SAMPLE_PUBLISHED = date(2016, 11, 28)


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.fail(
            f"{path} is missing: the tests read real data from the shared folder; "
            "set EVENTCODER_SHARED to the folder that holds data/, dev/ and samples/"
        )
    return path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared data folder (GeoNames dumps, Syrian place lists, dev data, samples)."""
    return _need(SHARED)


@pytest.fixture(scope="session")
def geonames_dir(shared_dir: Path) -> Path:
    """The local folder of GeoNames dumps (cities500, admin codes)."""
    return _need(shared_dir / "data" / "geonames")


@pytest.fixture(scope="session")
def syria_dir(shared_dir: Path) -> Path:
    """The Syrian place lists (IOM/OSM communities, derived OCHA points, OpenSyria)."""
    return _need(shared_dir / "data" / "syria")


@pytest.fixture(scope="session")
def sample_path() -> Path:
    """Path of the Khan al-Shih sample article (publish it as 2016-11-28, outlet FNA)."""
    return _need(SAMPLE)


@pytest.fixture(scope="session")
def sample_published() -> date:
    """The sample article's publication date."""
    return SAMPLE_PUBLISHED


@pytest.fixture(scope="session")
def sample_text() -> str:
    """The Khan al-Shih sample article (FNA, 2016-11-28)."""
    return _need(SAMPLE).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    """The real spaCy English pipeline, loaded once per test session."""
    from eventcoder.nlp import load_nlp

    return load_nlp()
