"""The store: a DuckDB file holding articles, coded event mentions and deduplicated events.

`Store.open` creates or migrates a database; `Store.write_batch` commits articles with their
events atomically and queues the deduplicated events they change; `catch_up` brings the
GDELT-style event table up to date, and `deduplicate` rebuilds it whole. docs/schema.md
describes every table.
"""

from tacitus.store.db import (
    DEFAULT_DB_PATH,
    BatchResult,
    CodedArticle,
    CodedRows,
    RunLock,
    RunStore,
    Store,
    StoreBusy,
    doc_key,
    record_from_row,
    text_hash,
)
from tacitus.store.dedup import DedupSettings, DedupSummary, catch_up, deduplicate
from tacitus.store.schema import SchemaError, current_version, latest_version, migrate

__all__ = [
    "DEFAULT_DB_PATH",
    "BatchResult",
    "CodedArticle",
    "CodedRows",
    "DedupSettings",
    "DedupSummary",
    "RunLock",
    "RunStore",
    "SchemaError",
    "Store",
    "StoreBusy",
    "catch_up",
    "current_version",
    "deduplicate",
    "doc_key",
    "latest_version",
    "migrate",
    "record_from_row",
    "text_hash",
]
