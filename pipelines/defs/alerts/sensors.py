"""Tell the stewards when a run fails (issue 4: nobody should find out from a stale dashboard)."""

import dagster as dg
from dagster._utils.error import SerializableErrorInfo

from config.settings import get_settings
from pipelines.alerts import RunFailure, announce, channels


def root_cause(error: SerializableErrorInfo) -> str:
    while error.cause is not None:
        error = error.cause
    return error.message.strip()


def run_failure(context: dg.RunFailureSensorContext) -> RunFailure:
    settings = get_settings()
    base_url = settings.dagster_public_url or f"http://127.0.0.1:{settings.dagster_port}"
    # The run's failure event only says which steps failed; each step's own event holds its error, wrapped by
    # Dagster: the root cause is what the steward needs.
    step_errors = [
        f"{event.step_key}: {root_cause(event.event_specific_data.error)}"
        for event in context.get_step_failure_events()
        if event.event_specific_data and event.event_specific_data.error
    ]
    return RunFailure(
        run_id=context.dagster_run.run_id,
        job_name=context.dagster_run.job_name,
        error_message="\n".join([context.failure_event.message or "The run failed.", *step_errors]),
        run_url=f"{base_url.rstrip('/')}/runs/{context.dagster_run.run_id}",
    )


@dg.run_failure_sensor(
    name="run_failure_alert_sensor",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Posts every failed run to CO2CALC_ALERT_WEBHOOK_URL and/or mails it to CO2CALC_ALERT_EMAIL_TO.",
)
def run_failure_alert_sensor(context: dg.RunFailureSensorContext) -> None:
    settings = get_settings()
    failure = run_failure(context)
    if not channels(settings):
        context.log.warning(f"{failure.subject}; no alert channel is configured (CO2CALC_ALERT_*)")
        return
    delivered = announce(settings, failure)
    context.log.info(f"{failure.subject}; announced by {', '.join(delivered)}")


defs = dg.Definitions(sensors=[run_failure_alert_sensor])
