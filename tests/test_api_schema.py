"""Schemathesis against the API's own OpenAPI schema: no generated request gets a 5xx, and
every response has a documented status and the documented shape.

Both valid requests (positive mode: anything the schema allows, including every filter
combination and any text for POST /v1/code) and invalid ones (negative mode: wrong types,
out-of-range numbers, broken patterns) are sent to the app in-process, on a real store.
`max_examples` is bounded so the whole run stays well under a minute.

The schema is loaded when the module is imported, because schemathesis's fixture-based loader
(`schemathesis.pytest.from_fixture`) fails under pytest 9 (it sets `Function._nodeid`, which
pytest 9 no longer has). The app opens its database only per request, so it can be created
before the fixture below has built the store.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

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
from tests.api_support import SAMPLE_DB, sample_store
from tests.ingest_support import make_real_coder

MAX_EXAMPLES = 15
EXPORTS = SAMPLE_DB.parent / "exports"

app = create_app(SAMPLE_DB, coder_factory=make_real_coder, static_dir=None, export_dir=EXPORTS)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
schema.config.generation.update(
    modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
)

#: No 5xx, and every answer (errors included) is what the schema promises: a documented status,
#: JSON, and a body of the documented shape - the contract the dashboard is written against.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module", autouse=True)
def store_served() -> Iterator[None]:
    """Build the store; hold one read-only connection meanwhile so DuckDB reuses its instance
    across requests (the app still opens and closes its own), and drop the exports after."""
    keeper = duckdb.connect(str(sample_store()), read_only=True)
    try:
        yield
    finally:
        keeper.close()
        shutil.rmtree(EXPORTS, ignore_errors=True)


@schema.parametrize()
def test_no_server_error(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
