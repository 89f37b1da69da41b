"""The unit tree: institution (level 1) → schools (2) → institutes (3) → labs (4), METHODOLOGY.md §2.1."""

import re
from dataclasses import dataclass

import numpy as np
import polars as pl

from ingest.contracts import UNITS
from ingest.synthetic.vocabulary import (
    INSTITUTION_CODE,
    INSTITUTION_NAME,
    LAB_KINDS,
    SCHOOLS,
    InstituteVocabulary,
)

LABS_AT_SCALE_ONE = 500
# Cost centres are 5-digit strings, so at most 100 000 units fit.
MAX_UNIT_COUNT = 100_000
# Laboratories dominate the naming of research units; chairs and groups are rarer.
LAB_KIND_WEIGHTS = (0.6, 0.25, 0.15)
_ACRONYM_STOP_WORDS = {"of", "for", "and", "the", "in"}


@dataclass(frozen=True)
class UnitTree:
    units: pl.DataFrame
    lab_ids: np.ndarray


def lab_count_for_scale(scale: float) -> int:
    return max(1, round(LABS_AT_SCALE_ONE * scale))


def build_unit_tree(rng: np.random.Generator, lab_count: int) -> UnitTree:
    institutes = [(school, institute) for school in SCHOOLS for institute in school.institutes]
    unit_count = 1 + len(SCHOOLS) + len(institutes) + lab_count
    if unit_count > MAX_UNIT_COUNT:
        raise ValueError(f"{unit_count} units do not fit in 5-digit cost centres; lower the scale")
    unit_ids = np.char.zfill(rng.choice(MAX_UNIT_COUNT, size=unit_count, replace=False).astype(str), 5)

    institution_id = str(unit_ids[0])
    school_ids = {school.code: str(unit_ids[1 + i]) for i, school in enumerate(SCHOOLS)}
    institute_ids = [
        str(unit_id) for unit_id in unit_ids[1 + len(SCHOOLS) : 1 + len(SCHOOLS) + len(institutes)]
    ]
    lab_ids = unit_ids[1 + len(SCHOOLS) + len(institutes) :].astype(object)

    rows = [(institution_id, INSTITUTION_CODE, INSTITUTION_NAME, 1, None)]
    rows += [(school_ids[school.code], school.code, school.name, 2, institution_id) for school in SCHOOLS]
    rows += [
        (institute_id, institute.code, institute.name, 3, school_ids[school.code])
        for institute_id, (school, institute) in zip(institute_ids, institutes, strict=True)
    ]

    # Bigger institutes (more research topics) host more labs.
    topic_counts = np.array([len(institute.lab_topics) for _, institute in institutes], dtype=float)
    lab_institute = np.sort(rng.choice(len(institutes), size=lab_count, p=topic_counts / topic_counts.sum()))
    used_codes = {code for _, code, *_ in rows}
    lab_rows = []
    for institute_index, labs_here in enumerate(np.bincount(lab_institute, minlength=len(institutes))):
        school, institute = institutes[institute_index]
        for lab_name in _lab_names(rng, school.lab_qualifiers, institute, int(labs_here)):
            lab_rows.append((lab_name, institute_ids[institute_index]))
    for lab_id, (lab_name, parent_id) in zip(lab_ids, lab_rows, strict=True):
        code = _unique_code(_acronym(lab_name), used_codes)
        used_codes.add(code)
        rows.append((lab_id, code, lab_name, 4, parent_id))

    units = pl.DataFrame(rows, schema=list(UNITS.column_names), orient="row").with_columns(
        pl.col("unit_level").cast(pl.Int64)
    )
    return UnitTree(units=units, lab_ids=lab_ids)


def _lab_names(
    rng: np.random.Generator, qualifiers: tuple[str, ...], institute: InstituteVocabulary, count: int
) -> list[str]:
    """Distinct lab names for one institute; beyond the vocabulary, names repeat with a numeral."""
    combos = [
        (kind, qualifier, topic)
        for kind in LAB_KINDS
        for qualifier in ("", *qualifiers)
        for topic in institute.lab_topics
    ]
    weights = np.array([LAB_KIND_WEIGHTS[LAB_KINDS.index(kind)] for kind, _, _ in combos])
    names = []
    round_number = 1
    while len(names) < count:
        take = min(count - len(names), len(combos))
        picked = rng.choice(len(combos), size=take, replace=False, p=weights / weights.sum())
        suffix = "" if round_number == 1 else f" {_roman(round_number)}"
        for index in picked:
            kind, qualifier, topic = combos[index]
            names.append(" ".join(part for part in (kind, qualifier, topic) if part) + suffix)
        round_number += 1
    return names


def _acronym(name: str) -> str:
    words = [word for word in re.split(r"[\s-]+", name) if word.lower() not in _ACRONYM_STOP_WORDS]
    return "".join(word[0] for word in words if word[0].isalpha()).upper()


def _unique_code(base: str, used: set[str]) -> str:
    code, number = base, 2
    while code in used:
        code, number = f"{base}{number}", number + 1
    return code


def _roman(number: int) -> str:
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    digits = []
    for value, numeral in numerals:
        while number >= value:
            digits.append(numeral)
            number -= value
    return "".join(digits)
