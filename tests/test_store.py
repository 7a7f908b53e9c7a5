"""The store: migrations, atomic and idempotent batch writes, the single-writer lock."""

from __future__ import annotations

import dataclasses
import datetime as dt
import platform
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from tacitus.records import ActorRef, Article, EventRecord, Reject
from tacitus.store import (
    CodedArticle,
    CodedRows,
    SchemaError,
    Store,
    StoreBusy,
    catch_up,
    current_version,
    deduplicate,
    doc_key,
    latest_version,
    migrate,
    record_from_row,
)
from tacitus.store.malloc import cap_malloc_arenas
from tacitus.store.schema import Migration, bundled_migrations

TABLES = {
    "articles",
    "events",
    "dedup_events",
    "event_mentions",
    "rejects",
    "runs",
    "schema_version",
    "actors",
    "dedup_settings",
    "dedup_pending",
}


def _record(doc_id: str, code: str = "0251", **changes: object) -> EventRecord:
    values: dict[str, object] = {
        "id": f"{doc_id}-1",
        "doc_id": doc_id,
        "date": "2012-07-11",
        "date_source": "text",
        "event": "REQUEST",
        "mode": None,
        "context": ["economic"],
        "actor": [ActorRef("SYR", "GOV", "SYRGOV", "Syria's ambassador", 0, 18)],
        "recipient": [
            ActorRef("SYR", "MIL", "SYRMIL", "the army", 39, 47),
            ActorRef("IRQ", None, "IRQ", "Iraq", 50, 54),
        ],
        "cameo_code": code,
        "goldstein": 3.0,
        "quad_class": 1,
        "sentence_index": 0,
        "sentence_text": "Syria's ambassador has defected and urged the army to act.",
        "sentence_start": 0,
        "event_text": "urged",
        "event_start": 33,
        "event_end": 38,
        "rule": "urge + to",
        "confidence": 0.9,
        "claimed_by": [ActorRef("SYR", "OPP", "SYROPP", "activists", 60, 69)],
        "modality": "asserted",
        "place": {
            "name": "Baghdad",
            "country_iso3": "IRQ",
            "lat": 33.34,
            "lon": 44.4,
            "kind": "city",
        },
        "explain": ["predicate urge"],
    }
    values.update(changes)
    return EventRecord(**values)  # type: ignore[arg-type]


def _article(n: int, url: str | None = None) -> Article:
    return Article(
        id=f"a{n}",
        text=f"Article number {n} says the ambassador defected.",
        published=dt.date(2012, 7, 12),
        url=url,
        outlet="Example News",
    )


def _write_as_before(conn: duckdb.DuckDBPyConnection, coded: list[CodedArticle]) -> None:
    """Store `coded` in a database at an earlier schema version, as the Tacitus of that
    version did: its article and mention rows (their columns are those of migration 001; the
    dedup unit came with 006), without today's write path, which needs today's schema."""
    rows = CodedRows.of(coded)
    for table, data in (("articles", rows.articles), ("events", rows.events)):
        conn.register("_rows", data)
        conn.execute(
            f"INSERT INTO {table} BY NAME SELECT *, TIMESTAMP '2024-01-01' AS coded_at FROM _rows"
        )
        conn.unregister("_rows")


def _count(store: Store, table: str) -> int:
    return int(store.conn.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


# --- migrations ------------------------------------------------------------------------------


def test_new_database_is_created_at_the_latest_schema(tmp_path: Path) -> None:
    with Store.open(tmp_path / "t.duckdb") as store:
        assert current_version(store.conn) == latest_version() >= 1
        names = {
            row[0]
            for row in store.conn.execute(
                "SELECT table_name FROM information_schema.tables"
            ).fetchall()
        }
    assert names >= TABLES


def test_bundled_migrations_are_numbered_from_one_without_gaps() -> None:
    versions = [m.version for m in bundled_migrations()]
    assert versions == list(range(1, len(versions) + 1))


def test_migrate_applies_pending_migrations_in_order_once() -> None:
    conn = duckdb.connect()
    first = [
        Migration(2, "fill", "INSERT INTO t VALUES (2)"),
        Migration(1, "create", "CREATE TABLE t (x INTEGER)"),
    ]
    assert migrate(conn, first) == [1, 2]
    assert migrate(conn, first) == []
    later = [*first, Migration(3, "widen", "ALTER TABLE t ADD COLUMN y INTEGER")]
    assert migrate(conn, later) == [3]
    assert conn.execute("SELECT version FROM schema_version ORDER BY 1").fetchall() == [
        (1,),
        (2,),
        (3,),
    ]
    assert conn.execute("SELECT * FROM t").fetchall() == [(2, None)]


def test_a_failing_migration_leaves_no_trace() -> None:
    conn = duckdb.connect()
    migrations = [
        Migration(1, "create", "CREATE TABLE t (x INTEGER)"),
        Migration(2, "broken", "CREATE TABLE u (x INTEGER); SELECT no_such_fn()"),
    ]
    with pytest.raises(duckdb.Error):
        migrate(conn, migrations)
    assert current_version(conn) == 1
    tables = {row[0] for row in conn.execute("SHOW TABLES").fetchall()}
    assert "u" not in tables


def test_a_database_from_a_newer_tacitus_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.duckdb"
    with Store.open(path) as store:
        store.conn.execute("INSERT INTO schema_version VALUES (999, 'future', now())")
    with pytest.raises(SchemaError, match="newer"):
        Store.open(path)
    with pytest.raises(SchemaError):
        Store.open(path, read_only=True)


# --- writes ----------------------------------------------------------------------------------


def test_an_article_and_its_events_are_stored_with_every_field(tmp_path: Path) -> None:
    record = _record("a1")
    with Store.open(tmp_path / "t.duckdb") as store:
        result = store.write_batch([CodedArticle(_article(1), [record], "v1")])
        assert (result.articles, result.events) == (1, 1)
        cursor = store.conn.execute("SELECT * FROM events")
        names = [c[0] for c in cursor.description or []]
        row = dict(zip(names, cursor.fetchall()[0], strict=True))
    assert record_from_row(row) == record
    assert (row["cameo_code"], row["cameo_base"], row["cameo_root"]) == ("0251", "025", "02")
    assert (row["actor_code"], row["actor_sector"], row["actor_cameo"]) == ("SYR", "GOV", "SYRGOV")
    assert row["recipient_cameo"] == "SYRMIL"
    assert row["event_date"] == dt.date(2012, 7, 11)


def test_records_as_dicts_name_every_field_and_round_trip() -> None:
    """`to_dict` is written out by hand for speed; it must not drift from the classes, and
    the copy it gives must not share lists or the place with the record."""
    record = _record("d1")
    assert record.to_dict() == dataclasses.asdict(record)
    without_explain = _record("d2", explain=[])
    assert "explain" not in without_explain.to_dict()
    assert EventRecord.from_dict(record.to_dict()) == record
    data = record.to_dict()
    data["context"].append("changed")
    data["place"]["name"] = "changed"
    data["actor"][0]["code"] = "changed"
    assert record == _record("d1")


def test_an_event_without_its_own_date_is_filed_under_the_article_date(tmp_path: Path) -> None:
    with Store.open(tmp_path / "t.duckdb") as store:
        store.write_batch([CodedArticle(_article(1), [_record("a1", date="2012-07")], "v1")])
        day = store.conn.execute("SELECT event_date FROM events").fetchall()[0][0]
    assert day == dt.date(2012, 7, 12)


def test_writing_the_same_batch_twice_adds_nothing(tmp_path: Path) -> None:
    batch = [CodedArticle(_article(n), [_record(f"a{n}")], "v1") for n in range(3)]
    rejects = [Reject("bad.jsonl", "3", "invalid JSON"), Reject("bad.jsonl", "3", "invalid JSON")]
    with Store.open(tmp_path / "t.duckdb") as store:
        first = store.write_batch(batch, rejects)
        second = store.write_batch(batch, rejects)
        counts = [_count(store, t) for t in ("articles", "events", "rejects")]
    assert (first.articles, first.events, first.rejects) == (3, 3, 1)
    assert (second.articles, second.events) == (0, 0)
    assert counts == [3, 3, 1]


def test_rows_holding_a_document_twice_are_refused(tmp_path: Path) -> None:
    """Two copies of a document's rows (say, from two shards) would mix their events."""
    rows = CodedRows.of([CodedArticle(_article(1), [_record("a1")], "v1")])
    with Store.open(tmp_path / "t.duckdb") as store:
        with pytest.raises(ValueError, match="twice"):
            store.write_rows(CodedRows.concat([rows, rows]))
        assert _count(store, "articles") == 0


def test_a_batch_commits_whole_or_not_at_all(tmp_path: Path) -> None:
    good = CodedArticle(_article(1), [_record("a1")], "v1")
    broken = CodedArticle(_article(2), [_record("a2", rule=None)], "v1")  # rule is NOT NULL
    with Store.open(tmp_path / "t.duckdb") as store:
        with pytest.raises(duckdb.Error):
            store.write_batch([good, broken])
        assert [_count(store, t) for t in ("articles", "events")] == [0, 0]
        assert store.write_batch([good]).articles == 1


def test_a_document_is_known_by_its_url_else_by_its_text() -> None:
    assert doc_key(_article(1, url=" https://x.example/1 ")) == "https://x.example/1"
    plain = Article(id="a", text="The army  withdrew.\nTalks resumed.")
    rewrapped = Article(id="b", text="the army withdrew. talks   resumed.")
    assert doc_key(plain) == doc_key(rewrapped) != doc_key(Article(id="a", text="Other."))


def test_replace_events_swaps_an_articles_events(tmp_path: Path) -> None:
    article = _article(1)
    with Store.open(tmp_path / "t.duckdb") as store:
        store.write_batch([CodedArticle(article, [_record("a1"), _record("a1", "190")], "v1")])
        written = store.replace_events([CodedArticle(article, [_record("a1", "042")], "v2")])
        codes = store.conn.execute("SELECT cameo_code FROM events").fetchall()
        version = store.conn.execute("SELECT coder_version FROM articles").fetchall()
    assert written == 1
    assert codes == [("042",)]
    assert version == [("v2",)]


def test_stored_articles_are_read_back_in_batches(tmp_path: Path) -> None:
    articles = [_article(n, url=f"https://x.example/{n}") for n in range(5)]
    with Store.open(tmp_path / "t.duckdb") as store:
        store.write_batch([CodedArticle(a, [], "v1") for a in articles])
        batches = list(store.iter_articles(batch_size=2))
    assert [len(b) for b in batches] == [2, 2, 1]
    assert sorted((a for b in batches for a in b), key=lambda a: a.id) == articles


# --- read-only use and the single-writer lock -----------------------------------------------------


def test_read_only_store_cannot_be_written(tmp_path: Path) -> None:
    path = tmp_path / "t.duckdb"
    Store.open(path).close()
    with Store.open(path, read_only=True) as store, pytest.raises(duckdb.Error):
        store.conn.execute("DELETE FROM articles")
    with pytest.raises(FileNotFoundError):
        Store.open(tmp_path / "missing.duckdb", read_only=True)


def test_a_second_writer_fails_at_once_with_store_busy(tmp_path: Path) -> None:
    path = tmp_path / "t.duckdb"
    probe = textwrap.dedent(f"""
        from tacitus.store import Store, StoreBusy
        for read_only in (False, True):
            try:
                Store.open({str(path)!r}, read_only=read_only)
            except StoreBusy as error:
                print("busy:", error)
    """)
    with Store.open(path):
        result = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
        )
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert all(line.startswith("busy:") and "another process" in line for line in lines)
    Store.open(path).close()  # the lock went with the first writer
    assert issubclass(StoreBusy, RuntimeError)


def test_a_run_caps_malloc_arenas_where_the_c_library_is_glibc() -> None:
    assert cap_malloc_arenas() is (platform.libc_ver()[0] == "glibc")


def test_migration_3_keeps_the_deduplicated_rows_and_drops_their_keys(tmp_path: Path) -> None:
    path = tmp_path / "v2.duckdb"
    with duckdb.connect(str(path)) as conn:
        migrate(conn, bundled_migrations()[:2])
        coded = [CodedArticle(_article(1), [_record("a1")], "v1")]
        _write_as_before(conn, coded)
        # The deduplicated rows as today's code makes them, less the columns 006 added.
        with Store.open(tmp_path / "today.duckdb") as today:
            today.write_batch(coded)
            catch_up(today.conn)
        conn.execute(f"ATTACH '{tmp_path / 'today.duckdb'}' AS today (READ_ONLY)")
        for table in ("dedup_events", "event_mentions"):
            conn.execute(f"INSERT INTO {table} SELECT * EXCLUDE (dedup_unit) FROM today.{table}")
        conn.execute("DETACH today")
        with Store(conn, path, read_only=False) as store:
            before = [_count(store, t) for t in ("dedup_events", "event_mentions")]
    with Store.open(path) as store:
        after = [_count(store, t) for t in ("dedup_events", "event_mentions")]
        constraints = store.conn.execute(
            "SELECT table_name, constraint_type, count(*) FROM duckdb_constraints()"
            " WHERE table_name IN ('dedup_events', 'event_mentions') GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        # Rebuilding still works on the migrated tables.
        assert deduplicate(store.conn).events == after[0]
    assert before == after == [1, 1]
    # No keys; every column that could not be NULL before still cannot.
    assert constraints == [("dedup_events", "NOT NULL", 12), ("event_mentions", "NOT NULL", 5)]


def test_migration_4_keeps_articles_and_events_and_drops_their_keys(tmp_path: Path) -> None:
    path = tmp_path / "v3.duckdb"
    with duckdb.connect(str(path)) as conn:
        migrate(conn, bundled_migrations()[:3])
        coded = [CodedArticle(_article(n), [_record(f"a{n}")], "v1") for n in (1, 2)]
        _write_as_before(conn, coded)
        before = conn.execute("SELECT * FROM events ORDER BY mention_id").fetchall()
        actors = conn.execute("SELECT * FROM actors ORDER BY ALL").fetchall()
    with Store.open(path) as store:
        after = store.conn.execute(
            "SELECT * EXCLUDE (dedup_unit) FROM events ORDER BY mention_id"
        ).fetchall()
        constraints = store.conn.execute(
            "SELECT table_name, constraint_type, count(*) FROM duckdb_constraints()"
            " WHERE table_name IN ('articles', 'events') GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        # The view over events still reads the new table, and a repeated batch adds nothing.
        assert store.conn.execute("SELECT * FROM actors ORDER BY ALL").fetchall() == actors
        again = store.write_batch([CodedArticle(_article(1), [_record("a1")], "v1")])
        assert (again.articles, again.events, _count(store, "articles")) == (0, 0, 2)
    assert before == after and len(after) == 2
    # No keys; every column that could not be NULL before still cannot (a primary key's
    # column counted as NOT NULL too).
    assert constraints == [("articles", "NOT NULL", 6), ("events", "NOT NULL", 23)]


def test_migration_5_indexes_article_keys_and_duckdb_refuses_a_second_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v4.duckdb"
    with duckdb.connect(str(path)) as conn:
        migrate(conn, bundled_migrations()[:4])
        _write_as_before(conn, [CodedArticle(_article(1), [_record("a1")], "v1")])
    with Store.open(path) as store:
        indexes = store.conn.execute(
            "SELECT table_name, index_name, is_unique FROM duckdb_indexes()"
            " WHERE table_name = 'articles'"
        ).fetchall()
        key = store.conn.execute("SELECT doc_key FROM articles").fetchall()[0][0]
        assert store.existing_keys([key, "not stored"]) == {key}
        # The write path never tries, but DuckDB itself now refuses a stored key.
        with pytest.raises(duckdb.ConstraintException):
            store.conn.execute(
                "INSERT INTO articles SELECT * FROM articles WHERE doc_key = ?", [key]
            )
    assert indexes == [("articles", "articles_doc_key", True)]


def test_migration_6_gives_every_mention_its_unit_and_builds_on_the_first_writing_open(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v5.duckdb"
    coded = [CodedArticle(_article(n), [_record(f"a{n}")], "v1") for n in (1, 2, 3)]
    with duckdb.connect(str(path)) as conn:
        migrate(conn, bundled_migrations()[:5])
        _write_as_before(conn, coded[:2])
    with Store.open(path) as store:
        units = store.conn.execute("SELECT count(dedup_unit) FROM events").fetchall()
        built = store.conn.execute("SELECT * FROM dedup_settings").fetchall()
        indexed = store.conn.execute(
            "SELECT table_name, index_name FROM duckdb_indexes() ORDER BY ALL"
        ).fetchall()
        first = _count(store, "dedup_events")
        # From here on a batch queues its units, and a catch-up applies them.
        store.write_batch(coded[2:])
        catch_up(store.conn)
        kept = store.conn.execute("SELECT * FROM dedup_events ORDER BY ALL").fetchall()
        mentions = store.conn.execute("SELECT num_mentions FROM dedup_events").fetchall()
        deduplicate(store.conn)
        rebuilt = store.conn.execute("SELECT * FROM dedup_events ORDER BY ALL").fetchall()
    assert units == [(2,)] and built == [(1, 1)]
    # No index beside the one on article keys (see migration 006).
    assert indexed == [("articles", "articles_doc_key")]
    # Two reports of one event on one day, then a third: one event, three mentions.
    assert first == 1 and mentions == [(3,)] and kept == rebuilt
