"""The static site of the published warehouse: company and agency pages with charts, every
number beside the query that produced it (``influence site build`` / ``influence site serve``).
Plain Python: no Dagster import."""

from ingest.site.build import SiteError, SiteResult, build_site
from ingest.site.serve import SiteNotBuilt, make_server, site_url

__all__ = ["SiteError", "SiteNotBuilt", "SiteResult", "build_site", "make_server", "site_url"]
