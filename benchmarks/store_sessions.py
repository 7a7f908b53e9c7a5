"""What it costs a run to open the database once per batch instead of once per run.

An ingest holds the file only while it writes a batch (`tacitus.store.RunStore`: open, one
transaction, CHECKPOINT, close), so that `tacitus serve` and exports can read between
batches. This measures the store's side of a run both ways on the same batches, in the same
process, alternately: the way a run did it before (one connection for the whole run) and the
way it does it now (a session to look up the batch's keys, another to write it).

The batches are real coded articles: the test suite's generated documents coded by its fake
coder, which is instant, so only the store's work is timed. The database is first filled to
`--prefill` articles, because opening and checkpointing cost more as the file grows. The ratio
of the two times is what the figure means; the seconds depend on the machine and its load.
Run from the repository root: `python -m benchmarks --only store_sessions`.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from tacitus.ingest import DEFAULT_BATCH_SIZE
from tacitus.records import Article
from tacitus.store import CodedArticle, RunStore, Store, doc_key
from tests.ingest_support import FakeCoder, generated_docs

Batches = list[list[CodedArticle]]


def coded_batches(count: int, batch_size: int, seed: int) -> Batches:
    """`count` generated documents coded by the fake coder, cut into batches."""
    coder = FakeCoder()
    articles = [
        Article(id=doc.id, text=doc.text, url=f"{doc.url}/{seed}", outlet=doc.outlet)
        for doc in generated_docs(count, seed=seed)
    ]
    coded = [CodedArticle(a, coder.code_article(a), coder.version) for a in articles]
    return [coded[start : start + batch_size] for start in range(0, count, batch_size)]


def held(db: Path, batches: Batches) -> None:
    """The run's store work with one connection for the whole run (the old shape)."""
    with Store.open(db) as store:
        for batch in batches:
            store.existing_keys(doc_key(c.article) for c in batch)
            store.write_batch(batch)


def per_batch(db: Path, batches: Batches) -> None:
    """The same work with the file opened for each step and closed between them."""
    with RunStore(db, "benchmark") as store:
        for batch in batches:
            store.existing_keys(doc_key(c.article) for c in batch)
            store.write_batch(batch)


def timed(run: Callable[[Path, Batches], None], template: Path, work: Path, batches: Batches
          ) -> float:
    """Seconds `run` takes on a fresh copy of the pre-filled database."""
    shutil.copy(template, work)
    started = time.perf_counter()
    run(work, batches)
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=3000, help="documents written per run")
    parser.add_argument("--prefill", type=int, default=10000, help="articles stored first")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each shape (best kept)")
    args = parser.parse_args(argv)
    batches = coded_batches(args.docs, args.batch_size, seed=1)
    with tempfile.TemporaryDirectory(prefix="tacitus-bench-") as tmp:
        template, work = Path(tmp) / "template.duckdb", Path(tmp) / "work.duckdb"
        held(template, coded_batches(args.prefill, 500, seed=2))
        best = {"held": float("inf"), "per batch": float("inf")}
        for _ in range(args.repeats):
            best["held"] = min(best["held"], timed(held, template, work, batches))
            best["per batch"] = min(best["per batch"], timed(per_batch, template, work, batches))
    print(f"{args.docs:,} documents in {len(batches)} batches of {args.batch_size},"
          f" onto {args.prefill:,} stored; best of {args.repeats}:")
    for name, seconds in best.items():
        print(f"  {name:<10} {seconds:6.2f} s  {seconds / len(batches) * 1000:6.1f} ms/batch")
    print(f"per batch / held: {best['per batch'] / best['held']:.2f}")


if __name__ == "__main__":
    main()
