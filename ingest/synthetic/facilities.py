"""Research facilities of the institution and their use by labs (METHODOLOGY.md §3.6).

A few labs are platforms (level-4 units under their institute, like any lab): shared instruments billed by
the hour, an HPC centre billed by core and GPU hours, and an animal facility housing mice and fish. The
facility reference of each year declares the footprint of some platforms and lets the pipeline compute the
others from the platform's own equipment and process rows. A share of the other labs use them; the
facilities also serve external users, so the labs' use stays below the total.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from ingest.contracts import FACILITY_FOOTPRINTS, RESEARCH_FACILITIES_ANIMALS, RESEARCH_FACILITIES_COMMON

# Shared-instrument platforms per 500 labs (at least one), and the share of them whose footprint is declared.
PLATFORMS_AT_SCALE_ONE = 6
DECLARED_FOOTPRINT_SHARE = 0.5
# Median footprint of a declared platform, kg CO2e (log-normal), and its yearly billed hours.
DECLARED_FOOTPRINT_MEDIAN_KG = 40_000.0
PLATFORM_HOURS_MEDIAN = 3_000.0
FACILITY_SIGMA = 0.5
# Share of labs using each kind of facility, and the share of a facility's total used by the institution's
# labs (the rest is external users).
PLATFORM_USER_SHARE = 0.3
HPC_USER_SHARE = 0.15
ANIMAL_USER_SHARE = 0.08
INTERNAL_USE_SHARE = (0.5, 0.9)
HPC_CORE_HOURS = 20_000_000.0
HPC_GPU_HOURS = 400_000.0
# Housings per year by animal type, and how each footprint source splits between mice and fish.
ANIMAL_HOUSINGS = {"mice": 20_000.0, "fish": 6_000.0}
ANIMAL_SOURCES = {
    # source: (origin, declared kg or None for computed, share to mice)
    "rooms": ("declared", 300_000.0, 0.8),
    "purchases": ("declared", 120_000.0, 0.7),
    "equipment": ("computed", None, 0.75),
    "process": ("computed", None, 0.9),
}


@dataclass(frozen=True)
class FacilityFiles:
    """Per year: the facility reference and the use files (back-office format)."""

    reference: dict[int, pl.DataFrame]
    common_use: dict[int, pl.DataFrame]
    animal_use: dict[int, pl.DataFrame]


def facility_frames(rng: np.random.Generator, years: Sequence[int], lab_ids: np.ndarray) -> FacilityFiles:
    lab_count = lab_ids.size
    platform_count = min(lab_count, max(1, round(PLATFORMS_AT_SCALE_ONE * lab_count / 500)))
    # The platforms, the HPC centre and the animal facility are run by distinct labs when there are enough.
    hosts = rng.choice(lab_count, size=platform_count + 2, replace=lab_count < platform_count + 2)
    platform_hosts, hpc_host, animal_host = hosts[:platform_count], hosts[-2], hosts[-1]
    declared = rng.random(platform_count) < DECLARED_FOOTPRINT_SHARE
    platform_ids = [f"PLT-{number + 1:03d}" for number in range(platform_count)]
    reference, common_use, animal_use = {}, {}, {}
    for year in years:
        ref_rows: list[dict] = []
        common_rows: list[dict] = []
        animal_rows: list[dict] = []
        for facility_id, host, is_declared in zip(platform_ids, platform_hosts, declared, strict=True):
            total = round(float(rng.lognormal(np.log(PLATFORM_HOURS_MEDIAN), FACILITY_SIGMA)))
            footprint = round(float(rng.lognormal(np.log(DECLARED_FOOTPRINT_MEDIAN_KG), FACILITY_SIGMA)), 1)
            ref_rows.append(
                _reference(facility_id, lab_ids[host], "common", "hours", total)
                | ({"footprint_kg": footprint, "footprint_origin": "declared"} if is_declared else {})
            )
            common_rows += _uses(rng, facility_id, "hours", total, PLATFORM_USER_SHARE, host, lab_ids)
        for facility_id, unit, total in (
            ("HPC-CPU", "core_hours", HPC_CORE_HOURS),
            ("HPC-GPU", "gpu_hours", HPC_GPU_HOURS),
        ):
            ref_rows.append(
                _reference(facility_id, lab_ids[hpc_host], "it", unit, None)
                | {"footprint_origin": "per_hour_factor"}
            )
            common_rows += _uses(rng, facility_id, unit, total, HPC_USER_SHARE, hpc_host, lab_ids)
        for animal_type, housings in ANIMAL_HOUSINGS.items():
            for source, (origin, declared_kg, mice_share) in ANIMAL_SOURCES.items():
                share = mice_share if animal_type == "mice" else round(1 - mice_share, 2)
                ref_rows.append(
                    _reference("ANIMAL-01", lab_ids[animal_host], "animal", "housings", housings)
                    | {
                        "animal_type": animal_type,
                        "source_module": source,
                        "share": share,
                        "footprint_kg": declared_kg,
                        "footprint_origin": origin,
                    }
                )
            uses = _uses(rng, "ANIMAL-01", "housings", housings, ANIMAL_USER_SHARE, animal_host, lab_ids)
            animal_rows += [row | {"researchfacility_type": animal_type} for row in uses]
        reference[year] = _frame(
            ref_rows, FACILITY_FOOTPRINTS.column_names, ["facility_id", "animal_type", "source_module"]
        )
        common_use[year] = _frame(
            common_rows,
            RESEARCH_FACILITIES_COMMON.column_names,
            ["unit_institutional_id", "researchfacility_id"],
        )
        animal_use[year] = _frame(
            animal_rows,
            RESEARCH_FACILITIES_ANIMALS.column_names,
            ["unit_institutional_id", "researchfacility_id", "researchfacility_type"],
        )
    return FacilityFiles(reference, common_use, animal_use)


def _reference(facility_id: str, unit_id: str, kind: str, allocation_unit: str, total: float | None) -> dict:
    return {
        "facility_id": facility_id,
        "facility_unit_institutional_id": str(unit_id),
        "facility_kind": kind,
        "allocation_unit": allocation_unit,
        "total_use": total,
        "footprint_origin": "computed",
    }


def _uses(
    rng: np.random.Generator,
    facility_id: str,
    use_unit: str,
    total: float,
    user_share: float,
    host: int,
    lab_ids: np.ndarray,
) -> list[dict]:
    """Use rows of the labs using a facility (never its own host), their sum a part of the total."""
    users = np.flatnonzero(rng.random(lab_ids.size) < user_share)
    users = users[users != host]
    if users.size == 0 and lab_ids.size > 1:
        # Every facility has at least one user in the institution, so that no use file is empty.
        users = np.array([(host + 1 + rng.integers(lab_ids.size - 1)) % lab_ids.size])
    weights = rng.lognormal(0.0, 1.0, size=users.size)
    internal = total * rng.uniform(*INTERNAL_USE_SHARE)
    uses = np.floor(internal * weights / weights.sum())
    return [
        {
            "unit_institutional_id": str(lab_ids[user]),
            "researchfacility_id": facility_id,
            "researchfacility_name": facility_id,
            "use": float(use),
            "use_unit": use_unit,
        }
        for user, use in zip(users, uses, strict=True)
        if use > 0
    ]


def _frame(rows: list[dict], columns: tuple[str, ...], sort_by: list[str]) -> pl.DataFrame:
    number_columns = {"use", "total_use", "share", "footprint_kg"}
    schema = {name: pl.Float64 if name in number_columns else pl.String for name in columns}
    return pl.DataFrame([{name: row.get(name) for name in columns} for row in rows], schema=schema).sort(
        sort_by, nulls_last=True
    )
