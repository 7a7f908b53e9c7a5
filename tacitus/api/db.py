"""How the API reads the store: a short read-only connection per request, retried when busy.

Why per request: DuckDB lets one process open a file for writing, and a reader that keeps the
file open would lock an ingest out. So each request opens the database read-only, runs its
queries in one transaction (one consistent snapshot, even for a page and its total) and
closes it at once; an ingest that holds the file only while it writes a batch can interleave
with readers. A request that finds the file taken retries for a moment, then answers 503 with
`Retry-After`, never 500. Everything about opening lives here so that it is easy to adapt.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from tacitus.store import SchemaError, Store, StoreBusy

#: Seconds to wait between attempts to open a busy database; their sum bounds a request's wait.
DEFAULT_BACKOFF: tuple[float, ...] = (0.05, 0.1, 0.2, 0.4)
#: Seconds a client is told to wait (Retry-After) when the database stayed busy.
RETRY_AFTER_SECONDS = 1


class DatabaseUnavailable(RuntimeError):
    """The store cannot be read right now (busy, missing or of another schema): a 503."""

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ReadOnlyDatabase:
    """Opens the store at `path` read-only, one short connection at a time."""

    def __init__(self, path: Path, backoff: tuple[float, ...] = DEFAULT_BACKOFF) -> None:
        self.path = path
        self.backoff = backoff

    def _open(self) -> Store:
        """Open, retrying while a writer holds the file; then give up with a 503."""
        for delay in (*self.backoff, None):
            try:
                return Store.open(self.path, read_only=True)
            except StoreBusy:
                if delay is None:
                    break
                time.sleep(delay)
            except FileNotFoundError as error:
                raise DatabaseUnavailable(
                    f"no Tacitus database at {self.path}; run `tacitus ingest` first"
                ) from error
            except (SchemaError, duckdb.Error) as error:
                raise DatabaseUnavailable(f"cannot read {self.path}: {error}") from error
        raise DatabaseUnavailable(
            f"{self.path} is being written by an ingest; try again in a moment",
            retry_after=RETRY_AFTER_SECONDS,
        )

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection inside one transaction: every query sees one snapshot."""
        store = self._open()
        try:
            store.conn.begin()
            yield store.conn
            store.conn.rollback()
        finally:
            store.close()
