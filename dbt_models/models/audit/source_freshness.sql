with

ledger as (

    select * from {{ source('audit', 'load_ledger') }}

),

ranked as (

    select
        raw_table,
        source,
        load_id,
        started_at,
        finished_at,
        status,
        error,
        row_number() over (
            partition by raw_table order by started_at desc, load_id desc
        ) as attempt_rank,
        row_number() over (
            partition by raw_table, status = 'succeeded'
            order by started_at desc, load_id desc
        ) as rank_within_outcome
    from ledger

),

last_success as (

    select
        raw_table,
        load_id as last_success_load_id,
        finished_at as last_success_at,
        started_at as last_success_started_at
    from ranked
    where status = 'succeeded' and rank_within_outcome = 1

),

last_attempt as (

    select
        raw_table,
        source,
        load_id as last_attempt_load_id,
        started_at as last_attempt_at,
        status as last_attempt_status,
        case when status <> 'succeeded' then error end as last_attempt_error
    from ranked
    where attempt_rank = 1

),

since_success as (

    select
        ranked.raw_table,
        count(*) filter (
            where last_success.raw_table is null
            or ranked.started_at > last_success.last_success_started_at
            or (
                ranked.started_at = last_success.last_success_started_at
                and ranked.load_id > last_success.last_success_load_id
            )
        ) as attempts_since_success
    from ranked
    left join last_success on ranked.raw_table = last_success.raw_table
    group by ranked.raw_table

)

select
    -- ids
    last_attempt.raw_table,
    last_attempt.source,
    last_success.last_success_load_id,
    last_attempt.last_attempt_load_id,

    -- strings
    last_attempt.last_attempt_status,
    last_attempt.last_attempt_error,

    -- numerics
    since_success.attempts_since_success,

    -- booleans
    last_attempt.last_attempt_status <> 'succeeded' as is_stale,

    -- dates
    last_success.last_success_at,
    last_attempt.last_attempt_at,
    now() as checked_at

from last_attempt
left join last_success on last_attempt.raw_table = last_success.raw_table
inner join since_success on last_attempt.raw_table = since_success.raw_table
order by last_attempt.raw_table
