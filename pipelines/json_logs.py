"""Structured logs: every Dagster log line of a co2calc run as one JSON object carrying its run id.

The Dagster instance (local: pipelines/runtime.py; compose: deploy/dagster/dagster.yaml) attaches a handler
with `JsonLogFormatter` to every run, beside its usual console output and event log: a JSON-lines file that a
log collector indexes by `run_id`, `job`, `step` and `event` without parsing text.
"""

import json
import logging
from datetime import UTC, datetime
from pathlib import Path


class JsonLogFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "message": meta.get("orig_message") or record.getMessage(),
            "run_id": meta.get("run_id"),
            "job": meta.get("job_name"),
            "step": meta.get("step_key"),
            "event": event.event_type_value if event is not None else None,
            "exception": self.formatException(record.exc_info) if record.exc_info else None,
        }
        return json.dumps({key: value for key, value in entry.items() if value is not None})


def dagster_handler_config(log_file: Path) -> dict:
    """The `python_logs.dagster_handler_config` of a Dagster instance that writes JSON lines to `log_file`."""
    return {
        "handlers": {
            "co2calc_json": {
                "class": "logging.FileHandler",
                "level": "DEBUG",
                "filename": str(log_file),
                "formatter": "co2calc_json",
            }
        },
        "formatters": {"co2calc_json": {"()": "pipelines.json_logs.JsonLogFormatter"}},
    }
