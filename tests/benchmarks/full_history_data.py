"""Raw tables at full-history size, generated in SQL inside DuckDB (for bench_full_history).

The templates are the sample universe's raw records (``write_raw_tables`` of the dbt model
tests: every raw table filled with the records the fake APIs serve, in the real APIs' JSON
shapes). The four big tables are copied ``k`` times with fresh keys, their dates moved by whole
years (copy ``k`` lands ``3 * (k % 8) - 17`` years from the sample's 2017-2019), and their names
replaced by generated ones:

- LDA filings: a copy keeps each filing's structure (type, period, amounts, activities, and its
  amendments' link to their report) but gets a new filing_uuid, and its engagement (the template's
  client + registrant, per copy) a generated client and registrant. About a quarter of filings
  also carry the activities of another template filing, so that there are ~4 activities per
  filing (6M in 1.5M filings, as the issue states for the LDA's history).
- Award actions and awards: a copy of every template award with its actions, PIID suffixed
  ``G<k>``, one generated recipient per award copy (the award and its actions spell it alike).
- GDELT articles: a copy of every template article, URL suffixed ``-b<k>``.

Names: every distinct real company name the repository bundles (the sample's clients,
registrants and recipients, the evaluation sets' real LDA and USAspending names, the aliases
seed) is reduced to a stem (legal suffix off); entity ``e`` is stem ``e`` while there are
stems, then the first word of one stem joined to the rest of another, plus a legal suffix drawn
from a list. Each entity has four spellings (as given; punctuation dropped; title case; a
different legal suffix) and a record uses the first ~70% of the time. One award or engagement in
20 keeps its template's real names (the watchlist companies keep appearing).

The other raw tables keep the sample's rows. Every table's rows are one load (``load_id``), with
its ``audit.load_ledger`` row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest import landing
from ingest.config import DBT_PROJECT_DIR
from ingest.sources import SOURCES, raw_tables

BIG_TABLES = ("lda_filings", "usaspending_awards", "usaspending_transactions", "gdelt_articles")

# full-history sizes (the issue's), and distinct names at that size (see DISTINCT_NAMES_NOTE)
FULL_FILINGS = 1_500_000
FULL_TRANSACTIONS = 10_000_000
FULL_ARTICLES = 1_000_000
FULL_LDA_CLIENTS = 90_000
FULL_LDA_REGISTRANTS = 25_000
FULL_RECIPIENTS = 300_000
HISTORY_QUARTERS = 96  # 2000-2023: a quarter's data is the history's size / 96
QUARTER_SHIFT = 7  # the quarter: the sample's 2018 Q1 moved to 2025 Q1
MIN_NAMES = 50
GENERATOR_MEMORY_LIMIT = "6GB"  # DuckDB's memory while generating (it spills past it)

DISTINCT_NAMES_NOTE = (
    "distinct names at scale 1: 90,000 LDA clients and 25,000 registrant firms (self-filing "
    "clients are their own registrants), 300,000 award recipients; scaled with --scale. "
    "Reference: openlobby.us counts 726,000+ LDA filings for 2018-2025 (~90,000 a year, so "
    "~1.5M since 1999); ~11-12k clients and ~4k registrants report in a year and turn over "
    "(my estimate, not a published figure); USAspending's contract recipients over FY2008+ "
    "number in the hundreds of thousands (estimate)."
)

LEGAL_SUFFIXES = (
    "INC", "INC.", ", INC.", ", INC", "LLC", ", LLC", "L.L.C.", "CORPORATION", "CORP", "CORP.",
    "CO", "COMPANY", "LTD", "L.P.", "LP", "GROUP", "HOLDINGS, INC.", "", "", "", "ASSOCIATES",
    "PARTNERS", "INTERNATIONAL", "SERVICES, INC.", "ASSOCIATION", "COALITION", "FOUNDATION",
    "TECHNOLOGIES", "SOLUTIONS, LLC", "& CO.",
)  # fmt: skip

STEM_PATTERN = (
    r"[,.]?\s+(INC|INCORPORATED|LLC|L\.L\.C|CORP|CORPORATION|CO|COMPANY|LTD|LIMITED|LP|L\.P"
    r"|PLC|GROUP|HOLDINGS|N\.A|SA|AG|GMBH)\.?$"
)


@dataclass(frozen=True)
class Sizes:
    filings: int
    transactions: int
    articles: int
    lda_clients: int
    lda_registrants: int
    recipients: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        def n(full: int, floor: int = 1) -> int:
            return max(floor, round(full * scale))

        return cls(
            n(FULL_FILINGS),
            n(FULL_TRANSACTIONS),
            n(FULL_ARTICLES),
            n(FULL_LDA_CLIENTS, MIN_NAMES),
            n(FULL_LDA_REGISTRANTS, MIN_NAMES),
            n(FULL_RECIPIENTS, MIN_NAMES),
        )

    def quarter(self) -> Sizes:
        """One quarter's new data at this scale (the history's size / HISTORY_QUARTERS)."""
        return Sizes(
            max(1, self.filings // HISTORY_QUARTERS),
            max(1, self.transactions // HISTORY_QUARTERS),
            max(1, self.articles // HISTORY_QUARTERS),
            self.lda_clients,
            self.lda_registrants,
            self.recipients,
        )


def write_seed(path: Path) -> None:
    """The templates: the sample universe in every raw table (skipped when ``path`` exists)."""
    if path.exists():
        return
    from tests.integration.test_dbt_models import write_raw_tables

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    write_raw_tables(partial)
    partial.rename(path)


def _sql_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _create_names(con: duckdb.DuckDBPyConnection, sizes: Sizes) -> None:
    """``bench_names(kind, e, v, name)``: every entity's four spellings, per kind."""
    evaluation = DBT_PROJECT_DIR / "seeds" / "evaluation"
    aliases = DBT_PROJECT_DIR / "seeds" / "reference" / "company_aliases.csv"
    con.execute(
        f"""
        create or replace temp table bench_real_names as
        select distinct upper(trim(name)) as name from (
            select record ->> '$.client.name' as name from seed.raw.lda_filings
            union all select record ->> '$.registrant.name' from seed.raw.lda_filings
            union all select record ->> '$."Recipient Name"' from seed.raw.usaspending_awards
            union all select unnest([left_name, right_name, left_parent_name, right_parent_name])
                from read_csv('{evaluation}/company_match_pairs*.csv', union_by_name = true,
                              all_varchar = true)
            union all select company_name
                from read_csv('{aliases}', all_varchar = true)
        )
        where name is not null and length(trim(name)) > 2
        """
    )
    con.execute(
        f"""
        create or replace temp table bench_stems as
        select row_number() over (order by stem) - 1 as s, stem,
               string_split(stem, ' ') as words
        from (
            select distinct trim(regexp_replace(regexp_replace(name, '{STEM_PATTERN}', ''),
                                                '{STEM_PATTERN}', '')) as stem
            from bench_real_names
        )
        where length(stem) > 1
        """
    )
    (n_stems,) = con.execute("select count(*) from bench_stems").fetchone() or (0,)
    suffixes = _sql_list(LEGAL_SUFFIXES)
    n_suffixes = len(LEGAL_SUFFIXES)
    con.execute(
        "create or replace temp table bench_names (kind varchar, e bigint, v integer, name text)"
    )
    for kind, count in (
        ("client", sizes.lda_clients),
        ("registrant", sizes.lda_registrants),
        ("recipient", sizes.recipients),
    ):
        con.execute(
            f"""
            insert into bench_names
            with entities as (
                select e.range as e,
                    case when e.range < {n_stems} and '{kind}' <> 'registrant'
                        then a.stem
                        else a.words[1] || ' ' || coalesce(
                            nullif(array_to_string(b.words[2:], ' '), ''), b.stem)
                    end as stem,
                    {suffixes}[cast(1 + hash(e.range, '{kind}', 'sfx') % {n_suffixes} as bigint)]
                        as suffix
                from range({count}) e
                join bench_stems a on a.s = e.range % {n_stems}
                join bench_stems b on b.s = hash(e.range, '{kind}', 'b') % {n_stems}
            ),
            canonical as (
                select e, case
                    when suffix = '' then stem
                    when suffix[1] = ',' then stem || suffix
                    else stem || ' ' || suffix
                end as name
                from entities
            )
            select '{kind}', e, 0, name from canonical
            union all
            select '{kind}', e, 1,
                trim(regexp_replace(replace(replace(name, ',', ''), '.', ''), '\\s+', ' ', 'g'))
            from canonical
            union all
            select '{kind}', e, 2, array_to_string(list_transform(string_split(lower(name), ' '),
                lambda w: upper(w[1]) || w[2:]), ' ')
            from canonical
            union all
            select '{kind}', e, 3, regexp_replace(name, ',? (INC\\.?|LLC|CORP\\.?|CO|LTD)$',
                ' ' || {suffixes}[cast(1 + hash(e, '{kind}', 'alt') % {n_suffixes} as bigint)])
            from canonical
            """
        )


def _variant(salt: str) -> str:
    """The spelling a record uses: 0 seven times in ten, else 1, 2 or 3."""
    return f"greatest(0, cast(hash({salt}, 'variant') % 10 as integer) - 6)"


def _shift_date(expr: str, years: str) -> str:
    """A 'YYYY-MM-DD...' string moved by ``years`` (29 February falls back to the 28th)."""
    return (
        f"case when {expr} is null then null else "
        f"strftime(cast(left({expr}, 10) as date) + to_years(cast({years} as integer)), "
        f"'%Y-%m-%d') || substr({expr}, 11) end"
    )


def _uuid(expr: str) -> str:
    h = f"md5({expr})"
    return (
        f"substr({h}, 1, 8) || '-' || substr({h}, 9, 4) || '-' || substr({h}, 13, 4) || '-' "
        f"|| substr({h}, 17, 4) || '-' || substr({h}, 21, 12)"
    )


def _copy_plan(template: str, n: int, k0: int, where: str, order: str) -> str:
    """Rows ``i`` of ``range(n)`` as (k, j): copy ``k0 + i // T`` of template ``j = i % T``
    (templates numbered in ``order``, filtered by ``where``)."""
    return f"""
        tpl as (
            select row_number() over (order by {order}) - 1 as j, t.*
            from {template} t where {where}
        ),
        t_count as (select count(*) as n from tpl),
        plan as (
            select {k0} + i.range // t_count.n as k, i.range % t_count.n as j, i.range as i
            from range({n}) i, t_count
        )
    """


def _delta(k: str, quarter: bool) -> str:
    return str(QUARTER_SHIFT) if quarter else f"(3 * ({k} % 8) - 17)"


def _insert_filings(con: duckdb.DuckDBPyConnection, n: int, sizes: Sizes, quarter: bool) -> None:
    k0 = 1_000_000 if quarter else 0
    where = (
        "record ->> '$.filing_year' = '2018' and record ->> '$.filing_period' = 'first_quarter'"
        if quarter
        else "true"
    )
    delta = _delta("p.k", quarter)
    con.execute(
        f"""
        create or replace temp table bench_rows as
        with {_copy_plan("seed.raw.lda_filings", n, k0, where, "filing_uuid")},
        extra as (
            select j, record -> '$.lobbying_activities' as acts
            from tpl
        ),
        chosen as (
            select p.k, p.i, tpl.record, {delta} as delta,
                {_uuid("'filing' || p.k || '/' || tpl.filing_uuid")} as uuid,
                hash(p.k, tpl.record ->> '$.client.id', tpl.record ->> '$.registrant.id')
                    as engagement,
                coalesce(cast(tpl.record ->> '$.client.client_self_select' as boolean), false)
                    as self_filer,
                hash(p.k, tpl.record ->> '$.registrant.id') as firm,
                case when hash(p.i, 'more') % 4 <> 0
                    then cast(extra.acts as json[]) else [] end as more_acts
            from plan p
            join tpl using (j)
            join extra on extra.j = (p.j + 7) % (select n from t_count)
        ),
        named as (
            select c.*,
                c.engagement % 20 = 0 as keeps_template,
                cn.name as client_name,
                coalesce(rn.name, cn0.name) as registrant_name,
                1000000 + c.engagement % 1000000000 as client_id,
                case when c.self_filer then 5000000 + c.engagement % {sizes.lda_clients}
                    else 1000 + c.firm % {sizes.lda_registrants} end as registrant_id
            from chosen c
            join bench_names cn on cn.kind = 'client'
                and cn.e = c.engagement % {sizes.lda_clients}
                and cn.v = {_variant("c.engagement")}
            join bench_names cn0 on cn0.kind = 'client'
                and cn0.e = c.engagement % {sizes.lda_clients} and cn0.v = 0
            left join bench_names rn on not c.self_filer and rn.kind = 'registrant'
                and rn.e = c.firm % {sizes.lda_registrants} and rn.v = 0
        )
        select uuid as key,
            json_merge_patch(record, json_object(
                'url', 'https://lda.senate.gov/api/v1/filings/' || uuid || '/',
                'filing_uuid', uuid,
                'filing_year', cast(record ->> '$.filing_year' as integer) + delta,
                'filing_document_url',
                    'https://lda.senate.gov/filings/public/filing/' || uuid || '/print/',
                'dt_posted', {_shift_date("record ->> '$.dt_posted'", "delta")},
                'registrant', json_object(
                    'id', registrant_id,
                    'url', 'https://lda.senate.gov/api/v1/registrants/' || registrant_id || '/',
                    'house_registrant_id', registrant_id,
                    'name', case when keeps_template then record ->> '$.registrant.name'
                        else registrant_name end),
                'client', json_object(
                    'id', client_id,
                    'url', 'https://lda.senate.gov/api/v1/clients/' || client_id || '/',
                    'client_id', client_id % 100000,
                    'name', case when keeps_template then record ->> '$.client.name'
                        else client_name end),
                'lobbying_activities', cast(list_concat(
                    cast(record -> '$.lobbying_activities' as json[]), more_acts) as json)
            )) as record
        from named
        """
    )


def _insert_contracts(con: duckdb.DuckDBPyConnection, n: int, sizes: Sizes, quarter: bool) -> None:
    """``bench_rows`` (the actions) and ``bench_award_rows`` (their awards)."""
    k0 = 1_000_000 if quarter else 0
    where = (
        "record ->> '$.\"Action Date\"' between '2018-01-01' and '2018-03-31'"
        if quarter
        else "true"
    )
    shifted = {
        name: _shift_date(f"tpl.record ->> '$.\"{name}\"'", "a.delta")
        for name in (
            "Base Obligation Date", "Last Modified Date", "Start Date", "End Date",
            "Last Date to Order", "Action Date",
        )
    }  # fmt: skip
    con.execute(
        f"""
        create or replace temp table bench_award_copies as
        with {_copy_plan("seed.raw.usaspending_transactions", n, k0, where, "transaction_key")}
        select distinct p.k, tpl.record ->> '$.generated_internal_id' as gid
        from plan p join tpl using (j)
        """
    )
    recipient = f"""
        select a.k, a.gid, {_delta("a.k", quarter)} as delta,
            (tpl.record ->> '$."Award ID"') as piid,
            (tpl.record ->> '$."Award ID"') || 'G' || a.k as new_piid,
            hash(a.k, a.gid) % 20 = 0 as keeps_template,
            hash(a.k, a.gid) % {sizes.recipients} as re,
            n.name as recipient_name
        from bench_award_copies a
        join seed.raw.usaspending_awards tpl on tpl.generated_internal_id = a.gid
        join bench_names n on n.kind = 'recipient'
            and n.e = hash(a.k, a.gid) % {sizes.recipients}
            and n.v = {_variant("a.k, a.gid")}
    """
    con.execute(f"create or replace temp table bench_award_names as {recipient}")
    con.execute(
        f"""
        create or replace temp table bench_award_rows as
        select json_extract_string(r, '$.generated_internal_id') as key, r as record from (
            select json_merge_patch(tpl.record, json_object(
                'internal_id', cast(tpl.record ->> '$.internal_id' as bigint)
                    + 10000000 * a.k,
                'Award ID', a.new_piid,
                'generated_internal_id', replace(a.gid, a.piid, a.new_piid),
                'Recipient Name', case when a.keeps_template
                    then tpl.record ->> '$."Recipient Name"' else a.recipient_name end,
                'Recipient UEI', case when a.keeps_template
                    then tpl.record ->> '$."Recipient UEI"'
                    else upper(substr(md5('uei' || a.re), 1, 12)) end,
                'recipient_id', case when a.keeps_template then tpl.record ->> '$.recipient_id'
                    else {_uuid("'recipient' || a.re")} || '-R' end,
                'Base Obligation Date',
                    {shifted["Base Obligation Date"]},
                'Last Modified Date',
                    {shifted["Last Modified Date"]},
                'Start Date', {shifted["Start Date"]},
                'End Date', {shifted["End Date"]},
                'Last Date to Order',
                    {shifted["Last Date to Order"]}
            )) as r
            from bench_award_names a
            join seed.raw.usaspending_awards tpl on tpl.generated_internal_id = a.gid
        )
        """
    )
    con.execute(
        f"""
        create or replace temp table bench_rows as
        with {_copy_plan("seed.raw.usaspending_transactions", n, k0, where, "transaction_key")},
        rows as (
            select json_merge_patch(tpl.record, json_object(
                'internal_id', cast(tpl.record ->> '$.internal_id' as bigint) + 10000000 * a.k,
                'Award ID', a.new_piid,
                'generated_internal_id', replace(a.gid, a.piid, a.new_piid),
                'Recipient Name', case when a.keeps_template
                    then tpl.record ->> '$."Recipient Name"' else a.recipient_name end,
                'Recipient UEI', case when a.keeps_template
                    then tpl.record ->> '$."Recipient UEI"'
                    else upper(substr(md5('uei' || a.re), 1, 12)) end,
                'Action Date', {shifted["Action Date"]},
                'Last Date to Order',
                    {shifted["Last Date to Order"]}
            )) as record
            from plan p
            join tpl using (j)
            join bench_award_names a
                on a.k = p.k and a.gid = tpl.record ->> '$.generated_internal_id'
        )
        select concat_ws('|', record ->> '$.generated_internal_id', record ->> '$.Mod',
                         record ->> '$."Action Date"') as key, record
        from rows
        """
    )


def _insert_articles(con: duckdb.DuckDBPyConnection, n: int, quarter: bool) -> None:
    k0 = 1_000_000 if quarter else 0
    where = "record ->> '$.seendate' between '20180101' and '20180331T9'" if quarter else "true"
    delta = _delta("p.k", quarter)
    con.execute(
        f"""
        create or replace temp table bench_rows as
        with {_copy_plan("seed.raw.gdelt_articles", n, k0, where, "url")}
        select tpl.url || '-b' || p.k as key,
            json_merge_patch(tpl.record, json_object(
                'url', tpl.url || '-b' || p.k,
                'url_mobile', case when coalesce(tpl.record ->> '$.url_mobile', '') = '' then ''
                    else (tpl.record ->> '$.url_mobile') || '-b' || p.k end,
                'seendate', cast(cast(left(tpl.record ->> '$.seendate', 4) as integer)
                    + {delta} as varchar) || case
                        when substr(tpl.record ->> '$.seendate', 5, 4) = '0229' then '0228'
                        else substr(tpl.record ->> '$.seendate', 5, 4) end
                    || substr(tpl.record ->> '$.seendate', 9)
            )) as record
        from plan p join tpl using (j)
        """
    )


def _land(
    con: duckdb.DuckDBPyConnection,
    table: str,
    source: str,
    rows: str,
    load_id: str,
    *,
    columnar: bool = False,
) -> int:
    """Insert ``rows`` (key, record) into ``raw.<table>`` as one succeeded load; for a columnar
    table (``RawTable.columns``) ``rows`` holds its columns, in order, and the record hash, and
    goes into its stored rows (``RawTable.stored``)."""
    now = dt.datetime.now(dt.UTC)
    (count,) = con.execute(f"select count(*) from {rows}").fetchone() or (0,)
    values = "*" if columnar else "key, record, sha256(cast(record as varchar))"
    # a columnar table's rows are stored in ``raw_store`` (``raw.<table>`` is a view over them)
    target = f"{landing.STORE_SCHEMA}.{table}" if columnar else f"raw.{table}"
    con.execute(f"insert into {target} select {values}, ?, ? from {rows}", [load_id, now])
    con.execute(
        """
        insert into audit.load_ledger (load_id, source, raw_table, parameters, started_at,
            finished_at, status, pages, records_fetched, duplicates_in_batch, records_inserted,
            records_updated, records_unchanged, records_quarantined)
        values (?, ?, ?, '{"benchmark": "full_history"}', ?, ?, 'succeeded', 1, ?, 0, ?, 0, 0, 0)
        """,
        [load_id, source, f"raw.{table}", now, now, count, count],
    )
    return int(count)


def generate(
    database: Path, seed: Path, sizes: Sizes, *, quarter: bool, with_small_tables: bool
) -> dict[str, int]:
    """Write the big raw tables (history, or one new quarter when ``quarter``) into
    ``database`` as new loads; with ``with_small_tables`` also every other raw table's sample
    rows. Returns rows written per table."""
    tag = "quarter" if quarter else "history"
    con = duckdb.connect(str(database))
    counts: dict[str, int] = {}
    try:
        con.execute("set preserve_insertion_order = false")
        con.execute("set enable_progress_bar = false")
        # DuckDB's default limit is 80% of the machine: at scale 1 the generated temp tables
        # reached 20 GB and the kernel killed the process; under a limit they spill to disk
        con.execute(f"set memory_limit = '{GENERATOR_MEMORY_LIMIT}'")
        landing.ensure_schema(con, raw_tables())
        con.execute(f"attach '{seed}' as seed (read_only)")
        _create_names(con, sizes)
        api = {spec.name: spec.api for spec in SOURCES}
        if with_small_tables:
            for spec in SOURCES:
                if spec.name in BIG_TABLES:
                    continue
                key = spec.table.key_column
                stored = (
                    ", ".join(
                        landing.quote_identifier(c)
                        for c in (key, *spec.table.value_columns, "record_hash")
                    )
                    if spec.table.columns
                    else f"{key} as key, record"
                )
                con.execute(
                    f"create or replace temp table bench_rows as "
                    f"select {stored} from seed.raw.{spec.name}"
                )
                counts[spec.name] = _land(
                    con,
                    spec.name,
                    spec.api,
                    "bench_rows",
                    f"bench-{tag}-{spec.name}",
                    columnar=bool(spec.table.columns),
                )
        _insert_filings(con, sizes.filings, sizes, quarter)
        counts["lda_filings"] = _land(
            con, "lda_filings", api["lda_filings"], "bench_rows", f"bench-{tag}-lda_filings"
        )
        _insert_contracts(con, sizes.transactions, sizes, quarter)
        counts["usaspending_awards"] = _land(
            con,
            "usaspending_awards",
            api["usaspending_awards"],
            "bench_award_rows",
            f"bench-{tag}-usaspending_awards",
        )
        counts["usaspending_transactions"] = _land(
            con,
            "usaspending_transactions",
            api["usaspending_transactions"],
            "bench_rows",
            f"bench-{tag}-usaspending_transactions",
        )
        _insert_articles(con, sizes.articles, quarter)
        counts["gdelt_articles"] = _land(
            con, "gdelt_articles", api["gdelt_articles"], "bench_rows", f"bench-{tag}-gdelt"
        )
        con.execute("drop table if exists bench_rows")
    finally:
        con.close()
    return counts


def name_counts(database: Path) -> dict[str, int]:
    """Distinct names and activities in the generated tables (what the resolver sees)."""
    with duckdb.connect(str(database), read_only=True) as con:
        row = con.execute(
            """
            select
                (select count(distinct record ->> '$.client.name') from raw.lda_filings),
                (select count(distinct record ->> '$.registrant.name') from raw.lda_filings),
                (select count(distinct record ->> '$.client.id') from raw.lda_filings),
                (select count(distinct record ->> '$."Recipient Name"')
                    from raw.usaspending_transactions),
                (select sum(json_array_length(record -> '$.lobbying_activities'))
                    from raw.lda_filings)
            """
        ).fetchone()
    assert row is not None
    keys = ("client_names", "registrant_names", "client_ids", "recipient_names", "activities")
    return {k: int(v or 0) for k, v in zip(keys, row, strict=True)}
