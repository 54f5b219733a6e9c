"""`influence site build` and `influence site serve` on the published sample warehouse (the
session's one sample build, tests/end_to_end/conftest.py), then the built site in a real headless
Chromium (Debian's, driven by Playwright).

The case's figures (../shared/reference/case-facts.md): Amazon's Q3 2018 lobbying spend counted
once is 3,630,000; its reports named the Department of Homeland Security (toptier code 070); and
the press covered its pitch of facial recognition to ICE on 23 and 24 October 2018. Every SQL
panel's query, run again here against the warehouse, must return the rows its page carries.
"""

from __future__ import annotations

import datetime as dt
import decimal
import html
import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from playwright.sync_api import Browser

from ingest.config import REPO_ROOT
from tests.support.browser import Problems, chromium, served
from tests.support.sample_refresh import Built, Run, influence

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CASE_Q3_2018_SPEND = 3630000
DHS = "070"
ARTIFACTS = REPO_ROOT / "test-artifacts" / "site"

SQL_PANEL = re.compile(
    r'<details class="sql" id="sql-([\w-]+)"><summary>SQL</summary><pre><code>(.*?)</code></pre>'
    r'</details>\s*<script type="application/json" id="data-\1">(.*?)</script>',
    re.S,
)


@dataclass
class Site:
    root: Path
    warehouse: Path
    run: Run


@pytest.fixture(scope="module")
def site(built_run: Built, tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("site") / "site"
    env = dict(os.environ, INFLUENCE_WAREHOUSE=str(built_run.warehouse))
    run = influence(env, "site", "build", "--out", str(root))
    assert run.returncode == 0, run.output
    return Site(root, built_run.warehouse, run)


def panels(page: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each SQL panel of a page: its query text (as shown) and the data the page carries."""
    text = page.read_text(encoding="utf-8")
    return {
        key: (html.unescape(sql), json.loads(data)) for key, sql, data in SQL_PANEL.findall(text)
    }


def plain(value: Any) -> Any:
    """A DuckDB value as the JSON of a page holds it."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def rows_of(warehouse: Path, sql: str) -> tuple[list[str], list[dict[str, Any]]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description or ()]
        return columns, [dict(zip(columns, map(plain, r), strict=True)) for r in cursor.fetchall()]


def test_the_site_is_built_for_the_sample_with_company_and_agency_pages(site: Site) -> None:
    assert re.search(r"Wrote \d+ company pages and \d+ agency pages", site.run.output)
    for page in ("index.html", "companies/amazon.html", f"agencies/{DHS}.html"):
        assert (site.root / page).is_file(), page
    assert (site.root / "assets" / "plotly.min.js").stat().st_size > 1_000_000
    # nothing is fetched from elsewhere when a page is viewed: scripts and styles are the site's
    for page in site.root.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for ref in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', text):
            assert ref.startswith(("../assets/", "assets/", "data:")), (page, ref)
    index = (site.root / "index.html").read_text(encoding="utf-8")
    # the watched company first, and the case on the front page
    companies = re.findall(r'<li><a href="companies/([^"]+)\.html">', index)
    assert companies[0] == "amazon"
    assert 'id="case"' in index and "$3,630,000" in index


def test_the_amazon_page_carries_the_case_figures(site: Site) -> None:
    page = panels(site.root / "companies" / "amazon.html")
    spend = {(r["year"], r["quarter"]): r for r in page["spend"][1]["rows"]}
    assert spend[(2018, 3)]["lobbying_spend"] == CASE_Q3_2018_SPEND
    assert spend[(2018, 3)]["spend_basis"] == "self_filed_expenses"
    text = (site.root / "companies" / "amazon.html").read_text(encoding="utf-8")
    figure = json.loads(re.search(r'id="figure-spend">(.*?)</script>', text, re.S)[1])  # type: ignore[index]
    own = figure["data"][0]
    assert own["y"][own["x"].index("2018 Q3")] == CASE_Q3_2018_SPEND
    grid = page["agency-grid"][1]["rows"]
    dhs = [r for r in grid if r["agency_code"] == DHS and r["year"] == 2018]
    assert dhs and all(r["agency"] == "DHS" for r in dhs)
    assert f'<tr data-key="{DHS}">' in text
    october = [
        story
        for week in page["news"][1]["rows"]
        for story in week["stories"]
        if story["seen_date"].startswith("2018-10")
    ]
    outlets = {story["outlet"] for story in october}
    assert {"www.washingtonpost.com", "www.aclu.org", "www.engadget.com"} <= outlets
    assert any("Rekognition" in story["title"] for story in october)
    phrases = " ".join(r["description"] for r in page["issues"][1]["rows"]).lower()
    assert "facial recognition technology" in phrases


@pytest.mark.parametrize("page", ["companies/amazon.html", f"agencies/{DHS}.html", "index.html"])
def test_every_sql_panel_returns_the_rows_its_page_shows(site: Site, page: str) -> None:
    shown = panels(site.root / page)
    assert len(shown) >= 3, shown.keys()
    for key, (sql, data) in shown.items():
        assert "marts." in sql or "audit." in sql, key
        columns, rows = rows_of(site.warehouse, sql)
        assert columns == data["columns"], key
        assert rows == data["rows"], key


def test_influence_site_serve_serves_the_folder_on_localhost(site: Site) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "dagster_project.cli", "site", "serve", "--out", str(site.root),
         "--port", str(port)],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line, line
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/companies/amazon.html") as reply:
            assert reply.status == 200
            assert b"Amazon" in reply.read()
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert "stopped" in out


def test_site_build_without_a_published_warehouse_says_what_to_run(tmp_path: Path) -> None:
    env = dict(os.environ, INFLUENCE_WAREHOUSE=str(tmp_path / "none.duckdb"))
    run = influence(env, "site", "build", "--out", str(tmp_path / "site"))
    assert run.returncode == 2, run.output
    assert "influence refresh --sample" in run.output
    assert not (tmp_path / "site").exists()


def test_the_readme_shows_the_site_commands_and_the_amazon_screenshot() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Pages for readers", 1)[1].split("\n## ", 1)[0]
    for command in ("influence site build", "influence site serve", "zip -r site.zip site/"):
        assert command in section, command
    image = re.search(r"!\[[^\]]*\]\((docs/img/[\w.-]+\.png)\)", section)
    assert image is not None and image[1] == "docs/img/amazon-page.png"
    assert (REPO_ROOT / image[1]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---- in a browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:  # fails, never skips, without Debian's chromium
        yield browser


@pytest.fixture(scope="module")
def base_url(site: Site) -> Iterator[str]:
    with served(site.root) as url:
        yield url


@pytest.mark.browser
def test_the_amazon_page_in_chromium(site: Site, browser: Browser, base_url: str) -> None:
    problems = Problems()
    page = problems.watch(browser.new_page(viewport={"width": 1200, "height": 1400}))
    page.goto(f"{base_url}companies/amazon.html")
    page.wait_for_selector("#chart-spend.js-plotly-plot .main-svg")
    page.wait_for_selector("#chart-news.js-plotly-plot .main-svg")
    # the rendered chart's own data (plotly's graph div), not the page's JSON
    q3 = page.evaluate(
        """() => {
            const traces = document.getElementById('chart-spend').data;
            return traces.flatMap(t => t.type === 'bar'
                ? t.x.map((x, i) => [x, t.y[i]]).filter(([x]) => x === '2018 Q3') : []);
        }"""
    )
    assert q3 == [["2018 Q3", CASE_Q3_2018_SPEND]]
    assert page.locator("#chart-spend svg rect").count() > 0
    dhs_row = page.locator(f'#table-agency-grid tr[data-key="{DHS}"]')
    assert "Department of Homeland Security" in dhs_row.inner_text()
    hover = page.evaluate("() => document.getElementById('chart-news').data[0].hovertext")
    assert any("Rekognition" in text for text in hover)
    headlines = page.locator("#table-news tbody tr").all_inner_texts()
    october = [h for h in headlines if h.startswith("2018-10-2")]
    assert any("washingtonpost.com" in h for h in october), headlines[:20]
    page.screenshot(path=str(ARTIFACTS / "amazon-page.png"), full_page=True)
    # the SQL panel opens, and its text (as a reader copies it) gives the chart's figure
    sql_panel = page.locator("#sql-spend")
    assert not sql_panel.locator("pre").is_visible()
    sql_panel.locator("summary").click()
    assert sql_panel.locator("pre").is_visible()
    query = sql_panel.locator("pre").inner_text()
    _, rows = rows_of(site.warehouse, query)
    assert [r["lobbying_spend"] for r in rows if (r["year"], r["quarter"]) == (2018, 3)] == [
        CASE_Q3_2018_SPEND
    ]
    sql_panel.screenshot(path=str(ARTIFACTS / "amazon-sql-panel.png"))
    # the phrase filter of the issues table
    page.fill('input[data-target="table-issues"]', "facial recognition")
    visible = page.locator("#table-issues tbody tr:not([hidden])").all_inner_texts()
    assert visible and all("facial recognition" in row.lower() for row in visible)
    assert problems.errors == []


@pytest.mark.browser
def test_the_front_page_searches_companies_agencies_and_phrases(
    browser: Browser, base_url: str
) -> None:
    problems = Problems()
    page = problems.watch(browser.new_page(viewport={"width": 1200, "height": 900}))
    page.goto(base_url)
    # before anything is typed, the watched entries are listed
    assert "Amazon" in page.locator("#results").inner_text()
    page.fill("#search", "facial recognition")
    results = page.locator("#results li").all_inner_texts()
    assert any(r.startswith("phrase") and "Amazon" in r for r in results), results[:10]
    page.fill("#search", "homeland")
    page.locator("#results a", has_text="Department of Homeland Security").first.click()
    page.wait_for_url(f"**/agencies/{DHS}.html")
    page.wait_for_selector("#chart-lobbied.js-plotly-plot .main-svg")
    assert "Amazon" in page.locator("#table-companies").inner_text()
    page.screenshot(path=str(ARTIFACTS / "dhs-page.png"), full_page=True)
    assert problems.errors == []


@pytest.mark.browser
def test_the_site_works_from_file_urls(site: Site, browser: Browser) -> None:
    problems = Problems()
    page = problems.watch(browser.new_page())
    page.goto((site.root / "companies" / "amazon.html").as_uri())
    page.wait_for_selector("#chart-obligations.js-plotly-plot .main-svg")
    assert problems.errors == []
