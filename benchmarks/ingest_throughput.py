"""Ingest throughput with one and two workers, and peak memory at 1,000 and 10,000 documents.

Four ingests: 3,000 documents with one worker and with two (throughput), then 1,000 and
10,000 documents with two workers (memory); `--docs`, `--small` and `--large` change the sizes.

Every ingest runs in a fresh Python process, as `tacitus ingest` would: the real reader, the
language check (in the workers), the real coder (built-in dictionaries) and a new DuckDB file.

Memory: the run's own peak is VmHWM from /proc/self/status, the high-water mark of its own
address space. (`getrusage(RUSAGE_SELF).ru_maxrss` would not do: Linux carries the RSS of the
process that started it across exec, so a run started from a large process looks large.) The
workers' peak is `getrusage(RUSAGE_CHILDREN).ru_maxrss`, the largest worker's high-water mark,
taken after the pool has waited for them; it too starts from the run's RSS when the worker was
spawned, which is below what a worker reaches once it has loaded spaCy, so it is exact here.

Throughput is given twice: end to end (what a user waits for, including loading spaCy and the
dictionaries in every coding process) and steady (documents written after every worker has
coded its first batch, divided by the time from then to the last commit, read back from
`articles.coded_at`), which is what a long corpus approaches. CPU seconds and the load
average when a run started show whether the workers really had a core each: other work on the
machine slows two workers more than one.

The corpus is the acceptance tests' generator of short news-like documents
(`tests.ingest_support.news_docs`), so the figures describe what the tests check. Run from the
repository root: `python -m benchmarks --only ingest_throughput`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tacitus.ingest import DEFAULT_BATCH_SIZE, ingest
from tacitus.store import Store
from tests.ingest_support import news_docs, write_jsonl

REPO = Path(__file__).resolve().parents[1]
#: Documents per corpus file, so a large corpus is many files, as real dumps are.
DOCS_PER_FILE = 1000


@dataclass(frozen=True)
class Measurement:
    """What one ingest in its own process did, and the most memory it and its workers held."""

    docs: int
    workers: int
    events: int
    seconds: float
    steady_docs_per_second: float | None
    parent_cpu_seconds: float
    worker_cpu_seconds: float
    parent_peak_mib: float
    worker_peak_mib: float
    load_before: float

    @property
    def docs_per_second(self) -> float:
        return self.docs / self.seconds

    @property
    def total_peak_mib(self) -> float:
        """An upper bound on the run's memory: its own peak plus every worker at the largest
        worker's peak (the peaks need not have been at the same moment)."""
        workers = self.workers if self.workers > 1 else 0
        return self.parent_peak_mib + workers * self.worker_peak_mib


def write_news_corpus(folder: Path, count: int) -> Path:
    """`count` generated news-like documents as JSON Lines files of DOCS_PER_FILE each."""
    docs = news_docs(count)
    for start in range(0, count, DOCS_PER_FILE):
        number = start // DOCS_PER_FILE
        write_jsonl(folder / f"part{number:03d}.jsonl", docs[start : start + DOCS_PER_FILE])
    return folder


def steady_rate(db: Path, workers: int) -> float | None:
    """Documents per second once every worker is busy: from the commit of the first round of
    batches (one per worker, coded side by side) to the last commit. None if the run wrote
    no batch after the first round."""
    with Store.open(db, read_only=True) as store:
        batches = store.conn.execute(
            "SELECT coded_at, count(*) FROM articles GROUP BY coded_at ORDER BY coded_at"
        ).fetchall()
    if len(batches) <= workers:
        return None
    first: dt.datetime = batches[workers - 1][0]
    last: dt.datetime = batches[-1][0]
    written = sum(int(count) for _, count in batches[workers:])
    return written / (last - first).total_seconds()


def _own_peak_mib() -> float:
    """This process's own RSS high-water mark (VmHWM, in kB in /proc/self/status)."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status: this benchmark needs Linux")


def run_in_this_process(corpus: Path, db: Path, workers: int, batch_size: int) -> dict[str, Any]:
    """Ingest `corpus` here and report it (this is what the measuring child process runs)."""
    load = os.getloadavg()[0]
    summary = ingest([corpus], db, workers=workers, batch_size=batch_size, progress=False)
    # Everything is read before `steady_rate` queries the store: that query is the
    # benchmark's, not the run's. On a 300,000-document store it took a fresh process from
    # 106 to 188 MiB, more than the run itself had needed (180 MiB).
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = _own_peak_mib()
    return {
        "docs": summary.coded,
        "workers": workers,
        "events": summary.events,
        "seconds": summary.seconds,
        "steady_docs_per_second": steady_rate(db, workers),
        "parent_cpu_seconds": own.ru_utime + own.ru_stime,
        "worker_cpu_seconds": children.ru_utime + children.ru_stime,
        "parent_peak_mib": peak,
        "worker_peak_mib": children.ru_maxrss / 1024,  # Linux gives ru_maxrss in KiB
        "load_before": load,
    }


def measure(corpus: Path, db: Path, workers: int, batch_size: int) -> Measurement:
    """Ingest `corpus` into a new `db` in a fresh process and collect what it reports."""
    code = (
        "import json, sys; from pathlib import Path;"
        " from benchmarks.ingest_throughput import run_in_this_process as run;"
        " print(json.dumps(run(Path(sys.argv[1]), Path(sys.argv[2]),"
        " int(sys.argv[3]), int(sys.argv[4]))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(corpus), str(db), str(workers), str(batch_size)],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    return Measurement(**json.loads(done.stdout.splitlines()[-1]))


HEADER = (
    f"{'run':<18} {'docs':>6} {'events':>6} {'wall s':>7} {'docs/s':>7} {'steady':>7}"
    f" {'CPU s run+workers':>18} {'load':>5}"
    f" {'peak RSS MiB: run':>18} {'worker':>7} {'all at most':>12}"
)


def describe(label: str, m: Measurement) -> str:
    """One row under HEADER."""
    steady = f"{m.steady_docs_per_second:7.1f}" if m.steady_docs_per_second else f"{'-':>7}"
    # With one worker the run codes in its own process: there is no worker to report.
    worker = f"{m.worker_peak_mib:7.0f}" if m.workers > 1 else f"{'-':>7}"
    cpu = f"{m.parent_cpu_seconds:.1f} + {m.worker_cpu_seconds:.1f}"
    return (
        f"{label:<18} {m.docs:>6} {m.events:>6} {m.seconds:7.1f} {m.docs_per_second:7.1f}"
        f" {steady} {cpu:>18} {m.load_before:5.2f}"
        f" {m.parent_peak_mib:18.0f} {worker} {m.total_peak_mib:12.0f}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--docs", type=int, default=3000, help="documents coded with 1 and with 2 workers"
    )
    parser.add_argument("--small", type=int, default=1000, help="documents, small memory run")
    parser.add_argument("--large", type=int, default=10000, help="documents, large memory run")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    args = parser.parse_args(argv)
    runs: dict[str, Measurement] = {}
    with tempfile.TemporaryDirectory(prefix="tacitus-bench-") as tmp:
        root = Path(tmp)
        plan = [("one", args.docs, 1), ("two", args.docs, 2)]
        plan += [("small", args.small, 2), ("large", args.large, 2)]
        for name, docs, workers in plan:
            corpus = root / f"corpus-{docs}"
            if not corpus.exists():
                write_news_corpus(corpus, docs)
            runs[name] = measure(corpus, root / f"{name}.duckdb", workers, args.batch_size)
    print(f"{os.cpu_count()} CPUs, batches of {args.batch_size}")
    print(HEADER)
    for name, docs, workers in plan:
        label = f"{docs:,}, {workers} worker{'s' if workers > 1 else ''}"
        print(describe(label, runs[name]))
    one, two, small, large = (runs[name] for name in ("one", "two", "small", "large"))
    steady = ""
    if two.steady_docs_per_second and one.steady_docs_per_second:
        steady = f", {two.steady_docs_per_second / one.steady_docs_per_second:.2f} steady"
    ratio = two.docs_per_second / one.docs_per_second
    print(f"throughput 2 workers / 1 worker ({args.docs:,} documents):")
    print(f"  {ratio:.2f} end to end{steady}")
    print(f"peak RSS {args.large:,} / {args.small:,} documents (2 workers):")
    print(
        f"  run {large.parent_peak_mib / small.parent_peak_mib:.2f},"
        f" largest worker {large.worker_peak_mib / small.worker_peak_mib:.2f},"
        f" all at most {large.total_peak_mib / small.total_peak_mib:.2f}"
    )


if __name__ == "__main__":
    main()
