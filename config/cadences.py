"""How often each source is expected to arrive (`config/cadences.yaml`), and whether it arrived in time.

`evaluate_freshness` is pure: the Dagster freshness checks (pipelines/defs/freshness) and the data-quality
page give it the latest successful load of a source, its cadence and the current time, and show what it says.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

FreshnessStatus = Literal["fresh", "stale", "never_loaded"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class YearlyCadence(_Strict):
    """A file per reporting year: year Y is due by the end of `due` (month-day, UTC) in year Y + 1."""

    kind: Literal["yearly"]
    due: str

    @field_validator("due")
    @classmethod
    def _a_day_of_every_year(cls, due: str) -> str:
        # 2001 is not a leap year: a due date must exist every year, so 02-29 is refused.
        try:
            date.fromisoformat(f"2001-{due}")
        except ValueError:
            raise ValueError(
                f"expected a day of every year written MM-DD (e.g. 03-31), got {due!r}"
            ) from None
        return due

    def deadline(self, year: int) -> datetime:
        """The end of the due day in `year`: the moment the previous reporting year becomes overdue."""
        due_day = date.fromisoformat(f"{year}-{self.due}")
        return datetime(due_day.year, due_day.month, due_day.day, tzinfo=UTC) + timedelta(days=1)

    def describe(self) -> str:
        return f"yearly, due {self.due}"


class IntervalCadence(_Strict):
    """A feed: its latest load with rows must be less than `hours` old."""

    kind: Literal["interval"]
    hours: int = Field(ge=1)

    def describe(self) -> str:
        return f"every {self.hours} h"


Cadence = Annotated[YearlyCadence | IntervalCadence, Field(discriminator="kind")]


class CadenceConfigError(ValueError):
    """`config/cadences.yaml` is not what `CadencesFile` expects; the message names the place."""


class CadencesFile(_Strict):
    # Delivered files by source code (ingest/contracts.py), feeds by name (config/feeds.yaml).
    files: dict[str, Cadence]
    feeds: dict[str, Cadence] = Field(default_factory=dict)

    def require_every(self, path: Path, source_codes: Collection[str], feed_names: Collection[str]) -> None:
        """Refuse a source or feed without a cadence, or a cadence for something that does not exist; `path` is
        the file the cadences came from, named in the message."""
        problems = [
            f"{section}: {verb} {', '.join(sorted(names))}"
            for section, declared, expected in (
                ("files", self.files, source_codes),
                ("feeds", self.feeds, feed_names),
            )
            for verb, names in (
                ("no cadence for", set(expected) - set(declared)),
                ("a cadence for unknown", set(declared) - set(expected)),
            )
            if names
        ]
        if problems:
            raise CadenceConfigError(
                f"{path}: {'; '.join(problems)} (expected one cadence per source of ingest/contracts.py under "
                "files: and per feed of config/feeds.yaml under feeds:)"
            )


def _position(node: yaml.Node, location: Sequence[str | int]) -> yaml.Mark:
    """Where `location` (a pydantic error's path) is in the YAML document; parts the document lacks (a union's
    tag, a missing key) are skipped, so a missing key points at the mapping that lacks it."""
    for part in location:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((value for key, value in node.value if key.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        node = child or node
    return node.start_mark


def load_cadences(path: Path) -> CadencesFile:
    text = path.read_text(encoding="utf-8")
    try:
        return CadencesFile.model_validate(yaml.safe_load(text) or {})
    except ValidationError as error:
        root = yaml.compose(text)
        messages = []
        for problem in error.errors():
            mark = None if root is None else _position(root, problem["loc"])
            line, column = (1, 1) if mark is None else (mark.line + 1, mark.column + 1)
            field = ".".join(str(part) for part in problem["loc"])
            messages.append(f"{path}, line {line}, column {column} ({field}): {problem['msg']}")
        raise CadenceConfigError("\n".join(messages)) from None


@dataclass(frozen=True)
class LatestLoad:
    """A source's latest successful loads: when the last one finished and the latest reporting year loaded."""

    finished_at: datetime
    reporting_year: int | None


@dataclass(frozen=True)
class Freshness:
    status: FreshnessStatus
    # When the next load is due (fresh) or has been due since (stale); unknown for a source never loaded.
    due_at: datetime | None


def evaluate_freshness(
    cadence: YearlyCadence | IntervalCadence, latest: LatestLoad | None, now: datetime
) -> Freshness:
    """Fresh until the next load is due, stale from then on. A yearly source is due again by the deadline of the
    year after the latest reporting year it delivered, whenever that was loaded (a late correction of an old
    year delivers nothing new); a source without reporting years counts a load in year C as delivering C - 1."""
    if latest is None:
        return Freshness("never_loaded", None)
    match cadence:
        case YearlyCadence():
            delivered_year = (
                latest.reporting_year if latest.reporting_year is not None else latest.finished_at.year - 1
            )
            due_at = cadence.deadline(delivered_year + 2)
        case IntervalCadence():
            due_at = latest.finished_at + timedelta(hours=cadence.hours)
    return Freshness("fresh" if now < due_at else "stale", due_at)
