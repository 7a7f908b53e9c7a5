"""Shards: one Parquet file per coded partition, written by a worker and merged by the client.

Why files rather than results handed back through Dask: a shard outlives the client. If the
client dies, the workers still finish the partitions they were coding, and the re-run merges
their shards instead of coding them again.

Why the name is a digest of the content: the name covers the coder's identity (its factory
and version, see tacitus.scale.worker) and every field of every article in the partition, so
the same partition coded again (by another worker after one died, or by a re-run) names the
same file and fills it with the same bytes, and a changed input or dictionary names another.

Why a temporary file and `os.replace`: the temporary name is in the same folder (so the
rename stays on one file system, where it is atomic), hence a shard is either absent or
whole, and two workers finishing the same partition both leave one whole file.

A shard holds everything `Store.write_batch` needs: one row per coded article (its fields,
who coded it, its events as the record JSON users see) and one row per article the coder
failed on (a reject). DuckDB reads shards as they are: `SELECT * FROM 'shards/*.parquet'`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tacitus.records import Article, EventRecord, Reject
from tacitus.scale.errors import ShardError
from tacitus.store import CodedArticle

SUFFIX = ".parquet"

_ARTICLE = pa.struct(
    [
        ("id", pa.string()),
        ("text", pa.string()),
        ("published", pa.date32()),
        ("url", pa.string()),
        ("outlet", pa.string()),
        ("title", pa.string()),
        ("source_file", pa.string()),
        ("position", pa.string()),
    ]
)

_REJECT = pa.struct(
    [
        ("file", pa.string()),
        ("position", pa.string()),
        ("reason", pa.string()),
        ("doc_id", pa.string()),
    ]
)

#: A row is a coded article (`article`, `coder_version`, `events`) or a reject (`reject`).
SHARD_SCHEMA = pa.schema(
    [
        ("article", _ARTICLE),
        ("coder_version", pa.string()),
        ("events", pa.list_(pa.string())),
        ("reject", _REJECT),
    ]
)


def shard_name(coder_identity: str, articles: Sequence[Article]) -> str:
    """The file name of the shard that coding `articles` with this coder produces."""
    digest = hashlib.sha256(coder_identity.encode("utf-8"))
    for article in articles:
        fields = json.dumps(article.to_dict(), sort_keys=True, ensure_ascii=False)
        digest.update(b"\n" + fields.encode("utf-8"))
    return digest.hexdigest()[:40] + SUFFIX


def _article_row(coded: CodedArticle) -> dict[str, Any]:
    events = [json.dumps(e.to_dict(), ensure_ascii=False) for e in coded.events]
    return {
        "article": dataclasses.asdict(coded.article),
        "coder_version": coded.coder_version,
        "events": events,
        "reject": None,
    }


def _reject_row(reject: Reject) -> dict[str, Any]:
    row = dataclasses.asdict(reject)
    return {"article": None, "coder_version": None, "events": None, "reject": row}


def write_shard(path: Path, coded: Sequence[CodedArticle], rejects: Sequence[Reject]) -> None:
    """Write a shard atomically: to a temporary file beside `path`, then renamed onto it."""
    rows = [_article_row(c) for c in coded] + [_reject_row(r) for r in rejects]
    table = pa.Table.from_pylist(rows, schema=SHARD_SCHEMA)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table, temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def read_shard(path: Path) -> tuple[list[CodedArticle], list[Reject]]:
    """The coded articles and rejects a shard holds, as `Store.write_batch` takes them."""
    try:
        rows = pq.read_table(path, schema=SHARD_SCHEMA).to_pylist()
    except (OSError, pa.ArrowException) as error:
        raise ShardError(
            f"{path}: not a readable Tacitus shard ({error}); delete it and run again"
        ) from error
    coded: list[CodedArticle] = []
    rejects: list[Reject] = []
    for row in rows:
        if row["reject"] is not None:
            rejects.append(Reject(**row["reject"]))
            continue
        events = [EventRecord.from_dict(json.loads(text)) for text in row["events"]]
        coded.append(CodedArticle(Article(**row["article"]), events, row["coder_version"]))
    return coded, rejects
