"""Opening the store and writing coded articles to it, one all-or-nothing batch at a time.

Why a batch is one transaction: an article and its events commit together or not at all, so a
run killed at any moment (even SIGKILL) leaves only whole articles behind, and the next run
skips exactly those and codes the rest. Why `doc_key`: a document is recognised by its URL, or
by its text when it has none, so reading the same corpus twice adds nothing.

Why a long run opens the file once per batch (`RunStore`): DuckDB lets one process write a
file and no other process even read it meanwhile, so a run that kept it open would shut
`tacitus serve` out for hours. Between batches the file is closed, and readers get in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from tacitus.records import ActorRef, Article, EventRecord, Reject
from tacitus.store import dedup
from tacitus.store.attach import WRITE_WAIT_SECONDS, attach, is_busy, pauses
from tacitus.store.malloc import cap_malloc_arenas
from tacitus.store.schema import Transaction, check_version, migrate, scalar

DEFAULT_DB_PATH = Path("tacitus.duckdb")


class StoreBusy(RuntimeError):
    """Another process holds the database (or its run lock); DuckDB allows one writer."""


_SPACE = re.compile(r"\s+")


def text_hash(text: str) -> str:
    """Hash of the lower-cased, whitespace-collapsed text: a re-wrapped copy hashes the same."""
    normalised = _SPACE.sub(" ", text.lower()).strip()
    return hashlib.sha1(normalised.encode("utf-8")).hexdigest()


def doc_key(article: Article) -> str:
    """The key that says two inputs are the same document: its URL, else a hash of its text."""
    url = (article.url or "").strip()
    return url if url else f"text:{text_hash(article.text)}"


def utc_now() -> dt.datetime:
    """Now in UTC without a zone: the store's TIMESTAMP columns all mean UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class CodedArticle:
    """An article with the events the coder found in it (possibly none) and who coded them."""

    article: Article
    events: list[EventRecord]
    coder_version: str


@dataclass(frozen=True)
class BatchResult:
    """What one batch really added: articles already stored are skipped, not counted."""

    articles: int
    events: int
    rejects: int


_ACTOR_TYPE = pa.list_(
    pa.struct(
        [
            ("code", pa.string()),
            ("sector", pa.string()),
            ("cameo", pa.string()),
            ("text", pa.string()),
            ("start", pa.int32()),
            ("end", pa.int32()),
        ]
    )
)

ARTICLE_SCHEMA = pa.schema(
    [
        ("doc_key", pa.string()),
        ("id", pa.string()),
        ("url", pa.string()),
        ("outlet", pa.string()),
        ("title", pa.string()),
        ("published", pa.date32()),
        ("source_file", pa.string()),
        ("position", pa.string()),
        ("text", pa.string()),
        ("text_hash", pa.string()),
        ("coded_at", pa.timestamp("us")),
        ("coder_version", pa.string()),
        ("run_id", pa.int32()),
    ]
)

EVENT_SCHEMA = pa.schema(
    [
        ("mention_id", pa.string()),
        ("doc_key", pa.string()),
        ("id", pa.string()),
        ("doc_id", pa.string()),
        ("date", pa.string()),
        ("date_source", pa.string()),
        ("event_date", pa.date32()),
        ("event", pa.string()),
        ("mode", pa.string()),
        ("context", pa.list_(pa.string())),
        ("actor", _ACTOR_TYPE),
        ("recipient", _ACTOR_TYPE),
        ("claimed_by", _ACTOR_TYPE),
        ("actor_code", pa.string()),
        ("actor_sector", pa.string()),
        ("actor_cameo", pa.string()),
        ("recipient_code", pa.string()),
        ("recipient_sector", pa.string()),
        ("recipient_cameo", pa.string()),
        ("cameo_code", pa.string()),
        ("cameo_base", pa.string()),
        ("cameo_root", pa.string()),
        ("goldstein", pa.float64()),
        ("quad_class", pa.int32()),
        ("sentence_index", pa.int32()),
        ("sentence_text", pa.string()),
        ("sentence_start", pa.int32()),
        ("event_text", pa.string()),
        ("event_start", pa.int32()),
        ("event_end", pa.int32()),
        ("rule", pa.string()),
        ("confidence", pa.float64()),
        ("evidence", pa.string()),
        ("modality", pa.string()),
        ("place", pa.string()),
        ("explain", pa.list_(pa.string())),
        ("coded_at", pa.timestamp("us")),
    ]
)

REJECT_SCHEMA = pa.schema(
    [
        ("file", pa.string()),
        ("position", pa.string()),
        ("reason", pa.string()),
        ("doc_id", pa.string()),
        ("seen_at", pa.timestamp("us")),
        ("run_id", pa.int32()),
    ]
)

#: The rows of coded articles and their events as a coder hands them over (`CodedRows`): the
#: tables' columns minus those the store fills in as it writes (when, and which run).
ARTICLE_ROW_SCHEMA = pa.schema([f for f in ARTICLE_SCHEMA if f.name not in ("coded_at", "run_id")])
EVENT_ROW_SCHEMA = pa.schema([f for f in EVENT_SCHEMA if f.name != "coded_at"])

#: The columns that hold an `EventRecord`'s own fields, in its field order.
RECORD_COLUMNS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(EventRecord))


#: The `runs` columns that count what a run did.
RUN_COUNT_COLUMNS: tuple[str, ...] = (
    "documents_read",
    "documents_coded",
    "documents_skipped",
    "documents_rejected",
    "events_written",
)


def mention_id(key: str, ordinal: int) -> str:
    """A mention's id: stable across runs because the key and the coder's order are."""
    return f"{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}-{ordinal:05d}"


def event_date(record: EventRecord, published: dt.date | None) -> dt.date | None:
    """The day an event is filed under: its own resolved date, else the article's date.

    A partial date ("2012-07") is no day, so the article's date stands in for it.
    """
    if record.date:
        try:
            return dt.date.fromisoformat(record.date[:10])
        except ValueError:
            pass
    return published


def _first(refs: Sequence[ActorRef], attr: str) -> str | None:
    value: str | None = getattr(refs[0], attr) if refs else None
    return value


@dataclass(frozen=True)
class CodedRows:
    """Coded articles as `articles` and `events` rows (`ARTICLE_ROW_SCHEMA`,
    `EVENT_ROW_SCHEMA`), each document once.

    Why Arrow tables: whoever codes (a local or a Dask worker) also builds the rows, and the
    process that writes, the one the whole run waits on, only inserts them.
    """

    articles: pa.Table
    events: pa.Table

    @classmethod
    def of(cls, coded: Sequence[CodedArticle]) -> CodedRows:
        """The rows of `coded`; a document repeated in it counts once (its first copy)."""
        articles: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        seen: set[str] = set()
        for item in coded:
            key = doc_key(item.article)
            if key in seen:
                continue
            seen.add(key)
            articles.append(_article_row(key, item))
            published = item.article.published
            events.extend(
                _event_row(key, n, record, published) for n, record in enumerate(item.events)
            )
        return cls(
            pa.Table.from_pylist(articles, schema=ARTICLE_ROW_SCHEMA),
            pa.Table.from_pylist(events, schema=EVENT_ROW_SCHEMA),
        )

    @classmethod
    def concat(cls, parts: Sequence[CodedRows]) -> CodedRows:
        """The rows of several parts together (their documents must differ)."""
        if not parts:
            return cls.of([])
        return cls(
            pa.concat_tables([p.articles for p in parts]),
            pa.concat_tables([p.events for p in parts]),
        )


def _event_row(
    key: str, ordinal: int, record: EventRecord, published: dt.date | None
) -> dict[str, Any]:
    """An event record as one `events` row, with the first actor and recipient flattened."""
    row = {name: getattr(record, name) for name in RECORD_COLUMNS}
    for name in ("actor", "recipient", "claimed_by"):
        row[name] = [ref.to_dict() for ref in row[name]]
    row["place"] = json.dumps(record.place, sort_keys=True) if record.place is not None else None
    for role in ("actor", "recipient"):
        refs = getattr(record, role)
        row[f"{role}_code"] = _first(refs, "code")
        row[f"{role}_sector"] = _first(refs, "sector")
        row[f"{role}_cameo"] = _first(refs, "cameo")
    row.update(
        mention_id=mention_id(key, ordinal),
        doc_key=key,
        event_date=event_date(record, published),
        cameo_base=record.cameo_code[:3],
        cameo_root=record.cameo_code[:2],
    )
    return row


def _article_row(key: str, coded: CodedArticle) -> dict[str, Any]:
    article = coded.article
    row = {name: getattr(article, name) for name in ("id", "url", "outlet", "title", "text")}
    row.update(
        doc_key=key,
        published=article.published,
        source_file=article.source_file,
        position=article.position,
        text_hash=text_hash(article.text),
        coder_version=coded.coder_version,
    )
    return row


def record_from_row(row: dict[str, Any]) -> EventRecord:
    """Rebuild the `EventRecord` an `events` row was made from (the exporters use this)."""
    values = {name: row[name] for name in RECORD_COLUMNS}
    values["place"] = json.loads(row["place"]) if row["place"] is not None else None
    return EventRecord.from_dict(values)


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A connection with the file at `path` attached and in use (`attach`).

    Spilled intermediates go beside the file, as they do when DuckDB opens the file itself
    (an in-memory database would spill into the current directory).
    """
    conn = duckdb.connect(config={"temp_directory": f"{path}.tmp"})
    try:
        attach(conn, path, read_only)
    except BaseException:
        conn.close()
        raise
    return conn


def _busy(path: Path, error: duckdb.Error, read_only: bool) -> StoreBusy:
    if read_only:
        return StoreBusy(
            f"{path} is open for writing by another process (a run writing a batch); try"
            f" again in a moment ({error})"
        )
    return StoreBusy(
        f"{path} is open in another process (a writer, or a reader such as `tacitus serve`"
        f" or an export); DuckDB allows one writer and no readers beside it, so wait for it"
        f" or use another database file ({error})"
    )


class Store:
    """A Tacitus DuckDB database: one connection, migrated on open unless read-only."""

    def __init__(self, conn: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
        self.conn = conn
        self.path = path
        self.read_only = read_only

    @classmethod
    def open(
        cls, path: Path | str = DEFAULT_DB_PATH, *, read_only: bool = False, wait: float = 0.0
    ) -> Store:
        """Open (creating and migrating if needed) the database at `path`.

        `read_only` is for serving and exporting: it never migrates and fails if the schema
        is not the current one. While another process has the file open (a writer, or a
        reader when this open is for writing), the open is retried for up to `wait` seconds,
        then fails with `StoreBusy`; the default is to fail at once.
        """
        for pause in pauses(wait):
            try:
                return cls._open_once(Path(path), read_only)
            except StoreBusy:
                time.sleep(pause)
        return cls._open_once(Path(path), read_only)

    @classmethod
    def _open_once(cls, path: Path, read_only: bool) -> Store:
        if read_only and not path.exists():
            raise FileNotFoundError(f"no Tacitus database at {path}")
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = _connect(path, read_only)
        except (duckdb.IOException, duckdb.ConnectionException) as error:
            if is_busy(error):
                raise _busy(path, error, read_only) from error
            raise
        try:
            if read_only:
                check_version(conn)
            else:
                migrate(conn)
                dedup.ensure_built(conn)
        except BaseException:
            conn.close()
            raise
        return cls(conn, path, read_only)

    def close(self) -> None:
        self.conn.close()

    def checkpoint(self) -> None:
        """Move the write-ahead log into the database file, so the file alone is the store."""
        self.conn.execute("CHECKPOINT")

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def existing_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of `keys` are already stored: one query for a whole batch.

        The keys are a list of parameters, not a joined list, so that DuckDB looks each up in
        the `articles_doc_key` index instead of reading every stored key (migration 005).
        """
        wanted = list(set(keys))
        if not wanted:
            return set()
        marks = ", ".join("?" for _ in wanted)
        rows = self.conn.execute(
            f"SELECT doc_key FROM articles WHERE doc_key IN ({marks})", wanted
        ).fetchall()
        return {row[0] for row in rows}

    @contextmanager
    def _registered(self, name: str, data: pa.Table) -> Iterator[str]:
        """`data` queryable as `name` for the duration."""
        self.conn.register(name, data)
        try:
            yield name
        finally:
            self.conn.unregister(name)

    def _insert(self, table: str, data: pa.Table, constants: dict[str, Any]) -> None:
        """Insert `data` into `table`, with `constants` for the columns it lacks (named by
        the store's own code, never by input); a reject already recorded is left as is."""
        if not data.num_rows:
            return
        extra = "".join(f", ${name} AS {name}" for name in constants)
        with self._registered(f"_batch_{table}", data) as view:
            verb = "INSERT OR IGNORE" if table == "rejects" else "INSERT"
            self.conn.execute(
                f"{verb} INTO {table} BY NAME SELECT *{extra} FROM {view}", constants
            )

    def _insert_events(self, events: pa.Table, now: dt.datetime) -> None:
        """Insert event mentions with their dedup units, and queue those units for the run's
        dedup catch-up (`dedup.catch_up`)."""
        if not events.num_rows:
            return
        with self._registered("_batch_events", events) as view:
            units = self.conn.execute(
                f"INSERT INTO events BY NAME SELECT *, $coded_at AS coded_at,"
                f" {dedup.UNIT} AS dedup_unit FROM {view} RETURNING dedup_unit",
                {"coded_at": now, "window": dedup.unit_window(self.conn)},
            ).fetchall()
        dedup.queue_units(self.conn, (unit for (unit,) in units))

    def _transaction(self) -> Transaction:
        return Transaction(self.conn)

    def write_batch(
        self,
        coded: Sequence[CodedArticle],
        rejects: Sequence[Reject] = (),
        run_id: int | None = None,
    ) -> BatchResult:
        """Store articles with their events, and rejects, in one transaction.

        Articles whose key is already stored (or repeated within the batch) are skipped, so
        writing the same batch twice adds nothing the second time.
        """
        return self.write_rows(CodedRows.of(coded), rejects, run_id)

    def write_rows(
        self, rows: CodedRows, rejects: Sequence[Reject] = (), run_id: int | None = None
    ) -> BatchResult:
        """`write_batch` for coded articles already turned into rows (see `CodedRows`)."""
        keys = rows.articles.column("doc_key").to_pylist()
        if len(set(keys)) != len(keys):
            raise ValueError("one write holds a document twice: its events would be mixed")
        now = utc_now()
        with self._transaction():
            articles, events = rows.articles, rows.events
            if stored := self.existing_keys(keys):
                held = pa.array(sorted(stored), pa.string())
                articles = articles.filter(pc.invert(pc.is_in(articles["doc_key"], held)))
                events = events.filter(pc.invert(pc.is_in(events["doc_key"], held)))
            self._insert("articles", articles, {"coded_at": now, "run_id": run_id})
            self._insert_events(events, now)
            reject_rows = _reject_rows(rejects, now, run_id)
            self._insert("rejects", reject_rows, {})
        return BatchResult(articles.num_rows, events.num_rows, reject_rows.num_rows)

    def replace_events(
        self,
        coded: Sequence[CodedArticle],
        rejects: Sequence[Reject] = (),
        run_id: int | None = None,
    ) -> int:
        """Swap stored articles' events for newly coded ones, in one transaction (re-coding).

        Returns the number of events written; articles not in the store are ignored.
        """
        now = utc_now()
        with self._transaction():
            keys = [doc_key(c.article) for c in coded]
            present = self.existing_keys(keys)
            events: list[dict[str, Any]] = []
            for key, item in zip(keys, coded, strict=True):
                if key in present:
                    published = item.article.published
                    events.extend(
                        _event_row(key, n, record, published)
                        for n, record in enumerate(item.events)
                    )
            done = sorted(present)
            gone = self.conn.execute(
                "DELETE FROM events WHERE doc_key IN (SELECT unnest(?::VARCHAR[]))"
                " RETURNING dedup_unit",
                [done],
            ).fetchall()
            dedup.queue_units(self.conn, (unit for (unit,) in gone))
            self._insert_events(pa.Table.from_pylist(events, schema=EVENT_ROW_SCHEMA), now)
            self.conn.executemany(
                "UPDATE articles SET coded_at = ?, coder_version = ? WHERE doc_key = ?",
                [
                    (now, item.coder_version, key)
                    for key, item in zip(keys, coded, strict=True)
                    if key in present
                ],
            )
            self._insert("rejects", _reject_rows(rejects, now, run_id), {})
        return len(events)

    def iter_articles(self, batch_size: int = 500) -> Iterator[list[Article]]:
        """All stored articles in key order, a batch at a time (what re-coding reads)."""
        last = ""
        while True:
            batch, last = self.articles_after(last, batch_size)
            if not batch:
                return
            yield batch

    def articles_after(self, last_key: str, limit: int) -> tuple[list[Article], str]:
        """Up to `limit` stored articles whose key sorts after `last_key`, in key order, and
        the key to continue after."""
        rows = self.conn.execute(
            "SELECT doc_key, id, text, published, url, outlet, title, source_file, position"
            " FROM articles WHERE doc_key > ? ORDER BY doc_key LIMIT ?",
            [last_key, limit],
        ).fetchall()
        return [Article(*row[1:]) for row in rows], (rows[-1][0] if rows else last_key)

    def start_run(self, kind: str, paths: Sequence[str], workers: int) -> int:
        """Record that a run began; a run that never finishes keeps status 'running'."""
        return int(
            scalar(
                self.conn,
                "INSERT INTO runs (kind, status, started_at, paths, workers)"
                " VALUES (?, 'running', ?, ?, ?) RETURNING run_id",
                [kind, utc_now(), list(paths), workers],
            )
        )

    def finish_run(self, run_id: int, status: str, counts: dict[str, int]) -> None:
        """Record how a run ended and what it did (`counts` keys are `runs` columns)."""
        columns = RUN_COUNT_COLUMNS
        self.conn.execute(
            "UPDATE runs SET status = ?, finished_at = ?, "
            + ", ".join(f"{c} = ?" for c in columns)
            + " WHERE run_id = ?",
            [status, utc_now(), *(counts.get(c) for c in columns), run_id],
        )


def lock_path(db_path: Path | str) -> Path:
    """The run lock beside a database: `tacitus.duckdb` -> `tacitus.duckdb.lock`."""
    path = Path(db_path)
    return path.with_name(path.name + ".lock")


class RunLock:
    """An exclusive lock on `PATH.lock`, held by an ingest or re-code for its whole run.

    A run opens the database only while it writes a batch, so two runs could otherwise
    interleave their batches (and their `runs` rows and deduplications). With the lock the
    second run fails at once with `StoreBusy`, naming the first one's process. It is an OS
    lock (`flock`): the kernel drops it when its holder ends in any way, even SIGKILL, so a
    crashed run never leaves a stale lock behind; the file itself stays, and is harmless.
    """

    def __init__(self, db_path: Path | str, kind: str) -> None:
        self.db_path = Path(db_path)
        self.kind = kind
        self.path = lock_path(db_path)
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
            os.close(fd)
            raise StoreBusy(
                f"{self.db_path} is being written by another run ({holder or 'starting up'});"
                f" one run at a time may write a database, so wait for it to finish or use"
                f" another database file (lock: {self.path})"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{self.kind}, pid {os.getpid()}, since {utc_now():%Y-%m-%d %H:%M:%S} UTC"
                  .encode(), 0)
        self._fd = fd
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing the last descriptor releases the lock
            self._fd = None


class RunStore:
    """The store as a long run (ingest, re-code) uses it: locked for the run, open per batch.

    Entering takes the `RunLock`. Each method then opens the database (waiting up to `wait`
    seconds for readers to let go), does its work in one transaction, CHECKPOINTs and closes
    the file. Between two batches the file is free: `tacitus serve` and exports open it
    read-only and see every batch committed so far, each one whole, and never half of one.
    """

    def __init__(self, db_path: Path | str, kind: str, wait: float = WRITE_WAIT_SECONDS) -> None:
        self.path = Path(db_path)
        self.wait = wait
        self.lock = RunLock(db_path, kind)

    def __enter__(self) -> RunStore:
        self.lock.__enter__()
        # Many short sessions would otherwise leave memory behind in per-thread arenas.
        cap_malloc_arenas()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.lock.__exit__(exc_type, exc, tb)

    @contextmanager
    def session(self) -> Iterator[Store]:
        """The database open for writing, for one step of the run; checkpointed and closed
        after it (a failed step is not checkpointed: its transaction has rolled back)."""
        store = Store.open(self.path, wait=self.wait)
        try:
            yield store
            store.checkpoint()
        finally:
            store.close()

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """The database open read-only, for a step that only reads: no migration check and
        nothing to checkpoint, so it costs less than a `session` (the first session of the
        run has migrated the file, and the run lock keeps other runs from changing it)."""
        store = Store.open(self.path, read_only=True, wait=self.wait)
        try:
            yield store
        finally:
            store.close()

    def existing_keys(self, keys: Iterable[str]) -> set[str]:
        """`Store.existing_keys`, read in a session of its own."""
        with self.reading() as store:
            return store.existing_keys(keys)

    def write_batch(
        self,
        coded: Sequence[CodedArticle],
        rejects: Sequence[Reject] = (),
        run_id: int | None = None,
    ) -> BatchResult:
        """`Store.write_batch`, in a session of its own."""
        with self.session() as store:
            return store.write_batch(coded, rejects, run_id)

    def write_rows(
        self, rows: CodedRows, rejects: Sequence[Reject] = (), run_id: int | None = None
    ) -> BatchResult:
        """`Store.write_rows`, in a session of its own."""
        with self.session() as store:
            return store.write_rows(rows, rejects, run_id)

    def replace_events(
        self,
        coded: Sequence[CodedArticle],
        rejects: Sequence[Reject] = (),
        run_id: int | None = None,
    ) -> int:
        """`Store.replace_events`, in a session of its own."""
        with self.session() as store:
            return store.replace_events(coded, rejects, run_id)

    def iter_articles(self, batch_size: int = 500) -> Iterator[list[Article]]:
        """`Store.iter_articles`, each batch read in a session of its own."""
        last = ""
        while True:
            with self.reading() as store:
                batch, last = store.articles_after(last, batch_size)
            if not batch:
                return
            yield batch

    def catch_up_dedup(self, settings: dedup.DedupSettings | None) -> int:
        """`dedup.catch_up`, in a session of its own; returns how many deduplicated events
        the store then holds."""
        with self.session() as store:
            return dedup.catch_up(store.conn, settings).events

    def start_run(self, kind: str, paths: Sequence[str], workers: int) -> int:
        """`Store.start_run`, in a session of its own."""
        with self.session() as store:
            return store.start_run(kind, paths, workers)

    def finish_run(self, run_id: int, status: str, counts: dict[str, int]) -> None:
        """`Store.finish_run`, in a session of its own."""
        with self.session() as store:
            store.finish_run(run_id, status, counts)


def _reject_rows(rejects: Sequence[Reject], now: dt.datetime, run_id: int | None) -> pa.Table:
    """Reject rows, one per (file, position, reason): a re-run re-reading them adds none."""
    unique = {(r.file, r.position or "", r.reason): r for r in rejects}
    rows = [
        {"file": f, "position": p, "reason": why, "doc_id": r.doc_id}
        | {"seen_at": now, "run_id": run_id}
        for (f, p, why), r in unique.items()
    ]
    return pa.Table.from_pylist(rows, schema=REJECT_SCHEMA)
