"""HTTP API feed: JSON or CSV pages, page-number or cursor pagination, bearer or OAuth2 client credentials.

Incremental: the API is asked for records whose cursor field is above the largest value loaded so far
(`incremental.param`), in ascending order; pages are followed from there. Each page is committed with the
cursor advanced to its largest value, so a run that fails on page 3 resumes, next time, right after page 2.
429 (honouring Retry-After) and 5xx answers and dropped connections are retried with exponential backoff.
"""

import csv
import io
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa
from authlib.integrations.requests_client import OAuth2Session

from config.feeds import BearerAuth, CursorPagination, HttpFeed, OAuth2ClientCredentials
from config.settings import secret_from_environment
from ingest.feeds.batches import (
    FeedError,
    FeedRunResult,
    commit_batch,
    contract_for,
    feed_run_lock,
    read_cursor,
)
from ingest.migrate import require_current_schema


def _session(feed: HttpFeed) -> requests.Session:
    match feed.auth:
        case BearerAuth(token_env=token_env):
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {secret_from_environment(token_env)}"
            return session
        case OAuth2ClientCredentials() as auth:
            # authlib fetches a new token when the current one expires (client-credentials grant).
            session = OAuth2Session(
                client_id=secret_from_environment(auth.client_id_env),
                client_secret=secret_from_environment(auth.client_secret_env),
                scope=auth.scope,
                token_endpoint=auth.token_url,
                grant_type="client_credentials",
            )
            try:
                session.fetch_token(auth.token_url, grant_type="client_credentials", timeout=feed.timeout_s)
            except Exception as error:
                raise FeedError(f"feed {feed.name}: no token from {auth.token_url}: {error}") from None
            return session
        case _:
            return requests.Session()


def _retry_after_s(response: requests.Response) -> float | None:
    header = response.headers.get("Retry-After")
    if header is None:
        return None
    if header.strip().isdigit():
        return float(header)
    try:
        return max(0.0, (parsedate_to_datetime(header) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def _get(session: requests.Session, feed: HttpFeed, params: dict[str, str]) -> requests.Response:
    retry = feed.retry
    for attempt in range(1, retry.max_attempts + 1):
        backoff_s = min(retry.max_backoff_s, retry.backoff_s * 2 ** (attempt - 1))
        try:
            response = session.get(feed.url, params=params, timeout=feed.timeout_s)
        except (requests.ConnectionError, requests.Timeout) as error:
            failure = f"{type(error).__name__}: {error}"
        else:
            if response.status_code != 429 and response.status_code < 500:
                if not response.ok:
                    raise FeedError(
                        f"feed {feed.name}: HTTP {response.status_code} from {feed.url} {params}: "
                        f"{response.text[:300]}"
                    )
                return response
            failure = f"HTTP {response.status_code}"
            retry_after_s = _retry_after_s(response)
            if retry_after_s is not None:
                backoff_s = min(retry.max_backoff_s, retry_after_s)
        if attempt < retry.max_attempts:
            time.sleep(backoff_s)
    raise FeedError(
        f"feed {feed.name}: {failure} from {feed.url} {params} after {retry.max_attempts} attempts"
    )


def _field(body: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        body = body.get(part) if isinstance(body, dict) else None
    return body


def _records(feed: HttpFeed, response: requests.Response) -> list[dict[str, Any]]:
    if feed.format == "csv":
        return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    body = response.json()
    records = _field(body, feed.records_field) if feed.records_field else body
    if not isinstance(records, list) or not all(isinstance(record, dict) for record in records):
        raise FeedError(f"feed {feed.name}: {feed.records_field or 'the page'} is not a list of records")
    return records


def _pages(session: requests.Session, feed: HttpFeed, since: str | None) -> Iterator[list[dict[str, Any]]]:
    params = {feed.incremental.param: since} if since is not None else {}
    pagination = feed.pagination
    if isinstance(pagination, CursorPagination):
        page_token = None
        while True:
            response = _get(
                session,
                feed,
                params | ({pagination.cursor_param: page_token} if page_token is not None else {}),
            )
            yield _records(feed, response)
            if pagination.next_cursor_header is not None:
                page_token = response.headers.get(pagination.next_cursor_header) or None
            else:
                page_token = _field(response.json(), pagination.next_cursor_field or "")
            if page_token in (None, ""):
                return
    else:
        page = 1
        while True:
            sizing = {pagination.page_param: str(page), pagination.page_size_param: str(pagination.page_size)}
            records = _records(feed, _get(session, feed, params | sizing))
            yield records
            if len(records) < pagination.page_size:
                return
            page += 1


def _cursor_key(feed: HttpFeed, value: Any) -> Any:
    if feed.incremental.type == "integer":
        return int(value)
    return str(value)


def run_http_feed(
    engine: sa.Engine, feed: HttpFeed, *, loaded_by: str, dagster_run_id: str | None = None
) -> FeedRunResult:
    contract_for(feed)
    require_current_schema(engine)
    field_name = feed.incremental.field
    with feed_run_lock(engine, feed.name), tempfile.TemporaryDirectory() as work_dir:
        cursor_before = read_cursor(engine, feed.name)
        cursor = cursor_before
        loads = []
        batches = 0
        with _session(feed) as session:
            for number, records in enumerate(_pages(session, feed, cursor_before), start=1):
                if not records:
                    continue
                missing = [
                    index for index, record in enumerate(records, start=1) if record.get(field_name) is None
                ]
                if missing:
                    raise FeedError(
                        f"feed {feed.name}, page {number}: record {missing[0]} has no cursor field {field_name!r}"
                    )
                values = [_cursor_key(feed, record[field_name]) for record in records]
                if cursor is not None:
                    values.append(_cursor_key(feed, cursor))
                cursor_to = str(max(values))
                loads += commit_batch(
                    engine,
                    feed,
                    records,
                    cursor_from=cursor,
                    cursor_to=cursor_to,
                    position=f"page {number}",
                    loaded_by=loaded_by,
                    dagster_run_id=dagster_run_id,
                    work_dir=Path(work_dir),
                )
                cursor = cursor_to
                batches += 1
    return FeedRunResult(feed.name, cursor_before, cursor, batches, tuple(loads))
