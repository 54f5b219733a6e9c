"""The watchlist's strict schema: every mistake names the file, the line and the key, and all the
mistakes of a file are reported together."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.config import DEFAULT_WATCHLIST
from ingest.watchlist import WatchlistError, load_watchlist

pytestmark = pytest.mark.unit


def problems(tmp_path: Path, text: str) -> tuple[Path, tuple[str, ...]]:
    path = tmp_path / "watchlist.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WatchlistError) as caught:
        load_watchlist(path)
    return path, caught.value.problems


def test_a_misspelt_key_is_named_with_its_line_and_the_key_meant(tmp_path: Path) -> None:
    path, found = problems(
        tmp_path,
        "companies:\n"
        "  - name: Amazon\n"
        '    recipent_search: ["AMAZON WEB SERVICES", "AMAZON.COM"]\n'
        "    news_terms: [Amazon]\n",
    )
    assert found == (
        f"{path}:3: companies[0].recipent_search: unknown key; did you mean recipient_search?",
    )


def test_a_string_where_a_list_is_expected(tmp_path: Path) -> None:
    path, found = problems(
        tmp_path,
        "companies:\n"
        "  - name: Amazon\n"
        "    recipient_search: [AMAZON.COM]\n"
        "    news_terms: Amazon Web Services\n",
    )
    assert found == (
        f"{path}:4: companies[0].news_terms: expected a list, got the value "
        "'Amazon Web Services' (write [Amazon Web Services])",
    )


def test_an_empty_company_list(tmp_path: Path) -> None:
    path, found = problems(tmp_path, "# nothing yet\ncompanies: []\ntopics: [facial recognition]\n")
    assert found == (f"{path}:2: companies: is empty; list at least one company",)


def test_no_company_section_at_all(tmp_path: Path) -> None:
    path, found = problems(tmp_path, "topics: [facial recognition]\n")
    assert found == (f"{path}:1: companies: missing; every watchlist needs one",)


def test_an_unknown_top_level_section(tmp_path: Path) -> None:
    path, found = problems(
        tmp_path,
        "companies:\n  - name: Amazon\ntopic:\n  - facial recognition\n",
    )
    assert found == (f"{path}:3: topic: unknown key; did you mean topics?",)


def test_a_subtier_without_code(tmp_path: Path) -> None:
    path, found = problems(
        tmp_path,
        "companies:\n"
        "  - name: Amazon\n"
        "agencies:\n"
        "  - name: Department of Homeland Security\n"
        '    toptier_code: "070"\n'
        "    subtiers:\n"
        '      - {code: "7012", name: U.S. Immigration and Customs Enforcement}\n'
        "      - {name: U.S. Customs and Border Protection, abbreviation: CBP}\n",
    )
    assert found == (f"{path}:8: agencies[0].subtiers[1].code: missing; every subtier needs one",)


def test_every_mistake_is_reported_at_once_in_line_order(tmp_path: Path) -> None:
    path, found = problems(
        tmp_path,
        "companies:\n"
        "  - name: Amazon\n"
        "    recipent_search: [AMAZON.COM]\n"
        "    ueis: [ABC]\n"
        "  - recipient_search: [RAYTHEON COMPANY]\n"
        "agencies:\n"
        "  - name: Department of Defense\n"
        "    toptier_code: 97\n"
        "    pull: subtier\n"
        "feeds:\n"
        "  - {url: ftp://example.com/feed, title: Example}\n",
    )
    assert found == (
        f"{path}:3: companies[0].recipent_search: unknown key; did you mean recipient_search?",
        f"{path}:4: companies[0].ueis[0]: UEI 'ABC' is not 12 letters and digits",
        f"{path}:5: companies[1].name: missing; every company needs one",
        f"{path}:8: agencies[0].toptier_code: '97' is not a 3- or 4-digit code (quote it: \"070\")",
        f"{path}:9: agencies[0].pull: 'subtier' is neither 'toptier' nor 'subtiers'",
        f"{path}:11: feeds[0].title: unknown key; known keys: url, name",
        f"{path}:11: feeds[0].url: 'ftp://example.com/feed' is not an http(s) URL",
    )


def test_yaml_that_does_not_parse_names_its_line(tmp_path: Path) -> None:
    path, found = problems(tmp_path, "companies:\n  - name: Amazon\n    news_terms: [Amazon\n")
    (only,) = found
    assert only.startswith(f"{path}:4: not valid YAML")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(WatchlistError, match=r"nowhere\.yaml: cannot read the watchlist"):
        load_watchlist(tmp_path / "nowhere.yaml")


def test_the_bundled_watchlist_is_valid() -> None:
    watchlist = load_watchlist(DEFAULT_WATCHLIST)
    assert [c.name for c in watchlist.companies] == ["Amazon"]
    assert watchlist.agencies[0].toptier_code == "070"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "companies:\n  name: Amazon\n",
            "2: companies: expected a list of companies, got a mapping "
            "(start each entry with '- ')",
        ),
        (
            "companies:\n  - name: Amazon\n    name: Amazon.com\n",
            "3: companies[0].name: duplicate key (the first one would be ignored)",
        ),
        (
            "companies:\n  - name: Amazon\ntopics: facial recognition\n",
            "3: topics: expected a list, got the value 'facial recognition' "
            "(write [facial recognition])",
        ),
        (
            "- Amazon\n",
            "1: expected a watchlist (a mapping with companies, agencies, topics, feeds, alerts), "
            "got a list",
        ),
    ],
)
def test_a_wrong_shape_is_named(tmp_path: Path, text: str, expected: str) -> None:
    path, found = problems(tmp_path, text)
    assert found == (f"{path}:{expected}",)


def test_alerts_takes_a_webhook_url_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "watchlist.yaml"
    path.write_text(
        'companies: [{name: Amazon}]\nalerts:\n  webhook_url: "https://hooks.example.org/x"\n',
        encoding="utf-8",
    )
    assert load_watchlist(path).alerts.webhook_url == "https://hooks.example.org/x"
    path, found = problems(
        tmp_path,
        "companies: [{name: Amazon}]\n"
        "alerts:\n"
        "  webhok_url: https://hooks.example.org/x\n"
        "  email: someone@example.org\n",
    )
    assert found == (
        f"{path}:3: alerts.webhok_url: unknown key; did you mean webhook_url?",
        f"{path}:4: alerts.email: unknown key; known keys: webhook_url",
    )


def test_an_alerts_webhook_must_be_an_http_url(tmp_path: Path) -> None:
    path, found = problems(
        tmp_path, "companies: [{name: Amazon}]\nalerts: {webhook_url: ftp://example.org/x}\n"
    )
    assert found == (f"{path}:2: alerts.webhook_url: 'ftp://example.org/x' is not an http(s) URL",)
    path, found = problems(tmp_path, "companies: [{name: Amazon}]\nalerts: [a, b]\n")
    assert found[0].startswith(
        f"{path}:2: alerts: expected a webhook setting (a mapping with webhook_url)"
    )
