"""Test helpers for the API tests: one real store built from the bundled sample corpus.

The store is made by a real ingest with the real coder (built once per process by
`ingest_support.make_real_coder`), so the API is tested on what users serve. Both API test
modules read the same store at `SAMPLE_DB`, built on first use in this process and removed
when the process exits (the tests only read it; those that write work on copies). The path
is fixed at import because the schemathesis module must create its app before any fixture.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
import uuid
from pathlib import Path

from tacitus.ingest import ingest
from tests.ingest_support import make_real_coder

SAMPLES = Path(__file__).resolve().parent.parent / "tacitus" / "data" / "samples"
SAMPLE_DB = Path(tempfile.gettempdir()) / f"tacitus-api-{uuid.uuid4().hex}" / "sample.duckdb"


@functools.cache
def sample_store() -> Path:
    """`SAMPLE_DB`, ingested on first use."""
    SAMPLE_DB.parent.mkdir(parents=True)
    atexit.register(shutil.rmtree, SAMPLE_DB.parent, ignore_errors=True)
    ingest([SAMPLES / "illustrative.jsonl"], SAMPLE_DB, coder_factory=make_real_coder,
           progress=False)
    return SAMPLE_DB
