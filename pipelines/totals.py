"""The totals table the CLI prints after a run: the institution's headline t CO2e by reporting year and module, as
the dashboard shows it (the published build; research-facility allocations inside the institution counted once,
METHODOLOGY.md §2.4: read from dbt's subtree model, not summed over labs here)."""

import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

# One row per year, module and submodule of each root unit (one institution: one root); scopes are added up.
TOTALS_SQL = sa.text(
    "select reporting_year, module_code, submodule_code, sum(t_co2e) as t_co2e "
    "from published.rpt_footprint__subtree_category_year "
    "where unit_level = 1 and not is_additional_category group by 1, 2, 3 order by 1, 2, 3"
)


def footprint_totals(database_url: str) -> list[sa.Row]:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(TOTALS_SQL))
    finally:
        engine.dispose()


def print_totals(console: Console, database_url: str) -> None:
    table = Table(title="Footprint by reporting year (t CO2e)")
    for name in ("reporting year", "module", "sub-module", "t CO2e"):
        table.add_column(name, justify="right" if name == "t CO2e" else "left")
    for row in footprint_totals(database_url):
        table.add_row(str(row.reporting_year), row.module_code, row.submodule_code, f"{row.t_co2e:,.1f}")
    console.print(table)
