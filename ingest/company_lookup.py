"""One company from the published warehouse, for reporters who do not write SQL.

``find_company`` resolves a name a reporter types (``amazon``, ``Amazon.com``, ``AMAZON WEB
SERVICES``) to a ``company_id`` of ``marts.dim_company``: an exact company id, display name, source
spelling or normalised name wins; otherwise names are ranked by how close they come (DuckDB's
``jaro_winkler_similarity``, a name that starts with or contains the query's words) and one is
chosen only when it alone is plausible. ``company_summary`` then reads what the marts say about it.
``lookup_company`` does both on the published file, opened read-only and closed. Plain Python:
``influence company`` (``dagster_project/cli.py``) prints the result.

The query is normalised here with a reduced copy of the dbt macro ``normalize_company_name``
(``dbt_models/macros/normalize_company_name.sql``): its steps 1 (accents, upper case, HTML
ampersands), 6 (``&`` -> AND, periods and apostrophes dropped, other punctuation a space), 7 (the
macro's abbreviations written out), 8 (a leading THE, trailing legal suffixes) and 9. Steps 2-5
(``ON BEHALF OF``, ``F/K/A``, ``D/B/A``, filers' parentheses, EDGAR state tags) describe how
filers write names, not how a reporter types one, and are left out. The names it is compared with
are the warehouse's own ``normalized_name`` (``intermediate.int_company_name_matches``), made by
the macro itself; the display names of ``marts.dim_company`` go through the same SQL as the query
(``normalize_sql``). A unit test checks that the abbreviations and legal suffixes copied here
are the macro's.
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

# a score at or above which a near match counts as plausible; one plausible company is chosen,
# several are ambiguous
PLAUSIBLE = 0.9
# the least score a suggestion shows with, and how many are shown
SUGGEST_FROM = 0.6
SUGGESTIONS = 5
NAMES_SHOWN = 10
AGENCIES_SHOWN = 8
NEWS_SHOWN = 5

# as in the macro company_word_expansions
WORD_EXPANSIONS = {
    "CORP": "CORPORATION",
    "INC": "INCORPORATED",
    "CO": "COMPANY",
    "LTD": "LIMITED",
    "INTL": "INTERNATIONAL",
    "ASSN": "ASSOCIATION",
    "ASSOC": "ASSOCIATION",
    "ASSOCS": "ASSOCIATES",
    "NATL": "NATIONAL",
    "GOVT": "GOVERNMENT",
    "INST": "INSTITUTE",
    "COS": "COMPANIES",
    "BROS": "BROTHERS",
    "MFG": "MANUFACTURING",
    "SVCS": "SERVICES",
    "DEPT": "DEPARTMENT",
    "BLDG": "BUILDING",
    "UNIV": "UNIVERSITY",
    "CTR": "CENTER",
    "GRP": "GROUP",
    "INDS": "INDUSTRIES",
}
# the macro's trailing legal suffixes (step 8), removed repeatedly
LEGAL_SUFFIXES = (
    r"(\s(INCORPORATED|LLC|LLP|LP|CORPORATION|(AND\s)?COMPANY|(PUBLIC\s)?LIMITED|PLC|PTY|SA|AG|NV"
    r"|BV|GMBH|SPA|SRL|SE|OYJ|AB|ASA|LTDA|KGAA))+$"
)


def normalize_sql(expression: str) -> str:
    """DuckDB SQL for the normalised form of the name ``expression`` gives (the steps of the dbt
    macro kept here, in its own SQL; see the module docstring); null when nothing is left."""
    expansions = ", ".join(f"'{short}': '{long}'" for short, long in WORD_EXPANSIONS.items())
    return f"""nullif(trim(regexp_replace(regexp_replace(
        array_to_string(list_transform(
            list_filter(
                string_split(
                    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
                        upper(trim(strip_accents(cast({expression} as varchar)))),
                        '&(AMP|#38);', '&', 'g'),
                        '&#?[A-Z0-9]+;', ' ', 'g'),
                        '&', ' AND ', 'g'),
                        '[.''\u2019]', '', 'g'),
                        '[^A-Z0-9 ]', ' ', 'g'),
                    ' '
                ),
                lambda word: word <> ''
            ),
            lambda word: coalesce(map {{{expansions}}}[word], word)
        ), ' '),
        '^THE\\s|\\sTHE$', '', 'g'),
        '{LEGAL_SUFFIXES}', '', 'g'
    )), '')"""


def normalize_name(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """The normalised form of a typed company name, computed by DuckDB on ``con``."""
    rows = con.execute(f"select {normalize_sql('$1')}", [name]).fetchall()
    return rows[0][0] if rows else None


# Every name a company is known by (its id, display name, the alias seed's normalised names, every
# source spelling resolved to it), scored against the query: $1 the query as typed, $2 its
# normalised form. Exact: the company id, a display name or source spelling (case aside), or the
# normalised name. Near: a normalised name that starts with the query's words (0.95), contains
# them (0.9), or is close by Jaro-Winkler. The company's score is its best name's.
CANDIDATES_SQL = """
with

names as (

    select
        company_id,
        company_id as name,
        company_id as normalized_name,
        'company id' as kind,
        4 as priority
    from marts.dim_company
    union all
    select company_id, company_name, {normalized_company_name}, 'company name', 3
    from marts.dim_company
    union all
    select company_id, normalized_name, normalized_name, 'alias', 1
    from reference.company_aliases
    union all
    select company_id, company_name_raw, normalized_name, 'source name', 2
    from intermediate.int_company_name_matches
    where company_id is not null

),

scored as (

    select
        company_id,
        priority,
        'the ' || kind || ' "' || name || '"' as named,
        case
            when kind = 'company id' then lower(trim($1)) = company_id
            else upper(trim($1)) = upper(trim(name)) or normalized_name = $2
        end as is_exact,
        case
            when kind = 'company id' and lower(trim($1)) = company_id then 1.0
            when kind = 'company id' then 0.0
            when upper(trim($1)) = upper(trim(name)) or normalized_name = $2 then 1.0
            when starts_with(normalized_name, $2 || ' ') then 0.95
            when contains(' ' || normalized_name || ' ', ' ' || $2 || ' ') then 0.9
            when starts_with(replace(normalized_name, ' ', ''), replace($2, ' ', '')) then 0.9
            else jaro_winkler_similarity(normalized_name, $2)
        end as score,
        case
            when kind = 'company id' then 'its company id'
            when upper(trim($1)) = upper(trim(name)) then named
            when normalized_name = $2 then named || ', normalised ' || normalized_name
            when starts_with(normalized_name, $2 || ' ')
                or starts_with(replace(normalized_name, ' ', ''), replace($2, ' ', ''))
                then 'starts like ' || named
            when contains(' ' || normalized_name || ' ', ' ' || $2 || ' ')
                then 'in ' || named
            else 'spelled like ' || named
        end as why
    from names
    where normalized_name is not null

),

ranked as (

    select
        company_id,
        bool_or(is_exact) as is_exact,
        max(score) as score,
        arg_max(why, score * 100 + if(is_exact, 10, 0) + priority) as why
    from scored
    group by company_id

)

select ranked.company_id, company.company_name, ranked.score, ranked.why, ranked.is_exact
from ranked
inner join marts.dim_company as company on ranked.company_id = company.company_id
where ranked.is_exact or ranked.score >= $3
order by ranked.is_exact desc, ranked.score desc, company.company_name, ranked.company_id
"""

COMPANY_SQL = """
select
    company.company_id,
    company.company_name,
    company.parent_company_id,
    parent.company_name as parent_company_name,
    company.parent_rule,
    company.top_company_id,
    top.company_name as top_company_name
from marts.dim_company as company
left join marts.dim_company as parent on company.parent_company_id = parent.company_id
left join marts.dim_company as top on company.top_company_id = top.company_id
where company.company_id = $1
"""

SUBSIDIARIES_SQL = """
select company_id, company_name, parent_rule
from marts.dim_company
where parent_company_id = $1 and company_id <> $1
order by company_name, company_id
"""

NAMES_SQL = """
select company_name_raw, match_rule, records_count
from intermediate.int_company_name_matches
where company_id = $1
order by records_count desc nulls last, company_name_raw
"""

# Spend per year counted once (company_period_lobbying: quarters, and half years before 2008).
# A period whose spend is null was undisclosed, not zero: the year's total is the sum of the
# disclosed periods (a floor when some were not; null when none was), with each period's spend.
SPEND_SQL = """
select
    year,
    sum(lobbying_spend) as lobbying_spend,
    count(*) as periods_count,
    count(*) - count(lobbying_spend) as undisclosed_periods_count,
    string_agg(distinct spend_basis, ', ' order by spend_basis) as spend_basis,
    list(
        {
            'period': if(period_grain = 'quarter', 'Q' || quarter, 'H' || half_year),
            'lobbying_spend': lobbying_spend
        }
        order by period_start_date
    ) as periods
from marts.company_period_lobbying
where company_id = $1
group by year
order by year
"""

AGENCIES_SQL = """
select
    agency_code,
    any_value(agency_abbreviation) as agency_abbreviation,
    any_value(agency_name) as agency_name,
    sum(reports_naming_agency)::bigint as reports_naming_agency,
    min(year) filter (where reports_naming_agency > 0) as first_year,
    max(year) filter (where reports_naming_agency > 0) as last_year
from marts.company_agency_quarter
where company_id = $1 and agency_level = 'toptier'
group by agency_code
having sum(reports_naming_agency) > 0
order by reports_naming_agency desc, agency_code
"""

OBLIGATIONS_SQL = """
select
    agency_code,
    any_value(agency_abbreviation) as agency_abbreviation,
    any_value(agency_name) as agency_name,
    sum(contract_obligations) as contract_obligations,
    min(year) filter (where contract_awards_count > 0) as first_year,
    max(year) filter (where contract_awards_count > 0) as last_year
from marts.company_agency_quarter
where company_id = $1 and agency_level = 'toptier'
group by agency_code
having sum(contract_awards_count) > 0
order by contract_obligations desc, agency_code
"""

NEWS_SQL = """
select
    article.seen_date,
    coalesce(article.domain, article.publisher) as outlet,
    article.title,
    article.url
from marts.fct_news_mentions as mention
inner join marts.fct_news_articles as article on mention.url = article.url
where mention.entity_type = 'company' and mention.company_id = $1
order by article.seen_at desc, article.url
"""

SNAPSHOT_SQL = "select snapshot_id, published_at from audit.published_snapshot"

STALE_SQL = """
select raw_table, source, last_success_at, last_attempt_status
from audit.source_freshness
where is_stale
order by raw_table
"""


class CompanyLookupError(Exception):
    """The lookup cannot answer: no published warehouse, or a name that does not resolve."""


class WarehouseMissing(CompanyLookupError):
    """There is no published warehouse at the path (run ``influence refresh --sample``)."""


@dataclass(frozen=True)
class Candidate:
    """A company the typed name may mean, with its best score and why."""

    company_id: str
    company_name: str
    score: float
    why: str
    is_exact: bool


@dataclass(frozen=True)
class Lookup:
    """What a name resolved to: ``chosen`` (None when it did not resolve) and the candidates."""

    query: str
    normalized_query: str | None
    chosen: Candidate | None
    candidates: tuple[Candidate, ...]
    # why nothing was chosen: "ambiguous" (several plausible), "no match"; None when chosen
    problem: str | None = None


class NotResolved(CompanyLookupError):
    """The name does not resolve to one company; ``lookup.candidates`` are the suggestions."""

    def __init__(self, lookup: Lookup) -> None:
        self.lookup = lookup
        super().__init__(f"{lookup.problem}: {lookup.query!r}")


@dataclass(frozen=True)
class ResolvedName:
    company_name_raw: str
    match_rule: str
    records_count: int | None


@dataclass(frozen=True)
class PeriodSpend:
    """One filing period's spend counted once: Q1-Q4, or H1/H2 (half years, before 2008); None
    when undisclosed."""

    period: str
    lobbying_spend: decimal.Decimal | None


@dataclass(frozen=True)
class YearSpend:
    """Lobbying spend of one year counted once; ``lobbying_spend`` is None when every period was
    undisclosed (not zero)."""

    year: int
    lobbying_spend: decimal.Decimal | None
    periods_count: int
    undisclosed_periods_count: int
    spend_basis: str | None
    periods: tuple[PeriodSpend, ...]


@dataclass(frozen=True)
class AgencyLobbied:
    agency_code: str
    agency_abbreviation: str | None
    agency_name: str
    reports_naming_agency: int
    first_year: int | None
    last_year: int | None


@dataclass(frozen=True)
class AgencyObligations:
    agency_code: str
    agency_abbreviation: str | None
    agency_name: str
    contract_obligations: decimal.Decimal
    first_year: int | None
    last_year: int | None


@dataclass(frozen=True)
class NewsItem:
    seen_date: dt.date | None
    outlet: str | None
    title: str | None
    url: str


@dataclass(frozen=True)
class StaleSource:
    raw_table: str
    source: str | None
    last_success_at: dt.datetime | None
    last_attempt_status: str | None


@dataclass(frozen=True)
class Related:
    company_id: str
    company_name: str | None
    rule: str | None


@dataclass(frozen=True)
class CompanySummary:
    """What the published marts say about one company."""

    company_id: str
    company_name: str
    match: Candidate
    parent: Related | None
    top: Related | None
    subsidiaries: tuple[Related, ...]
    names_count: int
    names: tuple[ResolvedName, ...]
    lobbying_by_year: tuple[YearSpend, ...]
    agencies_lobbied_count: int
    agencies_lobbied: tuple[AgencyLobbied, ...]
    obligations_agencies_count: int
    obligations_by_agency: tuple[AgencyObligations, ...]
    news_count: int
    news: tuple[NewsItem, ...]
    snapshot_id: str | None
    published_at: dt.datetime | None
    stale_sources: tuple[StaleSource, ...] = field(default=())


def find_company(con: duckdb.DuckDBPyConnection, name: str, pick: int | None = None) -> Lookup:
    """Resolve a typed name (or company id) to one company of the warehouse on ``con``.

    An exact match (company id, display name, source spelling, normalised name) of one company
    wins; a near match is chosen only when no other company is plausible too. ``pick`` (1-based)
    takes that suggestion of the ranked list instead. Raises ``NotResolved`` otherwise."""
    normalized = normalize_name(con, name)
    rows = con.execute(
        CANDIDATES_SQL.format(normalized_company_name=normalize_sql("company_name")),
        [name, normalized or "", SUGGEST_FROM],
    ).fetchall()
    candidates = tuple(
        Candidate(row[0], row[1], round(float(row[2]), 4), row[3], bool(row[4])) for row in rows
    )
    if pick is not None:
        # the Nth of the suggestions an ambiguous name lists
        shown = candidates[:SUGGESTIONS]
        if not 1 <= pick <= len(shown):
            raise NotResolved(Lookup(name, normalized, None, shown, "no such pick"))
        return Lookup(name, normalized, shown[pick - 1], candidates)
    exact = [c for c in candidates if c.is_exact]
    plausible = exact or [c for c in candidates if c.score >= PLAUSIBLE]
    if len(plausible) == 1:
        return Lookup(name, normalized, plausible[0], candidates)
    problem = "ambiguous" if plausible else "no match"
    raise NotResolved(Lookup(name, normalized, None, candidates[:SUGGESTIONS], problem))


def company_summary(con: duckdb.DuckDBPyConnection, match: Candidate) -> CompanySummary:
    """Read the marts' summary of the company ``match`` names."""
    company_id = match.company_id
    company = _first(con, COMPANY_SQL, [company_id])
    if company is None:
        raise CompanyLookupError(f"no company {company_id!r} in marts.dim_company")
    parent = Related(company[2], company[3], company[4]) if company[2] else None
    top = (
        Related(company[5], company[6], None)
        if company[5] and company[5] not in (company_id, company[2])
        else None
    )
    subsidiaries = tuple(
        Related(*row) for row in con.execute(SUBSIDIARIES_SQL, [company_id]).fetchall()
    )
    names = [ResolvedName(*row) for row in con.execute(NAMES_SQL, [company_id]).fetchall()]
    spend = tuple(
        YearSpend(
            year, spend, periods_count, undisclosed, basis, tuple(PeriodSpend(**p) for p in periods)
        )
        for year, spend, periods_count, undisclosed, basis, periods in con.execute(
            SPEND_SQL, [company_id]
        ).fetchall()
    )
    agencies = [AgencyLobbied(*row) for row in con.execute(AGENCIES_SQL, [company_id]).fetchall()]
    obligations = [
        AgencyObligations(*row) for row in con.execute(OBLIGATIONS_SQL, [company_id]).fetchall()
    ]
    news = [NewsItem(*row) for row in con.execute(NEWS_SQL, [company_id]).fetchall()]
    snapshot = _first(con, SNAPSHOT_SQL) if _has(con, "audit", "published_snapshot") else None
    stale = (
        tuple(StaleSource(*row) for row in con.execute(STALE_SQL).fetchall())
        if _has(con, "audit", "source_freshness")
        else ()
    )
    return CompanySummary(
        company_id=company_id,
        company_name=company[1],
        match=match,
        parent=parent,
        top=top,
        subsidiaries=subsidiaries,
        names_count=len(names),
        names=tuple(names[:NAMES_SHOWN]),
        lobbying_by_year=spend,
        agencies_lobbied_count=len(agencies),
        agencies_lobbied=tuple(agencies[:AGENCIES_SHOWN]),
        obligations_agencies_count=len(obligations),
        obligations_by_agency=tuple(obligations[:AGENCIES_SHOWN]),
        news_count=len(news),
        news=tuple(news[:NEWS_SHOWN]),
        snapshot_id=snapshot[0] if snapshot else None,
        published_at=snapshot[1] if snapshot else None,
        stale_sources=stale,
    )


def _has(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = con.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    return bool(row[0][0])


def _first(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def lookup_company(warehouse: Path, name: str, pick: int | None = None) -> CompanySummary:
    """Resolve ``name`` and summarise the company, from the published warehouse opened read-only
    (and closed). Raises ``WarehouseMissing``, ``NotResolved``."""
    if not warehouse.exists():
        raise WarehouseMissing(
            f"no published warehouse at {warehouse}: run `influence refresh --sample` first "
            "(or set INFLUENCE_WAREHOUSE to a published warehouse)"
        )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        if not _has(con, "marts", "dim_company"):
            raise WarehouseMissing(
                f"{warehouse} has no marts.dim_company: run `influence refresh --sample` first"
            )
        lookup = find_company(con, name, pick)
        assert lookup.chosen is not None
        return company_summary(con, lookup.chosen)


# ---- presentation -------------------------------------------------------------------------


def _money(amount: decimal.Decimal | None) -> str:
    return "undisclosed" if amount is None else f"${amount:,.0f}"


def _years(first: int | None, last: int | None) -> str:
    if first is None or last is None:
        return ""
    return str(first) if first == last else f"{first}-{last}"


def _agency(code: str, abbreviation: str | None, name: str) -> str:
    return f"{abbreviation or code} ({code}) {name}"


def summary_lines(summary: CompanySummary) -> list[str]:
    """The summary as aligned plain text."""
    lines = [f"{summary.company_name} (company_id {summary.company_id})"]
    lines.append(f"  matched: {summary.match.why}")
    if summary.parent:
        parent = summary.parent
        lines.append(
            f"  parent: {parent.company_name or parent.company_id} "
            f"(company_id {parent.company_id}; {parent.rule})"
        )
    else:
        lines.append("  parent: none known")
    if summary.top:
        lines.append(f"  top of the group: {summary.top.company_name} ({summary.top.company_id})")
    for sub in summary.subsidiaries:
        lines.append(f"  subsidiary: {sub.company_name} (company_id {sub.company_id}; {sub.rule})")
    lines.append("")
    lines.append(f"Names resolved to it: {summary.names_count}")
    width = max((len(n.company_name_raw) for n in summary.names), default=0)
    for n in summary.names:
        lines.append(f"  {n.company_name_raw:{width}}  {n.match_rule}")
    if summary.names_count > len(summary.names):
        lines.append(f"  ... and {summary.names_count - len(summary.names)} more")
    lines.append("")
    bases = {y.spend_basis for y in summary.lobbying_by_year}
    one_basis = bases.pop() if len(bases) == 1 else None
    lines.append(
        "Lobbying spend by year, counted once"
        + (f" (from {one_basis}):" if one_basis else " (basis per year):")
    )
    if not summary.lobbying_by_year:
        lines.append("  no lobbying reports")
    totals = {}
    for y in summary.lobbying_by_year:
        totals[y.year] = _money(y.lobbying_spend)
        if y.undisclosed_periods_count and y.lobbying_spend is not None:
            totals[y.year] = "at least " + totals[y.year]
    width = max((len(total) for total in totals.values()), default=0)
    for y in summary.lobbying_by_year:
        periods = "  ".join(f"{p.period} {_money(p.lobbying_spend)}" for p in y.periods)
        basis = "" if one_basis else f"  ({y.spend_basis})"
        lines.append(f"  {y.year}  {totals[y.year]:>{width}}   {periods}{basis}")
    lines.append("")
    lines.append(
        f"Agencies lobbied (reports naming them, years; top {len(summary.agencies_lobbied)} of "
        f"{summary.agencies_lobbied_count}):"
    )
    if not summary.agencies_lobbied:
        lines.append("  none named in its reports")
    for a in summary.agencies_lobbied:
        lines.append(
            f"  {_agency(a.agency_code, a.agency_abbreviation, a.agency_name):55} "
            f"{a.reports_naming_agency:>5}  {_years(a.first_year, a.last_year)}"
        )
    lines.append("")
    lines.append(
        f"Contract obligations by awarding agency (dollars, years with awards; top "
        f"{len(summary.obligations_by_agency)} of {summary.obligations_agencies_count}):"
    )
    if not summary.obligations_by_agency:
        lines.append("  no contract awards")
    for o in summary.obligations_by_agency:
        lines.append(
            f"  {_agency(o.agency_code, o.agency_abbreviation, o.agency_name):55} "
            f"{_money(o.contract_obligations):>16}  {_years(o.first_year, o.last_year)}"
        )
    lines.append("")
    lines.append(f"Recent news (latest {len(summary.news)} of {summary.news_count}):")
    if not summary.news:
        lines.append("  no article mentions it")
    for item in summary.news:
        date = item.seen_date.isoformat() if item.seen_date else "?"
        lines.append(f"  {date}  {item.outlet or '?':24} {item.title or item.url}")
    lines.append("")
    published = summary.published_at.isoformat(timespec="seconds") if summary.published_at else "?"
    lines.append(f"Snapshot: {summary.snapshot_id or 'unknown'} (published {published})")
    if summary.stale_sources:
        for s in summary.stale_sources:
            last = s.last_success_at.isoformat(timespec="seconds") if s.last_success_at else "never"
            lines.append(
                f"  stale: {s.raw_table} (last load {s.last_attempt_status}; data as of {last})"
            )
    else:
        lines.append("  stale sources: none")
    return lines


def _jsonable(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def summary_json(summary: CompanySummary) -> dict[str, Any]:
    """The summary as one JSON-ready object: amounts as decimal strings (exact; null when
    undisclosed), counts as numbers, dates and times ISO 8601."""
    from dataclasses import asdict

    return dict(_jsonable(asdict(summary)))


def candidates_lines(lookup: Lookup) -> list[str]:
    """The suggestions of a name that did not resolve, one a line, numbered for ``--pick``."""
    if not lookup.candidates:
        return ["  (no company name comes close)"]
    width = max(len(c.company_name) for c in lookup.candidates)
    idw = max(len(c.company_id) for c in lookup.candidates)
    return [
        f"  {i}. {c.company_name:{width}}  {c.company_id:{idw}}  {c.score:.2f}  {c.why}"
        for i, c in enumerate(lookup.candidates, 1)
    ]
