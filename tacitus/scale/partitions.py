"""Cutting what the readers yield into partitions: the unit of work a Dask worker codes.

Why by size: coding time grows with the amount of text, not with the number of files, so a
single large JSON Lines dump must be split and a folder of small files grouped. A partition
holds at most `max_bytes` of text (UTF-8) and at most `max_docs` documents; the cap on
documents keeps a run of very short texts from making one huge task.

Why cut before skipping what is stored: the cut points then depend on the input alone, so a
re-run after a client crash cuts the same partitions, and each unfinished one names the same
shard as before (tacitus.scale.shards), which the worker finds instead of coding again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from tacitus.records import Article, Reject

#: Text per partition: 30-40 news articles, about four seconds of coding for one worker.
#: Long enough that Dask's per-task cost and the client's transaction per shard (tens of
#: milliseconds together) stay near 1%, short enough that a lost worker costs little and the
#: workers finish their last tasks close together.
DEFAULT_PARTITION_BYTES = 64 * 1024
#: Documents per partition at most, whatever their size.
DEFAULT_PARTITION_DOCS = 250


@dataclass
class Partition:
    """Consecutive inputs: the articles read, in input order, and the rejects met among them."""

    number: int
    articles: list[Article] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    size: int = 0


def partitions(
    items: Iterable[Article | Reject],
    max_bytes: int,
    max_docs: int,
    on_read: Callable[[Article], None] = lambda article: None,
) -> Iterator[Partition]:
    """The items in partitions of at most `max_docs` articles whose text reaches at most
    `max_bytes` (a single longer article makes a partition of its own). `on_read` sees each
    article as it is read (the run's progress follows the input this way)."""
    if max_bytes < 1 or max_docs < 1:
        raise ValueError("a partition needs room for at least one byte and one document")
    current = Partition(0)
    for item in items:
        if isinstance(item, Reject):
            current.rejects.append(item)
            continue
        on_read(item)
        size = len(item.text.encode("utf-8"))
        if current.articles and current.size + size > max_bytes:
            yield current
            current = Partition(current.number + 1)
        current.articles.append(item)
        current.size += size
        if len(current.articles) >= max_docs:
            yield current
            current = Partition(current.number + 1)
    if current.articles or current.rejects:
        yield current
