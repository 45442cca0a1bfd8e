"""Benchmark the actor resolver against human-coded ACLED notes.

For each ACLED file, every note is parsed with the real spaCy model (``nlp.pipe``) and
:meth:`ActorResolver.find_mentions` runs over each sentence with the row's country and
event date. A gold actor counts as found when it is among the note's resolved actors:

- ``exact``: the ACLED name, character for character;
- ``norm``: after :func:`eventcoder.actor_table.normalize_actor_name` (case, punctuation,
  acronym prefix, regime years and the sub-unit after them).

``agree`` pools actor1 and actor2 (rows without actor2 count only actor1): it is the share
of gold actors the final pipeline could pick from the mentions, an upper bound on its actor
agreement. ``+type`` adds the actor the *gold* event type implies ("Protesters (X)" for
Protests, "Rioters (X)" for Riots, "Civilians (X)" for Violence against civilians): what the
pipeline gets when its classifier is right, since a crowd or a victim is often named only by
the event ("members of BNP clashed with...", "a matatu operator was murdered"), not a noun.
``prec`` is
the share of resolved actors that are one of the row's gold actors (actor1, actor2 or an
associated actor), after normalization; ``n/note`` the mean number of distinct actors a note
yields. The role tables count the syntactic role (:func:`eventcoder.actors.mention_role`) of
the first mention of each found gold actor1 and actor2.

Usage:
    python bench/actors.py                          # every file in ../shared/dev/acled
    python bench/actors.py --sample 500 --seed 1    # quick run
Writes bench/out/actors.json.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from eventcoder.actor_table import country_code, country_name, normalize_actor_name
from eventcoder.actors import ActorResolver, mention_role
from eventcoder.nlp import load_nlp

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EVENTCODER_SHARED") or REPO.parent / "shared")
#: The actor an event type implies when no word names it (ACLED codebook: protests are
#: coded "Protesters (X)", riots "Rioters (X)", violence against civilians targets "Civilians (X)").
TYPE_ACTORS = {
    "Protests": "Protesters",
    "Riots": "Rioters",
    "Violence against civilians": "Civilians",
}
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%b-%y", "%d-%m-%y", "%d/%m/%Y", "%m/%d/%Y")


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of an ACLED CSV (plain or gzipped)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def parse_date(text: str) -> date | None:
    """An ACLED event_date in any of the formats the dev files use."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def bench_file(
    path: Path, resolver: ActorResolver, nlp, sample: int, seed: int, batch: int
) -> dict:  # type: ignore[no-untyped-def]
    """Score one ACLED file; returns the per-file result dict."""
    rows = [r for r in read_rows(path) if r.get("notes", "").strip()]
    if sample and sample < len(rows):
        rows = random.Random(seed).sample(rows, sample)
    counts: Counter[str] = Counter()
    roles: dict[str, Counter[str]] = {"actor1": Counter(), "actor2": Counter()}
    missed: Counter[str] = Counter()
    extra: Counter[str] = Counter()
    examples: list[dict[str, object]] = []
    start = time.perf_counter()
    notes = ((row["notes"], row) for row in rows)
    for doc, row in nlp.pipe(notes, as_tuples=True, batch_size=batch):
        iso2 = country_code(row.get("country", ""))
        on = parse_date(row.get("event_date", ""))
        mentions = [
            m for sent in doc.sents for m in resolver.find_mentions(sent, country=iso2, on=on)
        ]
        names = {m.actor.name for m in mentions}
        implied = TYPE_ACTORS.get(row.get("event_type", ""))
        crowd_names = names | {f"{implied} ({country_name(iso2)})"} if implied else names
        normed = {normalize_actor_name(n) for n in names}
        crowd_normed = {normalize_actor_name(n) for n in crowd_names}
        gold_all = {
            normalize_actor_name(n.strip())
            for column in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")
            for n in (row.get(column) or "").split(";")
            if n.strip()
        }
        counts["notes"] += 1
        counts["predicted"] += len(names)
        counts["predicted_in_gold"] += sum(1 for n in normed if n in gold_all)
        for slot in ("actor1", "actor2"):
            gold = (row.get(slot) or "").strip()
            if not gold:
                continue
            key = normalize_actor_name(gold)
            counts[f"{slot}_n"] += 1
            counts[f"{slot}_exact"] += gold in names
            counts[f"{slot}_norm"] += key in normed
            counts[f"{slot}_crowd"] += key in crowd_normed
            if key in normed:
                first = next(m for m in mentions if normalize_actor_name(m.actor.name) == key)
                roles[slot][mention_role(doc, first)] += 1
            elif key not in crowd_normed:
                missed[gold] += 1
                if len(examples) < 25:
                    examples.append(
                        {
                            "slot": slot,
                            "gold": gold,
                            "found": sorted(names),
                            "note": row["notes"][:300],
                        }
                    )
        for name in names:
            if normalize_actor_name(name) not in gold_all:
                extra[name] += 1
    seconds = time.perf_counter() - start

    def share(hit: str, total: str) -> float:
        return round(counts[hit] / counts[total], 4) if counts[total] else 0.0

    pooled_n = counts["actor1_n"] + counts["actor2_n"]
    return {
        "file": path.name,
        "notes": counts["notes"],
        "seconds": round(seconds, 1),
        "actor1": {k: share(f"actor1_{k}", "actor1_n") for k in ("exact", "norm", "crowd")},
        "actor2": {k: share(f"actor2_{k}", "actor2_n") for k in ("exact", "norm", "crowd")},
        "agree": {
            k: round((counts[f"actor1_{k}"] + counts[f"actor2_{k}"]) / pooled_n, 4)
            if pooled_n
            else 0.0
            for k in ("exact", "norm", "crowd")
        },
        "precision_norm": share("predicted_in_gold", "predicted"),
        "actors_per_note": round(counts["predicted"] / max(1, counts["notes"]), 2),
        "roles": {slot: dict(c.most_common()) for slot, c in roles.items()},
        "missed": dict(missed.most_common(20)),
        "extra": dict(extra.most_common(15)),
        "examples": examples,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print a table and write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "files", nargs="*", type=Path, help="ACLED CSVs (default: shared dev files)"
    )
    parser.add_argument("--sample", type=int, default=0, help="notes per file (0 = all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--model", default="", help="spaCy model (default: eventcoder's)")
    parser.add_argument("--table", type=Path, default=None, help="alias table (default: packaged)")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "actors.json")
    args = parser.parse_args(argv)
    files = args.files or sorted((SHARED / "dev" / "acled").glob("*.csv*"))
    if not files:
        print(f"no ACLED files found in {SHARED / 'dev' / 'acled'}", file=sys.stderr)
        return 1
    nlp = load_nlp(args.model)
    resolver = ActorResolver.load(args.table)
    results = [bench_file(f, resolver, nlp, args.sample, args.seed, args.batch_size) for f in files]

    header = (
        f"{'file':34} {'notes':>6} | {'a1 ex':>6} {'a1 nm':>6} | {'a2 ex':>6} {'a2 nm':>6} | "
        f"{'agree ex':>8} {'nm':>6} {'+type':>6} | {'prec':>5} {'n/note':>6} {'sec':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['file']:34} {r['notes']:>6} | {r['actor1']['exact']:>6.3f} {r['actor1']['norm']:>6.3f} | "
            f"{r['actor2']['exact']:>6.3f} {r['actor2']['norm']:>6.3f} | {r['agree']['exact']:>8.3f} "
            f"{r['agree']['norm']:>6.3f} {r['agree']['crowd']:>6.3f} | {r['precision_norm']:>5.3f} "
            f"{r['actors_per_note']:>6} {r['seconds']:>6}"
        )
    print()
    for r in results:
        print(f"{r['file']}: roles of found actor1 {r['roles']['actor1']}")
        print(f"{' ' * len(r['file'])}  roles of found actor2 {r['roles']['actor2']}")
        print(f"{' ' * len(r['file'])}  most missed {list(r['missed'].items())[:8]}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"sample": args.sample, "seed": args.seed, "results": results}
    args.out.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
