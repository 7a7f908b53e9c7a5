"""Test helpers for the API tests: a real store built from the bundled sample corpus.

The store is made by a real ingest with the real coder (built once per process by
`ingest_support.make_real_coder`), so the API is tested on what users serve.
"""

from __future__ import annotations

from pathlib import Path

from tacitus.ingest import ingest
from tests.ingest_support import make_real_coder

SAMPLES = Path(__file__).resolve().parent.parent / "tacitus" / "data" / "samples"


def build_sample_store(folder: Path) -> Path:
    """Ingest the bundled samples into `folder/sample.duckdb` and return its path."""
    db = folder / "sample.duckdb"
    ingest([SAMPLES / "illustrative.jsonl"], db, coder_factory=make_real_coder, progress=False)
    return db
