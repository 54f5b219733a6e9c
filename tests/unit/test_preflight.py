"""The checks before a refresh: every problem of the environment, the years and the watchlist,
collected together."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.preflight import check_refresh

pytestmark = pytest.mark.unit


def test_a_good_configuration_has_no_problem(tmp_path: Path) -> None:
    settings, problems = check_refresh({}, sample=True, years="2017-2019")
    assert problems == [] and settings is not None


def test_every_problem_is_collected(tmp_path: Path) -> None:
    watchlist = tmp_path / "watchlist.yaml"
    watchlist.write_text("companies:\n  - name: Amazon\n    news_term: [Amazon]\n")
    env = {
        "INFLUENCE_WATCHLIST": str(watchlist),
        "INFLUENCE_ARTICLE_FILES": str(tmp_path / "articles.csv"),
        "LDA_REQUESTS_PER_MINUTE": "many",
    }
    settings, problems = check_refresh(env, years="2019-2017")
    assert settings is None
    assert problems == [
        "LDA_REQUESTS_PER_MINUTE must be a positive whole number, got 'many'",
        "--years '2019-2017' is not a valid range of filing years",
        f"{watchlist}:3: companies[0].news_term: unknown key; did you mean news_terms?",
    ]
    del env["LDA_REQUESTS_PER_MINUTE"]
    settings, problems = check_refresh(env)
    assert settings is not None
    assert problems[0] == f"INFLUENCE_ARTICLE_FILES: {tmp_path / 'articles.csv'}: no such file"
    # a sample refresh reads the bundled article list, not the analyst's
    assert len(check_refresh(env, sample=True)[1]) == 1
