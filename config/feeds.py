"""System feeds as declared in `config/feeds.yaml`: what each pulls, from where, how often, into which source.

A feed names its secrets by environment variable (`token_env`, `client_secret_env`, `url_env`); the values
are read at run time through `config.settings.secret_from_environment`, never written in the YAML.
"""

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

FEED_NAME_PATTERN = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BearerAuth(_Strict):
    type: Literal["bearer"]
    token_env: str


class OAuth2ClientCredentials(_Strict):
    type: Literal["oauth2_client_credentials"]
    token_url: str
    client_id_env: str
    client_secret_env: str
    scope: str | None = None


class PagePagination(_Strict):
    """`page=1, 2, ...` until a page shorter than `page_size`."""

    style: Literal["page"]
    page_param: str = "page"
    page_size_param: str = "page_size"
    page_size: int = Field(100, ge=1)


class CursorPagination(_Strict):
    """Each page names the next one: a field of a JSON body (dot path) or a response header; absent = last page."""

    style: Literal["cursor"]
    cursor_param: str = "cursor"
    next_cursor_field: str | None = None
    next_cursor_header: str | None = None

    @model_validator(mode="after")
    def _one_place_for_the_next_cursor(self) -> "CursorPagination":
        if (self.next_cursor_field is None) == (self.next_cursor_header is None):
            raise ValueError("cursor pagination needs exactly one of next_cursor_field, next_cursor_header")
        return self


class IncrementalCursor(_Strict):
    """The API returns records whose `field` is above the value sent as `param`, in ascending `field` order."""

    field: str
    param: str
    type: Literal["integer", "text"] = "text"


class Retry(_Strict):
    max_attempts: int = Field(5, ge=1)
    backoff_s: float = Field(1.0, ge=0)
    max_backoff_s: float = Field(60.0, ge=0)


class _Feed(_Strict):
    name: str = Field(pattern=FEED_NAME_PATTERN)
    source: str
    description: str = ""
    # Cron expression of the feed's schedule (UTC).
    schedule: str
    # Contract column -> record field, for the columns the system spells differently.
    columns: dict[str, str] = Field(default_factory=dict)
    # The reporting year of a record: a field holding a year or a YYYY-MM-DD date, or one fixed year.
    reporting_year_field: str | None = None
    reporting_year: int | None = None

    @model_validator(mode="after")
    def _one_way_to_the_reporting_year(self) -> "_Feed":
        if self.reporting_year_field is not None and self.reporting_year is not None:
            raise ValueError(f"feed {self.name}: give reporting_year_field or reporting_year, not both")
        return self


class HttpFeed(_Feed):
    kind: Literal["http"]
    url: str
    format: Literal["json", "csv"] = "json"
    # Dot path of the record list in a JSON page; unset: the page is the list.
    records_field: str | None = None
    pagination: Annotated[PagePagination | CursorPagination, Field(discriminator="style")]
    auth: Annotated[BearerAuth | OAuth2ClientCredentials, Field(discriminator="type")] | None = None
    incremental: IncrementalCursor
    retry: Retry = Retry()
    timeout_s: float = 30.0

    @model_validator(mode="after")
    def _csv_pages_name_the_next_page_in_a_header(self) -> "HttpFeed":
        if self.format == "csv" and getattr(self.pagination, "next_cursor_field", None) is not None:
            raise ValueError(f"feed {self.name}: a CSV page has no body field; use next_cursor_header")
        return self


class Watermark(_Strict):
    """Rows are pulled in ascending `column` order, above the largest value already loaded."""

    # A plain column name of the query's result (it is written into the wrapping query).
    column: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    type: Literal["integer", "timestamp", "date", "text"]


class SqlFeed(_Feed):
    kind: Literal["sql"]
    # Environment variable holding the SQLAlchemy URL (it carries the password).
    url_env: str
    query: str
    watermark: Watermark
    batch_size: int = Field(1000, ge=1)


FeedConfig = Annotated[HttpFeed | SqlFeed, Field(discriminator="kind")]


class FeedsFile(_Strict):
    feeds: list[FeedConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _names_are_unique(self) -> "FeedsFile":
        names = [feed.name for feed in self.feeds]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"feed names must be unique: {', '.join(duplicates)}")
        return self


def load_feeds(path: Path) -> list[HttpFeed | SqlFeed]:
    return FeedsFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {}).feeds
