"""Names of the published warehouse in Dagster, importable without the dbt manifest."""

import dagster as dg

PUBLISHED_KEY = dg.AssetKey(["published", "warehouse"])
# what is new for the watchlist since the previous publish (ingest/alerts.py)
WATCHLIST_DIGEST_KEY = dg.AssetKey(["published", "watchlist_digest"])
# the run tag that names the stale sources of a run that published (a partial success)
STALE_SOURCES_TAG = "influence/stale_sources"
