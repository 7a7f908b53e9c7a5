"""The fuzz campaign: thousands of generated hostile inputs through the readers and the coder.

    python -m fuzz.campaign --n 10000            (or: python fuzz/campaign.py --n 10000)

Most inputs are files for the readers, drawn evenly from every format's strategy in
`fuzz.strategies` (text, JSON Lines/JSON, CSV/TSV, HTML, RSS/Atom, WARC, raw bytes); a share
(`--coder-share`, default 0.15) are texts for the coder, which is the slow part. Each input
either passes (articles and rejects, or events and limit rejects, that satisfy
`fuzz.checks`) or is a crash: an exception, or a result that breaks a check. Crashes do not
stop the campaign; each crashing input is saved under `--out` to be replayed, and the counts
are printed at the end. The exit code is 1 if anything crashed.

Hypothesis generates the inputs (generation only: nothing to shrink, since the campaign never
fails a test); `--seed` makes a campaign repeatable.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as seeded
from hypothesis import strategies as st

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fuzz.checks import article_problems, event_problems, reject_problems
from fuzz.strategies import FILE_STRATEGIES, prose
from tacitus.events.coder import Coder, build_coder
from tacitus.limits import LimitExceeded
from tacitus.records import Article, Reject
from tacitus.sources import read_paths


@dataclass
class Tally:
    """What the campaign has seen so far."""

    out: Path
    inputs: Counter[str] = field(default_factory=Counter)
    articles: int = 0
    rejects: int = 0
    events: int = 0
    limit_rejects: int = 0
    crashes: Counter[str] = field(default_factory=Counter)
    slowest: tuple[float, str] = (0.0, "")
    examples: list[str] = field(default_factory=list)

    def crashed(self, kind: str, data: bytes, suffix: str, problem: str) -> None:
        """Count a crash and keep its input to replay."""
        self.crashes[kind] += 1
        self.out.mkdir(parents=True, exist_ok=True)
        name = f"{kind}-{hashlib.sha1(data).hexdigest()[:12]}{suffix}"
        (self.out / name).write_bytes(data)
        if len(self.examples) < 10:
            self.examples.append(f"{name}: {problem.strip().splitlines()[-1][:300]}")

    def timed(self, seconds: float, what: str) -> None:
        if seconds > self.slowest[0]:
            self.slowest = (seconds, what)


def _read_one(tally: Tally, work: Path, kind: str, suffix: str, data: bytes) -> None:
    """Read one generated file; count what came out, or the crash."""
    path = work / f"input{suffix}"
    path.write_bytes(data)
    tally.inputs[kind] += 1
    started = time.perf_counter()
    try:
        results = list(read_paths([path]))
    except Exception:
        tally.crashed(kind, data, suffix, traceback.format_exc())
        return
    finally:
        tally.timed(time.perf_counter() - started, f"a {kind} file of {len(data):,} bytes")
    problems = [p for item in results for p in (
        article_problems(item) if isinstance(item, Article) else reject_problems(item))]
    if problems:
        tally.crashed(kind, data, suffix, "; ".join(problems))
        return
    tally.articles += sum(isinstance(item, Article) for item in results)
    tally.rejects += sum(isinstance(item, Reject) for item in results)


def _code_one(tally: Tally, coder: Coder, text: str, published: dt.date | None) -> None:
    """Code one generated text; count its events or limit reject, or the crash."""
    tally.inputs["coder"] += 1
    data = text.encode("utf-8", "surrogatepass")
    started = time.perf_counter()
    try:
        records = coder.code_article(Article(id="fuzz", text=text, published=published))
    except LimitExceeded:
        tally.limit_rejects += 1
        return
    except Exception:
        tally.crashed("coder", data, ".txt", traceback.format_exc())
        return
    finally:
        tally.timed(time.perf_counter() - started, f"a coder text of {len(text):,} characters")
    problems = [p for record in records for p in event_problems(record, text)]
    if problems:
        tally.crashed("coder", data, ".txt", "; ".join(problems))
    tally.events += len(records)


Case = TypeVar("Case")


def _generate(count: int, seed: int, strategy: st.SearchStrategy[Case],
              run: Callable[[Case], None]) -> None:
    """Call `run` on `count` inputs drawn from `strategy` (generation only, no shrinking)."""
    if count <= 0:
        return

    @seeded(seed)
    @settings(max_examples=count, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def each(case: Case) -> None:
        run(case)

    each()


def campaign(total: int, coder_share: float, seed: int, out: Path) -> Tally:
    """Run the campaign and return its tally."""
    tally = Tally(out)
    coder_inputs = round(total * coder_share)
    names = sorted(FILE_STRATEGIES)
    files = st.sampled_from(names).flatmap(
        lambda name: st.tuples(st.just(name), FILE_STRATEGIES[name]))
    with tempfile.TemporaryDirectory(prefix="tacitus-fuzz-") as tmp:
        work = Path(tmp)

        def read(case: tuple[str, tuple[str, bytes]]) -> None:
            kind, (suffix, data) = case
            _read_one(tally, work, kind, suffix, data)

        _generate(total - coder_inputs, seed, files, read)
    coder = build_coder()
    texts = st.tuples(prose(), st.none() | st.dates())

    def code(case: tuple[str, dt.date | None]) -> None:
        text, published = case
        _code_one(tally, coder, text, published)

    _generate(coder_inputs, seed + 1, texts, code)
    return tally


def report(tally: Tally, seconds: float) -> str:
    readers = sum(n for kind, n in tally.inputs.items() if kind != "coder")
    lines = [
        f"{sum(tally.inputs.values()):,} inputs in {seconds:,.0f} s:"
        f" {readers:,} files for the readers, {tally.inputs['coder']:,} texts for the coder",
        "  files by kind: " + ", ".join(f"{k} {n:,}" for k, n in sorted(tally.inputs.items())
                                        if k != "coder"),
        f"  readers gave {tally.articles:,} articles and {tally.rejects:,} rejects",
        f"  coder gave {tally.events:,} events and {tally.limit_rejects:,} limit rejects",
        f"  slowest input: {tally.slowest[0]:.2f} s ({tally.slowest[1]})",
        f"crashes: {sum(tally.crashes.values())}"
        + (f" ({dict(tally.crashes)}; inputs saved in {tally.out})" if tally.crashes else ""),
    ]
    lines.extend(f"  {example}" for example in tally.examples)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="inputs in all (default 10,000)")
    parser.add_argument("--coder-share", type=float, default=0.15,
                        help="share of the inputs that are texts for the coder (default 0.15)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("fuzz-crashes"),
                        help="folder for crashing inputs (default fuzz-crashes)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    tally = campaign(args.n, args.coder_share, args.seed, args.out)
    print(report(tally, time.perf_counter() - started))
    return 1 if tally.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
