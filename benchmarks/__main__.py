"""Run the benchmarks: `python -m benchmarks` (or `make bench`) runs them all, one after the
other; `python -m benchmarks --only NAME [OPTIONS]` runs one, passing it its own options."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from benchmarks import coding_cost, ingest_throughput, scale_throughput, store_sessions

BENCHMARKS: dict[str, Callable[[list[str] | None], None]] = {
    "coding_cost": coding_cost.main,
    "ingest_throughput": ingest_throughput.main,
    "scale_throughput": scale_throughput.main,
    "store_sessions": store_sessions.main,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=sorted(BENCHMARKS), help="run this benchmark alone")
    args, rest = parser.parse_known_args(argv)
    if rest and args.only is None:
        parser.error(f"options {rest} need --only NAME to say which benchmark they are for")
    chosen = [args.only] if args.only else list(BENCHMARKS)
    for name in chosen:
        print(f"== {name}", flush=True)
        # Each benchmark parses its own options: never the command line meant for this one.
        BENCHMARKS[name](rest)


if __name__ == "__main__":
    main()
