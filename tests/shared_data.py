"""Where the read-only reference data lives (../shared beside the repo), for tests that need it.

A user's fresh clone has no ../shared: tests that need it skip with a reason; CI has it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or skip the calling test with the reason."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference data not available: {path} (needs ../shared beside the repo)")
    return path
