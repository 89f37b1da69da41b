"""The institution's profile as declared in `config/institution.yaml`: per-person comparison lines, the
population projection the trajectory page may scale a scenario by, and the base year its targets are measured
from with the threshold beyond which that year is restated (METHODOLOGY.md §6).

Reference figures with their source, year and licence, in one file: the pages read them from here and never
write a number of their own.
"""

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from config.settings import get_settings


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PerPersonLine(_Strict):
    """A t CO2e per person and year drawn beside a per-FTE figure, with where it comes from."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    t_co2e_per_person_yr: float = Field(gt=0)
    is_ranking_reference: bool
    source: str
    year: int
    licence: str


class PopulationProjection(_Strict):
    """A constant annual growth of the institution's FTE: P(t) / P(t_last) = (1 + g)^(t − t_last)."""

    growth_pct_per_yr: float = Field(gt=-100)
    source: str


class BaseYear(_Strict):
    """The year targets are measured from, and the significance threshold of its restatement (GHG Protocol
    Corporate Standard ch. 5): a change of the published total by more than `restatement_threshold_pct` %."""

    year: int = Field(ge=1990, le=2100)
    restatement_threshold_pct: float = Field(default=5.0, gt=0, lt=100)

    def is_significant(self, change_t_co2e: float, published_t_co2e: float) -> bool:
        """|live − published| / published > threshold (multiplied out: a published total of 0 makes any change
        significant)."""
        return abs(change_t_co2e) * 100 > self.restatement_threshold_pct * abs(published_t_co2e)


class InstitutionProfile(_Strict):
    per_person_lines: tuple[PerPersonLine, ...] = Field(min_length=1)
    population_projection: PopulationProjection
    base_year: BaseYear

    @field_validator("per_person_lines")
    @classmethod
    def _one_ranking_reference(cls, lines: tuple[PerPersonLine, ...]) -> tuple[PerPersonLine, ...]:
        ranking = [line.key for line in lines if line.is_ranking_reference]
        if len(ranking) != 1:
            raise ValueError(
                f"exactly one per_person_lines entry must have is_ranking_reference: true, found {ranking or 'none'}"
            )
        return lines

    @property
    def ranking_reference(self) -> PerPersonLine:
        return next(line for line in self.per_person_lines if line.is_ranking_reference)


class InstitutionProfileError(ValueError):
    """The profile file is not what `InstitutionProfile` expects; the message names the file and the fields."""


def _mark_at(node: yaml.Node, loc: tuple[int | str, ...]) -> yaml.Mark:
    """Where the field of a validation error is written: the key of the deepest mapping entry on its path,
    the item of a list, or the enclosing node when the field is missing."""
    mark = node.start_mark
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            entry = next(((key, value) for key, value in node.value if key.value == part), None)
            if entry is None:
                break
            mark, node = entry[0].start_mark, entry[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            mark = node.start_mark
        else:
            break
    return mark


def load_institution_profile(path: Path) -> InstitutionProfile:
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        return InstitutionProfile.model_validate(yaml.safe_load(text) or {})
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}, column {mark.column + 1}" if mark else str(path)
        raise InstitutionProfileError(
            f"{where}: not valid YAML ({getattr(error, 'problem', error)})"
        ) from error
    except ValidationError as error:
        problems = []
        for problem in error.errors():
            field = ".".join(str(part) for part in problem["loc"]) or "(top level)"
            if root is None:
                problems.append(f"{path}: {field}: {problem['msg']}")
                continue
            mark = _mark_at(root, problem["loc"])
            problems.append(
                f"{path}, line {mark.line + 1}, column {mark.column + 1}: {field}: {problem['msg']}"
            )
        raise InstitutionProfileError("; ".join(problems)) from error


@lru_cache(maxsize=1)
def get_institution_profile() -> InstitutionProfile:
    return load_institution_profile(get_settings().institution_file)
