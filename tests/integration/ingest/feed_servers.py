"""Real local HTTP APIs the feed tests pull from (served by pytest-httpserver): fixture pages behind auth.

`TravelAgencyApi`: JSON bookings behind a bearer token, page-number pagination, `since=<booking_id>`.
`HrApi`: CSV headcount pages behind an OAuth2 client-credentials token endpoint, the next page's cursor in
an `X-Next-Cursor` header, `updated_after=<change_seq>`.
Both can be told to answer a given request with error statuses first (`faults`), and log what they served.
"""

import base64
import csv
import io
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

FIXTURES = Path(__file__).parents[2] / "fixtures" / "feeds"
BEARER_TOKEN = "travel-agency-test-token"
CLIENT_ID = "co2calc-hr-feed"
CLIENT_SECRET = "hr-feed-test-secret"
ACCESS_TOKEN = "hr-access-token-1"


@dataclass
class ServedRequest:
    path: str
    args: dict[str, str]
    status: int
    at_s: float


@dataclass
class TravelAgencyApi:
    server: HTTPServer
    bookings: list[dict] = field(
        default_factory=lambda: json.loads((FIXTURES / "travel_agency_bookings.json").read_text())
    )
    # (since, page) -> statuses to answer with, one per request, before the page itself
    faults: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    served: list[ServedRequest] = field(default_factory=list)

    def __post_init__(self):
        self.server.expect_request("/v1/bookings").respond_with_handler(self._handle)

    @property
    def url(self) -> str:
        return self.server.url_for("/v1/bookings")

    def _handle(self, request: Request) -> Response:
        args = dict(request.args)
        if request.headers.get("Authorization") != f"Bearer {BEARER_TOKEN}":
            return self._answer(request, Response('{"error": "unauthorized"}', 401))
        since = int(args.get("since", 0))
        page, per_page = int(args["page"]), int(args["per_page"])
        queued = self.faults.get((since, page))
        if queued:
            status = queued.pop(0)
            headers = {"Retry-After": "1"} if status == 429 else {}
            return self._answer(request, Response('{"error": "try again"}', status, headers))
        matching = [b for b in self.bookings if b["booking_id"] > since]
        body = {"data": matching[(page - 1) * per_page : page * per_page], "meta": {"page": page}}
        return self._answer(request, Response(json.dumps(body), 200, content_type="application/json"))

    def _answer(self, request: Request, response: Response) -> Response:
        self.served.append(
            ServedRequest(request.path, dict(request.args), response.status_code, time.monotonic())
        )
        return response


@dataclass
class HrApi:
    server: HTTPServer
    page_size: int = 2
    faults: dict[tuple[int, str | None], list[int]] = field(default_factory=dict)
    served: list[ServedRequest] = field(default_factory=list)
    tokens_issued: int = 0

    def __post_init__(self):
        self.server.expect_request("/oauth/token", method="POST").respond_with_handler(self._token)
        self.server.expect_request("/hr/headcount").respond_with_handler(self._handle)

    @property
    def url(self) -> str:
        return self.server.url_for("/hr/headcount")

    @property
    def token_url(self) -> str:
        return self.server.url_for("/oauth/token")

    def _token(self, request: Request) -> Response:
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("Authorization") != expected or request.form.get("grant_type") != (
            "client_credentials"
        ):
            return Response('{"error": "invalid_client"}', 401, content_type="application/json")
        self.tokens_issued += 1
        body = {"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 3600}
        return Response(json.dumps(body), 200, content_type="application/json")

    def _handle(self, request: Request) -> Response:
        args = dict(request.args)
        if request.headers.get("Authorization") != f"Bearer {ACCESS_TOKEN}":
            return self._answer(request, Response("unauthorized", 401))
        after = int(args.get("updated_after", 0))
        start = int(args.get("cursor", 0))
        queued = self.faults.get((after, args.get("cursor")))
        if queued:
            return self._answer(request, Response("unavailable", queued.pop(0)))
        rows = list(csv.DictReader((FIXTURES / "hr_headcount.csv").read_text().splitlines()))
        matching = [row for row in rows if int(row["change_seq"]) > after]
        page = matching[start : start + self.page_size]
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(page)
        more = start + self.page_size < len(matching)
        headers = {"X-Next-Cursor": str(start + self.page_size)} if more else {}
        return self._answer(request, Response(text.getvalue(), 200, headers, content_type="text/csv"))

    def _answer(self, request: Request, response: Response) -> Response:
        self.served.append(
            ServedRequest(request.path, dict(request.args), response.status_code, time.monotonic())
        )
        return response


def travel_agency_feed(url: str, **overrides) -> dict:
    """The declaration of the travel-agency feed as `config/feeds.yaml` holds it, pointed at `url`."""
    return {
        "kind": "http",
        "name": "travel_agency_bookings",
        "source": "travel_planes",
        "schedule": "0 * * * *",
        "url": url,
        "format": "json",
        "records_field": "data",
        "pagination": {"style": "page", "page_param": "page", "page_size_param": "per_page", "page_size": 3},
        "auth": {"type": "bearer", "token_env": "CO2CALC_TEST_TRAVEL_AGENCY_TOKEN"},
        "incremental": {"field": "booking_id", "param": "since", "type": "integer"},
        "columns": {
            "unit_institutional_id": "unit",
            "user_institutional_id": "traveller",
            "note": "booking_ref",
        },
        "reporting_year_field": "departure_date",
        "retry": {"max_attempts": 3, "backoff_s": 0.05},
        **overrides,
    }


def hr_feed(url: str, token_url: str) -> dict:
    return {
        "kind": "http",
        "name": "hr_headcount",
        "source": "headcount",
        "schedule": "0 6 * * *",
        "url": url,
        "format": "csv",
        "pagination": {"style": "cursor", "cursor_param": "cursor", "next_cursor_header": "X-Next-Cursor"},
        "auth": {
            "type": "oauth2_client_credentials",
            "token_url": token_url,
            "client_id_env": "CO2CALC_TEST_HR_CLIENT_ID",
            "client_secret_env": "CO2CALC_TEST_HR_CLIENT_SECRET",
        },
        "incremental": {"field": "change_seq", "param": "updated_after", "type": "integer"},
        "reporting_year_field": "year",
        "retry": {"max_attempts": 3, "backoff_s": 0.05},
    }
