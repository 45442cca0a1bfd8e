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


#: Countries of the test gazetteer: the dev data's countries and Syria's neighbours.
GAZETTEER_COUNTRIES: tuple[str, ...] = ("SY", "IQ", "LB", "JO", "TR", "AF", "KE", "BD", "IL", "PS")


@pytest.fixture(scope="session")
def gazetteer_path(tmp_path_factory: pytest.TempPathFactory, geonames_dir: Path, syria_dir: Path,
                   shared_dir: Path) -> Path:
    """A real gazetteer built once per session in a temporary folder.

    GeoNames cities500 (filtered to GAZETTEER_COUNTRIES, plus every national capital) with the
    admin code files, every Syrian place list of the shared folder, and the OCHA Syria boundaries.
    """
    from eventcoder.gazetteer import install_gazetteer

    target = tmp_path_factory.mktemp("gazetteer") / "gazetteer.sqlite"
    install_gazetteer(
        target,
        geonames=str(geonames_dir),
        places=[str(syria_dir)],
        boundaries=[str(_need(shared_dir / "data" / "boundaries"))],
        country_filter=GAZETTEER_COUNTRIES,
    )
    return target


@pytest.fixture(scope="session")
def gazetteer(gazetteer_path: Path):  # type: ignore[no-untyped-def]
    """The session gazetteer, opened once."""
    from eventcoder.gazetteer import Gazetteer

    opened = Gazetteer.open(gazetteer_path)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def geonames_gazetteer(  # type: ignore[no-untyped-def]
    tmp_path_factory: pytest.TempPathFactory, geonames_dir: Path, shared_dir: Path
):
    """A GeoNames-only gazetteer (cities500 for Syria and neighbours, OCHA boundaries, no place
    lists): the villages of the sample are missing from it, as on a machine without local lists."""
    from eventcoder.gazetteer import Gazetteer, install_gazetteer

    target = tmp_path_factory.mktemp("geonames_gazetteer") / "gazetteer.sqlite"
    install_gazetteer(
        target,
        geonames=str(geonames_dir),
        boundaries=[str(_need(shared_dir / "data" / "boundaries"))],
        country_filter=("SY", "LB", "JO", "IL", "PS"),
    )
    opened = Gazetteer.open(target)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def world_gazetteer_path(tmp_path_factory: pytest.TempPathFactory, geonames_dir: Path, syria_dir: Path,
                         shared_dir: Path) -> Path:
    """The gazetteer a user builds: the whole world's cities500, the Syrian lists, OCHA boundaries
    and Natural Earth's country outlines.

    Slower to build than ``gazetteer_path`` (about 20 s), but only with every namesake in the
    world present does an end-to-end test show that none of them is picked by mistake.
    """
    from eventcoder.gazetteer import install_gazetteer

    target = tmp_path_factory.mktemp("world_gazetteer") / "gazetteer.sqlite"
    install_gazetteer(
        target,
        geonames=str(geonames_dir),
        places=[str(syria_dir)],
        boundaries=[
            str(_need(shared_dir / "data" / "boundaries")),
            str(_need(shared_dir / "data" / "naturalearth" / "ne_50m_admin_0_countries.geojson")),
        ],
    )
    return target
