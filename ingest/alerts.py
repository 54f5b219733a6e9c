"""Watchlist alerts: what is new for the watchlist since the previous publish.

At publish time the build database's marts are compared with the snapshot analysts have open
(the previous publish, attached read-only) by each record's natural key and version:

- ``lda_report_new`` / ``lda_report_amended``: a quarterly LDA report (``fct_lobbying_reports``,
  one row per registrant, client, year and period) that is new, or whose current filing changed
  (an amendment is a new filing of the same report);
- ``lda_registration_new`` / ``lda_registration_amended``: a new LD-1 filing
  (``fct_lobbying_registrations``), an amendment when the filing says so;
- ``award_new`` / ``award_modification``: a contract action (``fct_contract_transactions``) with
  a new transaction key, modification number 0 or any other; ``award_action_revised``: a known
  action whose amount, date, type or description changed;
- ``news_article_new``: a new article (``fct_news_articles``) tagged with a watched entity.

A change is kept when it names a watched entity: a watched company through the resolved company
identity (the resolver's company_id of the watchlist entry, ``int_watchlist_entities_resolved``,
or a company whose parent or top company it is, ``dim_company``), a watched agency by its toptier
code (the awarding agency, an agency a report lobbied, an agency an article mentions), a watched
topic (articles). An entity that was not watched at the previous publish starts with a baseline,
as does the first publish: its history is not listed as new (no alert storm). The changes go to
``marts.watchlist_changes`` in the published snapshot and to a digest (Markdown and JSON) per
publish, in ``warehouse.digests/`` beside the warehouse; ``deliver`` POSTs the JSON digest to a
webhook named in the watchlist.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb

from ingest.redaction import redact, register_secret
from ingest.transport import Request, Transport

log = logging.getLogger(__name__)

CHANGES_TABLE = "marts.watchlist_changes"
PREVIOUS_ALIAS = "influence_previous"
# how a digest lists at most (the JSON and the Markdown; the table holds every change)
DIGEST_LIMIT = 500
# the webhook: a short timeout (connect, read) and few retries, so a dead endpoint costs a
# refresh well under a minute
WEBHOOK_TIMEOUT = (3.0, 5.0)
WEBHOOK_RETRIES = 2

CHANGE_KINDS = {
    "lda_report_new": "new LDA report",
    "lda_report_amended": "amended LDA report",
    "lda_registration_new": "new LDA registration",
    "lda_registration_amended": "amended LDA registration",
    "award_new": "new award",
    "award_modification": "award modification",
    "award_action_revised": "revised award action",
    "news_article_new": "new article",
}

TABLE_COMMENT = (
    "What is new for the watchlist in this snapshot since the previous publish "
    "(ingest/alerts.py): new or amended LDA reports and registrations, new award actions and "
    "modifications, and new articles naming a watched company, agency or topic. Empty for a "
    "first publish (a baseline), and an entity added to the watchlist starts with a baseline."
)
COLUMN_COMMENTS = {
    "change_id": "Key: a hash of the kind, the record key and the record version.",
    "published_snapshot_id": "The snapshot this change was detected in (audit.published_snapshot).",
    "previous_snapshot_id": "The snapshot compared with: the previous publish.",
    "change_kind": "What changed: " + ", ".join(CHANGE_KINDS) + ".",
    "record_table": "The mart the record is in.",
    "record_key": "The record's natural key in record_table (report_id, filing_uuid, "
    "transaction_key, url).",
    "record_version": "The record's version: the report's current filing_uuid, the transaction's "
    "modification number, the article's url.",
    "watched_entities": "The watched entities the record names, as type:id "
    "(company:amazon, agency:070, topic:facial-recognition).",
    "company_id": "The record's resolved company (dim_company), if any.",
    "agency_codes": "The toptier codes of the agencies the record names.",
    "title": "A one-line description of the record.",
    "amount": "US dollars: the report's spend or income, the action's obligation; null otherwise.",
    "event_date": "When it happened: posted, action date, seen date.",
    "url": "Where to read the record at its source.",
    "detected_at": "When the publish that detected it ran.",
}

# One query per kind of record, over the build's marts (prefix "") and the previous
# snapshot's (prefix "influence_previous."). Each selects: change_kind, record_table,
# record_key, record_version, company_ids, agency_codes, topic_ids, title, amount, event_date,
# url.
_LDA_REPORTS = """
select
    case when prv.report_id is null then 'lda_report_new' else 'lda_report_amended' end,
    'marts.fct_lobbying_reports', cur.report_id, cur.filing_uuid,
    list_filter([cur.company_id], lambda c: c is not null),
    coalesce((
        select list(distinct agencies.toptier_code order by agencies.toptier_code)
        from marts.fct_lobbying_report_agencies as agencies
        where agencies.filing_uuid = cur.filing_uuid and agencies.toptier_code is not null
    ), []),
    cast([] as varchar[]),
    concat_ws(' ', cur.client_name, '(registrant ' || cur.registrant_name || '),',
        cur.year || ' Q' || cur.quarter, '(filing type ' || cur.filing_type || ')'),
    cur.amount, cast(cur.posted_at as date), cur.filing_document_url
from marts.fct_lobbying_reports as cur
left join {prev}marts.fct_lobbying_reports as prv on prv.report_id = cur.report_id
where prv.report_id is null or prv.filing_uuid <> cur.filing_uuid
"""

_LDA_REGISTRATIONS = """
select
    case when cur.is_amendment then 'lda_registration_amended'
        else 'lda_registration_new' end,
    'marts.fct_lobbying_registrations', cur.filing_uuid, cur.filing_uuid,
    list_filter([cur.company_id], lambda c: c is not null),
    cast([] as varchar[]), cast([] as varchar[]),
    concat_ws(' ', cur.client_name, '(registrant ' || cur.registrant_name || '),',
        cur.filing_type, cur.effective_date),
    cast(null as decimal(18, 2)), cast(cur.posted_at as date), cur.filing_document_url
from marts.fct_lobbying_registrations as cur
anti join {prev}marts.fct_lobbying_registrations as prv
    on prv.filing_uuid = cur.filing_uuid
"""

# the fields of an award action that, changed, make a revision
_ACTION_FIELDS = ("transaction_amount", "action_date", "action_type", "transaction_description")
_AWARD_ACTIONS = f"""
select
    case
        when prv.transaction_key is not null then 'award_action_revised'
        when coalesce(nullif(trim(cur.modification_number), ''), '0') = '0' then 'award_new'
        else 'award_modification'
    end,
    'marts.fct_contract_transactions', cur.transaction_key,
    coalesce(cur.modification_number, '0'),
    list_filter([cur.company_id], lambda c: c is not null),
    list_filter([cur.awarding_toptier_code], lambda c: c is not null),
    cast([] as varchar[]),
    concat_ws(' ', cur.recipient_name, '-', cur.award_piid,
        'mod ' || coalesce(cur.modification_number, '0'), '-',
        coalesce(cur.awarding_subtier_name, cur.awarding_toptier_name),
        nullif(cur.transaction_description, '')),
    cur.transaction_amount, cur.action_date,
    'https://www.usaspending.gov/award/' || cur.generated_internal_id
from marts.fct_contract_transactions as cur
left join {{prev}}marts.fct_contract_transactions as prv
    on prv.transaction_key = cur.transaction_key
where prv.transaction_key is null
    or {" or ".join(f"prv.{f} is distinct from cur.{f}" for f in _ACTION_FIELDS)}
"""

_NEWS = """
select
    'news_article_new', 'marts.fct_news_articles', cur.url, cur.url,
    coalesce((
        select list(distinct mentions.company_id order by mentions.company_id)
        from marts.fct_news_mentions as mentions
        where mentions.url = cur.url and mentions.company_id is not null
    ), []),
    coalesce((
        select list(distinct agencies.toptier_code order by agencies.toptier_code)
        from marts.fct_news_mentions as mentions
        inner join marts.dim_agency as agencies on agencies.agency_code = mentions.agency_code
        where mentions.url = cur.url
    ), []),
    coalesce((
        select list(distinct mentions.topic_id order by mentions.topic_id)
        from marts.fct_news_mentions as mentions
        where mentions.url = cur.url and mentions.topic_id is not null
    ), []),
    concat_ws(' - ', cur.title, coalesce(cur.publisher, cur.domain)),
    cast(null as decimal(18, 2)), cur.seen_date, cur.url
from marts.fct_news_articles as cur
anti join {prev}marts.fct_news_articles as prv on prv.url = cur.url
"""

# (query, the tables it reads in both databases)
KIND_QUERIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (_LDA_REPORTS, ("marts.fct_lobbying_reports", "marts.fct_lobbying_report_agencies")),
    (_LDA_REGISTRATIONS, ("marts.fct_lobbying_registrations",)),
    (_AWARD_ACTIONS, ("marts.fct_contract_transactions",)),
    (_NEWS, ("marts.fct_news_articles", "marts.fct_news_mentions", "marts.dim_agency")),
)
WATCHED_ENTITIES = "intermediate.int_watchlist_entities_resolved"

_COLUMNS = """
    change_id varchar primary key,
    published_snapshot_id varchar not null,
    previous_snapshot_id varchar,
    change_kind varchar not null,
    record_table varchar not null,
    record_key varchar not null,
    record_version varchar,
    watched_entities varchar[] not null,
    company_id varchar,
    agency_codes varchar[],
    title varchar,
    amount decimal(18, 2),
    event_date date,
    url varchar,
    detected_at timestamptz not null
"""


@dataclass(frozen=True)
class Detection:
    """What ``record_changes`` found: the changes' count, or why it listed none."""

    snapshot_id: str
    previous_snapshot_id: str | None
    baseline: bool  # nothing to compare with: the first publish (or an unreadable previous)
    changes: int
    note: str = ""


def _has_tables(con: duckdb.DuckDBPyConnection, database: str, tables: tuple[str, ...]) -> bool:
    found = {
        f"{schema}.{table}"
        for schema, table in con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = ?",
            [database],
        ).fetchall()
    }
    return set(tables) <= found


def _current_database(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("select current_database()").fetchone()
    return str(row[0]) if row else "memory"


def _watched(con: duckdb.DuckDBPyConnection, prev: str | None) -> None:
    """Temp tables ``watched`` (entity_type, entity_id, entity) of the entities watched now and
    at the previous publish, and ``watched_companies`` (company_id, entity): each watched
    company and the companies whose parent or top company it is. ``prev`` None: the previous
    snapshot predates the table, the entities watched now are taken."""
    intersect = ""
    if prev is not None:
        intersect = (
            "intersect select distinct entity_type, entity_id, entity_type || ':' || entity_id "
            f"from {prev}{WATCHED_ENTITIES}"
        )
    con.execute(
        f"""
        create or replace temp table watched as
        select distinct entity_type, entity_id, entity_type || ':' || entity_id as entity
        from {WATCHED_ENTITIES}
        {intersect}
        """
    )
    con.execute(
        """
        create or replace temp table watched_companies as
        select entity_id as company_id, entity from watched where entity_type = 'company'
        union
        select companies.company_id, watched.entity
        from marts.dim_company as companies
        inner join watched
            on watched.entity_type = 'company'
            and watched.entity_id in (companies.parent_company_id, companies.top_company_id)
        """
    )


def _create_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists marts")
    con.execute(f"create or replace table {CHANGES_TABLE} ({_COLUMNS})")
    con.execute(f"comment on table {CHANGES_TABLE} is {_literal(TABLE_COMMENT)}")
    for column, comment in COLUMN_COMMENTS.items():
        con.execute(f"comment on column {CHANGES_TABLE}.{column} is {_literal(comment)}")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def record_changes(
    con: duckdb.DuckDBPyConnection,
    snapshot_id: str,
    previous: Path | None,
    previous_snapshot_id: str | None,
    *,
    now: datetime | None = None,
) -> Detection:
    """(Re)create ``marts.watchlist_changes`` in the build database (``con``): the watched
    records new or changed since the snapshot file ``previous`` (None: the first publish, a
    baseline with no change). A previous snapshot that cannot be read (an analyst's read-write
    connection holds it) gives a baseline too, with a note why; a kind of record whose marts
    either side lacks (a snapshot of an older version) is skipped."""
    detected_at = (now or datetime.now(UTC)).astimezone(UTC)
    _create_table(con)
    if previous is None:
        return Detection(snapshot_id, None, True, 0, "first publish: a baseline")
    try:
        con.execute(f"attach {_literal(str(previous))} as {PREVIOUS_ALIAS} (read_only)")
    except duckdb.Error as exc:
        note = f"the previous snapshot {previous} could not be read ({exc}): a baseline"
        log.warning(note)
        return Detection(snapshot_id, previous_snapshot_id, True, 0, note)
    prev = f"{PREVIOUS_ALIAS}."
    try:
        if not _has_tables(con, _current_database(con), (WATCHED_ENTITIES,)):
            note = f"the build has no {WATCHED_ENTITIES}: nothing is watched"
            return Detection(snapshot_id, previous_snapshot_id, False, 0, note)
        _watched(con, prev if _has_tables(con, PREVIOUS_ALIAS, (WATCHED_ENTITIES,)) else None)
        parts = [
            query.format(prev=prev)
            for query, tables in KIND_QUERIES
            if _has_tables(con, PREVIOUS_ALIAS, tables)
            and _has_tables(con, _current_database(con), tables)
        ]
        if not parts:
            return Detection(snapshot_id, previous_snapshot_id, False, 0)
        con.execute(
            f"""
            create or replace temp table candidates as
            select row_number() over () as candidate, *
            from ({" union all ".join(f"({part})" for part in parts)}) as changed (
                change_kind, record_table, record_key, record_version, company_ids,
                agency_codes, topic_ids, title, amount, event_date, url
            )
            """
        )
        con.execute(
            f"""
            insert into {CHANGES_TABLE}
            with names as (
                select candidate, unnest(company_ids) as company_id from candidates
            ),
            agencies as (
                select candidate, unnest(agency_codes) as entity_id from candidates
            ),
            topics as (
                select candidate, unnest(topic_ids) as entity_id from candidates
            ),
            matches as (
                select names.candidate, watched_companies.entity
                from names
                inner join watched_companies on watched_companies.company_id = names.company_id
                union
                select agencies.candidate, watched.entity
                from agencies
                inner join watched
                    on watched.entity_type = 'agency' and watched.entity_id = agencies.entity_id
                union
                select topics.candidate, watched.entity
                from topics
                inner join watched
                    on watched.entity_type = 'topic' and watched.entity_id = topics.entity_id
            ),
            entities as (
                select candidate, list(distinct entity order by entity) as watched_entities
                from matches
                group by candidate
            )
            select
                md5(concat_ws('|', candidates.change_kind, candidates.record_key,
                    candidates.record_version)),
                ?, ?, candidates.change_kind, candidates.record_table, candidates.record_key,
                candidates.record_version, entities.watched_entities, candidates.company_ids[1],
                candidates.agency_codes, candidates.title, candidates.amount,
                candidates.event_date, candidates.url, ?
            from candidates
            inner join entities on entities.candidate = candidates.candidate
            order by candidates.change_kind, candidates.event_date, candidates.record_key
            """,
            [snapshot_id, previous_snapshot_id, detected_at],
        )
        row = con.execute(f"select count(*) from {CHANGES_TABLE}").fetchone()
        return Detection(snapshot_id, previous_snapshot_id, False, int(row[0]) if row else 0)
    finally:
        for temp in ("candidates", "watched", "watched_companies"):
            con.execute(f"drop table if exists temp.{temp}")
        con.execute(f"detach {PREVIOUS_ALIAS}")


# --------------------------------------------------------------------------------------------
# The digest


@dataclass
class Delivery:
    """How the digest's POST to the webhook went."""

    status: str  # "delivered" | "failed" | "skipped"
    url: str  # the webhook's origin only (its path may hold a token)
    at: str
    http_status: int | None = None
    seconds: float = 0.0
    error: str = ""


@dataclass
class Digest:
    snapshot_id: str
    previous_snapshot_id: str | None
    baseline: bool
    generated_at: str
    counts: dict[str, int]  # change_kind -> changes
    total: int
    changes: list[dict[str, Any]]  # at most DIGEST_LIMIT, the table holds them all
    entities: dict[str, str] = field(default_factory=dict)  # "company:amazon" -> its name
    note: str = ""
    delivery: Delivery | None = None

    @property
    def is_empty(self) -> bool:
        return self.total == 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Digest:
        delivery = data.get("delivery")
        return cls(**{**data, "delivery": Delivery(**delivery) if delivery else None})


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _entity_names(con: duckdb.DuckDBPyConnection, entities: set[str]) -> dict[str, str]:
    """Entity ("agency:070") -> its name (an agency's abbreviation when it has one)."""
    if not entities or not _has_tables(con, _current_database(con), (WATCHED_ENTITIES,)):
        return {entity: entity.partition(":")[2] for entity in entities}
    rows = con.execute(
        f"""
        select watched.entity_type || ':' || watched.entity_id,
            coalesce(nullif(agencies.abbreviation, ''), watched.entity_name)
        from {WATCHED_ENTITIES} as watched
        left join marts.dim_agency as agencies
            on watched.entity_type = 'agency' and agencies.agency_code = watched.entity_id
        """
    ).fetchall()
    known = {str(key): str(name) for key, name in rows}
    return {entity: known.get(entity, entity.partition(":")[2]) for entity in sorted(entities)}


def build_digest(
    con: duckdb.DuckDBPyConnection, detection: Detection, *, now: datetime | None = None
) -> Digest:
    """The digest of ``marts.watchlist_changes`` in ``con`` (the build database, just
    published, or a published snapshot)."""
    cursor = con.execute(
        f"""
        select change_kind, title, watched_entities, company_id, agency_codes, amount,
            event_date, record_table, record_key, record_version, url, change_id
        from {CHANGES_TABLE}
        order by change_kind, event_date desc, record_key
        limit {DIGEST_LIMIT}
        """
    )
    columns = [d[0] for d in cursor.description or []]
    changes = [
        {name: _plain(value) for name, value in zip(columns, row, strict=True)}
        for row in cursor.fetchall()
    ]
    counts = dict(
        sorted(
            con.execute(f"select change_kind, count(*) from {CHANGES_TABLE} group by 1").fetchall()
        )
    )
    entities = {entity for change in changes for entity in change["watched_entities"]}
    return Digest(
        snapshot_id=detection.snapshot_id,
        previous_snapshot_id=detection.previous_snapshot_id,
        baseline=detection.baseline,
        generated_at=(now or datetime.now(UTC)).astimezone(UTC).isoformat(),
        counts={str(k): int(v) for k, v in counts.items()},
        total=sum(int(v) for v in counts.values()),
        changes=changes,
        entities=_entity_names(con, entities),
        note=detection.note,
    )


def headline(digest: Digest) -> str:
    """One line: the baseline, nothing new, or the counts by kind."""
    if digest.baseline:
        return "baseline (" + (digest.note or "nothing to compare with") + "): no change listed"
    if digest.is_empty:
        return f"nothing new for the watchlist since snapshot {digest.previous_snapshot_id}"
    by_kind = ", ".join(f"{n} {CHANGE_KINDS.get(k, k)}" for k, n in digest.counts.items())
    return f"{digest.total} change(s) since snapshot {digest.previous_snapshot_id}: {by_kind}"


def render_markdown(digest: Digest) -> str:
    lines = [
        f"# Watchlist digest: snapshot {digest.snapshot_id}",
        "",
        f"Generated {digest.generated_at}; compared with snapshot "
        f"{digest.previous_snapshot_id or '(none)'}.",
        "",
        headline(digest) + ".",
    ]
    shown = 0
    for kind, count in digest.counts.items():
        label = CHANGE_KINDS.get(kind, kind)
        lines += ["", f"## {label[:1].upper()}{label[1:]} ({count})", ""]
        for change in digest.changes:
            if change["change_kind"] != kind:
                continue
            who = ", ".join(digest.entities.get(e, e) for e in change["watched_entities"])
            amount = f" ${change['amount']:,.2f}" if change["amount"] is not None else ""
            link = f" ([source]({change['url']}))" if change["url"] else ""
            when = change["event_date"] or "undated"
            lines.append(f"- {when} [{who}] {change['title']}{amount}{link}")
            shown += 1
    if shown < digest.total:
        lines += ["", f"(The first {shown} of {digest.total}; all in {CHANGES_TABLE}.)"]
    if digest.delivery is not None:
        d = digest.delivery
        lines += ["", f"Webhook {d.url}: {d.status}" + (f" ({d.error})" if d.error else "")]
    return "\n".join(lines) + "\n"


def digest_paths(directory: Path, snapshot_id: str) -> tuple[Path, Path]:
    """(Markdown, JSON) of a snapshot's digest."""
    return directory / f"{snapshot_id}.md", directory / f"{snapshot_id}.json"


def _write(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def write_digest(directory: Path, digest: Digest) -> tuple[Path, Path]:
    """Write the digest's Markdown and JSON files (each replaced in one rename)."""
    directory.mkdir(parents=True, exist_ok=True)
    markdown, data = digest_paths(directory, digest.snapshot_id)
    _write(data, json.dumps(digest.to_json(), indent=2, sort_keys=True) + "\n")
    _write(markdown, render_markdown(digest))
    return markdown, data


def read_digest(directory: Path, snapshot_id: str) -> Digest | None:
    path = digest_paths(directory, snapshot_id)[1]
    try:
        return Digest.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None


def prune_digests(directory: Path, keep_ids: set[str], keep_latest: int = 50) -> None:
    """Keep the digests of the kept snapshots and the newest ``keep_latest`` others."""
    if not directory.exists():
        return
    files = sorted(directory.glob("*.json"), reverse=True)
    for path in files[keep_latest:]:
        if path.stem not in keep_ids:
            for stale in (path, path.with_suffix(".md")):
                stale.unlink(missing_ok=True)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def default_webhook_transport() -> Transport:
    """The project's HTTP transport, with a short timeout and few retries, no rate limit."""
    from ingest.http import LiveTransport, NoRateLimit

    return LiveTransport(
        timeout=WEBHOOK_TIMEOUT,
        max_retries=WEBHOOK_RETRIES,
        backoff_base=0.5,
        backoff_max=2.0,
        max_wait=5.0,
        rate_limiter=NoRateLimit(),
    )


def deliver(
    digest: Digest,
    url: str,
    *,
    transport_factory: Callable[[], Transport] = default_webhook_transport,
) -> Delivery:
    """POST the JSON digest to ``url`` (retried on connection errors, 429 and 5xx). Never
    raises: a failure is returned (and logged) for the digest to record."""
    started = datetime.now(UTC)
    parts = urlsplit(url)
    hidden = parts.path + (f"?{parts.query}" if parts.query else "")
    if len(hidden) > 1:  # a webhook's path often holds its token: never logged or stored
        register_secret("alerts.webhook_url", hidden)
    body = {key: value for key, value in digest.to_json().items() if key != "delivery"}
    transport = transport_factory()
    try:
        response = transport.send(Request("webhook", "POST", url, json_body=body))
    except Exception as exc:  # whatever went wrong, the refresh goes on
        error = redact(str(exc))
        log.warning("watchlist digest not delivered to %s: %s", _origin(url), error)
        return Delivery(
            "failed",
            _origin(url),
            started.isoformat(),
            getattr(exc, "status", None),
            round((datetime.now(UTC) - started).total_seconds(), 3),
            error[:500],
        )
    finally:
        transport.close()
    return Delivery(
        "delivered",
        _origin(url),
        started.isoformat(),
        response.status,
        round((datetime.now(UTC) - started).total_seconds(), 3),
    )
