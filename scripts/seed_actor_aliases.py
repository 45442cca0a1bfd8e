"""Draft alias-table rows from ACLED CSV files, for a person to review into data/actors.csv.

The committed alias table is not a dump of ACLED rows: it maps the words reports use to ACLED
names. This recipe only proposes candidates, so a reviewer starts from the actors that cover
most rows instead of a blank page. For each ACLED actor (actor1, actor2 and the assoc_actor
columns) that occurs at least ``--min-rows`` times it writes:

- the derived spellings of the ACLED name: the name itself, the name without its acronym
  prefix ("QSD: Syrian Democratic Forces" -> "Syrian Democratic Forces"), the acronym ("QSD"),
  and the name without its qualifier ("Islamic State (Syria)" -> "Islamic State");
- the word sequences (1-4 words) of the ``notes`` that are most specific to rows coded with
  that actor (seen in at least ``--min-support`` of its rows and at least ``--min-ratio``
  times more often there than elsewhere): the ways coders' sources write the name.

Every draft row has the actor's most common inter code, the file's country, empty validity
dates (dates come from the reviewer: ACLED renames groups and regimes), and a ``note`` with the
evidence (rows, share of the actor's rows). Review: delete wrong candidates, merge spellings,
set kind (named/state/generic/unidentified), add validity dates, and drop the note counts.

Usage:
    python scripts/seed_actor_aliases.py ../shared/dev/acled/*.csv.gz -o bench/out/actors_draft.csv
"""

from __future__ import annotations

import argparse
import csv
import gzip
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

from eventcoder.actors import ALIAS_COLUMNS, country_code, parse_inter

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_STOP = frozenset(
    {
        "the",
        "a",
        "an",
        "of",
        "in",
        "and",
        "or",
        "on",
        "at",
        "to",
        "by",
        "with",
        "from",
        "for",
        "was",
        "were",
        "is",
        "are",
        "been",
        "be",
        "as",
        "that",
        "this",
        "took",
        "place",
        "clashes",
        "clash",
        "between",
        "against",
        "after",
        "killed",
        "wounded",
        "reported",
        "fatalities",
        "no",
        "coded",
        "unknown",
        "number",
        "area",
        "areas",
        "village",
        "town",
        "city",
        "countryside",
        "near",
    }
)


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of an ACLED CSV (plain or gzipped) as dicts of strings."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def row_actors(row: dict[str, str]) -> list[tuple[str, int]]:
    """(ACLED name, inter) for every actor of a row; assoc actors get the main actor's inter."""
    found: list[tuple[str, int]] = []
    for actor, assoc, inter in (
        ("actor1", "assoc_actor_1", "inter1"),
        ("actor2", "assoc_actor_2", "inter2"),
    ):
        code = parse_inter(row.get(inter, "") or "")
        if row.get(actor):
            found.append((row[actor].strip(), code))
        for name in (row.get(assoc) or "").split(";"):
            if name.strip():
                found.append((name.strip(), 0))
    return found


def derived_spellings(name: str) -> list[str]:
    """Spellings of an ACLED name a report may use verbatim."""
    spellings = [name]
    prefix = re.match(r"^([^\s:]{1,12}):\s+(.+)$", name)
    if prefix:
        spellings += [prefix.group(2), prefix.group(1)]
    bare = re.sub(r"\s*\([^)]*\)\s*$", "", spellings[-2] if prefix else name).strip()
    if bare and bare not in spellings and "{" not in bare:
        spellings.append(bare)
    return spellings


def ngrams(text: str, longest: int = 4) -> set[str]:
    """Word sequences of up to ``longest`` words that do not start or end with a stop word."""
    words = _WORD.findall(text)
    grams: set[str] = set()
    for size in range(1, longest + 1):
        for start in range(len(words) - size + 1):
            gram = words[start : start + size]
            if gram[0].lower() in _STOP or gram[-1].lower() in _STOP:
                continue
            grams.add(" ".join(gram))
    return grams


def draft(
    paths: list[Path], min_rows: int, min_support: float, min_ratio: float, per_actor: int = 25
) -> list[dict[str, str]]:
    """Draft alias rows for the actors of ``paths`` (see the module docstring)."""
    drafted: list[dict[str, str]] = []
    for path in paths:
        rows = list(read_rows(path))
        if not rows:
            continue
        iso2 = country_code(rows[0].get("country", ""))
        actor_rows: dict[str, list[int]] = defaultdict(list)
        inters: dict[str, Counter[int]] = defaultdict(Counter)
        grams_of: list[set[str]] = []
        overall: Counter[str] = Counter()
        for index, row in enumerate(rows):
            grams = ngrams(row.get("notes", ""))
            grams_of.append(grams)
            overall.update(grams)
            for name, inter in row_actors(row):
                actor_rows[name].append(index)
                if inter:
                    inters[name][inter] += 1
        for name, indices in sorted(actor_rows.items(), key=lambda item: -len(item[1])):
            if len(indices) < min_rows:
                break
            inter = inters[name].most_common(1)[0][0] if inters[name] else 0
            generic = re.search(rf"\(({re.escape(rows[0].get('country', ''))})\)$", name)
            template = (
                name.replace(f"({rows[0].get('country', '')})", "({country})") if generic else name
            )
            seen: set[str] = set()
            for spelling in derived_spellings(template):
                seen.add(spelling.lower())
                drafted.append(
                    _draft_row(spelling, template, inter, iso2, f"derived; {len(indices)} rows")
                )
            inside: Counter[str] = Counter()
            for index in indices:
                inside.update(grams_of[index])
            proposed = 0
            for gram, count in inside.most_common(400):
                support = count / len(indices)
                if support < min_support or proposed >= per_actor:
                    break
                rest = (overall[gram] - count) / max(1, len(rows) - len(indices))
                if gram.lower() in seen or support < min_ratio * rest:
                    continue
                seen.add(gram.lower())
                proposed += 1
                drafted.append(
                    _draft_row(gram, template, inter, iso2, f"notes; {count}/{len(indices)} rows")
                )
    return drafted


def _draft_row(alias: str, name: str, inter: int, iso2: str, note: str) -> dict[str, str]:
    return {
        "alias": alias,
        "acled_name": name,
        "inter": str(inter or ""),
        "country": iso2,
        "valid_from": "",
        "valid_to": "",
        "kind": "named",
        "note": f"DRAFT {note}",
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: write the draft CSV."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("files", nargs="+", type=Path, help="ACLED CSV files (.csv or .csv.gz)")
    parser.add_argument("-o", "--output", type=Path, help="draft CSV to write (default: stdout)")
    parser.add_argument("--min-rows", type=int, default=10, help="skip actors with fewer rows")
    parser.add_argument("--min-support", type=float, default=0.05, help="share of the actor's rows")
    parser.add_argument("--min-ratio", type=float, default=8.0, help="specificity to the actor")
    parser.add_argument("--per-actor", type=int, default=25, help="most note phrases per actor")
    args = parser.parse_args(argv)
    drafted = draft(args.files, args.min_rows, args.min_support, args.min_ratio, args.per_actor)
    handle = args.output.open("w", encoding="utf-8", newline="") if args.output else sys.stdout
    try:
        writer = csv.DictWriter(handle, fieldnames=list(ALIAS_COLUMNS))
        writer.writeheader()
        writer.writerows(drafted)
    finally:
        if args.output:
            handle.close()
    print(f"{len(drafted)} draft rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
