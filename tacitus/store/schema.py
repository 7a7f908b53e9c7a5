"""The store's schema, versioned: numbered SQL migrations applied in order, recorded as applied.

A database outlives the code that made it, so the schema is never created from scratch twice:
each change is a new `migrations/NNN_name.sql` file, and `migrate` applies the ones a database
has not seen yet, each in its own transaction together with its row in `schema_version`. A
database left half-migrated by a crash is therefore impossible.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from types import TracebackType
from typing import Any

import duckdb

_MIGRATION_NAME = re.compile(r"^(\d{3})_(\w+)\.sql$")


class SchemaError(RuntimeError):
    """The database's schema cannot be used by this version of Tacitus."""


@dataclass(frozen=True)
class Migration:
    """One schema change: its number (the order), its name and the SQL that makes it."""

    version: int
    name: str
    sql: str


def bundled_migrations() -> list[Migration]:
    """The migrations shipped in `tacitus/store/migrations`, in version order."""
    folder = resources.files("tacitus.store").joinpath("migrations")
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return _checked(found)


def _checked(migrations: Sequence[Migration]) -> list[Migration]:
    """Migrations sorted by version; two with one number would make the order ambiguous."""
    ordered = sorted(migrations, key=lambda m: m.version)
    versions = [m.version for m in ordered]
    if len(set(versions)) != len(versions):
        raise SchemaError(f"two migrations share a version number: {versions}")
    return ordered


def scalar(conn: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> Any:
    """The single value a query returns, read to the end (DuckDB 2 refuses further work on a
    connection whose last result was left half-read)."""
    rows = conn.execute(sql, list(params)).fetchall()
    return rows[0][0] if rows else None


def latest_version(migrations: Sequence[Migration] | None = None) -> int:
    """The version a fully migrated database has."""
    chosen = bundled_migrations() if migrations is None else _checked(migrations)
    return chosen[-1].version if chosen else 0


def current_version(conn: duckdb.DuckDBPyConnection) -> int:
    """The highest migration applied to this database (0 for a new, empty one)."""
    exists = scalar(
        conn,
        "SELECT count(*) FROM information_schema.tables"
        " WHERE table_name = 'schema_version' AND table_schema = 'main'"
        " AND table_catalog = current_database()",
    )
    if not exists:
        return 0
    return int(scalar(conn, "SELECT coalesce(max(version), 0) FROM schema_version"))


def migrate(
    conn: duckdb.DuckDBPyConnection, migrations: Sequence[Migration] | None = None
) -> list[int]:
    """Apply the pending migrations in order; returns the versions applied (empty: up to date).

    A database from a newer Tacitus is refused rather than written with an older idea of
    its tables.
    """
    chosen = bundled_migrations() if migrations is None else _checked(migrations)
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    have = current_version(conn)
    newest = chosen[-1].version if chosen else 0
    if have > newest:
        raise SchemaError(
            f"database schema version {have} is newer than this Tacitus knows ({newest})"
        )
    applied: list[int] = []
    for migration in chosen:
        if migration.version <= have:
            continue
        with Transaction(conn):
            conn.execute(migration.sql)
            conn.execute(
                "INSERT INTO schema_version VALUES (?, ?, current_timestamp::TIMESTAMP)",
                [migration.version, migration.name],
            )
        applied.append(migration.version)
    return applied


def check_version(conn: duckdb.DuckDBPyConnection) -> None:
    """Fail unless the database is exactly at the schema this code expects (read-only use)."""
    have, want = current_version(conn), latest_version()
    if have != want:
        raise SchemaError(
            f"database schema version {have}, this Tacitus needs {want};"
            " open it once for writing to migrate it"
        )


class Transaction:
    """BEGIN ... COMMIT, or ROLLBACK when anything (even KeyboardInterrupt) escapes."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.begin()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.conn.commit()
        else:
            self.conn.rollback()
