"""The checks ``influence refresh`` makes before any work: the environment's settings, the years
asked for, the files and folders the refresh will read, and the watchlist against its schema.

Every problem is collected, so that one run reports them all, once, before Dagster or dbt start
(a bad watchlist would otherwise fail each step of the run with the same error). This module
imports nothing heavy: the check takes a fraction of a second.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from ingest.config import ConfigError, Settings, load_settings, parse_years, watchlist_path
from ingest.watchlist import WatchlistError, load_watchlist


def check_refresh(
    env: Mapping[str, str] | None = None, *, sample: bool = False, years: str | None = None
) -> tuple[Settings | None, list[str]]:
    """The settings from ``env`` (None if they are unusable) and every configuration problem a
    refresh would meet: ``sample`` is ``--sample``, ``years`` is ``--years`` as given."""
    env = os.environ if env is None else env
    problems: list[str] = []
    settings: Settings | None = None
    try:
        settings = load_settings(env)
    except ConfigError as exc:
        problems.extend(exc.problems)
    if years:
        try:
            parse_years(years, "--years")
        except ConfigError as exc:
            problems.extend(exc.problems)
    if settings is not None:
        if sample or settings.is_sample:
            if not settings.sample_dir.is_dir():
                problems.append(f"INFLUENCE_SAMPLE_DIR: {settings.sample_dir}: no such directory")
        else:  # the analyst's article files are read on live refreshes only
            for path in settings.article_files:
                if not path.is_file():
                    problems.append(f"INFLUENCE_ARTICLE_FILES: {path}: no such file")
    try:
        load_watchlist(settings.watchlist if settings is not None else watchlist_path(env))
    except WatchlistError as exc:
        problems.extend(exc.problems)
    return settings, problems
