"""Take the README's screenshot of the Amazon page (docs/img/amazon-page.png) from a built site:

    influence site build && python -m tests.support.site_screenshot [--site site] [--out PATH]

It serves the site with ``influence site serve``'s server and opens it in the same headless
Chromium as the browser tests (tests/support/browser.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ingest.config import REPO_ROOT
from tests.support.browser import Problems, chromium, served


def screenshot(site: Path, out: Path, company: str = "amazon") -> list[str]:
    """Write the screenshot of the company's page; returns the problems the page reported."""
    problems = Problems()
    with served(site) as url, chromium() as browser:
        page = problems.watch(browser.new_page(viewport={"width": 1200, "height": 1500}))
        page.goto(f"{url}companies/{company}.html")
        page.wait_for_selector("#chart-spend .main-svg")
        page.wait_for_selector("#chart-news .main-svg")
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out), full_page=False)
    return problems.errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=REPO_ROOT / "site")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "img" / "amazon-page.png")
    args = parser.parse_args(argv)
    errors = screenshot(args.site, args.out)
    sys.stderr.writelines(f"{error}\n" for error in errors)
    sys.stdout.write(f"wrote {args.out}\n")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
