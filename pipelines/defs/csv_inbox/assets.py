"""One raw asset per source: load a delivered file into `raw.<source>` through `ingest`.

The file to load comes from the run config (the inbox sensors and `co2calc run` set it): a path, or an object
of the S3 inbox, downloaded to a temporary file, loaded under its key and then moved to `processed/` or
`refused/` (ingest/s3_inbox.py). Loading is idempotent: the same file again changes nothing; a corrected
file replaces the previous load of its reporting year. Validation outcomes are asset checks: a refused file fails the blocking check, so
nothing downstream runs on it; refused rows show as a warning with their first reasons.
"""

import tempfile
from collections.abc import Callable
from pathlib import Path

import dagster as dg

from config.settings import get_settings
from ingest.contracts import SOURCES, SourceContract
from ingest.file_limits import inbox_file_digest
from ingest.load import LoadResult, load_file
from ingest.s3_inbox import InboxObject, S3Inbox
from pipelines.defs.resources import WarehouseResource
from pipelines.warehouse import is_transient_database_error

FILE_ACCEPTED_CHECK = "file_accepted"
# A load that fails because the warehouse failed for a while (pipelines.warehouse.is_transient_database_error) is
# tried again in the same run after 1, 2 and 4 s; a run that still fails so is tagged, and the inbox sensor starts
# it again later (pipelines/defs/csv_inbox/sensors.py). Any other failure is final: the file or the code is wrong.
TRANSIENT_RETRIES = 3
TRANSIENT_FAILURE_TAG = "co2calc/transient_failure"
ROWS_VALID_CHECK = "rows_valid"
FACILITY_REFERENCE = dg.AssetKey(["raw", "facility_footprints"])
YEARS = dg.StaticPartitionsDefinition([str(year) for year in get_settings().reporting_years])


class DeliveredFileConfig(dg.Config):
    """A file (`path`) or an object of the S3 inbox (`s3_key` with the `s3_etag` its run was started for)."""

    path: str | None = None
    s3_key: str | None = None
    s3_etag: str | None = None
    loaded_by: str = "dagster"


def _load_delivery(config: DeliveredFileConfig, load: Callable[[Path, str | None], LoadResult]) -> LoadResult:
    """`load(path, file_name)` applied to the delivered file, or to a temporary copy of the delivered object."""
    if config.path is not None and config.s3_key is None:
        # The sensor checked the file; a link or FIFO put in its place since is not read either.
        _, refusal = inbox_file_digest(Path(config.path))
        if refusal is not None:
            raise ValueError(refusal)
        return load(Path(config.path), None)
    if config.path is not None or config.s3_etag is None:
        raise ValueError(
            f"a delivered file is either `path` or `s3_key` with `s3_etag`, not {config.model_dump()}"
        )
    inbox = S3Inbox.from_settings(get_settings())
    if inbox is None:
        raise ValueError(f"{config.s3_key}: no S3 inbox is configured (CO2CALC_S3_INBOX_BUCKET)")
    delivered = InboxObject(config.s3_key, config.s3_etag)
    with tempfile.TemporaryDirectory(prefix="co2calc-s3-inbox-") as folder:
        result = load(inbox.download(delivered, Path(folder)), config.s3_key)
    inbox.mark_loaded(delivered, result)
    return result


def _checks(result: LoadResult) -> list[dg.AssetCheckResult]:
    first_reasons = "\n".join(str(rejected) for rejected in result.rejected_rows[:10])
    return [
        dg.AssetCheckResult(
            check_name=FILE_ACCEPTED_CHECK,
            passed=result.outcome != "refused",
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={"message": result.message or "accepted"},
        ),
        dg.AssetCheckResult(
            check_name=ROWS_VALID_CHECK,
            passed=result.rows_rejected == 0,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"rows_rejected": result.rows_rejected, "first_reasons": first_reasons or "none"},
        ),
    ]


def raw_asset(contract: SourceContract) -> dg.AssetsDefinition:
    key = dg.AssetKey(["raw", contract.source_code])

    @dg.asset(
        key=key,
        group_name="raw",
        partitions_def=YEARS if contract.has_reporting_year else None,
        # A use file is checked against its year's facility reference: in a run that loads both, the reference
        # loads first.
        deps=[FACILITY_REFERENCE] if contract.facility_use_kinds else [],
        description=f"Rows of delivered {contract.source_code} files, as accepted by validation.",
        check_specs=[
            dg.AssetCheckSpec(
                FILE_ACCEPTED_CHECK,
                asset=key,
                blocking=True,
                description="The whole file passed the header and encoding rules.",
            ),
            dg.AssetCheckSpec(
                ROWS_VALID_CHECK,
                asset=key,
                description="No row was refused (refused rows are in ops.rejects).",
            ),
        ],
        kinds={"postgres", "python"},
    )
    def _load(context: dg.AssetExecutionContext, config: DeliveredFileConfig, warehouse: WarehouseResource):
        year = int(context.partition_key) if contract.has_reporting_year else None
        try:
            result = _load_delivery(
                config,
                lambda path, file_name: load_file(
                    warehouse.engine(),
                    path,
                    contract.source_code,
                    reporting_year=year,
                    loaded_by=config.loaded_by,
                    dagster_run_id=context.run.run_id,
                    file_name=file_name,
                ),
            )
        except Exception as error:
            if not is_transient_database_error(error):
                raise
            if context.retry_number < TRANSIENT_RETRIES:
                context.log.warning(f"the warehouse failed for a while, trying again: {error}")
                raise dg.RetryRequested(
                    max_retries=TRANSIENT_RETRIES, seconds_to_wait=2**context.retry_number
                ) from error
            context.instance.add_run_tags(context.run.run_id, {TRANSIENT_FAILURE_TAG: type(error).__name__})
            raise
        context.log.info(result.message or f"{result.outcome}: {result.rows_accepted} rows accepted")
        yield dg.MaterializeResult(
            metadata={
                "outcome": result.outcome,
                "load_id": result.load_id,
                "file_name": result.file_name,
                "rows_read": result.rows_read,
                "rows_accepted": result.rows_accepted,
                "rows_rejected": result.rows_rejected,
                # How the reader read the file (ingest/read.py): format, encoding, delimiter, decimal, dates, sheet.
                "read_format": result.read_format or "not read",
            },
            check_results=_checks(result),
        )

    return _load


RAW_ASSETS = {code: raw_asset(contract) for code, contract in SOURCES.items()}

defs = dg.Definitions(assets=list(RAW_ASSETS.values()))
