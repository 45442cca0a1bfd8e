"""The ``eventcoder`` command line: thin wrappers over the library functions.

Every command parses options, builds the :class:`~eventcoder.settings.Settings`, calls one
library function and renders the result. Domain errors (:class:`EventcoderError`) become a
one-line message and exit status 1 (2 for bad usage, 130 for Ctrl-C); nothing else is printed
for them, because the message already names the file and the fix.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from eventcoder.errors import EventcoderError
from eventcoder.models import Event

F = TypeVar("F", bound=Callable[..., Any])

err = Console(stderr=True, soft_wrap=True)


def _fail_cleanly(command: F) -> F:
    """Turn domain errors into one-line messages and Ctrl-C into exit status 130."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except EventcoderError as error:
            raise click.ClickException(str(error)) from None
        except KeyboardInterrupt:
            err.print("[yellow]interrupted[/]: everything coded so far is saved; run the same command again to resume")
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2016-11-28") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="eventcoder")
@click.option("-v", "--verbose", is_flag=True, help="Log what each stage does.")
def main(verbose: bool) -> None:
    """Turn news reports of armed conflict into ACLED-style, geolocated, traceable events."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    # Dask logs every worker's start at INFO through the root handler; keep it for --verbose.
    logging.getLogger("distributed").setLevel(logging.INFO if verbose else logging.WARNING)


# ------------------------------------------------------------------------------------------
# gazetteer


@main.group()
def gazetteer() -> None:
    """Build and inspect the GeoNames gazetteer (SQLite, no server)."""


@gazetteer.command("install")
@click.option("--from", "source", metavar="DIR|URL", help="Folder (or mirror URL) of GeoNames dumps. "
              "Default: $EVENTCODER_GEONAMES, else the official GeoNames server.")
@click.option("--countries", metavar="CC[,CC]", help="Also add full per-country dumps, e.g. SY (every village).")
@click.option("--places", "places", multiple=True, metavar="PATH", help="Place list (CSV, GeoJSON, JSON, or a folder); repeatable. Default: $EVENTCODER_PLACES.")
@click.option("--boundaries", multiple=True, metavar="PATH", help="Admin boundary GeoJSON (admin1/admin2 by point-in-polygon; Natural Earth admin-0 countries put each country at its middle); repeatable. Default: $EVENTCODER_BOUNDARIES.")
@click.option("--gazetteer", "path", type=click.Path(path_type=Path), help="Where to write it. Default: $EVENTCODER_GAZETTEER or the data directory.")
@_fail_cleanly
def gazetteer_install(source: str | None, countries: str | None, places: tuple[str, ...],
                      boundaries: tuple[str, ...], path: Path | None) -> None:
    """Build the gazetteer from GeoNames dumps, place lists and boundary files."""
    from eventcoder.gazetteer import install_gazetteer
    from eventcoder.settings import load_settings

    settings = load_settings(
        gazetteer=path,
        geonames=source,
        places=list(places) or None,
        boundaries=list(boundaries) or None,
        countries=countries.split(",") if countries else None,
    )
    err.print(f"building the gazetteer at {settings.gazetteer} from {settings.geonames or 'the GeoNames server'}")
    with _progress() as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)

        info = install_gazetteer(
            settings.gazetteer,
            geonames=settings.geonames,
            countries=settings.countries,
            places=settings.places,
            boundaries=settings.boundaries,
            progress=progress,
        )
    for warning in info.warnings:
        err.print(f"[yellow]warning[/]: {warning}")
    err.print(f"[green]done[/]: {info.rows:,} places, {info.names:,} names -> {info.path}")


@gazetteer.command("info")
@click.option("--gazetteer", "path", type=click.Path(path_type=Path), help="Gazetteer file. Default: the installed one.")
@_fail_cleanly
def gazetteer_info(path: Path | None) -> None:
    """Show what the installed gazetteer holds."""
    from eventcoder.gazetteer import Gazetteer
    from eventcoder.settings import load_settings

    settings = load_settings(gazetteer=path)
    gaz = Gazetteer.open(settings.gazetteer)
    try:
        info = gaz.info()
    finally:
        gaz.close()
    click.echo(f"path:      {info.path}")
    click.echo(f"places:    {info.rows:,}")
    click.echo(f"names:     {info.names:,}")
    click.echo(f"built:     {info.built}")
    click.echo(f"countries: {len(info.countries)}")
    for source in info.sources:
        click.echo(f"source:    {source}")


# ------------------------------------------------------------------------------------------
# code


def _input_options(command: F) -> F:
    """Options shared by the commands that read articles."""
    command = click.option("--country", metavar="CC", help="Country the reports are about, for texts that name no place (ISO code or name).")(command)
    command = click.option("--outlet", metavar="NAME", help="Outlet for inputs that do not name one, e.g. FNA.")(command)
    command = click.option("--published", metavar="YYYY-MM-DD", callback=_parse_date,
                           help="Publication date for inputs that carry none; relative dates resolve against it.")(command)
    command = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))(command)
    return command


@main.command()
@_input_options
@click.option("--db", type=click.Path(path_type=Path), help="Event database (SQLite file). Default: $EVENTCODER_DB or the data directory.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "csv", "geojson"]), default="table", show_default=True,
              help="How to print the events of these inputs.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the events to this file instead of standard output.")
@click.option("--gazetteer", "gazetteer_path", type=click.Path(path_type=Path), help="Gazetteer file. Default: the installed one.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: this process; dask: partition the inputs over a Dask cluster.")
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler address (with --engine dask). Default: a LocalCluster.")
@click.option("--workers", type=int, default=2, show_default=True, help="Workers of the LocalCluster (with --engine dask).")
@_fail_cleanly
def code(paths: tuple[Path, ...], published: date | None, outlet: str | None, country: str | None, db: Path | None, fmt: str,
         output: Path | None, gazetteer_path: Path | None, engine: str, scheduler: str | None, workers: int) -> None:
    """Code news articles (text, HTML, JSONL, RSS/Atom, CSV, folders) into events."""
    from eventcoder.settings import load_settings
    from eventcoder.store import Store

    if fmt == "table" and output is not None:
        raise click.UsageError("--format table prints for people; use jsonl, csv or geojson with -o")
    settings = load_settings(db=db, gazetteer=gazetteer_path)
    with Store.open(settings.db) as store, _progress() as bar:
        task = bar.add_task("coding", total=None)

        def progress(done: int, events: int, failed: int) -> None:
            bar.update(task, completed=done, description=f"coding: {events} events, {failed} failed")

        if engine == "dask":
            from eventcoder.distributed import run_on_dask

            report = run_on_dask(settings, list(paths), store, published=published, outlet=outlet,
                                 country=country, scheduler=scheduler, workers=workers, progress=progress)
        else:
            from eventcoder.pipeline import Pipeline

            report = Pipeline(settings).run(list(paths), store, published=published, outlet=outlet,
                                            country=country, progress=progress)
        bar.stop()
        summary = report.summary
        err.print(
            f"{summary.articles} article(s) coded, {summary.skipped} already coded, "
            f"{summary.failed} failed -> {settings.db}"
        )
        for failure in report.failures:
            err.print(f"[red]failed[/]: {failure.message}")
        _render(_events_of(store, report.article_ids), fmt, output)
    if report.failures and not report.article_ids:
        sys.exit(1)


def _events_of(store: Any, article_ids: Sequence[str], chunk: int = 10_000) -> Iterable[Event]:
    """The stored events of these articles, streamed in chunks (no limit on the article count)."""
    for start in range(0, len(article_ids), chunk):
        yield from store.events(article_ids=article_ids[start : start + chunk])


def _render(events: Iterable[Event], fmt: str, output: Path | None) -> None:
    from eventcoder.export import export_to_path, write_events

    if fmt == "table":
        Console(width=None if sys.stdout.isatty() else 200).print(events_table(events))
        return
    if output is not None:
        count = export_to_path(events, output, fmt)
        err.print(f"wrote {count} event(s) to {output}")
        return
    count = write_events(events, fmt, sys.stdout)
    err.print(f"{count} event(s)")


def events_table(events: Iterable[Event]) -> Table:
    """A readable table of events for the terminal."""
    table = Table(show_lines=False, header_style="bold", expand=False)
    for column in ("date", "type", "actor1", "actor2", "location", "admin1", "lat", "lon", "geo", "dead", "modality", "conf"):
        table.add_column(column, overflow="fold")
    for event in events:
        table.add_row(
            event.event_date.isoformat() if event.event_date else "",
            event.sub_event_type,
            event.actor1,
            event.actor2,
            event.location,
            event.admin1,
            f"{event.latitude:.4f}" if event.latitude is not None else "",
            f"{event.longitude:.4f}" if event.longitude is not None else "",
            str(event.geo_precision),
            str(event.fatalities),
            event.modality,
            f"{event.confidence:.2f}",
        )
    return table


# ------------------------------------------------------------------------------------------
# geoparse


@main.command()
@_input_options
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True)
@click.option("--gazetteer", "gazetteer_path", type=click.Path(path_type=Path), help="Gazetteer file. Default: the installed one.")
@click.option("--modifiers/--no-modifiers", default=True, show_default=True,
              help="Also places named by adjectives and inside other names ('Russian', 'U.S. military', 'Texas Department of ...').")
@_fail_cleanly
def geoparse(paths: tuple[Path, ...], published: date | None, outlet: str | None, country: str | None, fmt: str,
             gazetteer_path: Path | None, modifiers: bool) -> None:
    """Find and resolve the place names in articles (no event coding)."""
    from eventcoder.actor_table import country_code
    from eventcoder.gazetteer import Gazetteer
    from eventcoder.geoparse import geoparse as geoparse_doc
    from eventcoder.ingest import read_inputs
    from eventcoder.models import Failure
    from eventcoder.nlp import load_nlp, parse
    from eventcoder.settings import load_settings

    settings = load_settings(gazetteer=gazetteer_path)
    gaz = Gazetteer.open(settings.gazetteer)
    nlp = load_nlp(settings.spacy_model)
    failures: list[Failure] = []

    def articles() -> Iterable[Any]:
        for item in read_inputs(paths, published=published, outlet=outlet, country=country, max_chars=settings.max_chars):
            if isinstance(item, Failure):
                failures.append(item)
                err.print(f"[red]failed[/]: {item.message}")
            else:
                yield item

    rows: list[dict[str, Any]] = []
    for article, doc in parse(articles(), nlp, batch_size=settings.batch_size):
        found = geoparse_doc(
            doc, gaz, article.id, countries=tuple(filter(None, [country_code(article.country)])), modifiers=modifiers
        )
        if fmt == "jsonl":
            for row in found:
                sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            rows += found
    if fmt == "table":
        table = Table(header_style="bold")
        for column in ("article", "text", "name", "country", "admin1", "lat", "lon", "score", "reason"):
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(
                str(row["article_id"])[:8], row["text"], row["name"] or "-", row["country"] or "", row["admin1"] or "",
                "" if row["latitude"] is None else f"{row['latitude']:.4f}",
                "" if row["longitude"] is None else f"{row['longitude']:.4f}",
                f"{row['score']:.2f}", row["reason"],
            )
        Console().print(table)
    if failures:
        err.print(f"{len(failures)} input(s) failed")


# ------------------------------------------------------------------------------------------
# export


@main.command()
@click.option("--db", type=click.Path(path_type=Path), help="Event database. Default: $EVENTCODER_DB or the data directory.")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "geojson"]), default=None,
              help="Output format. Default: from the file suffix, else csv.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output file. Default: standard output.")
@click.option("--extras", is_flag=True, help="CSV only: append eventcoder's extra columns (evidence, modality, ...).")
@_fail_cleanly
def export(db: Path | None, fmt: str | None, output: Path | None, extras: bool) -> None:
    """Export every stored event as ACLED CSV, GeoJSON or JSONL."""
    from eventcoder.export import export_to_path, write_events
    from eventcoder.settings import load_settings
    from eventcoder.store import Store

    settings = load_settings(db=db)
    if not settings.db.exists():
        raise EventcoderError(f"{settings.db}: no event database here; code some articles first (eventcoder code PATH)")
    with Store.open(settings.db) as store:
        if output is not None:
            count = export_to_path(store.events(), output, fmt, extras=extras)
            err.print(f"wrote {count} event(s) to {output}")
        else:
            count = write_events(store.events(), fmt or "csv", sys.stdout, extras=extras)
            err.print(f"{count} event(s)")


# ------------------------------------------------------------------------------------------
# evaluate and train


@main.command()
@click.argument("gold", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--sample", type=int, metavar="N", help="Code only N random rows of each file (quick runs).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of --sample.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (every number, per-row detail).")
@click.option("--figures", type=click.Path(path_type=Path), metavar="DIR",
              help="Write the confusion matrix and the location error map (PNG) into DIR.")
@click.option("--gazetteer", "gazetteer_path", type=click.Path(path_type=Path), help="Gazetteer file. Default: the installed one.")
@_fail_cleanly
def evaluate(gold: tuple[Path, ...], sample: int | None, seed: int, as_json: bool, figures: Path | None,
             gazetteer_path: Path | None) -> None:
    """Measure agreement with human-coded ACLED files (any ACLED CSV download)."""
    from eventcoder.evaluate import evaluate as run_evaluation
    from eventcoder.evaluate import report_table, write_figures
    from eventcoder.settings import load_settings

    settings = load_settings(gazetteer=gazetteer_path)
    with _progress() as bar:
        task = bar.add_task("coding notes", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = run_evaluation(list(gold), settings, sample=sample, seed=seed, progress=progress)
    if as_json:
        click.echo(json.dumps(report.to_json(include_rows=True), ensure_ascii=False, indent=2))
    else:
        Console(width=None if sys.stdout.isatty() else 160).print(report_table(report))
    if figures is not None:
        for path in write_figures(report, figures):
            err.print(f"wrote {path}")


@main.command()
@click.argument("acled", nargs=-1, type=click.Path(path_type=Path))
@click.option("--negatives", multiple=True, type=click.Path(path_type=Path), metavar="PATH",
              help="Eventless text (article CSV or PLOVER JSON) for the no-event class; repeatable.")
@click.option("--shared", type=click.Path(path_type=Path), metavar="DIR",
              help="Train on the dev data of this shared folder (dev/acled, dev/articles, dev/plover).")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), required=True, metavar="DIR",
              help="Where to write the trained classifier (model.json, weights.npz).")
@click.option("--seed", type=int, default=0, show_default=True)
@_fail_cleanly
def train(acled: tuple[Path, ...], negatives: tuple[Path, ...], shared: Path | None, out_dir: Path, seed: int) -> None:
    """Train the sub-event classifier on ACLED notes (the packaged one: --shared ../shared)."""
    from eventcoder.train import dev_training_files, train_classifier

    files, negative_files = list(acled), list(negatives)
    if shared is not None:
        dev_files, dev_negatives = dev_training_files(shared)
        files, negative_files = files + dev_files, negative_files + dev_negatives
    if not files:
        raise click.UsageError("give ACLED CSV files to train on, or --shared DIR for the dev data")
    err.print(f"training on {len(files)} ACLED file(s) and {len(negative_files)} negative source(s)")
    report = train_classifier(files, out_dir, negatives=negative_files, seed=seed)
    err.print(f"[green]done[/] in {report.seconds:.0f} s: {report.notes} notes, {report.negatives} negatives, "
              f"{len(report.classes)} classes -> {report.out_dir}")


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


if __name__ == "__main__":  # pragma: no cover
    main()
