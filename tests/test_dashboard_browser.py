"""The dashboard in a real browser: Playwright drives Debian's Chromium against `tacitus serve`
on the demo database (the bundled samples, plus the seed article when ../shared is present).

Each check compares what the page draws with what the database holds, so "renders with data"
means the right data. Every request the page makes outside the server is blocked and recorded:
the page must work with no network. Screenshots go to tests/artifacts/dashboard/; with
TACITUS_UPDATE_SCREENSHOT=1 the overview is also written to docs/img/dashboard.png (the README's
picture), so an ordinary run leaves the tree clean.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tacitus.cli.demo import sample_paths
from tacitus.ingest import ingest
from tests.ingest_support import make_real_coder
from tests.processes import stop
from tests.shared_data import shared_path

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "tests" / "artifacts" / "dashboard"
README_SHOT = REPO / "docs" / "img" / "dashboard.png"
#: Seconds to wait for the server to answer; it only has to import the app and open DuckDB.
STARTUP_SECONDS = 60
#: Milliseconds for one page action; coding the seed article first loads spaCy in the server.
ACTION_MS = 15_000
CODING_MS = 120_000

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM} (CI installs Debian's chromium; apt-get install chromium)",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    """Poll until the API answers; fail with the server's own output if it dies or hangs."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"tacitus serve exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}v1/summary", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    pytest.fail(f"tacitus serve did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")


def _warm_coder(url: str, deadline: float) -> None:
    """Make the server load spaCy now (it does on the first POST /v1/code), while this
    process builds the database, so the code-a-text tests do not wait for it. Best effort:
    the tests themselves check what coding returns."""
    request = urllib.request.Request(
        f"{url}v1/code", data=b'{"text": "Russia condemned the attack."}',
        headers={"Content-Type": "application/json"}, method="POST")
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(request, timeout=STARTUP_SECONDS):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)


@dataclass(frozen=True)
class Served:
    url: str
    db: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`tacitus serve` on a free loopback port over the database `tacitus demo` builds.

    The server starts first (it reads the database per request, so it needs none yet) and
    loads its coder while the database is built here; it is stopped, killed if need be, after
    the module, whatever happened.
    """
    folder = tmp_path_factory.mktemp("dashboard")
    db = folder / "demo.duckdb"
    log = folder / "serve.log"
    url = f"http://127.0.0.1:{_free_port()}/"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "tacitus.cli.main", "serve", "--db", str(db),
             "--host", "127.0.0.1", "--port", url.rsplit(":", 1)[1].strip("/")],
            stdout=out, stderr=subprocess.STDOUT)
    warm = threading.Thread(target=_warm_coder, args=(url, time.monotonic() + STARTUP_SECONDS),
                            daemon=True)
    try:
        warm.start()
        ingest(sample_paths(), db, coder_factory=make_real_coder, progress=False)
        _wait_until_up(url, server, log)
        yield Served(url, db)
    finally:
        stop(server, timeout=10)
        warm.join(timeout=5)


@pytest.fixture(scope="module")
def demo_db(served: Served) -> Path:
    return served.db


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Dashboard:
    """An open dashboard page, with what it asked of the outside world and what it logged."""

    page: Any
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def wait_ready(self) -> None:
        self.page.wait_for_selector("body[data-ready=true]", timeout=ACTION_MS)

    def total(self) -> int:
        """The table's total, from its "1-15 of N" line."""
        found = re.search(r"of (\d+)|^(0) events", self.page.inner_text("#page-info"))
        assert found, self.page.inner_text("#page-info")
        return int(found.group(1) or found.group(2))

    def shot(self, name: str, selector: str | None = None) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        if selector:
            self.page.locator(selector).screenshot(path=str(path))
        else:
            self.page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")
        return path


@pytest.fixture
def dashboard(browser: Any, served: Served) -> Iterator[Dashboard]:
    """The dashboard loaded in a fresh page; requests to anywhere but the server are refused."""
    base_url = served.url
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    board = Dashboard(page)

    def only_local(route: Any) -> None:
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            board.outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.on("pageerror", lambda error: board.errors.append(str(error)))
    page.on("console", lambda msg: board.errors.append(msg.text) if msg.type == "error" else None)
    page.goto(base_url)
    board.wait_ready()
    try:
        yield board
    finally:
        context.close()


def _scalar(db: Path, sql: str, params: list[Any] | None = None) -> Any:
    with duckdb.connect(str(db), read_only=True) as conn:
        row = conn.execute(sql, params or []).fetchone()
    assert row is not None
    return row[0]


def test_views_render_the_database_offline(dashboard: Dashboard, demo_db: Path) -> None:
    page = dashboard.page
    bars = page.locator("#timeline rect.bar")
    dated = _scalar(demo_db, "SELECT count(*) FROM dedup_events WHERE event_date IS NOT NULL")
    assert bars.count() > 0
    assert sum(int(c) for c in bars.evaluate_all("bs => bs.map(b => b.dataset.count)")) == dated

    nodes = page.locator("#network .node circle").count()
    assert nodes >= 2
    assert page.locator("#network path.edge").count() >= 1
    assert page.locator("#network svg").get_attribute("data-nodes") == str(nodes)

    assert page.locator("#map path.country").count() > 150
    assert page.locator("#map circle.place").count() > 0
    shaded = page.locator("#map path.country").evaluate_all(
        "cs => cs.filter(c => c.style.fill).length")
    assert shaded > 0

    total = _scalar(demo_db, "SELECT count(*) FROM dedup_events")
    assert page.locator("#events-table tbody tr").count() == min(15, total)
    assert dashboard.total() == total

    assert dashboard.outside == [], "the page reached for the network"
    assert dashboard.errors == []
    overview = dashboard.shot("overview")
    bottom = page.locator("#table-panel").bounding_box()
    assert bottom is not None
    readme = dashboard.page.screenshot(
        clip={"x": 0, "y": 0, "width": 1440, "height": bottom["y"] + bottom["height"] + 16},
        full_page=True)
    (ARTIFACTS / "readme.png").write_bytes(readme)
    if os.environ.get("TACITUS_UPDATE_SCREENSHOT") == "1":
        README_SHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ARTIFACTS / "readme.png", README_SHOT)
    assert overview.stat().st_size > 0


def _count_involving(db: Path, code: str) -> int:
    return int(_scalar(db, "SELECT count(*) FROM dedup_events WHERE ? IN (actor_code, "
                           "recipient_code)", [code]))


def test_filtering_by_an_actor_changes_the_table(dashboard: Dashboard, demo_db: Path) -> None:
    page = dashboard.page
    before = dashboard.total()
    page.fill("#f-actor", "KEN")
    page.click("#filters button[type=submit]")
    dashboard.wait_ready()
    expected = _count_involving(demo_db, "KEN")
    assert 0 < expected < before
    assert dashboard.total() == expected
    cells = page.locator("#events-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.cells[1].innerText + ' | ' + r.cells[3].innerText)")
    assert cells and all("KEN" in cell for cell in cells), cells
    assert "actor: KEN" in page.inner_text("#active-filters")
    dashboard.shot("filtered-by-actor", "#table-panel")

    # Clicking an actor in the network filters the same way.
    page.click("#active-filters button")
    dashboard.wait_ready()
    page.locator("#network .node", has_text="BGD").first.click()
    dashboard.wait_ready()
    assert dashboard.total() == _count_involving(demo_db, "BGD")
    assert page.input_value("#f-actor") == "BGD"
    active = page.locator("#network .node.active text").all_text_contents()
    assert active and all(label.startswith("BGD") for label in active), active


def test_brushing_the_timeline_filters_the_table(dashboard: Dashboard, demo_db: Path) -> None:
    page = dashboard.page
    box = page.locator("#timeline svg").bounding_box()
    assert box is not None
    y = box["y"] + box["height"] * 0.5
    page.mouse.move(box["x"] + box["width"] * 0.05, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.4, y, steps=5)
    page.mouse.up()
    dashboard.wait_ready()
    start, end = page.input_value("#f-from"), page.input_value("#f-to")
    assert start and end and start <= end
    expected = _scalar(demo_db, "SELECT count(*) FROM dedup_events WHERE event_date "
                                "BETWEEN ?::DATE AND ?::DATE", [start, end])
    assert dashboard.total() == expected
    assert f"from: {start}" in page.inner_text("#active-filters")
    dashboard.shot("brushed", "#timeline-panel")


def test_event_view_shows_the_evidence(dashboard: Dashboard, demo_db: Path) -> None:
    page = dashboard.page
    page.click("#events-table th button:text('Reports')")  # most reported first
    page.wait_for_selector("#events-table[data-state=ready] th[aria-sort=descending] "
                           "button:text('Reports')", timeout=ACTION_MS)
    row = page.locator("#events-table tbody tr").first
    event_id = row.get_attribute("data-id")
    row.click()
    page.wait_for_selector("#event-panel:not([hidden]) .sentence mark.trigger",
                           timeout=ACTION_MS)
    with duckdb.connect(str(demo_db), read_only=True) as conn:
        found = conn.execute(
            "SELECT e.event_text, e.rule, d.num_mentions FROM dedup_events d JOIN events e"
            " ON e.mention_id = d.root_mention_id WHERE d.global_event_id = ?",
            [int(str(event_id))]).fetchone()
    assert found is not None
    trigger, rule, mentions = found
    view = page.locator("#event-view")
    assert trigger in view.locator(".sentence").first.inner_text()
    assert view.locator(".sentence").first.locator("mark.trigger").count() >= 1
    assert rule in view.inner_text()
    assert view.locator("ol.mentions > li").count() == mentions
    assert mentions >= 1
    dashboard.shot("event-view", "#event-panel")


def _code(dashboard: Dashboard, text: str, date: str | None = None) -> int:
    page = dashboard.page
    page.fill("#code-text", text)
    if date:
        page.fill("#code-date", date)
    page.click("#code-form button[type=submit]")
    page.wait_for_function("document.getElementById('code-status').textContent.includes('found')"
                           " || document.getElementById('code-status').classList.contains('error')",
                           timeout=CODING_MS)
    status = page.inner_text("#code-status")
    found = re.match(r"(\d+) event\(s\) found", status)
    assert found, status
    return int(found.group(1))


@pytest.mark.shared
def test_code_a_text_highlights_the_seed_article(dashboard: Dashboard) -> None:
    seed = shared_path("seed", "syria-2012-07-12.txt").read_text(encoding="utf-8")
    count = _code(dashboard, seed, "2012-07-12")
    page = dashboard.page
    assert count > 0
    assert page.locator("#code-events > li").count() == count
    # Every listed event has its trigger highlighted in the text.
    triggered = page.locator("#code-article mark.trigger").evaluate_all(
        "ms => new Set(ms.flatMap(m => m.dataset.ids.split(' '))).size")
    assert triggered == count
    assert page.locator("#code-article mark.source").count() > 0
    assert page.inner_text("#code-article").replace("\n", "").startswith(
        seed.replace("\n", "")[:60])
    page.locator("#code-events > li").nth(2).click()
    assert page.locator("#code-article mark.focus").count() >= 1
    dashboard.shot("code-a-text", "#code-panel")


def test_scraped_markup_is_shown_as_text(dashboard: Dashboard) -> None:
    text = ('<img src=x onerror="window.pwned = 1"> Russia condemned the attack on '
            "<b>Damascus</b>.")
    _code(dashboard, text, "2012-07-12")
    page = dashboard.page
    assert page.locator("#code-article img, #code-article b").count() == 0
    assert "<img src=x" in page.inner_text("#code-article")
    assert page.evaluate("window.pwned") is None
