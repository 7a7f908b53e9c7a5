"""Run every benchmark: `python -m benchmarks` (or `make bench`)."""

from __future__ import annotations

from benchmarks import coding_cost


def main() -> None:
    coding_cost.main()


if __name__ == "__main__":
    main()
