"""What a dbt build covers: everything, or only the partitions the loads since the last build touched.

A load, replacement, correction or deletion is one `ops.audit_log` row naming its source and reporting year.
A build after loads of yearly sources rebuilds the models downstream of those sources' raw tables, for those
years only (dbt reads them from the build's `ops.builds` row: dbt/macros/partitions.sql). A build is full (every model recreated with
`--full-refresh`) when there is no earlier build to start from, when a year-less source changed (the unit
tree or the room reference: every year depends on it), when retention purged rows, or when the dbt project
(models, seeds, factor sets, profile bindings) changed since the last build. Each build is a row of
`ops.builds` with the last audit entry and retention run it took in; the next build starts after them.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
import yaml

from ingest.contracts import SOURCES


@dataclass(frozen=True)
class BuildPlan:
    is_full: bool
    through_audit_id: int
    through_retention_run_id: int
    dbt_project_sha256: str
    # The raw sources (source codes) and reporting years a partition build rebuilds; empty for a full build.
    source_codes: tuple[str, ...] = field(default=())
    reporting_years: tuple[int, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        """Nothing changed since the last build: a partition build of no partition."""
        return not self.is_full and not self.source_codes

    def as_config(self) -> dict:
        return {
            "is_full": self.is_full,
            "through_audit_id": self.through_audit_id,
            "through_retention_run_id": self.through_retention_run_id,
            "dbt_project_sha256": self.dbt_project_sha256,
            "source_codes": list(self.source_codes),
            "reporting_years": list(self.reporting_years),
        }

    def dbt_args(self) -> list[str]:
        """The `dbt build` arguments of the plan; the selection of models comes from the asset subset."""
        if self.is_full:
            return ["build", "--full-refresh"]
        # The years are read by dbt from this build's ops.builds row (dbt/macros/partitions.sql). dbt's YAML
        # unit tests check the SQL of a model, not its rows: the full builds run them.
        return ["build", "--exclude", "test_type:unit"]


# What a build reads of the dbt project: a change to any of it (a model, a factor set, a profile binding, a
# test) makes the next build full. Its README and dbt's own target/ and logs/ are not among them.
BUILD_INPUTS = ("dbt_project.yml", "models", "macros", "seeds", "tests")


def dbt_project_sha256(project_dir: Path) -> str:
    """One hash of every file of the dbt project that a build reads."""
    digest = hashlib.sha256()
    for name in BUILD_INPUTS:
        top = project_dir / name
        for path in sorted([top] if top.is_file() else top.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(project_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def plan_build(engine: sa.Engine, project_dir: Path, *, full: bool = False) -> BuildPlan:
    """The build that brings the models up to what raw holds now (the ledger exists: WarehouseResource.plan_build
    makes sure of it)."""
    project_sha256 = dbt_project_sha256(project_dir)
    with engine.connect() as connection:
        through_audit_id, through_retention_run_id = connection.exec_driver_sql(
            "select (select coalesce(max(audit_id), 0) from ops.audit_log), "
            "(select coalesce(max(retention_run_id), 0) from ops.retention_runs where not is_dry_run)"
        ).one()
        last = connection.exec_driver_sql(
            "select through_audit_id, through_retention_run_id, dbt_project_sha256 from ops.builds "
            "where build_status = 'succeeded' order by build_id desc limit 1"
        ).first()
        changes = (
            []
            if last is None
            else connection.execute(
                sa.text(
                    "select distinct source_code, reporting_year from ops.audit_log "
                    "where audit_id > :after and audit_id <= :through and audit_action <> 'refused'"
                ),
                {"after": last.through_audit_id, "through": through_audit_id},
            ).all()
        )
    full_plan = BuildPlan(True, through_audit_id, through_retention_run_id, project_sha256)
    if (
        full
        or last is None
        or last.dbt_project_sha256 != project_sha256
        or through_retention_run_id != last.through_retention_run_id
        or any(year is None or not SOURCES[source].has_reporting_year for source, year in changes)
    ):
        return full_plan
    return BuildPlan(
        False,
        through_audit_id,
        through_retention_run_id,
        project_sha256,
        source_codes=tuple(sorted({source for source, _ in changes})),
        reporting_years=tuple(sorted({year for _, year in changes})),
    )


def downstream_models(manifest: dict, source_codes: Iterable[str]) -> set[str]:
    """The unique ids of the dbt models downstream of the raw tables of `source_codes`."""
    children = manifest["child_map"]
    pending = [
        unique_id
        for unique_id, source in manifest["sources"].items()
        if source["source_name"] == "raw" and source["name"] in set(source_codes)
    ]
    models: set[str] = set()
    while pending:
        for child in children.get(pending.pop(), []):
            if child.startswith("model.") and child not in models:
                models.add(child)
                pending.append(child)
    return models


def record_build_start(engine: sa.Engine, plan: BuildPlan, dagster_run_id: str | None) -> int:
    """The build's ops.builds row, which tells dbt the years of a partition build. Called under the build lock, so
    a row still `running` belongs to a build that died: it is marked failed first."""
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "update ops.builds set build_status = 'failed' where build_status = 'running'"
        )
        return connection.execute(
            sa.text(
                "insert into ops.builds (build_kind, source_codes, reporting_years, through_audit_id, "
                "through_retention_run_id, dbt_project_sha256, dagster_run_id, started_at, build_status) "
                "values (:kind, :sources, :years, :audit_id, :retention_run_id, :sha256, :run_id, now(), 'running') "
                "returning build_id"
            ),
            {
                "kind": "full" if plan.is_full else "partitions",
                "sources": list(plan.source_codes),
                "years": list(plan.reporting_years),
                "audit_id": plan.through_audit_id,
                "retention_run_id": plan.through_retention_run_id,
                "sha256": plan.dbt_project_sha256,
                "run_id": dagster_run_id,
            },
        ).scalar_one()


def record_build_end(
    engine: sa.Engine,
    build_id: int,
    *,
    failure_message: str | None,
    run_results: dict | None,
    project_dir: Path,
) -> None:
    """Close the build's ops.builds row: succeeded (dbt passed and the build was published) or failed, and why.
    A failed build's dbt invocation and profile come from its run_results.json, when dbt got as far as writing it
    (a published build has them from the publication already)."""
    metadata = (run_results or {}).get("metadata", {})
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "update ops.builds set finished_at = clock_timestamp(), build_status = :status, "
                "failure_message = :failure_message, "
                "dbt_invocation_id = coalesce(dbt_invocation_id, :dbt_invocation_id), "
                "calc_profile = coalesce(calc_profile, :calc_profile) where build_id = :build_id"
            ),
            {
                "status": "failed" if failure_message is not None else "succeeded",
                "failure_message": failure_message,
                "dbt_invocation_id": metadata.get("invocation_id"),
                "calc_profile": None if run_results is None else calc_profile(run_results, project_dir),
                "build_id": build_id,
            },
        )


def calc_profile(run_results: dict, project_dir: Path) -> str:
    """The calculation profile a dbt run computed with: its `--vars`, else the project's default (dbt_project.yml)."""
    run_vars = run_results.get("args", {}).get("vars") or {}
    if isinstance(run_vars, str):
        run_vars = yaml.safe_load(run_vars) or {}
    if "calc_profile" in run_vars:
        return str(run_vars["calc_profile"])
    return str(yaml.safe_load((project_dir / "dbt_project.yml").read_text())["vars"]["calc_profile"])


# ops.builds.failure_message keeps the first lines a steward needs, not a whole dbt log.
FAILURE_MESSAGE_MAX_CHARS = 2000


def dbt_failure_message(run_results: dict | None, error: BaseException) -> str:
    """Why a build failed, for stewards: each dbt node that errored or failed with dbt's message, else the error."""
    failed = [
        f"{result['unique_id']}: {' '.join(str(result.get('message') or result['status']).split())}"
        for result in (run_results or {}).get("results", [])
        if result.get("status") in ("error", "fail", "runtime error")
    ]
    message = "\n".join(failed) if failed else " ".join(str(error).split())
    return message[:FAILURE_MESSAGE_MAX_CHARS]
