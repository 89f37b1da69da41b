"""Announce a failed pipeline run to the stewards: a JSON POST to a webhook and/or an e-mail over SMTP.

Pure delivery, no Dagster here (pipelines/defs/alerts/sensors.py decides when). Both channels are optional
and independent: a channel that fails is reported in the exception, after the other one was tried.
"""

import json
import smtplib
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from email.message import EmailMessage

from config.settings import Settings

WEBHOOK_TIMEOUT_S = 10
SMTP_TIMEOUT_S = 10


@dataclass(frozen=True)
class RunFailure:
    run_id: str
    job_name: str
    error_message: str
    run_url: str

    @property
    def subject(self) -> str:
        return f"co2calc: run of {self.job_name} failed"

    @property
    def text(self) -> str:
        return f"{self.subject} (run {self.run_id}).\n\n{self.error_message}\n\nDetails: {self.run_url}\n"


class AlertDeliveryFailed(Exception):
    """At least one configured channel could not deliver the alert; the message names each failure."""


def channels(settings: Settings) -> list[str]:
    configured = []
    if settings.alert_webhook_url:
        configured.append("webhook")
    if settings.alert_smtp_host and settings.alert_email_to:
        configured.append("email")
    return configured


def post_webhook(url: str, failure: RunFailure) -> None:
    # urllib also opens file: and ftp: URLs; a webhook is HTTP(S) only.
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"CO2CALC_ALERT_WEBHOOK_URL must be an http or https URL, got {url!r}")
    # `text` is what Slack, Mattermost and Teams incoming webhooks display; the other keys are for machines.
    body = json.dumps({"text": failure.text, **asdict(failure)}).encode()
    request = urllib.request.Request(  # noqa: S310 the scheme is checked above
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_S) as response:  # noqa: S310 same request
        response.read()


def send_email(settings: Settings, failure: RunFailure) -> None:
    message = EmailMessage()
    message["Subject"] = failure.subject
    message["From"] = settings.alert_email_from
    message["To"] = ", ".join(settings.alert_email_to)
    message.set_content(failure.text)
    with smtplib.SMTP(settings.alert_smtp_host, settings.alert_smtp_port, timeout=SMTP_TIMEOUT_S) as smtp:
        if settings.alert_smtp_starttls:
            smtp.starttls()
        if settings.alert_smtp_user:
            smtp.login(settings.alert_smtp_user, settings.alert_smtp_password or "")
        smtp.send_message(message)


def announce(settings: Settings, failure: RunFailure) -> list[str]:
    """Send `failure` on every configured channel; return the channels that delivered it."""
    senders = {
        "webhook": lambda: post_webhook(settings.alert_webhook_url, failure),
        "email": lambda: send_email(settings, failure),
    }
    delivered, problems = [], []
    for channel in channels(settings):
        try:
            senders[channel]()
        except (OSError, smtplib.SMTPException, ValueError) as error:
            problems.append(f"{channel}: {error}")
        else:
            delivered.append(channel)
    if problems:
        raise AlertDeliveryFailed(f"alert for run {failure.run_id} not delivered by " + "; ".join(problems))
    return delivered
