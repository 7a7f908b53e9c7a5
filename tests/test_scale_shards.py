"""The pieces of the Dask path that need no cluster: partitions cut by size, and shards that
are named by their content, written atomically and read back as they were written."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import json
import threading
from pathlib import Path

import pytest

from tacitus.ingest import _code_batch, read_sources
from tacitus.records import Article, Reject
from tacitus.scale import ShardError
from tacitus.scale.partitions import partitions
from tacitus.scale.shards import read_shard, shard_name, write_shard
from tacitus.scale.worker import CoderPlugin
from tacitus.store import CodedRows, Store
from tests.ingest_support import (
    FakeCoder,
    generated_docs,
    make_fake_coder,
    write_jsonl,
)


def _read(path: Path) -> list[Article | Reject]:
    return list(read_sources([path], date_from=None, date_to=None))


def _size(article: Article) -> int:
    return len(article.text.encode("utf-8"))


def test_a_single_large_file_is_split_by_size_in_input_order(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "one.jsonl", generated_docs(100), ["{not json"])
    items = _read(path)
    cut = list(partitions(items, max_bytes=3000, max_docs=1000))
    articles = [item for item in items if isinstance(item, Article)]
    assert len(cut) > 5
    assert [a for part in cut for a in part.articles] == articles
    assert [r for part in cut for r in part.rejects] == [i for i in items if isinstance(i, Reject)]
    for part, following in itertools.pairwise(cut):
        assert part.size == sum(_size(a) for a in part.articles) <= 3000
        if following.articles:  # full: the next article would not have fitted
            assert part.size + _size(following.articles[0]) > 3000
    assert [part.number for part in cut] == list(range(len(cut)))


def test_short_documents_are_capped_by_count(tmp_path: Path) -> None:
    items = _read(write_jsonl(tmp_path / "one.jsonl", generated_docs(50)))
    assert [len(p.articles) for p in partitions(items, 10**9, 16)] == [16, 16, 16, 2]


def test_an_article_longer_than_a_partition_makes_one_of_its_own() -> None:
    long, short = Article("long", "x" * 500), Article("short", "y" * 10)
    cut = list(partitions([short, long, short], max_bytes=100, max_docs=10))
    assert [[a.id for a in p.articles] for p in cut] == [["short"], ["long"], ["short"]]


def test_bad_partition_sizes_are_refused() -> None:
    with pytest.raises(ValueError):
        list(partitions([], max_bytes=0, max_docs=10))


def _coded_partition(tmp_path: Path) -> tuple[list[Article], Path, Path]:
    """A partition coded by the fake coder, one article failing (a reject), written twice."""
    docs = generated_docs(12)
    failing = json.dumps({"id": "bad", "url": "https://news.example/bad", "text": "EXPLODE."})
    items = _read(write_jsonl(tmp_path / "c.jsonl", docs, [failing]))
    articles = [item for item in items if isinstance(item, Article)]
    coded, rejects = _code_batch(FakeCoder(), articles, language_check=False)
    assert len(coded) == 12 and len(rejects) == 1
    paths = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        paths.append(tmp_path / folder / shard_name("fake 1", articles))
        write_shard(paths[-1], coded, rejects)
    return articles, paths[0], paths[1]


def test_a_partition_coded_twice_gives_the_same_shard_name_and_bytes(tmp_path: Path) -> None:
    _, first, second = _coded_partition(tmp_path)
    assert first.name == second.name
    assert first.read_bytes() == second.read_bytes()
    assert [p.name for p in first.parent.iterdir()] == [first.name]  # no temporary left


def test_a_shard_reads_back_exactly_what_was_coded(tmp_path: Path) -> None:
    articles, path, _ = _coded_partition(tmp_path)
    coded, rejects = _code_batch(FakeCoder(), articles, language_check=False)
    assert sum(len(c.events) for c in coded) > len(coded)
    rows, read_rejects = read_shard(path)
    assert read_rejects == rejects
    assert rows.articles.equals(CodedRows.of(coded).articles)
    assert rows.events.equals(CodedRows.of(coded).events)


def test_a_merged_shard_stores_what_its_coded_articles_store(tmp_path: Path) -> None:
    """The client inserts a shard's rows as they are; the store must hold exactly what
    writing the coded articles themselves gives (only the write time differs)."""
    articles, path, _ = _coded_partition(tmp_path)
    coded, rejects = _code_batch(FakeCoder(), articles, language_check=False)
    tables = []
    for name, write in (
        ("direct", lambda store: store.write_batch(coded, rejects)),
        ("shard", lambda store: store.write_rows(*read_shard(path))),
    ):
        with Store.open(tmp_path / f"{name}.duckdb") as store:
            result = write(store)
            assert (result.articles, result.rejects) == (12, 1)
            tables.append(
                [
                    store.conn.execute(
                        f"SELECT * EXCLUDE (coded_at{extra}) FROM {table} ORDER BY ALL"
                    ).fetchall()
                    for table, extra in (("articles", ", run_id"), ("events", ""))
                ]
            )
    assert tables[0] == tables[1] and tables[0][1]


def test_the_name_changes_with_the_coder_and_with_any_field_of_any_article() -> None:
    articles = [Article("a", "Some text.", dt.date(2024, 3, 1), "https://x/a")]
    name = shard_name("coder 1", articles)
    assert shard_name("coder 1", list(articles)) == name
    assert shard_name("coder 2", articles) != name
    changed = [dataclasses.replace(articles[0], published=dt.date(2024, 3, 2))]
    assert shard_name("coder 1", changed) != name


def test_an_unreadable_shard_is_named_in_the_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet")
    with pytest.raises(ShardError, match=r"broken\.parquet"):
        read_shard(broken)


def _factory_with(lock: object) -> object:
    return make_fake_coder()


def test_a_coder_factory_must_name_itself_the_same_way_on_every_run() -> None:
    assert CoderPlugin(make_fake_coder).name == CoderPlugin(make_fake_coder).name
    with pytest.raises(ValueError, match="module-level function"):
        CoderPlugin(functools.partial(_factory_with, threading.Lock()))
