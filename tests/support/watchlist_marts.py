"""Small hand-made marts, in the shape of the real ones (the columns the watchlist alerts read),
with a watched company (Amazon, and Whole Foods under it), agency (DHS) and topic."""

from __future__ import annotations

from pathlib import Path

import duckdb

SCHEMA = """
create schema marts;
create schema intermediate;
create table intermediate.int_watchlist_entities_resolved (
    entity_type varchar, entity_id varchar, entity_name varchar);
create table marts.dim_company (
    company_id varchar, company_name varchar, parent_company_id varchar, top_company_id varchar);
create table marts.dim_agency (
    agency_code varchar, toptier_code varchar, agency_name varchar, abbreviation varchar);
create table marts.fct_lobbying_reports (
    report_id varchar, filing_uuid varchar, company_id varchar, client_name varchar,
    registrant_name varchar, year integer, quarter integer, filing_type varchar,
    amount decimal(14, 2), posted_at timestamptz, filing_document_url varchar);
create table marts.fct_lobbying_report_agencies (filing_uuid varchar, toptier_code varchar);
create table marts.fct_lobbying_registrations (
    filing_uuid varchar, is_amendment boolean, company_id varchar, client_name varchar,
    registrant_name varchar, filing_type varchar, effective_date date, posted_at timestamptz,
    filing_document_url varchar);
create table marts.fct_contract_transactions (
    transaction_key varchar, generated_internal_id varchar, award_piid varchar,
    modification_number varchar, company_id varchar, recipient_name varchar,
    awarding_toptier_code varchar, awarding_toptier_name varchar,
    awarding_subtier_name varchar, action_date date, transaction_amount decimal(18, 2),
    action_type varchar, transaction_description varchar);
create table marts.fct_news_articles (
    url varchar, title varchar, publisher varchar, domain varchar, seen_date date);
create table marts.fct_news_mentions (
    url varchar, company_id varchar, agency_code varchar, topic_id varchar);

insert into intermediate.int_watchlist_entities_resolved values
    ('company', 'amazon', 'Amazon'), ('agency', '070', 'Department of Homeland Security'),
    ('topic', 'facial-recognition', 'facial recognition');
insert into marts.dim_company values
    ('amazon', 'Amazon', null, 'amazon'), ('whole-foods', 'Whole Foods', 'amazon', 'amazon'),
    ('boeing', 'Boeing', null, 'boeing'), ('acme', 'Acme', null, 'acme');
insert into marts.dim_agency values
    ('070', '070', 'Department of Homeland Security', 'DHS'),
    ('7012', '070', 'U.S. Immigration and Customs Enforcement', 'ICE'),
    ('097', '097', 'Department of Defense', 'DOD');
insert into marts.fct_lobbying_reports values
    ('r-amazon-q1', 'f1', 'amazon', 'AMAZON.COM SERVICES', 'AMAZON.COM SERVICES', 2018, 1, 'Q1',
        3630000, '2018-04-20', 'https://lda/f1'),
    ('r-boeing-q1', 'f2', 'boeing', 'BOEING CO', 'BOEING CO', 2018, 1, 'Q1', 10000,
        '2018-04-20', 'https://lda/f2');
insert into marts.fct_lobbying_report_agencies values ('f1', '070'), ('f2', '097');
insert into marts.fct_contract_transactions values
    ('t1', 'CONT_AWD_A1', 'A1', '0', 'amazon', 'AMAZON WEB SERVICES', '070', 'DHS', 'ICE',
        '2018-03-01', 100.00, null, 'CLOUD'),
    ('t2', 'CONT_AWD_B1', 'B1', '0', 'boeing', 'BOEING', '097', 'DOD', 'ARMY',
        '2018-03-01', 200.00, null, 'WINGS');
insert into marts.fct_news_articles values
    ('https://n/1', 'Amazon sells Rekognition', 'AP', 'apnews.com', '2018-05-22');
insert into marts.fct_news_mentions values ('https://n/1', 'amazon', null, null);
"""


def make(path: Path) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute(SCHEMA)
    return path
