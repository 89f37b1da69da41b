"""A failed Dagster run is announced to a real local webhook receiver and a real local SMTP server."""

import email
import json
import socketserver
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dagster as dg
import pytest

from config.settings import get_settings
from pipelines.alerts import AlertDeliveryFailed
from pipelines.defs.alerts.sensors import run_failure_alert_sensor


class WebhookReceiver(ThreadingHTTPServer):
    def __init__(self, status: int) -> None:
        self.status = status
        self.bodies: list[dict] = []
        super().__init__(("127.0.0.1", 0), WebhookHandler)


class WebhookHandler(BaseHTTPRequestHandler):
    server: WebhookReceiver

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.server.bodies.append(json.loads(self.rfile.read(length)))
        self.send_response(self.server.status)
        self.end_headers()

    def log_message(self, *_args) -> None:
        pass


class SmtpReceiver(socketserver.ThreadingTCPServer):
    """Just enough SMTP (RFC 5321) for smtplib to hand over a message: keeps each message received."""

    daemon_threads = True

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.Message]] = []
        super().__init__(("127.0.0.1", 0), SmtpHandler)


class SmtpHandler(socketserver.StreamRequestHandler):
    server: SmtpReceiver

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        recipients: list[str] = []
        self.reply("220 localhost test SMTP")
        while line := self.rfile.readline().decode().rstrip("\r\n"):
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO", "MAIL", "RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(line.split(":", 1)[1].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                lines = []
                while (data := self.rfile.readline().decode()) not in (".\r\n", ""):
                    lines.append(data.removeprefix("."))
                self.server.messages.append((recipients, email.message_from_string("".join(lines))))
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


def serve(server: socketserver.BaseServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    with SmtpReceiver() as server:
        serve(server)
        yield server
        server.shutdown()


def webhook(status: int) -> WebhookReceiver:
    server = WebhookReceiver(status)
    serve(server)
    return server


@dg.op
def load_travel_file():
    raise ValueError("travel_planes_2025.csv could not be read")


@dg.job
def failing_ingest_job():
    load_travel_file()


@pytest.fixture(scope="module")
def failed_run_context() -> dg.RunFailureSensorContext:
    instance = dg.DagsterInstance.ephemeral()
    result = failing_ingest_job.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    return dg.build_run_status_sensor_context(
        sensor_name=run_failure_alert_sensor.name,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=result.get_run_failure_event(),
    ).for_run_failure()


@pytest.fixture
def alert_settings(monkeypatch, smtp):
    def configure(webhook_url: str | None) -> None:
        if webhook_url:
            monkeypatch.setenv("CO2CALC_ALERT_WEBHOOK_URL", webhook_url)
        monkeypatch.setenv("CO2CALC_ALERT_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CO2CALC_ALERT_SMTP_PORT", str(smtp.server_address[1]))
        monkeypatch.setenv("CO2CALC_ALERT_EMAIL_TO", '["steward@example.org", "ops@example.org"]')
        monkeypatch.setenv("CO2CALC_DAGSTER_PUBLIC_URL", "https://dagster.example.org/")
        get_settings.cache_clear()

    yield configure
    get_settings.cache_clear()


def test_a_failed_run_is_posted_to_the_webhook_and_mailed_to_the_stewards(
    failed_run_context, alert_settings, smtp
):
    receiver = webhook(200)
    alert_settings(f"http://127.0.0.1:{receiver.server_address[1]}/hooks/co2calc")

    run_failure_alert_sensor(failed_run_context)
    receiver.shutdown()

    run_id = failed_run_context.dagster_run.run_id
    (body,) = receiver.bodies
    assert body["run_id"] == run_id and body["job_name"] == "failing_ingest_job"
    assert "travel_planes_2025.csv could not be read" in body["error_message"]
    assert body["run_url"] == f"https://dagster.example.org/runs/{run_id}"
    assert body["text"].startswith("co2calc: run of failing_ingest_job failed")
    ((recipients, message),) = smtp.messages
    assert recipients == ["steward@example.org", "ops@example.org"]
    assert message["Subject"] == "co2calc: run of failing_ingest_job failed"
    assert run_id in message.get_payload() and "could not be read" in message.get_payload()


def test_a_webhook_that_refuses_is_reported_and_the_mail_still_goes(failed_run_context, alert_settings, smtp):
    receiver = webhook(500)
    alert_settings(f"http://127.0.0.1:{receiver.server_address[1]}/hooks/co2calc")

    with pytest.raises(AlertDeliveryFailed, match=r"webhook: HTTP Error 500"):
        run_failure_alert_sensor(failed_run_context)
    receiver.shutdown()

    assert len(receiver.bodies) == 1
    assert len(smtp.messages) == 1
