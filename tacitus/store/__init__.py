"""The store: a DuckDB file holding articles, coded event mentions and deduplicated events.

`Store.open` creates or migrates a database; `Store.write_batch` commits articles with their
events atomically; `deduplicate` rebuilds the GDELT-style event table. docs/schema.md
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
from tacitus.store.dedup import DedupSettings, DedupSummary, deduplicate
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
    "current_version",
    "deduplicate",
    "doc_key",
    "latest_version",
    "migrate",
    "record_from_row",
    "text_hash",
]
