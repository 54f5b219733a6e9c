"""Build the static site from the published warehouse (``influence site build``).

The warehouse is opened read-only. For each company with lobbying reports, contract actions or
news, and each agency named in reports, obligating or in the news, the build runs the queries of
``ingest/site/queries.py`` with the company id or agency code written in, and renders a page
whose every chart and table shows that exact query text under "SQL" and carries the rows it
returned as JSON (``<script type="application/json" id="data-...">``). The site is written to a
new folder beside ``out`` and swapped in when complete, so a server or reader never sees half a
site; plotly's JavaScript is copied from the plotly package into ``assets/``: nothing is
fetched when a page is viewed, and the folder works from ``file://``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import os
import re
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import jinja2

from ingest.site import figures, queries
from ingest.watchlist import Watchlist

Row = dict[str, Any]

# the front page's example: the case the warehouse is built around (Amazon's record lobbying
# quarter of 2018; ../shared/reference/case-facts.md), shown when the company is in the warehouse
CASE_COMPANY, CASE_YEAR, CASE_QUARTER = "amazon", 2018, 3
PHRASE_CHARS = 180
# threads that build pages at once (each with its own DuckDB cursor), and how often progress is said
WORKERS = min(4, os.cpu_count() or 1)
PROGRESS_EVERY = 100


class SiteError(Exception):
    """The site cannot be built (no published warehouse, or ``out`` is not a site folder)."""


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    cls: str = ""


@dataclass(frozen=True)
class Table:
    headers: tuple[tuple[str, str], ...]  # (label, css class)
    rows: list[list[Cell]]
    row_keys: list[str] = field(default_factory=list)  # data-key of each row, when given
    filter: bool = False  # a search box above the table


@dataclass
class Panel:
    """One chart or table of a page: its query, the rows it returned, and how it is shown."""

    key: str
    title: str
    sql: str
    columns: list[str]
    rows: list[Row]
    note: str = ""
    figure: dict[str, Any] | None = None
    table: Table | None = None
    empty: str = "Nothing in the warehouse."


@dataclass(frozen=True)
class SiteResult:
    out: Path
    companies: int
    agencies: int
    seconds: float
    snapshot_id: str | None


def sql_literal(value: str | int) -> str:
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


def render_sql(template: str, **values: str | int) -> str:
    """The query text with each ``{name}`` replaced by the value as a SQL literal."""
    sql = template.strip()
    for name, value in values.items():
        sql = sql.replace("{" + name + "}", sql_literal(value))
    return sql


def jsonable(value: Any) -> Any:
    """A DuckDB value as JSON: decimals as numbers (charts need numbers), dates ISO 8601."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


class Runner:
    """Runs the site's queries on one read-only connection; the text run is the text shown."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def panel(self, key: str, title: str, template: str, **values: str | int) -> Panel:
        sql = render_sql(template, **values)
        cursor = self.con.execute(sql)
        columns = [d[0] for d in cursor.description or ()]
        rows = [dict(zip(columns, map(jsonable, row), strict=True)) for row in cursor.fetchall()]
        return Panel(key=key, title=title, sql=sql, columns=columns, rows=rows)

    def each(
        self,
        tasks: list[Callable[[Runner], None]],
        progress: Callable[[str], None] | None = None,
        what: str = "pages",
    ) -> None:
        """Run every task with a runner of its own thread's cursor (DuckDB runs queries of
        several cursors at once; the pages are independent), reporting every PROGRESS_EVERY."""
        local = threading.local()
        cursors: list[duckdb.DuckDBPyConnection] = []
        lock = threading.Lock()
        done = 0

        def run(task: Callable[[Runner], None]) -> None:
            nonlocal done
            if not hasattr(local, "runner"):
                with lock:
                    cursor = self.con.cursor()
                    cursors.append(cursor)
                local.runner = Runner(cursor)
            task(local.runner)
            with lock:
                done += 1
                if progress and done % PROGRESS_EVERY == 0:
                    progress(f"{done} of {what}")

        try:
            with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                list(pool.map(run, tasks))  # list(): a task's exception is raised here
        finally:
            for cursor in cursors:
                cursor.close()

    def has(self, schema: str, table: str) -> bool:
        row = self.con.execute(
            "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchall()
        return bool(row[0][0])


# ---- formatting ----------------------------------------------------------------------------


def money(amount: float | None) -> str:
    if amount is None:
        return "undisclosed"
    return f"-${-amount:,.0f}" if amount < 0 else f"${amount:,.0f}"


def count(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def years(first: int | None, last: int | None) -> str:
    if first is None or last is None:
        return ""
    return str(first) if first == last else f"{first}-{last}"


def web_url(url: str | None) -> str | None:
    """An http(s) URL from the data as a link; anything else (``javascript:``) is no link."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def slug(key: str) -> str:
    """A file name for a company id or agency code (ids are already slugs; anything else is
    replaced)."""
    return re.sub(r"[^A-Za-z0-9._-]", "-", key).strip(".") or "-"


@dataclass(frozen=True)
class Links:
    """Where each company's and agency's page is, relative to the site's root."""

    companies: dict[str, str]
    agencies: dict[str, str]

    def company(self, company_id: str | None, prefix: str = "../") -> str | None:
        page = self.companies.get(company_id or "")
        return prefix + page if page else None

    def agency(self, code: str | None, prefix: str = "../") -> str | None:
        page = self.agencies.get(code or "")
        return prefix + page if page else None


def _num(text: str) -> Cell:
    return Cell(text, cls="num")


# ---- company pages -------------------------------------------------------------------------


def company_panels(run: Runner, company_id: str, links: Links) -> list[Panel]:
    """Every chart and table of one company's page."""
    spend = run.panel(
        "spend", "Lobbying spend per quarter, counted once", queries.COMPANY_SPEND,
        company=company_id,
    )  # fmt: skip
    obligations = run.panel(
        "obligations", "Contract obligations per quarter, by awarding agency",
        queries.COMPANY_OBLIGATIONS, company=company_id,
    )  # fmt: skip
    axis = figures.quarter_axis(spend.rows, obligations.rows)
    spend.note = (
        "A quarter's spend is the company's own expenses report when it files for itself, "
        "else the income outside firms reported from it; outside firms' income of a quarter it "
        "self-filed is already inside its expenses and is drawn as points, not added. "
        "An undisclosed amount (under the reporting threshold) is a gap, not zero."
    )
    spend.empty = "No lobbying reports name this company as a client."
    if spend.rows:
        spend.figure = figures.spend_figure(spend.rows, axis)
    obligations.note = (
        "Base awards and modifications by the date of the action (de-obligations negative), "
        "on the same quarters as the spend above."
    )
    obligations.empty = "No contract actions to this company in the warehouse."
    if obligations.rows:
        obligations.figure = figures.obligations_figure(obligations.rows, axis)

    grid = run.panel(
        "agency-grid", "Reports naming each agency, by quarter", queries.COMPANY_AGENCY_GRID,
        company=company_id,
    )  # fmt: skip
    grid.note = (
        "Each cell counts the company's current reports of that quarter that named the agency "
        "(a department's row counts reports naming any of its sub-agencies too)."
    )
    grid.empty = "No report names a federal agency."
    grid.table = _agency_grid(grid.rows, links)

    codes = run.panel("issue-codes", "Issue codes", queries.COMPANY_ISSUE_CODES, company=company_id)
    codes.table = Table(
        (("code", ""), ("issue", ""), ("reports", "num"), ("years", "")),
        [
            [Cell(r["issue_code"]), Cell(r["issue_name"] or ""), _num(count(r["reports"])),
             Cell(years(r["first_year"], r["last_year"]))]
            for r in codes.rows
        ],
    )  # fmt: skip
    phrases = run.panel(
        "issues", "What the reports said they lobbied on", queries.COMPANY_ISSUE_PHRASES,
        company=company_id,
    )  # fmt: skip
    phrases.note = "The issue descriptions of its reports, as filed; type to filter."
    phrases.table = Table(
        (("quarter", ""), ("code", ""), ("description", ""), ("reports", "num"), ("filed by", "")),
        [
            [Cell(r["period"]), Cell(r["issue_code"]), Cell(r["description"]),
             _num(count(r["reports"])), Cell(r["filed_by"] or "")]
            for r in phrases.rows
        ],
        filter=True,
    )  # fmt: skip

    firms = run.panel(
        "outside-firms", "Outside lobbying firms and their income", queries.COMPANY_OUTSIDE_FIRMS,
        company=company_id,
    )  # fmt: skip
    firms.note = "Income the firms reported from this company (inside its own expenses when it "
    firms.note += "self-files: not added to its spend)."
    firms.empty = "No outside firm reported this company as a client."
    firms.table = Table(
        (("firm", ""), ("reports", "num"), ("income", "num"), ("undisclosed", "num"),
         ("years", "")),
        [
            [Cell(r["registrant_name"] or str(r["registrant_id"])), _num(count(r["reports"])),
             _num(money(r["income"])), _num(count(r["undisclosed_reports"])),
             Cell(years(r["first_year"], r["last_year"]))]
            for r in firms.rows
        ],
    )  # fmt: skip

    contributions = run.panel(
        "contributions", "LD-203 contributions", queries.COMPANY_CONTRIBUTIONS, company=company_id
    )
    contributions.note = "Political contributions and honorary expenses its lobbyists and PAC "
    contributions.note += "reported (LD-203), counted once."
    contributions.empty = "No LD-203 contributions filed by this company."
    contributions.table = Table(
        (("date", ""), ("type", ""), ("contributor", ""), ("payee", ""), ("honoree", ""),
         ("amount", "num")),
        [
            [Cell(r["contribution_date"] or ""), Cell(r["contribution_type"] or ""),
             Cell(r["contributor"] or ""), Cell(r["payee_name"] or ""),
             Cell(r["honoree_name"] or ""), _num(money(r["amount"]))]
            for r in contributions.rows
        ],
        filter=True,
    )  # fmt: skip

    news = run.panel("news", "News timeline", queries.COMPANY_NEWS, company=company_id)
    news.note = "Articles that mention the company, per week; hover a bar for its headlines."
    news.empty = "No article in the warehouse mentions this company."
    if news.rows:
        news.figure = figures.news_figure(news.rows)
    stories = [story for week in reversed(news.rows) for story in reversed(week["stories"])]
    news.table = Table(
        (("date", ""), ("outlet", ""), ("headline", "")),
        [
            [Cell(s["seen_date"] or ""), Cell(s["outlet"] or ""),
             Cell(s["title"] or s["url"], href=web_url(s["url"]))]
            for s in stories
        ],
        filter=True,
    )  # fmt: skip

    names = run.panel(
        "names", "Names resolved to this company", queries.COMPANY_NAMES, company=company_id
    )
    names.note = "Every spelling in the sources that the resolver assigned to this company, "
    names.note += "with its rule, score and evidence."
    names.table = Table(
        (("name as filed", ""), ("rule", ""), ("score", "num"), ("evidence", ""),
         ("sources", ""), ("records", "num")),
        [
            [Cell(r["company_name_raw"]), Cell(r["match_rule"] or ""),
             _num("" if r["match_score"] is None else f"{r['match_score']:.4f}"),
             Cell(r["match_evidence"] or ""), Cell(r["sources"] or ""),
             _num(count(r["records_count"]))]
            for r in names.rows
        ],
    )  # fmt: skip
    owners = run.panel(
        "ownership", "Parents and subsidiaries", queries.COMPANY_OWNERSHIP, company=company_id
    )
    owners.empty = "No parent or subsidiary known."
    owners.table = Table(
        (("relation", ""), ("company", ""), ("type", ""), ("source", ""), ("from", ""),
         ("to", ""), ("evidence", "")),
        [
            [Cell(r["relation"]),
             Cell(r["related_company_name"] or r["related_company_id"] or "",
                  href=links.company(r["related_company_id"])),
             Cell(r["relationship_type"] or ""), Cell(r["ownership_source"] or ""),
             Cell(r["valid_from"] or ""),
             Cell(r["valid_to"] or ("current" if r["is_current"] else "")),
             Cell(r["ownership_evidence"] or "")]
            for r in owners.rows
        ],
    )  # fmt: skip
    return [spend, obligations, grid, codes, phrases, firms, contributions, news, names, owners]


def _agency_grid(rows: list[Row], links: Links) -> Table:
    """Agencies down, quarters (those with a report naming any) across, report counts inside."""
    quarters = sorted({(r["year"], r["quarter"]) for r in rows})
    agencies: dict[str, Row] = {}
    cells: dict[tuple[str, int, int], int] = {}
    for r in rows:
        agencies.setdefault(r["agency_code"], r)
        cells[(r["agency_code"], r["year"], r["quarter"])] = r["reports_naming_agency"]
    totals = {code: sum(v for (c, _, _), v in cells.items() if c == code) for code in agencies}
    order = sorted(
        agencies, key=lambda c: (agencies[c]["agency_level"] != "toptier", -totals[c], c)
    )
    table_rows = []
    for code in order:
        agency = agencies[code]
        label = f"{agency['agency']} {agency['agency_name']}"
        row = [Cell(label, href=links.agency(code)), _num(count(totals[code]))]
        for year, quarter in quarters:
            value = cells.get((code, year, quarter))
            row.append(Cell(count(value), cls="num hot") if value else Cell("", cls="num zero"))
        table_rows.append(row)
    headers = (("agency", ""), ("reports", "num"), *((f"{y} Q{q}", "num") for y, q in quarters))
    return Table(headers, table_rows, row_keys=order)


# ---- agency pages --------------------------------------------------------------------------


def agency_panels(run: Runner, agency: Row, links: Links) -> list[Panel]:
    code = agency["agency_code"]
    lobbied = run.panel(
        "lobbied", "Reports naming the agency, per quarter", queries.AGENCY_LOBBIED_BY_QUARTER,
        agency=code,
    )  # fmt: skip
    lobbied.empty = "No lobbying report names this agency."
    obligations = run.panel(
        "obligations", "What it obligated to the companies that lobbied it, per quarter",
        queries.AGENCY_OBLIGATIONS, agency=code,
    )  # fmt: skip
    obligations.empty = "It obligated nothing to the companies that named it, in the warehouse."
    axis = figures.quarter_axis(lobbied.rows, obligations.rows)
    if lobbied.rows:
        lobbied.figure = figures.reports_figure(lobbied.rows, axis)
    if obligations.rows:
        obligations.figure = figures.company_obligations_figure(obligations.rows, axis)
    companies = run.panel("companies", "Who lobbied it", queries.AGENCY_COMPANIES, agency=code)
    companies.note = (
        "Each company whose reports named the agency, and what the agency obligated to it "
        "before the first quarter a report named it and from that quarter on."
    )
    companies.empty = "No company named this agency in a report."
    companies.table = Table(
        (("company", ""), ("reports", "num"), ("first named", ""), ("obligations before", "num"),
         ("obligations from then on", "num")),
        [
            [Cell(r["company_name"] or r["company_id"], href=links.company(r["company_id"])),
             _num(count(r["reports"])), Cell(r["first_named"] or ""),
             _num(money(r["obligations_before"])), _num(money(r["obligations_from_then_on"]))]
            for r in companies.rows
        ],
        filter=True,
    )  # fmt: skip
    issues = run.panel(
        "issues", "Issues of the reports naming it", queries.AGENCY_ISSUES, agency=code
    )
    issues.empty = "No issues: no report names this agency."
    issues.table = Table(
        (("code", ""), ("issue", ""), ("reports", "num"), ("companies", "num")),
        [
            [Cell(r["issue_code"]), Cell(r["issue_name"] or ""), _num(count(r["reports"])),
             _num(count(r["companies"]))]
            for r in issues.rows
        ],
    )  # fmt: skip
    panels = [lobbied, obligations, companies, issues]
    if agency["agency_level"] == "toptier":
        subs = run.panel("subagencies", "Sub-agencies", queries.AGENCY_SUBAGENCIES, agency=code)
        subs.empty = "No sub-agency in marts.dim_agency."
        subs.table = Table(
            (("code", ""), ("sub-agency", ""), ("reports naming it", "num"),
             ("obligations", "num")),
            [
                [Cell(r["agency_code"]),
                 Cell(f"{r['abbreviation'] or ''} {r['agency_name']}".strip(),
                      href=links.agency(r["agency_code"])),
                 _num(count(r["reports_naming_agency"])), _num(money(r["contract_obligations"]))]
                for r in subs.rows
            ],
        )  # fmt: skip
        panels.append(subs)
    return panels


# ---- the whole site ------------------------------------------------------------------------


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ingest.site", "templates"),
        autoescape=True,  # every name from the data is escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = money
    env.filters["count"] = count
    return env


def watched_companies(con: duckdb.DuckDBPyConnection, watchlist: Watchlist | None) -> list[str]:
    """The company ids the watchlist's companies resolve to (in its order), by the same lookup
    as ``influence company``; a name that does not resolve to one company is left out."""
    from ingest.company_lookup import NotResolved, find_company

    ids = []
    for company in watchlist.companies if watchlist else ():
        try:
            chosen = find_company(con, company.name).chosen
        except NotResolved:
            continue
        if chosen is not None and chosen.company_id not in ids:
            ids.append(chosen.company_id)
    return ids


def _prepare(out: Path) -> Path:
    """A fresh folder beside ``out`` to build into; refuses an ``out`` that holds something
    other than a site (no index.html), so that a mistyped --out deletes nothing."""
    if out.exists() and (
        not out.is_dir() or (any(out.iterdir()) and not (out / "index.html").exists())
    ):
        raise SiteError(
            f"{out} exists and is not a site folder (no index.html): choose another --out"
        )
    staging = out.with_name(f".{out.name}.building")
    if staging.exists():
        shutil.rmtree(staging)
    (staging / "companies").mkdir(parents=True)
    (staging / "agencies").mkdir()
    (staging / "assets").mkdir()
    return staging


def _swap(staging: Path, out: Path) -> None:
    old = out.with_name(f".{out.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    if old.exists():
        shutil.rmtree(old)


def _copy_assets(assets: Path) -> None:
    import plotly

    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    shutil.copyfile(plotly_js, assets / "plotly.min.js")
    static = resources.files("ingest.site") / "static"
    for name in ("site.css", "site.js"):
        (assets / name).write_text((static / name).read_text(encoding="utf-8"), encoding="utf-8")


def build_site(
    warehouse: Path,
    out: Path,
    watchlist: Watchlist | None = None,
    progress: Callable[[str], None] | None = None,
) -> SiteResult:
    """Write the site for the published ``warehouse`` to ``out`` (replaced when complete).
    Raises ``SiteError`` when there is no published warehouse or ``out`` is not a site."""
    started = time.perf_counter()
    if not warehouse.exists():
        raise SiteError(
            f"no published warehouse at {warehouse}: run `influence refresh --sample` first "
            "(or set INFLUENCE_WAREHOUSE to a published warehouse)"
        )
    env = _environment()
    out = out.resolve()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        run = Runner(con)
        if not run.has("marts", "dim_company"):
            raise SiteError(f"{warehouse} has no marts: run `influence refresh --sample` first")
        staging = _prepare(out)
        try:
            result = _write(run, env, staging, watchlist, progress)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    _swap(staging, out)
    return SiteResult(out, result[0], result[1], time.perf_counter() - started, result[2])


def _write(
    run: Runner,
    env: jinja2.Environment,
    root: Path,
    watchlist: Watchlist | None,
    progress: Callable[[str], None] | None,
) -> tuple[int, int, str | None]:
    _copy_assets(root / "assets")
    freshness = None
    if run.has("audit", "source_freshness") and run.has("audit", "published_snapshot"):
        freshness = run.panel("freshness", "Sources and loads", queries.FRESHNESS)
        freshness.table = Table(
            (("raw table", ""), ("source", ""), ("data as of", ""), ("load id", ""),
             ("last attempt", ""), ("stale", "")),
            [
                [Cell(r["raw_table"]), Cell(r["source"] or ""),
                 Cell((r["last_success_at"] or "never")[:19]),
                 Cell(r["last_success_load_id"] or ""), Cell(r["last_attempt_status"] or ""),
                 Cell("STALE" if r["is_stale"] else "")]
                for r in freshness.rows
            ],
        )  # fmt: skip
    snapshot = freshness.rows[0] if freshness and freshness.rows else {}

    companies = run.panel("companies", "Companies", queries.COMPANIES)
    agencies = run.panel("agencies", "Agencies", queries.AGENCIES)
    watched = watched_companies(run.con, watchlist)
    watched_agencies = {a.toptier_code for a in watchlist.agencies} if watchlist else set()
    taken: set[str] = set()

    def page(folder: str, key: str) -> str:
        name = slug(key)
        while f"{folder}/{name}" in taken:
            name += "-"
        taken.add(f"{folder}/{name}")
        return f"{folder}/{name}.html"

    company_rows = sorted(
        companies.rows,
        key=lambda r: (r["company_id"] not in watched, watched.index(r["company_id"])
                       if r["company_id"] in watched else 0, r["company_name"].lower()),
    )  # fmt: skip
    links = Links(
        {r["company_id"]: page("companies", r["company_id"]) for r in company_rows},
        {r["agency_code"]: page("agencies", r["agency_code"]) for r in agencies.rows},
    )
    names = {r["company_id"]: r["company_name"] for r in company_rows}
    common = {"freshness": freshness, "snapshot": snapshot}

    company_template = env.get_template("company.html")
    agency_template = env.get_template("agency.html")

    def company_page(run: Runner, company: Row) -> None:
        company_id = company["company_id"]
        panels = company_panels(run, company_id, links)
        parents = [r for r in panels[-1].rows if r["relation"] == "parent" and r["is_current"]]
        html = company_template.render(
            root="../",
            title=company["company_name"],
            company=company,
            watched=company_id in watched,
            parents=[
                (r["related_company_name"] or r["related_company_id"],
                 links.company(r["related_company_id"]))
                for r in parents
            ],
            panels=panels,
            **common,
        )  # fmt: skip
        (root / links.companies[company_id]).write_text(html, encoding="utf-8")

    def agency_page(run: Runner, agency: Row) -> None:
        html = agency_template.render(
            root="../",
            title=agency["agency_name"],
            agency=agency,
            toptier_href=links.agency(agency["toptier_code"])
            if agency["agency_level"] == "subtier"
            else None,
            watched=agency["toptier_code"] in watched_agencies,
            panels=agency_panels(run, agency, links),
            **common,
        )
        (root / links.agencies[agency["agency_code"]]).write_text(html, encoding="utf-8")

    pages: list[Callable[[Runner], None]] = [
        *(functools.partial(company_page, company=company) for company in company_rows),
        *(functools.partial(agency_page, agency=agency) for agency in agencies.rows),
    ]
    run.each(pages, progress, f"{len(company_rows)} company and {len(agencies.rows)} agency pages")

    phrases = run.panel("phrases", "Issue phrases", queries.PHRASES)
    index = _search_index(company_rows, agencies.rows, phrases.rows, links, watched,
                          watched_agencies, names)  # fmt: skip
    case = None
    if CASE_COMPANY in links.companies:
        case = run.panel(
            "case", "The example: one quarter of one company", queries.CASE,
            company=CASE_COMPANY, year=CASE_YEAR, quarter=CASE_QUARTER,
        )  # fmt: skip
    html = env.get_template("index.html").render(
        root="",
        title="Influence Warehouse",
        case=case,
        case_company=(CASE_COMPANY, names.get(CASE_COMPANY), links.company(CASE_COMPANY, "")),
        case_period=f"{CASE_YEAR} Q{CASE_QUARTER}",
        index=index,
        companies=[(r, links.company(r["company_id"], ""), r["company_id"] in watched)
                   for r in company_rows],
        agencies=[(r, links.agency(r["agency_code"], ""), r["toptier_code"] in watched_agencies)
                  for r in agencies.rows],
        panels=[companies, agencies, phrases],
        **common,
    )  # fmt: skip
    (root / "index.html").write_text(html, encoding="utf-8")
    return len(company_rows), len(agencies.rows), snapshot.get("snapshot_id")


def _search_index(
    companies: list[Row],
    agencies: list[Row],
    phrases: list[Row],
    links: Links,
    watched: list[str],
    watched_agencies: set[str],
    names: dict[str, str],
) -> list[Row]:
    """What the front page's search box searches: companies (watched first), agencies and the
    phrases of issue descriptions, each with the page it links to."""
    entries: list[Row] = []
    for r in companies:
        detail = ", ".join(
            part
            for part in (
                f"{money(r['lobbying_spend_total'])} lobbying" if r["lobbying_spend_total"] else "",
                f"{money(r['contract_obligations_total'])} obligations"
                if r["contract_obligations_total"]
                else "",
                f"{r['news_mentions_count']} articles" if r["news_mentions_count"] else "",
            )
            if part
        )
        entries.append({
            "kind": "company", "label": r["company_name"], "detail": detail,
            "href": links.company(r["company_id"], ""), "watched": r["company_id"] in watched,
            "search": " ".join(
                [r["company_name"], r["company_id"], *(r["name_variants"] or [])]
            ).lower(),
        })  # fmt: skip
    for r in sorted(agencies, key=lambda a: a["toptier_code"] not in watched_agencies):
        label = f"{r['abbreviation'] or r['agency_code']} {r['agency_name']}"
        entries.append({
            "kind": "agency" if r["agency_level"] == "toptier" else "sub-agency",
            "label": label,
            "detail": f"{count(r['reports_naming_agency'])} reports naming it",
            "href": links.agency(r["agency_code"], ""),
            "watched": r["toptier_code"] in watched_agencies,
            "search": f"{label} {r['agency_code']} {r['toptier_name'] or ''}".lower(),
        })  # fmt: skip
    for r in phrases:
        href = links.company(r["company_id"], "")
        if href is None:
            continue
        text = r["description"]
        entries.append({
            "kind": "phrase",
            "label": text if len(text) <= PHRASE_CHARS else text[: PHRASE_CHARS - 3] + "...",
            "detail": f"({names.get(r['company_id'], r['company_id'])}, "
                      f"{years(r['first_year'], r['last_year'])})",
            "href": href + "#issues", "watched": False,
            "search": f"{text} {names.get(r['company_id'], '')}".lower(),
        })  # fmt: skip
    return entries
