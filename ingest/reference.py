"""Reference data shipped with co2calc: airports (from `airportsdata`) and train stations.

Both are loaded into `reference.*` for the dbt models, and used in memory by validation, so that a
row naming an unknown airport or station is refused at ingest rather than silently computing nothing
(the reference calculator's pitfall, METHODOLOGY.md §3.2 f).
"""

import difflib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import airportsdata
import polars as pl

REFERENCE_DATA_DIR = Path(__file__).resolve().parent / "reference_data"
TRAIN_STATIONS_FILE = REFERENCE_DATA_DIR / "train_stations.csv"
AIRPORTS_SOURCE = f"airportsdata {airportsdata.__version__} (MIT)"
TRAIN_STATIONS_SOURCE = "co2calc train_stations.csv (see ingest/reference_data/README.md)"


def fold(name: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a station name."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    spaced = letters.casefold().replace("-", " ").replace(".", " ").replace("'", " ")
    return " ".join(spaced.split())


def airports_frame() -> pl.DataFrame:
    rows = airportsdata.load("IATA").values()
    return pl.DataFrame(
        {
            "iata_code": [a["iata"] for a in rows],
            "airport_name": [a["name"] for a in rows],
            "city_name": [a["city"] or None for a in rows],
            "country_code": [a["country"] for a in rows],
            "latitude_deg": [float(a["lat"]) for a in rows],
            "longitude_deg": [float(a["lon"]) for a in rows],
            "source_name": [AIRPORTS_SOURCE] * len(rows),
        }
    )


def stations_frame() -> pl.DataFrame:
    return pl.read_csv(TRAIN_STATIONS_FILE, schema_overrides={"aliases": pl.String})


@dataclass(frozen=True)
class StationIndex:
    # folded name -> {country code -> station ids}
    by_name: dict[str, dict[str, tuple[str, ...]]]
    names_by_country: dict[str, tuple[str, ...]]

    @classmethod
    def from_frame(cls, stations: pl.DataFrame) -> "StationIndex":
        by_name: dict[str, dict[str, set[str]]] = {}
        names_by_country: dict[str, list[str]] = {}
        for row in stations.iter_rows(named=True):
            names = [row["station_name"], *((row["aliases"] or "").split("|"))]
            names_by_country.setdefault(row["country_code"], []).append(row["station_name"])
            for name in filter(None, (n.strip() for n in names)):
                by_name.setdefault(fold(name), {}).setdefault(row["country_code"], set()).add(
                    row["station_id"]
                )
        return cls(
            by_name={k: {c: tuple(sorted(ids)) for c, ids in v.items()} for k, v in by_name.items()},
            names_by_country={c: tuple(sorted(n)) for c, n in names_by_country.items()},
        )

    def resolve(
        self, name: str | None, country_code: str | None, column: str
    ) -> tuple[str | None, str | None]:
        """(station id, None) when the name is known in that country, else (None, the reason)."""
        if name is None or country_code is None:
            return None, None
        countries = self.by_name.get(fold(name), {})
        ids = countries.get(country_code, ())
        if len(ids) == 1:
            return ids[0], None
        if len(ids) > 1:
            return None, f"{column} {name!r} matches several stations in {country_code}: {', '.join(ids)}"
        if countries:
            elsewhere = ", ".join(sorted(countries))
            return None, f"{column} {name!r} is a station in {elsewhere}, not in {country_code}"
        close = difflib.get_close_matches(name, self.names_by_country.get(country_code, ()), n=3, cutoff=0.5)
        hint = f"; closest: {', '.join(close)}" if close else ""
        return None, f"{column} {name!r} is not a known station in {country_code}{hint}"


EPFL_TEMPLATES_DIR = REFERENCE_DATA_DIR / "epfl_templates"


def epfl_template_header(template_name: str) -> tuple[str, ...]:
    """The header of a shipped EPFL upload template (its second line may be Windows-1252: only line 1 is read)."""
    first_line = (EPFL_TEMPLATES_DIR / template_name).read_bytes().splitlines()[0].decode("ascii")
    return tuple(name.strip() for name in first_line.split(","))
