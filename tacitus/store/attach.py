"""Attaching the store's file to a DuckDB connection, and attaching it afresh.

The file is attached to an in-memory connection rather than opened by `duckdb.connect`,
because the row group size is an option of ATTACH. Attaching afresh (`reattach`) is how a
long job over the whole store keeps its memory flat: DuckDB keeps the metadata of every row
group a session has read for as long as the file stays attached, so a job that reads the
store step by step holds, by its end, the metadata of all of it. Measured on a store of
300,000 of the benchmark's documents: staging the events table in steps of 8,192 rows (each
joined with its articles and written out to Parquet) peaked 22 MiB above the session's start
after the first step and 52 after the last in one attachment; attached afresh before each
step, 31.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

#: Rows per row group in tables this store writes (DuckDB's default is 122,880). A CHECKPOINT
#: recompresses the table's last, partly filled row group whole, so its memory peak grows with
#: that group: with the default, a run's write sessions peaked higher the more it had written
#: (up to 30 MiB above the run's resting size by 10,000 documents). Small groups bound the
#: peak; they also give zone maps finer ranges for the date and code filters readers use.
ROW_GROUP_SIZE = 2048
#: The name the database file is attached under (the connection's own database is in memory).
CATALOG = "store"
#: Seconds a writer waits for readers to close the file (they hold it for one request or one
#: export); readers that never let go make it fail.
WRITE_WAIT_SECONDS = 60.0
#: The longest pause between two attempts to open a busy file.
_RETRY_CEILING_SECONDS = 0.25


def attach(conn: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
    """Attach the file at `path` to `conn` under `CATALOG`, with ROW_GROUP_SIZE, and use it."""
    mode = ", READ_ONLY" if read_only else ""
    conn.execute(f"ATTACH ? AS {CATALOG} (ROW_GROUP_SIZE {ROW_GROUP_SIZE}{mode})", [str(path)])
    conn.execute(f"USE {CATALOG}")


def attached_path(conn: duckdb.DuckDBPyConnection) -> Path:
    """The file attached to `conn` under `CATALOG`."""
    row = conn.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = ?", [CATALOG]
    ).fetchone()
    if row is None or row[0] is None:
        raise RuntimeError(f"no database file is attached as {CATALOG}")
    return Path(row[0])


def reattach(conn: duckdb.DuckDBPyConnection, wait: float = WRITE_WAIT_SECONDS) -> None:
    """Detach the store's file from `conn` and attach it again for writing, dropping what
    DuckDB held in memory for it. Call it between transactions only.

    Between the two, another process may open the file (a reader, between steps of a run), so
    the attach waits for up to `wait` seconds (`attach_waiting`).
    """
    path = attached_path(conn)
    conn.execute("USE memory")
    conn.execute(f"DETACH {CATALOG}")
    attach_waiting(conn, path, wait)


def attach_waiting(conn: duckdb.DuckDBPyConnection, path: Path, wait: float) -> None:
    """`attach` for writing, retried for up to `wait` seconds while another process holds
    the file."""
    for pause in pauses(wait):
        try:
            attach(conn, path, read_only=False)
            return
        except (duckdb.IOException, duckdb.ConnectionException) as error:
            if not is_busy(error):
                raise
            time.sleep(pause)
    attach(conn, path, read_only=False)


def is_busy(error: duckdb.Error) -> bool:
    """Whether `error` says another process holds the file."""
    return isinstance(error, duckdb.ConnectionException) or "lock" in str(error).lower()


def pauses(wait: float) -> Iterator[float]:
    """The pauses between attempts at something that may find the file busy, doubling up to
    a ceiling, while they fit in `wait` seconds; one last attempt follows them."""
    deadline = time.monotonic() + wait
    pause = 0.01
    while time.monotonic() + pause <= deadline:
        yield pause
        pause = min(2 * pause, _RETRY_CEILING_SECONDS)
