"""The S3-compatible inbox: list the objects delivered to a bucket prefix, download one, mark what became of it.

Routing and loading are the folder inbox's (`contracts.source_for_file`, `load.load_file`); this module only
moves bytes. The inbox is the objects directly under the prefix (like the files directly in the inbox folder);
a handled object is moved out of it, so a steward sees in the bucket what became of each delivery:
- `<prefix>processed/<name>`: loaded, replaced an earlier load, or identical to the active load (metadata
  `co2calc-outcome`, `co2calc-load-id`);
- `<prefix>refused/<name>`, with `<prefix>refused/<name>.reason.txt`: why (the load's message and first
  refused rows, or a name that routes to no source).
An object replaced under the same key before its run downloads it is not loaded by that run (its ETag no
longer matches): the new content is a delivery of its own.
"""

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

import boto3
from botocore.exceptions import ClientError

from config.settings import Settings
from ingest.load import LoadResult

PROCESSED_FOLDER = "processed/"
REFUSED_FOLDER = "refused/"
REASON_SUFFIX = ".reason.txt"
# Refused rows written into a reason file; the rest are in ops.rejects with the load id.
REASON_ROWS = 20


class ObjectReplaced(Exception):
    """The object under a key is no longer the delivery a run was started for."""


@dataclass(frozen=True)
class InboxObject:
    key: str
    etag: str
    # None for an object named in a run's config: the run acts on the ETag it was started for.
    last_modified: datetime | None = None

    @property
    def delivery(self) -> str:
        """What tells one delivery under this key from another: the same bytes uploaded again are a new one."""
        modified = self.last_modified.isoformat() if self.last_modified is not None else "unknown"
        return f"{self.etag}@{modified}"

    @property
    def name(self) -> str:
        """The object's name without its prefix: what routes it to a source (`travel_planes_2025.csv`)."""
        return PurePosixPath(self.key).name


class S3Inbox:
    def __init__(self, client, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        # A prefix names a folder of the bucket: `inbox` and `inbox/` are the same inbox.
        self.prefix = prefix if prefix == "" or prefix.endswith("/") else f"{prefix}/"

    @classmethod
    def from_settings(cls, settings: Settings) -> "S3Inbox | None":
        """The inbox the settings configure (`CO2CALC_S3_INBOX_*`), or None when no bucket is set."""
        if settings.s3_inbox_bucket is None:
            return None
        secret = settings.s3_inbox_secret_access_key
        client = boto3.client(
            "s3",
            endpoint_url=settings.s3_inbox_endpoint_url,
            region_name=settings.s3_inbox_region,
            aws_access_key_id=settings.s3_inbox_access_key_id,
            aws_secret_access_key=secret.get_secret_value() if secret is not None else None,
        )
        return cls(client, settings.s3_inbox_bucket, settings.s3_inbox_prefix)

    def list_objects(self) -> list[InboxObject]:
        """Every object directly under the prefix, in key order (`processed/` and `refused/` are below it)."""
        objects = []
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix, Delimiter="/"
        )
        for page in pages:
            objects += [
                InboxObject(item["Key"], item["ETag"], item["LastModified"])
                for item in page.get("Contents", [])
            ]
        return sorted(objects, key=lambda item: item.key)

    def download(self, delivered: InboxObject, folder: Path) -> Path:
        """A copy of the delivered object in `folder`, under its name; `ObjectReplaced` if its content changed."""
        path = folder / delivered.name
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=delivered.key, IfMatch=delivered.etag)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code in {"PreconditionFailed", "NoSuchKey"}:
                raise ObjectReplaced(
                    f"s3://{self.bucket}/{delivered.key}: no object with ETag {delivered.etag} any more ({code}); "
                    "it was moved by an earlier run, deleted, or replaced by a delivery that has a run of its own"
                ) from error
            raise
        with response["Body"] as body, path.open("wb") as file:
            shutil.copyfileobj(body, file)
        return path

    def mark_loaded(self, delivered: InboxObject, result: LoadResult) -> str:
        """Move a refused delivery to `refused/` with its reason, any other to `processed/`; the new key."""
        if result.outcome == "refused":
            reasons = [result.message or "refused"] + [str(row) for row in result.rejected_rows[:REASON_ROWS]]
            if len(result.rejected_rows) > REASON_ROWS:
                reasons.append(
                    f"... every refused row: select * from ops.rejects where load_id = {result.load_id}"  # noqa: S608 a message for the steward, not a query
                )
            return self.refuse(delivered, "\n".join(reasons), load_id=result.load_id)
        return self._move(
            delivered,
            PROCESSED_FOLDER,
            {"co2calc-outcome": result.outcome, "co2calc-load-id": str(result.load_id)},
        )

    def refuse(self, delivered: InboxObject, reason: str, load_id: int | None = None) -> str:
        """Move a delivery to `refused/` and write the reason beside it; the new key."""
        metadata = {"co2calc-outcome": "refused"}
        if load_id is not None:
            metadata["co2calc-load-id"] = str(load_id)
        refused_key = self._move(delivered, REFUSED_FOLDER, metadata)
        self.client.put_object(
            Bucket=self.bucket,
            Key=f"{refused_key}{REASON_SUFFIX}",
            Body=f"{delivered.key}\n{reason}\n".encode(),
            ContentType="text/plain; charset=utf-8",
        )
        return refused_key

    def _move(self, delivered: InboxObject, folder: str, metadata: dict[str, str]) -> str:
        # S3 has no rename: a copy of exactly the delivered version (CopySourceIfMatch), then the delete.
        target = f"{self.prefix}{folder}{delivered.name}"
        self.client.copy_object(
            Bucket=self.bucket,
            Key=target,
            CopySource={"Bucket": self.bucket, "Key": delivered.key},
            CopySourceIfMatch=delivered.etag,
            Metadata=metadata,
            MetadataDirective="REPLACE",
        )
        self.client.delete_object(Bucket=self.bucket, Key=delivered.key)
        return target
