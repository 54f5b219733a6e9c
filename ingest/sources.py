"""Every source the warehouse loads, declared once.

A ``SourceSpec`` says all there is to say about one raw table: where it lands and how its records
are keyed, how a run pulls it, which Great Expectations suite validates its batches, what the
Dagster asset says about it, and which recorded requests of the bundled sample are its own.
Everything else derives from ``SOURCES``: the raw tables landing creates, the raw assets and their
checks (``dagster_project.defs.raw``), the sample generator and the tests' lists of tables.

Adding a source: a client module (``ingest/<source>.py``), a ``SourceSpec`` here, its suite
(``expectations/suites/<table>.py``), its dbt source and staging model, and a fake API under
``tests/fakes/`` for the tests and the sample.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from ingest import pulls, usaspending_archive
from ingest.landing import RawTable
from ingest.progress import observe
from ingest.pulls import Pull, RunContext


@dataclass(frozen=True)
class SourceSpec:
    """One source's raw table, declared once."""

    table: RawTable  # schema ``raw``: table name (= Dagster asset key = dbt source table), key
    pull: Callable[[RunContext], Pull]  # what one run fetches for it
    suite: str  # the module holding its Great Expectations ``SUITE`` (expectations.suites.load)
    description: str  # what the data is, for the Dagster asset (with the API's documentation)
    # a part of the request path that marks this table's pages among the sample's recordings of
    # its API (``ingest/sample/data/<api>/index.json``); None: it is not fetched over HTTP
    sample_endpoint: str | None
    reads: tuple[str, ...] = ()  # other raw tables its pull reads (recipients: the awards)

    def start_pull(self, run: RunContext) -> Pull:
        """What one run fetches for it, each page's arrival told to ``run.progress`` (when
        someone watches)."""
        pull = self.pull(run)
        if run.progress is None:
            return pull
        return replace(pull, pages=observe(pull.pages, self.table.qualified, run.progress))

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def api(self) -> str:
        """The API (or input) its requests go to: the transport's source, the sample's folder."""
        return self.table.source


# --------------------------------------------------------------------------------------------
# How each source is pulled from a run's context


def _lda_filings(run: RunContext) -> Pull:
    return pulls.plan_lda_pull(
        run.con,
        run.transport,
        run.settings,
        run.years,
        mode=run.options.lda_mode,
        repull_days=run.options.lda_repull_days,
    )


def _lda_contributions(run: RunContext) -> Pull:
    return pulls.pull_lda_contributions(run.transport, run.settings, run.years)


def _lda_constants(run: RunContext) -> Pull:
    return pulls.pull_lda_constants(run.transport, run.settings)


def _usaspending_plan(run: RunContext, table: RawTable) -> pulls.UsaspendingPlan:
    return pulls.plan_usaspending(
        run.con,
        table,
        run.settings,
        mode=run.options.usaspending_mode,
        repull_days=run.options.usaspending_repull_days,
    )


def _usaspending_awards(run: RunContext) -> Pull:
    plan = _usaspending_plan(run, USASPENDING_AWARDS.table)
    return pulls.pull_usaspending(run.transport, run.settings, run.watchlist, run.years, plan)


def _usaspending_transactions(run: RunContext) -> Pull:
    plan = _usaspending_plan(run, USASPENDING_TRANSACTIONS.table)
    # the watched agencies' actions come from the Award Data Archive once its source is loaded
    return pulls.pull_usaspending_transactions(
        run.transport,
        run.settings,
        run.watchlist,
        run.years,
        plan,
        archive=USASPENDING_ARCHIVE_TRANSACTIONS in SOURCES,
    )


def _usaspending_archive_transactions(run: RunContext) -> Pull:
    return pulls.pull_usaspending_archive(
        run.con, run.transport, run.settings, run.watchlist, run.years
    )


def _usaspending_recipients(run: RunContext) -> Pull:
    children = pulls.child_recipients_to_fetch(run.con)
    return pulls.pull_usaspending_recipients(run.transport, run.settings, children)


def _usaspending_toptier_agencies(run: RunContext) -> Pull:
    return pulls.pull_usaspending_toptier_agencies(run.transport, run.settings)


def _gdelt_articles(run: RunContext) -> Pull:
    return pulls.pull_gdelt(run.transport, run.settings, run.watchlist, run.years)


def _edgar_submissions(run: RunContext) -> Pull:
    return pulls.pull_edgar_submissions(run.transport, run.settings, run.watchlist)


def _analyst_articles(run: RunContext) -> Pull:
    return pulls.pull_analyst_articles(run.settings)


def _feed_entries(run: RunContext) -> Pull:
    return pulls.pull_feeds(run.transport, run.watchlist)


def _gleif_lei_records(run: RunContext) -> Pull:
    return pulls.pull_gleif_lei_records(run.transport, run.settings, run.watchlist)


def _gleif_relationships(run: RunContext) -> Pull:
    return pulls.pull_gleif_relationships(run.transport, run.settings, run.watchlist)


def _watchlist_sections(run: RunContext) -> Pull:
    return pulls.pull_watchlist(run.settings, run.watchlist)


# --------------------------------------------------------------------------------------------
# The sources, in the order a refresh loads them

LDA_API_DOCS = "https://lda.gov/api/redoc/v1/"
USASPENDING_API_DOCS = "https://api.usaspending.gov/docs/endpoints"

# The URLs an LDA record carries name the host that answered (lda.gov or lda.senate.gov, with
# ``?format=json`` on some): a host change must not make every record an update.
LDA_HOST_DEPENDENT_URLS = ("url", "filing_document_url", "registrant.url", "client.url")

LDA_FILINGS = SourceSpec(
    table=RawTable(
        "lda",
        "lda_filings",
        "filing_uuid",
        "filing_uuid",
        host_dependent_urls=LDA_HOST_DEPENDENT_URLS,
    ),
    pull=_lda_filings,
    suite="expectations.suites.lda_filings",
    description="Senate Lobbying Disclosure Act filings (LD-1 registrations, LD-2 quarterly "
    "reports and their amendments), one row per filing_uuid, the API's JSON kept as fetched. "
    "Pulled whole per filing year and quarter from GET /filings/ on a first load; after that, "
    "incrementally: every filing posted since the watermark less a re-pull window (config "
    f"sources.lda_mode, sources.lda_repull_days). API: {LDA_API_DOCS}",
    sample_endpoint="/filings/",
)

LDA_CONTRIBUTIONS = SourceSpec(
    table=RawTable(
        "lda",
        "lda_contributions",
        "filing_uuid",
        "filing_uuid",
        host_dependent_urls=LDA_HOST_DEPENDENT_URLS,
    ),
    pull=_lda_contributions,
    suite="expectations.suites.lda_contributions",
    description="Senate LDA LD-203 reports of political contributions (FECA, honorary, meeting, "
    "presidential library and inaugural expenses) by registrants and their lobbyists, one row "
    "per filing_uuid, the API's JSON kept as fetched. Pulled per filing year and half-year "
    f"period from GET /contributions/. API: {LDA_API_DOCS}",
    sample_endpoint="/contributions/",
)

LDA_CONSTANTS = SourceSpec(
    table=RawTable("lda", "lda_constants", "constant_list", "constant_list"),
    pull=_lda_constants,
    suite="expectations.suites.lda_constants",
    description="The LDA's reference lists (filing types, general issue codes, government "
    "entities) from GET /constants/filing/<list>/, one row per list with its items as fetched. "
    "The dbt seeds in dbt_models/seeds/reference are the bundled copy used where the API's "
    f"lists are absent. API: {LDA_API_DOCS}",
    sample_endpoint="/constants/filing/",
)

USASPENDING_AWARDS = SourceSpec(
    table=RawTable(
        "usaspending", "usaspending_awards", "generated_internal_id", "generated_internal_id"
    ),
    pull=_usaspending_awards,
    suite="expectations.suites.usaspending_awards",
    description="Federal contract awards (types A-D) and IDVs (IDV_A-IDV_E, searched as their "
    "own group) from USAspending POST /api/v2/search/spending_by_award/, one row per "
    "generated_internal_id, for each watchlist agency and company: every quarter of the years on "
    "a first load, then those modified since the watermark less a re-pull window "
    "(sources.usaspending_mode, sources.usaspending_repull_days). Keyset paging past 50,000 "
    f"records. API: {USASPENDING_API_DOCS}",
    sample_endpoint="/spending_by_award/",
)

# An award action: the award, its modification number and its action date.
USASPENDING_TRANSACTIONS = SourceSpec(
    table=RawTable(
        "usaspending",
        "usaspending_transactions",
        "transaction_key",
        "generated_internal_id",
        key_fields=("generated_internal_id", "Mod", "Action Date"),
    ),
    pull=_usaspending_transactions,
    suite="expectations.suites.usaspending_transactions",
    description="Award actions (the base award and each modification) from USAspending POST "
    "/api/v2/search/spending_by_transaction/, one row per award + modification + action date, "
    "for the same scopes as the awards, by quarter of action date (then incrementally), windows "
    "split when they pass the endpoint's 50,000-record limit. Obligations are dated by these "
    f"actions. API: {USASPENDING_API_DOCS}",
    sample_endpoint="/spending_by_transaction/",
)

# The watched agencies' contract actions from the Award Data Archive's bulk files. Landed by
# DuckDB from the extracted CSVs (``Pull.files``), not record by record; not in ``SOURCES`` until
# landing lands ``Pull.files``: adding it there also moves the agencies' actions off the search
# API (``_usaspending_transactions``).
USASPENDING_ARCHIVE_TRANSACTIONS = SourceSpec(
    table=RawTable(
        "usaspending",
        "usaspending_archive_transactions",
        "contract_transaction_unique_key",
        "contract_transaction_unique_key",
        columns=usaspending_archive.RAW_COLUMNS,
    ),
    pull=_usaspending_archive_transactions,
    suite="expectations.suites.usaspending_archive_transactions",
    description="Contract actions of every watched agency (pull: toptier or subtiers) from "
    "USAspending's Award Data Archive (https://files.usaspending.gov/award_data_archive/): the "
    "agency's Full contract transaction file of each fiscal year on a first load, its monthly "
    "Delta file after (deletions included, marked correction_delete_ind = D), the files named "
    "by POST /api/v2/bulk_download/list_monthly_files/. One row per "
    "contract_transaction_unique_key, the kept columns of the CSV as text columns named as in "
    "its header. API: "
    "https://api.usaspending.gov/docs/endpoints",
    sample_endpoint="/award_data_archive/",
)

USASPENDING_RECIPIENTS = SourceSpec(
    table=RawTable("usaspending", "usaspending_recipients", "recipient_id", "recipient_id"),
    pull=_usaspending_recipients,
    suite="expectations.suites.usaspending_recipients",
    description="Recipient profiles from USAspending GET /api/v2/recipient/<recipient_id>/ for "
    "every child recipient the loaded awards name and the table does not hold yet: UEI, parent "
    f"UEI and parent name (the parent roll-up), alternate names. API: {USASPENDING_API_DOCS}",
    sample_endpoint="/recipient/",
    reads=("usaspending_awards",),
)

USASPENDING_TOPTIER_AGENCIES = SourceSpec(
    table=RawTable("usaspending", "usaspending_toptier_agencies", "toptier_code", "toptier_code"),
    pull=_usaspending_toptier_agencies,
    suite="expectations.suites.usaspending_toptier_agencies",
    description="USAspending's toptier agency list from GET /api/v2/references/toptier_agencies/ "
    "(toptier code, abbreviation, name), one row per toptier_code; dim_agency prefers it to the "
    f"bundled seed copy. API: {USASPENDING_API_DOCS}",
    sample_endpoint="/references/toptier_agencies/",
)

GDELT_ARTICLES = SourceSpec(
    table=RawTable("gdelt", "gdelt_articles", "url", "url"),
    pull=_gdelt_articles,
    suite="expectations.suites.gdelt_articles",
    description="News article metadata (URL, title, date, publisher domain) from the GDELT DOC "
    "2.0 API in ArtList mode, for the watchlist's companies, agencies and topics: their terms "
    "OR-ed in as few queries as the query length allows, each window narrowed only where an "
    "answer reaches the 250-article cap. "
    "API: https://blog.gdeltproject.org/gdelt-doc-2-0-api-debuts/",
    sample_endpoint="/doc/doc",
)

EDGAR_SUBMISSIONS = SourceSpec(
    table=RawTable("edgar", "edgar_submissions", "cik", "cik"),
    pull=_edgar_submissions,
    suite="expectations.suites.edgar_submissions",
    description="SEC EDGAR company submissions from GET https://data.sec.gov/submissions/"
    "CIK##########.json, one row per CIK (as the API wrote it), the body kept as fetched: the "
    "company's current name, its former names with their dates, tickers, exchanges, state of "
    "incorporation, addresses, SIC code and its recent filings. The companies are the watchlist's "
    "ciks and those whose title in https://www.sec.gov/files/company_tickers.json matches a "
    "watched company's name or recipient search (ingest/edgar.py). Requests carry "
    "EDGAR_USER_AGENT, at most 10 per second. API: "
    "https://www.sec.gov/search-filings/edgar-application-programming-interfaces",
    sample_endpoint="/submissions/",
)

ANALYST_ARTICLES = SourceSpec(
    table=RawTable("analyst", "analyst_articles", "url", "url"),
    pull=_analyst_articles,
    suite="expectations.suites.analyst_articles",
    description="An analyst's own article list: the rows of the CSV or JSON Lines files named in "
    "INFLUENCE_ARTICLE_FILES (url, title, published, publisher, optional description), one row "
    "per url, each kept as written with its file name and row number. In sample mode, the list "
    "bundled with the sample.",
    sample_endpoint=None,
)

FEED_ENTRIES = SourceSpec(
    table=RawTable("feeds", "feed_entries", "url", "link"),
    pull=_feed_entries,
    suite="expectations.suites.feed_entries",
    description="Entries of the RSS 2.0 and Atom feeds listed in the watchlist's feeds section, "
    "parsed by feedparser (https://feedparser.readthedocs.io/), one row per entry link, with the "
    "feed each came from.",
    sample_endpoint="/rss",
)

WATCHLIST_SECTIONS = SourceSpec(
    table=RawTable("watchlist", "watchlist_sections", "section", "section"),
    pull=_watchlist_sections,
    suite="expectations.suites.watchlist_sections",
    description="The watchlist's companies, agencies and topics (ingest/watchlist.yaml, or the "
    "file INFLUENCE_WATCHLIST names), as the run read it: one row per section with its entries "
    "as written (names, news_terms, recipient searches, toptier codes). dbt tags the news with "
    "the watched entities' own terms from it, beside the news_entity_patterns seed.",
    sample_endpoint=None,
)

GLEIF_API_DOCS = "https://www.gleif.org/en/lei-data/gleif-api"

GLEIF_LEI_RECORDS = SourceSpec(
    table=RawTable("gleif", "gleif_lei_records", "lei", "id"),
    pull=_gleif_lei_records,
    suite="expectations.suites.gleif_lei_records",
    description="GLEIF LEI records (Level 1 reference data: legal name, previous and other names, "
    "jurisdiction, addresses, entity and registration status) of the watched companies (the "
    "watchlist's leis, or an exact legal-name search), their direct and ultimate parents and "
    "their direct and ultimate children, from GET /lei-records/<lei>, /direct-parent, "
    "/ultimate-parent, /direct-children and /ultimate-children (paged). One row per LEI, the "
    f"API's JSON:API resource object kept as fetched. API: {GLEIF_API_DOCS}",
    sample_endpoint="children",  # its children pages (the relationships pull asks none)
)

# A relationship record's natural key: its child (start node), parent (end node) and type, joined
# by "|". GLEIF's own record id also carries a version number and a hash that change with the
# record, so it does not key the relationship.
GLEIF_RELATIONSHIP_KEY = (
    "attributes.relationship.startNode.id",
    "attributes.relationship.endNode.id",
    "attributes.relationship.type",
)

GLEIF_RELATIONSHIPS = SourceSpec(
    table=RawTable(
        "gleif",
        "gleif_relationships",
        "relationship_key",
        "id",
        key_fields=GLEIF_RELATIONSHIP_KEY,
    ),
    pull=_gleif_relationships,
    suite="expectations.suites.gleif_relationships",
    description="GLEIF Level 2 relationship records (IS_DIRECTLY_CONSOLIDATED_BY, "
    "IS_ULTIMATELY_CONSOLIDATED_BY) between the watched companies and their parents and "
    "children, with their status and periods (RELATIONSHIP_PERIOD, ACCOUNTING_PERIOD, "
    "DOCUMENT_FILING_PERIOD), from GET /lei-records/<lei>/direct-parent-relationship, "
    "/ultimate-parent-relationship, /direct-child-relationships and "
    "/ultimate-child-relationships (paged). One row per child LEI + parent LEI + relationship "
    f"type, the API's resource object kept as fetched. API: {GLEIF_API_DOCS}",
    sample_endpoint="relationship",
)

SOURCES: tuple[SourceSpec, ...] = (
    LDA_FILINGS,
    LDA_CONTRIBUTIONS,
    LDA_CONSTANTS,
    USASPENDING_AWARDS,
    USASPENDING_TRANSACTIONS,
    USASPENDING_ARCHIVE_TRANSACTIONS,
    USASPENDING_RECIPIENTS,
    USASPENDING_TOPTIER_AGENCIES,
    GDELT_ARTICLES,
    FEED_ENTRIES,
    ANALYST_ARTICLES,
    WATCHLIST_SECTIONS,
    EDGAR_SUBMISSIONS,
    GLEIF_LEI_RECORDS,
    GLEIF_RELATIONSHIPS,
)


def raw_tables(sources: Iterable[SourceSpec] = SOURCES) -> tuple[RawTable, ...]:
    return tuple(spec.table for spec in sources)


def source(name: str, sources: Iterable[SourceSpec] = SOURCES) -> SourceSpec:
    """The source whose raw table is ``name`` (``lda_filings`` or ``raw.lda_filings``)."""
    wanted = name.removeprefix("raw.")
    for spec in sources:
        if spec.name == wanted:
            return spec
    raise KeyError(f"no source declares raw table {name!r}")
