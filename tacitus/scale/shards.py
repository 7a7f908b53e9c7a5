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

A shard holds everything `Store.write_rows` needs: one row per coded article (its row of the
`articles` table, and its rows of `events` as a list), built by the worker, and one row per
article the coder failed on (a reject). DuckDB reads shards as they are:
`SELECT * FROM 'shards/*.parquet'`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import os
import uuid
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tacitus.records import Article, Reject
from tacitus.scale.errors import ShardError
from tacitus.store import CodedArticle, CodedRows
from tacitus.store.db import ARTICLE_ROW_SCHEMA, EVENT_ROW_SCHEMA

SUFFIX = ".parquet"

_REJECT = pa.struct(
    [
        ("file", pa.string()),
        ("position", pa.string()),
        ("reason", pa.string()),
        ("doc_id", pa.string()),
    ]
)

#: A row is a coded article (its `articles` row and its `events` rows, as the store takes
#: them) or a reject (`reject`).
SHARD_SCHEMA = pa.schema(
    [
        ("article", pa.struct(list(ARTICLE_ROW_SCHEMA))),
        ("events", pa.list_(pa.struct(list(EVENT_ROW_SCHEMA)))),
        ("reject", _REJECT),
    ]
)

#: Changes whenever SHARD_SCHEMA does, so that a shard left by an older Tacitus is named
#: differently (and coded again) rather than misread.
SHARD_FORMAT = "rows-1"


def shard_name(coder_identity: str, articles: Sequence[Article]) -> str:
    """The file name of the shard that coding `articles` with this coder produces."""
    digest = hashlib.sha256(f"{SHARD_FORMAT} {coder_identity}".encode())
    for article in articles:
        fields = json.dumps(article.to_dict(), sort_keys=True, ensure_ascii=False)
        digest.update(b"\n" + fields.encode("utf-8"))
    return digest.hexdigest()[:40] + SUFFIX


def _shard_table(rows: CodedRows, rejects: Sequence[Reject]) -> pa.Table:
    """One shard row per article, holding its events' rows as a list, then one per reject.

    `CodedRows` lists each article's events together, in the articles' order, so each
    article's list is the next run of as many events as it has.
    """
    keys = rows.articles.column("doc_key").to_pylist()
    counts = Counter(rows.events.column("doc_key").to_pylist())
    offsets = list(itertools.accumulate((counts[key] for key in keys), initial=0))
    events = pa.StructArray.from_arrays(
        [column.combine_chunks() for column in rows.events.columns], fields=list(EVENT_ROW_SCHEMA)
    )
    articles = pa.StructArray.from_arrays(
        [column.combine_chunks() for column in rows.articles.columns],
        fields=list(ARTICLE_ROW_SCHEMA),
    )
    coded = pa.Table.from_arrays(
        [
            articles,
            pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), events),
            pa.nulls(len(keys), _REJECT),
        ],
        schema=SHARD_SCHEMA,
    )
    refused = pa.Table.from_pylist(
        [{"article": None, "events": None, "reject": dataclasses.asdict(r)} for r in rejects],
        schema=SHARD_SCHEMA,
    )
    return pa.concat_tables([coded, refused])


def write_shard(path: Path, coded: Sequence[CodedArticle], rejects: Sequence[Reject]) -> None:
    """Write a shard atomically: to a temporary file beside `path`, then renamed onto it.

    The worker builds the store's rows here, so that the client merging the shard only
    inserts them (tacitus.store.CodedRows)."""
    table = _shard_table(CodedRows.of(coded), rejects)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table, temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def read_shard(path: Path) -> tuple[CodedRows, list[Reject]]:
    """The coded rows and rejects a shard holds, as `Store.write_rows` takes them."""
    try:
        table = pq.read_table(path, schema=SHARD_SCHEMA)
    except (OSError, pa.ArrowException) as error:
        raise ShardError(
            f"{path}: not a readable Tacitus shard ({error}); delete it and run again"
        ) from error
    coded = table.filter(pc.is_valid(table["article"]))
    rows = CodedRows(
        pa.Table.from_struct_array(coded["article"]),
        pa.Table.from_struct_array(pc.list_flatten(coded["events"])),
    )
    refused = table.filter(pc.is_null(table["article"]))["reject"].to_pylist()
    return rows, [Reject(**row) for row in refused]
