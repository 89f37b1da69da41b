"""Lab members year by year: who works in which lab, with a stable person id and ~15 % turnover.

SIUS codes are the Swiss higher-education staff categories of METHODOLOGY.md §7.
"""

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingest.contracts import HEADCOUNT
from ingest.synthetic.vocabulary import FIRST_NAMES, LAST_NAMES

PROFESSOR_SIUS_CODE = 51
MIN_LAB_SIZE = 5
MAX_LAB_SIZE = 40
# Lab size = 5 + Gamma(2, 5.8), clipped to 40: mean ≈ 16, so 500 labs hold about 8 000 people; sizes then
# drift by a few percent a year.
LAB_SIZE_GAMMA_SHAPE = 2.0
LAB_SIZE_GAMMA_SCALE = 5.8
LAB_SIZE_DRIFT_SIGMA = 0.08
# Non-professor mix of a research lab: doctoral assistants and scientific collaborators dominate.
MEMBER_SIUS_CODES = np.array([54, 53, 52, 56, 57, 58, 59])
MEMBER_SIUS_SHARES = np.array([0.47, 0.30, 0.03, 0.02, 0.08, 0.07, 0.03])
# Share of big labs (>= 12 people) with a second professor.
SECOND_PROFESSOR_SHARE = 0.3
PROFESSOR_LEAVING_SHARE = 0.04
MEMBER_LEAVING_SHARE = 0.165
FTE_VALUES = np.array([1.0, 0.8, 0.6, 0.5])
MEMBER_FTE_SHARES = np.array([0.82, 0.08, 0.03, 0.07])
ADMINISTRATIVE_FTE_SHARES = np.array([0.55, 0.25, 0.05, 0.15])
ADMINISTRATIVE_SIUS_CODES = (57, 59)
# Smallest and largest 6-digit person ids.
FIRST_PERSON_ID = 100_000
PERSON_ID_COUNT = 900_000


@dataclass(frozen=True)
class Roster:
    """One year's members: parallel arrays, sorted by lab, each row one (lab, person)."""

    year: int
    lab_index: np.ndarray
    person_index: np.ndarray


@dataclass(frozen=True)
class People:
    user_ids: np.ndarray
    names: np.ndarray
    sius_codes: np.ndarray
    fte: np.ndarray


class _PeopleBuilder:
    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._id_pool = rng.permutation(PERSON_ID_COUNT) + FIRST_PERSON_ID
        self._sius_batches: list[np.ndarray] = []
        self.count = 0

    def hire(self, lab_index: np.ndarray, professors_per_lab: np.ndarray) -> np.ndarray:
        """New people for `lab_index` (sorted); each lab's first `professors_per_lab[lab]` are professors."""
        starts = np.searchsorted(lab_index, lab_index, side="left")
        position_in_lab = np.arange(lab_index.size) - starts
        members = self._rng.choice(MEMBER_SIUS_CODES, size=lab_index.size, p=MEMBER_SIUS_SHARES)
        sius = np.where(position_in_lab < professors_per_lab[lab_index], PROFESSOR_SIUS_CODE, members)
        self._sius_batches.append(sius)
        person_index = np.arange(self.count, self.count + lab_index.size)
        self.count += lab_index.size
        return person_index

    def sius_codes(self) -> np.ndarray:
        return np.concatenate(self._sius_batches)

    def build(self) -> People:
        sius = self.sius_codes()
        administrative = np.isin(sius, ADMINISTRATIVE_SIUS_CODES)
        member_fte = self._rng.choice(FTE_VALUES, size=sius.size, p=MEMBER_FTE_SHARES)
        administrative_fte = self._rng.choice(FTE_VALUES, size=sius.size, p=ADMINISTRATIVE_FTE_SHARES)
        fte = np.where(administrative, administrative_fte, member_fte)
        fte = np.where(sius == PROFESSOR_SIUS_CODE, 1.0, fte)
        first = np.array(FIRST_NAMES)[self._rng.integers(len(FIRST_NAMES), size=sius.size)]
        last = np.array(LAST_NAMES)[self._rng.integers(len(LAST_NAMES), size=sius.size)]
        return People(
            user_ids=self._id_pool[: sius.size].astype(str),
            names=np.char.add(np.char.add(first, " "), last),
            sius_codes=sius,
            fte=fte,
        )


def simulate_rosters(
    rng: np.random.Generator, lab_count: int, years: tuple[int, ...]
) -> tuple[People, list[Roster]]:
    builder = _PeopleBuilder(rng)
    initial_size = MIN_LAB_SIZE + rng.gamma(LAB_SIZE_GAMMA_SHAPE, LAB_SIZE_GAMMA_SCALE, size=lab_count)
    target_size = np.clip(np.rint(initial_size), MIN_LAB_SIZE, MAX_LAB_SIZE)
    target_size = target_size.astype(int)
    second_professor = (target_size >= 12) & (rng.random(lab_count) < SECOND_PROFESSOR_SHARE)

    lab_index = np.repeat(np.arange(lab_count), target_size)
    person_index = builder.hire(lab_index, 1 + second_professor.astype(int))
    rosters = [Roster(years[0], lab_index, person_index)]

    for year in years[1:]:
        sius = builder.sius_codes()[person_index]
        leaving_share = np.where(sius == PROFESSOR_SIUS_CODE, PROFESSOR_LEAVING_SHARE, MEMBER_LEAVING_SHARE)
        stays = rng.random(person_index.size) >= leaving_share
        kept_lab, kept_person = lab_index[stays], person_index[stays]
        kept_count = np.bincount(kept_lab, minlength=lab_count)
        has_professor = np.bincount(kept_lab[sius[stays] == PROFESSOR_SIUS_CODE], minlength=lab_count) > 0

        drift = rng.lognormal(0.0, LAB_SIZE_DRIFT_SIGMA, size=lab_count)
        target_size = np.clip(np.rint(target_size * drift), MIN_LAB_SIZE, MAX_LAB_SIZE)
        target_size = target_size.astype(int)
        professors_needed = (~has_professor).astype(int)
        hires = np.maximum(target_size - kept_count, professors_needed)
        hired_lab = np.repeat(np.arange(lab_count), hires)
        hired_person = builder.hire(hired_lab, professors_needed)

        lab_index = np.concatenate([kept_lab, hired_lab])
        person_index = np.concatenate([kept_person, hired_person])
        order = np.argsort(lab_index, kind="stable")
        lab_index, person_index = lab_index[order], person_index[order]
        rosters.append(Roster(year, lab_index, person_index))

    return builder.build(), rosters


def headcount_frame(roster: Roster, people: People, lab_ids: np.ndarray) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "unit_institutional_id": lab_ids[roster.lab_index].astype(str),
            "name": people.names[roster.person_index],
            "sius_code": people.sius_codes[roster.person_index].astype(np.int64),
            "user_institutional_id": people.user_ids[roster.person_index],
            "fte": people.fte[roster.person_index],
            "note": pl.Series([None] * roster.person_index.size, dtype=pl.String),
        }
    )
    return frame.select(HEADCOUNT.column_names).sort(["unit_institutional_id", "user_institutional_id"])
