"""One raw asset per source: load a delivered file into `raw.<source>` through `ingest`.

The file to load comes from the run config (the inbox sensor and `co2calc run` set it). Loading is
idempotent: the same file again changes nothing; a corrected file replaces the previous load of its
reporting year. Validation outcomes are asset checks: a refused file fails the blocking check, so
nothing downstream runs on it; refused rows show as a warning with their first reasons.
"""

from pathlib import Path

import dagster as dg

from config.settings import get_settings
from ingest.contracts import SOURCES, SourceContract
from ingest.load import LoadResult, load_file
from pipelines.defs.resources import WarehouseResource

FILE_ACCEPTED_CHECK = "file_accepted"
ROWS_VALID_CHECK = "rows_valid"
YEARS = dg.StaticPartitionsDefinition([str(year) for year in get_settings().reporting_years])


class DeliveredFileConfig(dg.Config):
    path: str
    loaded_by: str = "dagster"


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
        result = load_file(
            warehouse.engine(),
            Path(config.path),
            contract.source_code,
            reporting_year=year,
            loaded_by=config.loaded_by,
            dagster_run_id=context.run.run_id,
        )
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
