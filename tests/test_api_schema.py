"""Schemathesis against the API's own OpenAPI schema: no generated request gets a 5xx, and
every response has a documented status and the documented shape.

Both valid requests (positive mode: anything the schema allows, including every filter
combination and any text for POST /v1/code) and invalid ones (negative mode: wrong types,
out-of-range numbers, broken patterns) are sent to the app in-process, on a real store.
`max_examples` is bounded so the whole run stays well under a minute.

The schema is loaded when the module is imported, because schemathesis's fixture-based loader
(`schemathesis.pytest.from_fixture`) fails under pytest 9 (it sets `Function._nodeid`, which
pytest 9 no longer has). The app only opens its database per request, so it can be created
before the module fixture below has built the store at `DB`.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import schemathesis
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tacitus.api import create_app
from tests.api_support import build_sample_store
from tests.ingest_support import make_real_coder

MAX_EXAMPLES = 15
FOLDER = Path(tempfile.gettempdir()) / f"tacitus-api-schema-{uuid.uuid4().hex}"
DB = FOLDER / "sample.duckdb"

app = create_app(DB, coder_factory=make_real_coder, static_dir=None, export_dir=FOLDER / "exports")
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
schema.config.generation.update(
    modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
)


@pytest.fixture(scope="module", autouse=True)
def sample_store() -> Iterator[Path]:
    """Build the store the app serves; hold one read-only connection meanwhile so DuckDB
    reuses its instance across requests (the app still opens and closes its own)."""
    FOLDER.mkdir(parents=True)
    try:
        build_sample_store(FOLDER)
        keeper = duckdb.connect(str(DB), read_only=True)
        try:
            yield DB
        finally:
            keeper.close()
    finally:
        shutil.rmtree(FOLDER, ignore_errors=True)


#: No 5xx, and every answer (errors included) is what the schema promises: a documented status,
#: JSON, and a body of the documented shape - the contract the dashboard is written against.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@schema.parametrize()
def test_no_server_error(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
