"""The GeoNames files a gazetteer build reads: found in a folder or downloaded, then parsed.

Kept apart from the builder so that the network and file-format concerns (zip, gzip, plain
text; HTTP errors turned into messages that name the fix) stay out of the SQLite code. The
readers here return plain records; nothing is written.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from platformdirs import user_cache_dir

from eventcoder.errors import GazetteerError
from eventcoder.settings import GEONAMES_URL

#: Main dumps, most complete first: the first one found is used.
MAIN_DUMPS: tuple[str, ...] = (
    "allCountries",
    "cities500",
    "cities1000",
    "cities5000",
    "cities15000",
)

#: Default download when no folder is given: the smallest dump with every village seat.
DEFAULT_DUMP = "cities500"
ProgressCallback = Callable[[str, int, int], None]

#: Country names people write that GeoNames' countryInfo does not carry.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "SY": ("Syrian Arab Republic",),
    "PS": (
        "Palestine",
        "State of Palestine",
        "Palestinian Territories",
        "Occupied Palestinian Territory",
    ),
    "US": ("United States of America", "USA", "U.S.A.", "US", "U.S.", "America"),
    "GB": ("Britain", "Great Britain", "UK"),
    "RU": ("Russian Federation",),
    "IR": ("Islamic Republic of Iran",),
    "KR": ("Republic of Korea",),
    "KP": ("North Korea", "Democratic People's Republic of Korea"),
    "CD": ("DR Congo", "DRC", "Congo-Kinshasa"),
    "CG": ("Congo-Brazzaville", "Republic of the Congo"),
    "CI": ("Cote d'Ivoire", "Côte d'Ivoire"),
    "MM": ("Burma",),
    "TR": ("Türkiye", "Turkiye"),
    "CZ": ("Czech Republic",),
    "MK": ("Macedonia",),
    "SZ": ("Swaziland",),
    "TL": ("East Timor",),
    "LA": ("Lao PDR",),
    "VN": ("Viet Nam",),
    "AE": ("UAE",),
    "YE": ("Republic of Yemen",),
}


def open_dump(path: Path, member: str | None = None) -> IO[str]:
    """Open a GeoNames text file that may be plain, gzipped or zipped, as UTF-8 text."""
    name = path.name.lower()
    if name.endswith(".zip"):
        archive = zipfile.ZipFile(path)
        wanted = member or path.name[: -len(".zip")] + ".txt"
        names = archive.namelist()
        inner = (
            wanted
            if wanted in names
            else next(
                (n for n in names if n.lower().endswith(".txt") and "readme" not in n.lower()), None
            )
        )
        if inner is None:
            raise GazetteerError(f"{path}: no .txt file inside the zip archive; re-download it")
        return io.TextIOWrapper(archive.open(inner), encoding="utf-8", newline="")
    if name.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def _find(
    folder: Path, base: str, extensions: Sequence[str] = (".txt", ".txt.gz", ".zip", ".gz")
) -> Path | None:
    for extension in extensions:
        candidate = folder / f"{base}{extension}"
        if candidate.is_file():
            return candidate
    return None


def _download(url: str, target: Path, progress: ProgressCallback | None) -> Path:
    """Download ``url`` to ``target`` (via a temporary file), unless it is already cached."""
    if target.is_file() and target.stat().st_size > 0:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    request = urllib.request.Request(url, headers={"User-Agent": "eventcoder gazetteer install"})
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".part")
    try:
        with (
            os.fdopen(handle, "wb") as out,
            urllib.request.urlopen(request, timeout=60) as response,
        ):
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            while chunk := response.read(1 << 20):
                out.write(chunk)
                done += len(chunk)
                if progress:
                    progress(f"download {target.name}", done, total)
        os.replace(temporary, target)
    except urllib.error.HTTPError as error:
        Path(temporary).unlink(missing_ok=True)
        if error.code == 404:
            raise FileNotFoundError(url) from None
        raise GazetteerError(
            f"cannot download {url} (HTTP {error.code}); retry later, or point EVENTCODER_GEONAMES "
            "(or `eventcoder gazetteer install --from DIR`) at a folder of GeoNames dumps"
        ) from None
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        Path(temporary).unlink(missing_ok=True)
        raise GazetteerError(
            f"cannot download {url} ({getattr(error, 'reason', error)}); check the network, or "
            "point "
            "EVENTCODER_GEONAMES (or `eventcoder gazetteer install --from DIR`) at a folder of "
            "GeoNames dumps"
        ) from None
    return target


@dataclass(slots=True)
class DumpSources:
    """The GeoNames files chosen for a build."""

    main: Path | None = None
    admin1: Path | None = None
    admin2: Path | None = None
    country_info: Path | None = None
    country_dumps: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def resolve_sources(
    geonames: str,
    countries: Sequence[str],
    cache_dir: Path | None,
    progress: ProgressCallback | None,
) -> DumpSources:
    """Find (in a folder) or download (from a server) the GeoNames files for a build."""
    sources = DumpSources()
    if geonames and not re.match(r"^https?://", geonames):
        folder = Path(geonames).expanduser()
        if not folder.is_dir():
            raise GazetteerError(
                f"{folder}: GeoNames folder not found; give a folder holding "
                "cities500.txt(.gz/.zip) "
                "and the admin code files, or leave EVENTCODER_GEONAMES empty to download them"
            )
        for base in MAIN_DUMPS:
            sources.main = _find(folder, base)
            if sources.main:
                break
        sources.admin1 = _find(folder, "admin1CodesASCII")
        sources.admin2 = _find(folder, "admin2Codes")
        sources.country_info = _find(folder, "countryInfo")
        for code in countries:
            dump = _find(folder, code.upper(), (".zip", ".txt", ".txt.gz", ".gz"))
            if dump is None:
                sources.warnings.append(
                    f"{folder}: no per-country dump {code.upper()}.zip or {code.upper()}.txt; "
                    "its villages without population are missing (download "
                    f"{GEONAMES_URL}{code.upper()}.zip into the folder)"
                )
            else:
                sources.country_dumps.append(dump)
        if sources.main is None and not sources.country_dumps:
            raise GazetteerError(
                f"{folder}: no GeoNames dump found (expected one of "
                f"{', '.join(b + '.txt/.zip/.gz' for b in MAIN_DUMPS)}); download "
                f"{GEONAMES_URL}{DEFAULT_DUMP}.zip into it"
            )
    else:
        base_url = geonames or GEONAMES_URL
        if not base_url.endswith("/"):
            base_url += "/"
        cache = cache_dir or Path(user_cache_dir("eventcoder", appauthor=False)) / "geonames"
        sources.main = _download(
            f"{base_url}{DEFAULT_DUMP}.zip", cache / f"{DEFAULT_DUMP}.zip", progress
        )
        sources.admin1 = _download(
            f"{base_url}admin1CodesASCII.txt", cache / "admin1CodesASCII.txt", progress
        )
        sources.admin2 = _download(
            f"{base_url}admin2Codes.txt", cache / "admin2Codes.txt", progress
        )
        sources.country_info = _download(
            f"{base_url}countryInfo.txt", cache / "countryInfo.txt", progress
        )
        for code in countries:
            try:
                sources.country_dumps.append(
                    _download(
                        f"{base_url}{code.upper()}.zip", cache / f"{code.upper()}.zip", progress
                    )
                )
            except FileNotFoundError:
                sources.warnings.append(
                    f"{base_url}{code.upper()}.zip does not exist; skipped country {code.upper()}"
                )
    for label, path in (
        ("admin1CodesASCII.txt", sources.admin1),
        ("admin2Codes.txt", sources.admin2),
        ("countryInfo.txt", sources.country_info),
    ):
        if path is None:
            sources.warnings.append(
                f"{label} not found: region and country names will be incomplete"
            )
    return sources


def read_admin_codes(path: Path | None) -> dict[str, tuple[str, str, str]]:
    """admin1CodesASCII / admin2Codes: code -> (name, asciiname, geonameid)."""
    out: dict[str, tuple[str, str, str]] = {}
    if path is None:
        return out
    with open_dump(path) as stream:
        for line in stream:
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) >= 4 and not line.startswith("#"):
                out[parts[0]] = (parts[1], parts[2], parts[3])
    return out


@dataclass(frozen=True, slots=True)
class CountryInfo:
    code: str
    iso3: str
    name: str
    capital: str
    population: int
    geonameid: str


def read_countries(path: Path | None) -> dict[str, CountryInfo]:
    out: dict[str, CountryInfo] = {}
    if path is None:
        return out
    with open_dump(path) as stream:
        for line in stream:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) < 17 or len(parts[0]) != 2:
                continue
            population = int(parts[7]) if parts[7].isdigit() else 0
            out[parts[0]] = CountryInfo(
                parts[0], parts[1], parts[4], parts[5], population, parts[16]
            )
    return out
