"""The site's pages escape whatever the data holds, and its queries take literals safely."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from ingest.site import figures
from ingest.site.build import Cell, Panel, Table, _environment, render_sql, web_url

pytestmark = pytest.mark.unit

HOSTILE = "</script><script>alert('x')</script> & <b>Co</b>"


def test_a_literal_in_a_query_is_quoted_and_runs() -> None:
    sql = render_sql("select {name} as name, {year} as year", name="O'Brien & Co", year=2018)
    assert sql == "select 'O''Brien & Co' as name, 2018 as year"
    assert duckdb.sql(sql).fetchall() == [("O'Brien & Co", 2018)]


def test_a_page_escapes_names_and_keeps_its_json_whole() -> None:
    panel = Panel(
        key="names",
        title="Names",
        sql="select 1 where 'a' < 'b'",
        columns=["name"],
        rows=[{"name": HOSTILE}],
        note=HOSTILE,
        figure={"data": [{"type": "bar", "name": HOSTILE, "x": ["2018 Q3"], "y": [1]}]},
        table=Table((("name", ""),), [[Cell(HOSTILE, href=web_url("javascript:alert(1)"))]]),
    )
    page = (
        _environment()
        .get_template("company.html")
        .render(
            root="../",
            title=HOSTILE,
            company={
                "company_id": "x",
                "company_name": HOSTILE,
                "lobbying_spend_total": None,
                "contract_obligations_total": 1.0,
                "news_mentions_count": 0,
            },
            watched=False,
            parents=[(HOSTILE, None)],
            panels=[panel],
            freshness=None,
            snapshot={},
        )
    )
    assert "<script>alert" not in page
    assert "<b>Co</b>" not in page
    assert (
        "&lt;/script&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;Co" in page
    )
    assert "javascript:" not in page
    # the JSON blocks hold the same text, escaped for a script element
    data = re.search(r'id="data-names">(.*?)</script>', page, re.S)
    assert data is not None and json.loads(data[1])["rows"] == [{"name": HOSTILE}]
    figure = re.search(r'id="figure-names">(.*?)</script>', page, re.S)
    assert figure is not None and json.loads(figure[1])["data"][0]["name"] == HOSTILE
    # the query shown is the query's text
    assert "<code>select 1 where &#39;a&#39; &lt; &#39;b&#39;</code>" in page


def test_web_url_links_http_only() -> None:
    assert web_url("https://www.aclu.org/blog") == "https://www.aclu.org/blog"
    assert web_url("javascript:alert(1)") is None
    assert web_url(None) is None


def test_charts_of_a_page_share_every_quarter_between_the_first_and_last() -> None:
    axis = figures.quarter_axis(
        [{"year": 2018, "quarter": 3}], [{"year": 2017, "quarter": 4}, {"year": 2019, "quarter": 1}]
    )
    assert axis == ["2017 Q4", "2018 Q1", "2018 Q2", "2018 Q3", "2018 Q4", "2019 Q1"]


def test_news_hover_text_escapes_headlines() -> None:
    figure = figures.news_figure(
        [
            {
                "week_start": "2018-10-22",
                "articles": 1,
                "stories": [
                    {"seen_date": "2018-10-23", "outlet": "a.com", "title": HOSTILE, "url": "u"}
                ],
            }
        ]
    )
    hover = figure["data"][0]["hovertext"][0]
    assert "<script>" not in hover and "&lt;script&gt;" in hover
