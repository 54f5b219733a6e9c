"""Backfilling the LDA one filing period at a time (the partitioned `lda_backfill` job)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.defs.partitions import (
    filing_period_keys,
    lda_filing_periods,
    parse_filing_period_key,
)
from dagster_project.defs.raw.backfill import RAW_LDA_FILINGS, lda_backfill
from dagster_project.defs.resources import SourcesResource, WarehouseResource
from tests.support.warehouse import build_db


@pytest.mark.unit
def test_partitions_are_half_years_before_2008_and_quarters_after() -> None:
    keys = filing_period_keys(2019)
    assert keys[:2] == ["1999-H1", "1999-H2"]
    assert keys[keys.index("2007-H2") + 1] == "2008-Q1"
    assert keys[-1] == "2019-Q4"
    assert len(keys) == 9 * 2 + 12 * 4
    assert parse_filing_period_key("2018-Q3") == (2018, "third_quarter")
    assert parse_filing_period_key("2007-H2") == (2007, "year_end")
    with pytest.raises(ValueError, match="not a filing period"):
        parse_filing_period_key("2018-Q5")
    assert "2018-Q3" in lda_filing_periods.get_partition_keys()


def run_period(key: str, warehouse: Path) -> dg.ExecuteInProcessResult:
    return lda_backfill.execute_in_process(
        partition_key=key,
        resources={
            "warehouse": WarehouseResource(path=str(warehouse)),
            "sources": SourcesResource(source="sample"),
        },
        raise_on_error=False,
    )


@pytest.mark.integration
def test_one_period_lands_only_that_period_and_materializes_raw_lda(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    result = run_period("2018-Q3", warehouse)

    assert result.success
    [materialization] = result.asset_materializations_for_node("load_lda_filing_period")
    assert materialization.asset_key == RAW_LDA_FILINGS
    assert materialization.metadata["counts_reconcile"].value is True
    with duckdb.connect(str(build_db(warehouse)), read_only=True) as con:
        periods = con.execute(
            "select distinct record->>'$.filing_year', record->>'$.filing_period' "
            "from raw.lda_filings"
        ).fetchall()
        fetched = con.execute("select count(*) from raw.lda_filings").fetchone()
    assert periods == [("2018", "third_quarter")]
    assert fetched == (materialization.metadata["rows_fetched"].value,)

    again = run_period("2018-Q3", warehouse)  # re-running a period is safe
    [second] = again.asset_materializations_for_node("load_lda_filing_period")
    assert second.metadata["rows_inserted"].value == 0


@pytest.mark.integration
def test_a_period_the_sample_does_not_hold_fails_clearly(tmp_path: Path) -> None:
    result = run_period("2005-H1", tmp_path / "warehouse.duckdb")

    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    message = failure.event_specific_data.error.to_string()  # type: ignore[union-attr]
    assert "the bundled sample has no page for GET" in message
    assert "filing_period=mid_year" in message and "filing_year=2005" in message
