"""`co2calc`: generate a synthetic institution, ingest a file, run the pipeline, build a what-if, publish an
inventory and explain its changes, purge old data, serve the demo."""

import logging
import sys
from pathlib import Path
from types import TracebackType
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperGroup
from typer.exceptions import TyperException

from config.settings import Settings, get_settings

console = Console()
errors = Console(stderr=True, highlight=False, soft_wrap=True)


def failure_sentence(error: BaseException) -> str:
    """One sentence for an operator about why a command stopped (the traceback is for `--debug`)."""
    import pydantic
    import sqlalchemy as sa

    from ingest.migrate import MigrationError, SchemaBehind
    from pipelines.warehouse import is_transient_database_error

    causes = []
    while error is not None and error not in causes:
        causes.append(error)
        error = error.__cause__ or error.__context__
    for cause in causes:
        if isinstance(cause, SchemaBehind | MigrationError):
            return str(cause)
        if isinstance(cause, pydantic.ValidationError):
            # The settings' own sentences, naming the variable (never the value, which may be a secret).
            return "; ".join(
                (f"CO2CALC_{str(problem['loc'][0]).upper()}: " if problem["loc"] else "")
                + problem["msg"].removeprefix("Value error, ")
                for problem in cause.errors()
            )
        if isinstance(cause, sa.exc.DBAPIError):
            reason = (
                str(cause.orig).strip().splitlines()[0] if cause.orig is not None else type(cause).__name__
            )
            if is_transient_database_error(cause):
                return (
                    f"the warehouse database stopped answering or gave up ({reason}); the command's open transaction "
                    "was rolled back: run it again once PostgreSQL answers"
                )
            return (
                f"the warehouse database refused the command ({reason}); its open transaction was rolled back"
            )
    first = causes[0]
    reason = str(first).strip().splitlines()[0] if str(first).strip() else "no message"
    return f"{type(first).__name__}: {reason}"


class OneSentenceErrors(TyperGroup):
    """Every command's failure as one sentence on stderr and exit status 1; `co2calc --debug` keeps the traceback
    (issue 11: a database that went away gave a 235-line traceback from `co2calc ingest`)."""

    def invoke(self, ctx: typer.Context) -> Any:
        if ctx.params.get("debug"):
            return super().invoke(ctx)
        # psycopg2 prints an error of its writer thread through sys.excepthook when the server goes away mid-COPY
        # (an AdminShutdown, then a SystemError of its own): kept for --debug, not printed beside the sentence.
        printed_by_default = sys.excepthook
        sys.excepthook = _only_with_debug
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except Exception as error:
            errors.print(
                f"[red]co2calc {ctx.invoked_subcommand}: {escape(failure_sentence(error))}[/red] "
                f"(co2calc --debug {ctx.invoked_subcommand} … prints the traceback)",
            )
            raise typer.Exit(1) from None
        finally:
            sys.excepthook = printed_by_default


def _only_with_debug(
    kind: type[BaseException], error: BaseException, traceback: TracebackType | None
) -> None:
    """An error a library reports outside the command's own flow: logged at debug level, not printed (run with
    --debug to see it)."""
    logging.getLogger(__name__).debug(
        "reported outside the command's flow", exc_info=(kind, error, traceback)
    )


# Tracebacks without local variables: they hold whole data frames (and personal data).
app = typer.Typer(
    cls=OneSentenceErrors,
    help="co2calc: the greenhouse-gas footprint of an institution and its labs.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def main(
    debug: Annotated[
        bool, typer.Option("--debug", help="On a failure, print the full traceback, not one sentence.")
    ] = False,
) -> None:
    """co2calc: the greenhouse-gas footprint of an institution and its labs."""


def _database_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    console.print(
        "[red]CO2CALC_DATABASE_URL is not set.[/red] Set it, or use `co2calc demo`, "
        "which starts an embedded PostgreSQL."
    )
    raise typer.Exit(2)


@app.command()
def migrate() -> None:
    """Bring the warehouse schema to this version (ingest/sql/migrations): run once per deploy, before loads."""
    from ingest.migrate import describe_migration
    from ingest.migrate import migrate as run_migrations
    from pipelines.warehouse import engine_for

    engine = engine_for(_database_url(get_settings()))
    try:
        console.print(
            describe_migration(run_migrations(engine, applied_by="co2calc migrate")), highlight=False
        )
    finally:
        engine.dispose()


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="Folder to write the CSV files into.")],
    scale: Annotated[float, typer.Option(help="Volume multiplier: 1 = ~500 labs.")] = 1.0,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed writes the same files.")] = 42,
) -> None:
    """Write a synthetic university (units, headcount, flights, trains for three years) as CSV files."""
    from ingest.synthetic import generate_institution

    files = generate_institution(out, scale=scale, seed=seed)
    for path in files:
        console.print(f"wrote {path}")


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The CSV or XLSX file to load.")],
    source: Annotated[str, typer.Option(help="units, headcount, travel_planes or travel_trains.")],
    year: Annotated[
        int | None, typer.Option(help="Reporting year; default: the _YYYY suffix of the name.")
    ] = None,
    unit: Annotated[str | None, typer.Option(help="Unit of an end-user file (no unit column).")] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Encoding of a CSV file (utf-8, cp1252...); default: detected.")
    ] = None,
    delimiter: Annotated[
        str | None, typer.Option(help="',' or ';'; default: detected from the header.")
    ] = None,
    decimal: Annotated[
        str | None,
        typer.Option(help="Decimal separator '.' or ','; default: ',' only in a ';' file using it."),
    ] = None,
    date_format: Annotated[
        str | None, typer.Option(help="'iso' or 'dd.mm.yyyy'; default: detected from the date cells.")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="Sheet of an XLSX workbook; default: the first.")] = None,
    corrects: Annotated[
        int | None,
        typer.Option(
            help="LOAD_ID: the file holds corrected rows of that load (the dashboard's quarantine file); they are "
            "added to its scope, which is not replaced."
        ),
    ] = None,
) -> None:
    """Load one file into the warehouse; print how it was read, accepted and rejected counts and the first
    reasons."""
    from ingest.contracts import SOURCES, year_in_file_name
    from ingest.load import load_file
    from ingest.read import ReadOptions
    from pipelines.warehouse import engine_for

    if source not in SOURCES:
        console.print(f"[red]unknown source {source!r}[/red]; expected one of {', '.join(SOURCES)}")
        raise typer.Exit(2)
    # A correction takes its year from the load it corrects; a year in its name must agree (load_file checks).
    year = year if year is not None else year_in_file_name(file.name)
    try:
        read_options = ReadOptions(encoding, delimiter, decimal, date_format, sheet)
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    engine = engine_for(_database_url(get_settings()))
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console
    ) as bar:
        task = bar.add_task(f"{file.name}: starting", total=None)
        try:
            result = load_file(
                engine,
                file,
                source,
                reporting_year=year,
                unit_institutional_id=unit,
                loaded_by="co2calc ingest",
                on_progress=lambda step: bar.update(task, description=f"{file.name}: {step}"),
                read_options=read_options,
                corrects_load_id=corrects,
            )
        except ValueError as error:
            console.print(f"[red]{error}[/red]")
            raise typer.Exit(2) from None
        bar.update(task, description=f"{file.name}: {result.outcome}")
    if result.outcome == "unchanged":
        console.print(result.message)
        return
    if result.read_format is not None:
        console.print(f"read as {result.read_format}", highlight=False)
    if result.outcome == "refused":
        console.print(f"[red]refused[/red] {result.message}")
    else:
        console.print(
            f"{result.outcome} as load {result.load_id}: {result.rows_accepted} rows accepted, "
            f"{result.rows_rejected} rejected"
            + (f", {result.rows_skipped} skipped" if result.rows_skipped else "")
        )
    for warning in result.warnings:
        console.print(f"[yellow]{warning}[/yellow]")
    for rejected in result.rejected_rows[:10]:
        console.print(f"  {file.name}, {rejected}", highlight=False)
    if len(result.rejected_rows) > 10:
        console.print(f"  … {len(result.rejected_rows) - 10} more in ops.rejects (load {result.load_id})")
    if result.outcome == "refused":
        raise typer.Exit(1)


@app.command("delete-load")
def delete_load(
    load_id: Annotated[int, typer.Argument(help="The load to delete (ops.loads.load_id).")],
    reason: Annotated[str, typer.Option(help="Why: recorded in ops.audit_log.")],
    by: Annotated[str | None, typer.Option(help="Who deletes it; default: the system user name.")] = None,
) -> None:
    """Delete an active load's rows from raw (atomic, audited); the load stays in ops.loads as `deleted`."""
    import getpass

    from ingest.steward import LoadNotDeletable
    from ingest.steward import delete_load as delete
    from pipelines.warehouse import engine_for

    engine = engine_for(_database_url(get_settings()))
    try:
        deleted = delete(engine, load_id, reason=reason, deleted_by=by or getpass.getuser())
    except LoadNotDeletable as refused:
        console.print(f"[red]{refused}[/red]")
        raise typer.Exit(1) from None
    year = f" {deleted.reporting_year}" if deleted.reporting_year is not None else ""
    console.print(
        f"deleted load {deleted.load_id} ({deleted.source_code}{year}, {deleted.file_name}): "
        f"{deleted.rows_deleted} rows removed from raw; recorded in ops.audit_log"
    )


@app.command()
def retention(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print and audit the plan; delete nothing.")
    ] = False,
    as_of: Annotated[
        int | None, typer.Option(help="Current reporting year the ages count from; default: this year.")
    ] = None,
    by: Annotated[str | None, typer.Option(help="Who runs it; default: the system user name.")] = None,
) -> None:
    """Purge travel detail older than 5 reporting years (emissions frozen first) and every row older than 10."""
    import getpass

    from ingest.retention import RetentionError, run_retention
    from pipelines.warehouse import engine_for

    settings = get_settings()
    engine = engine_for(_database_url(settings))
    try:
        result = run_retention(
            engine, settings, acted_by=by or getpass.getuser(), dry_run=dry_run, as_of_year=as_of
        )
    except RetentionError as refused:
        console.print(f"[red]{refused}[/red]", soft_wrap=True)
        raise typer.Exit(1) from None
    for line in result.describe():
        console.print(line, highlight=False, soft_wrap=True)


@app.command()
def backup(
    prune: Annotated[
        bool,
        typer.Option(
            "--prune", help="Then delete the backups older than the travel-detail retention (5 years)."
        ),
    ] = False,
) -> None:
    """Dump the warehouse (pg_dump, custom format) with a manifest of its row counts into CO2CALC_BACKUP_DIR."""
    from pipelines.backup import BackupError, prune_backups, take_backup
    from pipelines.warehouse import engine_for

    settings = get_settings()
    database_url = _database_url(settings)
    try:
        taken = take_backup(engine_for(database_url), database_url, settings.backup_dir)
    except BackupError as refused:
        console.print(f"[red]{refused}[/red]", soft_wrap=True)
        raise typer.Exit(1) from None
    rows = sum(taken.manifest["table_rows"].values())
    console.print(
        f"backed up {taken.manifest['database']} (schema version {taken.manifest['schema_version']}, "
        f"{len(taken.manifest['table_rows'])} tables, {rows} rows) to {taken.dump}",
        soft_wrap=True,
        highlight=False,
    )
    if prune:
        for old in prune_backups(settings.backup_dir, settings):
            console.print(f"pruned {old.dump.name} (taken {old.taken_at:%Y-%m-%d})", highlight=False)


@app.command()
def restore(
    dump: Annotated[
        Path, typer.Argument(help="A .dump file written by `co2calc backup`, beside its manifest.")
    ],
    into: Annotated[str, typer.Option("--into", help="URL of an empty database to restore into.")],
) -> None:
    """Restore a backup into an empty database and check every table's row count against its manifest."""
    from pipelines.backup import BackupError, read_backup, restore_backup
    from pipelines.warehouse import engine_for

    try:
        restored = restore_backup(read_backup(dump), engine_for(into), into)
    except BackupError as refused:
        console.print(f"[red]{refused}[/red]", soft_wrap=True)
        raise typer.Exit(1) from None
    console.print(
        f"restored {dump.name}: {len(restored)} tables, {sum(restored.values())} rows, as its manifest counts",
        highlight=False,
        soft_wrap=True,
    )


@app.command()
def run(
    data: Annotated[Path, typer.Option(exists=True, file_okay=False, help="Folder of delivered CSV files.")],
) -> None:
    """Run the whole pipeline in-process: reference data, every file of the folder, then dbt build."""
    from pipelines.run import run_pipeline
    from pipelines.totals import print_totals

    settings = get_settings()
    database_url = _database_url(settings)
    file_runs = run_pipeline(settings, database_url, data, on_step=lambda step: console.print(f"· {step}"))
    for file_run in file_runs:
        meta = file_run.metadata
        console.print(
            f"  {file_run.path.name}: {meta['outcome']}, {meta['rows_accepted']} accepted, "
            f"{meta['rows_rejected']} rejected"
        )
    print_totals(console, database_url)


@app.command()
def build(
    full: Annotated[
        bool, typer.Option("--full", help="Recreate every model, not only what changed since the last build.")
    ] = False,
) -> None:
    """Bring the models up to what raw holds (what Dagster runs after each load), then print the totals."""
    from pipelines.run import build_models
    from pipelines.totals import print_totals

    settings = get_settings()
    database_url = _database_url(settings)
    plan = build_models(settings, database_url, full=full)
    if plan.is_empty:
        console.print("Nothing was loaded, replaced or deleted since the last build: nothing to rebuild.")
    elif plan.is_full:
        console.print("Rebuilt every model.")
    else:
        console.print(
            f"Rebuilt {', '.join(plan.source_codes)} for {', '.join(map(str, plan.reporting_years))} "
            "and what depends on them."
        )
    print_totals(console, database_url)


@app.command()
def whatif(
    profile: Annotated[
        str, typer.Argument(help="A calculation profile of dbt/seeds/seed_factor_set_bindings.csv.")
    ],
    year: Annotated[
        int | None, typer.Option(help="Build this reporting year only; default: every year.")
    ] = None,
) -> None:
    """Build another calculation profile beside the headline, into whatif_<profile>_* schemas (the headline is
    left as it is); the methodology page compares the two."""
    from pipelines.whatif import WhatIfRefused, build_whatif, whatif_schema_prefix

    database_url = _database_url(get_settings())
    what = f"what-if {profile}" + (f" {year}" if year is not None else "")
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console
    ) as bar:
        task = bar.add_task(f"{what}: dbt build", total=None)
        try:
            built = build_whatif(
                database_url,
                profile,
                year,
                on_line=lambda line: bar.update(task, description=f"{what}: {line[-100:]}"),
            )
        except WhatIfRefused as refused:
            console.print(f"[red]{refused}[/red]", soft_wrap=True)
            raise typer.Exit(2) from None
        bar.update(task, description=f"{what}: {'built' if built.succeeded else 'failed'}")
    if not built.succeeded:
        console.print(built.dbt_output, highlight=False, markup=False, soft_wrap=True)
        console.print(
            f"[red]The {what} failed after {built.build_seconds:.0f} s[/red]; the headline is unchanged, and "
            "no what-if of this profile is offered until a build of it succeeds."
        )
        raise typer.Exit(1)
    console.print(built.dbt_output, highlight=False, markup=False)
    console.print(
        f"Built {what} in {built.build_seconds:.0f} s into {whatif_schema_prefix(profile)}* schemas; "
        "the headline is unchanged. The methodology page compares the two.",
        highlight=False,
    )
    table = Table(title=f"Rows of {what}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for table_name, row_count in built.table_row_counts.items():
        table.add_row(table_name, f"{row_count:,}")
    console.print(table)


@app.command()
def publish(
    year: Annotated[int, typer.Option(help="The reporting year to publish.")],
    note: Annotated[str, typer.Option(help="What this inventory is, for whoever reads it years later.")],
    profile: Annotated[
        str | None,
        typer.Option(help="A what-if profile built by `co2calc whatif`; default: the headline's last build."),
    ] = None,
    by: Annotated[str | None, typer.Option(help="Who publishes; default: the system user name.")] = None,
) -> None:
    """Freeze a reporting year's inventory (reporting rows, emission rows, loads, factor sets, build and code
    version) into the append-only schema `inventory`; the dashboard's Inventories page shows it."""
    from pipelines.inventory import InventoryRefused, publish_inventory
    from pipelines.warehouse import engine_for

    engine = engine_for(_database_url(get_settings()))
    try:
        published = publish_inventory(engine, year, note, profile_code=profile, published_by=by)
    except InventoryRefused as refused:
        console.print(f"[red]{refused}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    console.print(
        f"Published inventory {published.inventory_id}: {published.reporting_year}, profile "
        f"{published.calc_profile}, {published.published_at:%Y-%m-%d %H:%M:%S %Z}; "
        f"{published.reporting_row_count:,} reporting rows, {published.emission_row_count:,} emission rows, "
        f"{published.unresolved_row_count:,} unresolved rows, {published.load_count:,} loads "
        f"in {published.seconds:.1f} s.",
        highlight=False,
    )


@app.command()
def explain(
    from_inventory: Annotated[
        int, typer.Option("--from", help="The earlier published inventory (its number).")
    ],
    to_inventory: Annotated[
        int | None,
        typer.Option("--to", help="A later published inventory of the same year; default: the live numbers."),
    ] = None,
    unit: Annotated[str | None, typer.Option(help="The subtree's unit id; default: the institution.")] = None,
    csv: Annotated[Path | None, typer.Option(help="Also write the decomposition to this CSV file.")] = None,
) -> None:
    """Why a year's total changed between two published inventories, or since one was published: per module, the
    activity, factor and coverage effects, which add up exactly to the difference."""
    from pipelines.inventory import InventoryRefused, explain_change
    from pipelines.warehouse import engine_for

    engine = engine_for(_database_url(get_settings()))
    try:
        change = explain_change(engine, from_inventory, to_inventory, unit)
    except InventoryRefused as refused:
        console.print(f"[red]{refused}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    table = Table(
        title=f"Inventory {from_inventory} → {'live numbers' if to_inventory is None else to_inventory}, t CO2e"
    )
    for column in change.columns:
        table.add_column(column, justify="left" if column == "module_code" else "right")
    for row in change.itertuples(index=False):
        table.add_row(row.module_code, *(f"{value:,.6f}" for value in row[1:]))
    console.print(table)
    if csv is not None:
        change.to_csv(csv, index=False)
        console.print(f"wrote {csv}", highlight=False)


@app.command("restate-base-year")
def restate_base_year(
    note: Annotated[
        str | None, typer.Option(help="Why the base year is restated, for whoever reads the log years later.")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Only say whether the base year calls for a restatement.")
    ] = False,
    by: Annotated[str | None, typer.Option(help="Who restates; default: the system user name.")] = None,
) -> None:
    """Restate the base year of config/institution.yaml when a structural change, a methodology change or a data
    correction moved its published total beyond the threshold: publish it again and log the reason, who and when."""
    from pipelines.inventory import InventoryRefused
    from pipelines.restatement import check_base_year, restate_base_year
    from pipelines.warehouse import engine_for

    if not check and note is None:
        console.print('[red]say why with --note "…", or only check with --check[/red]', soft_wrap=True)
        raise typer.Exit(2)
    engine = engine_for(_database_url(get_settings()))
    try:
        if check:
            found = check_base_year(engine)
        else:
            restated = restate_base_year(engine, note or "", restated_by=by)
            found = restated.check
    except InventoryRefused as refused:
        console.print(f"[red]{refused}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    console.print(
        f"Base year {found.base_year}: published {found.previous_t_co2e:,.3f} t CO2e (inventory "
        f"{found.previous_inventory_id}), live {found.live_t_co2e:,.3f} t CO2e, "
        f"{found.difference_t_co2e:+,.3f} t ({found.change_pct or 0:+.2f} %; threshold {found.threshold_pct:g} %).",
        highlight=False,
    )
    console.print(
        f"Activity effect {found.activity_effect_t_co2e:+,.3f} t, factor effect {found.factor_effect_t_co2e:+,.3f} t, "
        f"coverage effect {found.coverage_effect_t_co2e:+,.3f} t; units added {found.units_added}, removed "
        f"{found.units_removed}, moved {found.units_moved}; causes: {', '.join(found.causes) or 'none'}.",
        highlight=False,
    )
    if check:
        console.print(
            'Beyond the threshold: restate it with co2calc restate-base-year --note "…".'
            if found.is_significant
            else "Within the threshold: the published base year stands.",
            highlight=False,
        )
        return
    console.print(
        f"Restated: inventory {restated.restated_inventory_id} is the base year from now on "
        f"(restatement {restated.restatement_id}, {restated.restated_at:%Y-%m-%d %H:%M:%S %Z}).",
        highlight=False,
    )


@app.command()
def demo() -> None:
    """Start everything on this machine: database, demo data, pipeline, dashboard, Dagster UI, demo login."""
    from pipelines.demo import run_demo

    raise typer.Exit(run_demo(get_settings(), console))


@app.command()
def dagster() -> None:
    """Open the Dagster UI (assets, checks, runs, sensor, schedule) on the configured warehouse."""
    from pipelines.demo import serve_dagster

    raise typer.Exit(serve_dagster(get_settings(), _database_url(get_settings()), console))


@app.command()
def dashboard() -> None:
    """Serve the dashboard (and the demo login provider) against the configured warehouse."""
    from pipelines.demo import serve_dashboard

    raise typer.Exit(serve_dashboard(get_settings(), _database_url(get_settings()), console))
