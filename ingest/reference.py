"""Reference data shipped with co2calc: airports (from `airportsdata`), train stations, equipment powers
and greenhouse-gas GWPs.

Airports and stations are loaded into `reference.*` for the dbt models, and used in memory by validation, so
that a row naming an unknown airport or station is refused at ingest rather than silently computing nothing
(the reference calculator's pitfall, METHODOLOGY.md §3.2 f). Equipment powers and GWPs are dbt seeds
(`seed_equipment_power`, `seed_factors__gwp`): validation reads the same seed files, so a class or gas that
validation accepts is one the models find.
"""

import csv
import difflib
import io
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import airportsdata
import polars as pl

from config.settings import get_settings
from ingest.contracts import EQUIPMENT_CATEGORY_BY_TABLE_CATEGORY

REFERENCE_DATA_DIR = Path(__file__).resolve().parent / "reference_data"
TRAIN_STATIONS_FILE = REFERENCE_DATA_DIR / "train_stations.csv"
AIRPORTS_SOURCE = f"airportsdata {airportsdata.__version__} (MIT)"
# The file airportsdata.load reads (airport_codes reads it faster).
AIRPORTS_FILE = Path(airportsdata.__file__).parent / "airports.csv"
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


@cache
def airport_codes() -> frozenset[str]:
    """The IATA codes of `airports_frame`, read from airportsdata's own file by polars (airportsdata.load builds a
    dict per airport: 0.15 s of a one-row load)."""
    codes = pl.read_csv(AIRPORTS_FILE, columns=["iata"], schema_overrides={"iata": pl.String})["iata"]
    return frozenset(codes.filter(codes.is_not_null() & (codes != "")))


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


# EPFL's average-power table (RC-PWR, GPL-3.0) as shipped, and the seed built from it by `equipment_power_seed`.
EQUIPMENT_POWER_FILE = REFERENCE_DATA_DIR / "epfl_equipment_power.csv"
EQUIPMENT_POWER_SEED = "seed_equipment_power.csv"
GWP_SEED = "seed_factors__gwp.csv"
# Labels stay verbatim as keys, typos included, because files written against the reference calculator use
# them; the corrected spellings are accepted as aliases (METHODOLOGY.md §3.4 (c)).
EQUIPMENT_CLASS_ALIASES = {
    "Lab Freezer / Frigde": ("Lab Freezer / Fridge",),
    "Monochromateurs": ("Monochromators",),
    "Cellule axiale (biaxiale, triaxiale, etc.": ("Cellule axiale (biaxiale, triaxiale, etc.)",),
}
EQUIPMENT_SUB_CLASS_ALIASES = {
    ("Pumps", "Vaccum mechanical pumps (> 500W)"): ("Vacuum mechanical pumps (> 500W)",),
    ("Pumps", "Vaccum diaphragm pumps (< 500W)"): ("Vacuum diaphragm pumps (< 500W)",),
    ("Optical microscopes", "Simple microscopes, reversed microscopes, and binocular lenses,"): (
        "Simple microscopes, reversed microscopes, and binocular lenses",
    ),
}
EQUIPMENT_POWER_COLUMNS = (
    "equipment_class",
    "sub_class",
    "equipment_category",
    "table_category",
    "table_subcategory",
    "active_power_w",
    "standby_power_w",
    "power_source_column",
    "default_active_h_week",
    "default_standby_h_week",
    "class_aliases",
    "sub_class_aliases",
    "source_line",
)


def seeds_dir() -> Path:
    return get_settings().dbt_project_dir / "seeds"


def _label(cell: str) -> str:
    """A table label with its internal whitespace collapsed (one sub-class spans two lines in the file)."""
    return " ".join(cell.split())


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def equipment_power_seed(source: Path = EQUIPMENT_POWER_FILE) -> list[dict[str, str]]:
    """The rows of `seed_equipment_power` built from EPFL's table with the loading rules of METHODOLOGY.md
    §3.4 (c): the `_1` power pair when both cells are numbers, else the `_2` pair, else no power (blank or `?`);
    a blank class takes the class of the row above (the `Moteurs` sub-classes); labels collapsed, kept verbatim
    as keys, with aliases for the corrected spellings."""
    text = source.read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    rows: list[dict[str, str]] = []
    equipment_class = ""
    line_number = reader.line_num + 1
    for cells in reader:
        source_line = line_number
        line_number = reader.line_num + 1
        category, subcategory, class_cell, sub_class = (_label(c) for c in cells[:4])
        equipment_class = class_cell or equipment_class
        active_1, standby_1, active_2, standby_2 = (c.strip() for c in cells[4:8])
        if _is_number(active_1) and _is_number(standby_1):
            power = (active_1, standby_1, "W_1")
        elif _is_number(active_2) and _is_number(standby_2):
            power = (active_2, standby_2, "W_2")
        else:
            power = ("", "", "")
        rows.append(
            dict(
                zip(
                    EQUIPMENT_POWER_COLUMNS,
                    (
                        equipment_class,
                        sub_class,
                        EQUIPMENT_CATEGORY_BY_TABLE_CATEGORY[category],
                        category,
                        subcategory,
                        *power,
                        "",
                        "",
                        "|".join(EQUIPMENT_CLASS_ALIASES.get(equipment_class, ())),
                        "|".join(EQUIPMENT_SUB_CLASS_ALIASES.get((equipment_class, sub_class), ())),
                        str(source_line),
                    ),
                    strict=True,
                )
            )
        )
    return rows


def write_equipment_power_seed(seeds: Path | None = None) -> Path:
    """Rebuild `dbt/seeds/seed_equipment_power.csv` from the shipped EPFL table."""
    path = (seeds or seeds_dir()) / EQUIPMENT_POWER_SEED
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=EQUIPMENT_POWER_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(equipment_power_seed())
    return path


def _read_seed(name: str) -> list[dict[str, str]]:
    with (seeds_dir() / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class PowerResolution:
    """A file's (class, sub-class) resolved to the power table's keys, or the reason it is not."""

    equipment_class: str | None
    sub_class: str | None
    reason_code: str | None = None
    column_name: str | None = None
    reason_message: str | None = None


@dataclass(frozen=True)
class EquipmentPowerIndex:
    # folded class label or alias -> class key
    classes: Mapping[str, str]
    # class key -> {folded sub-class label or alias -> sub-class key}; a class-level row has the key ""
    sub_classes: Mapping[str, Mapping[str, str]]

    @classmethod
    def from_rows(cls, rows: list[dict[str, str]]) -> "EquipmentPowerIndex":
        classes: dict[str, str] = {}
        sub_classes: dict[str, dict[str, str]] = {}
        for row in rows:
            key = row["equipment_class"]
            for name in (key, *filter(None, (row["class_aliases"] or "").split("|"))):
                classes[fold(name)] = key
            names = sub_classes.setdefault(key, {})
            sub_key = row["sub_class"] or ""
            for name in (sub_key, *filter(None, (row["sub_class_aliases"] or "").split("|"))):
                names[fold(name)] = sub_key
        return cls(classes=classes, sub_classes=sub_classes)

    def resolve(self, equipment_class: str | None, sub_class: str | None) -> PowerResolution:
        if equipment_class is None:
            return PowerResolution(None, sub_class)
        key = self.classes.get(fold(equipment_class))
        if key is None:
            return PowerResolution(
                equipment_class,
                sub_class,
                "EQUIP_UNKNOWN_CLASS",
                "equipment_class",
                f"{equipment_class!r} is not a known equipment class{self._did_you_mean(equipment_class)}",
            )
        choices = self.sub_classes[key]
        named = sorted({v for v in choices.values() if v})
        if sub_class is None:
            if "" in choices:
                return PowerResolution(key, None)
            return PowerResolution(
                key,
                None,
                "EQUIP_SUBCLASS_REQUIRED",
                "sub_class",
                f"sub_class is required for {key!r}; one of: {', '.join(named)}",
            )
        sub_key = choices.get(fold(sub_class))
        if sub_key:
            return PowerResolution(key, sub_key)
        expected = f"one of: {', '.join(named)}" if named else "leave it blank (the class has no sub-classes)"
        return PowerResolution(
            key,
            sub_class,
            "EQUIP_UNKNOWN_SUBCLASS",
            "sub_class",
            f"{sub_class!r} is not a sub-class of {key!r}; {expected}",
        )

    def _did_you_mean(self, name: str) -> str:
        folded = fold(name)
        labels = {fold(label): label for label in self.classes.values()}
        containing = sorted(label for folded_label, label in labels.items() if folded in folded_label)
        close = containing or [labels[m] for m in difflib.get_close_matches(folded, sorted(labels), n=1)]
        return f"; did you mean {close[0]!r}?" if close else ""


@cache
def shipped_equipment_power() -> EquipmentPowerIndex:
    return EquipmentPowerIndex.from_rows(_read_seed(EQUIPMENT_POWER_SEED))


@cache
def shipped_gas_codes() -> Mapping[str, str]:
    """Folded gas code -> the GWP seed's spelling (`r410A` -> `R410a`)."""
    return {fold(row["gas_code"]): row["gas_code"] for row in _read_seed(GWP_SEED)}
