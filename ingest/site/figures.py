"""Plotly figure specifications (plain dicts: ``data`` traces and a ``layout``) for the site's
charts. Each page carries its figures as JSON and ``static/site.js`` hands them to
``Plotly.newPlot``; the values come from the rows of the panel's query, nothing else."""

from __future__ import annotations

import html
from collections import defaultdict
from typing import Any

Row = dict[str, Any]

# the most series a stacked chart shows; the rest are summed as "other"
MAX_SERIES = 8
# the most headlines a news bar's hover text lists
HEADLINES_SHOWN = 8
PALETTE = (
    "#1f5fa8", "#e07b00", "#2a9d5b", "#c0392b", "#7b52ab", "#8c6d31", "#d6616b", "#17a2b8",
    "#9e9e9e",
)  # fmt: skip


def quarter_axis(*row_sets: list[Row]) -> list[str]:
    """Every quarter from the earliest to the latest of the rows (``year``, ``quarter``), as
    "2018 Q3" labels: charts of one page share this axis, gaps included."""
    keys = [(row["year"], row["quarter"]) for rows in row_sets for row in rows]
    if not keys:
        return []
    (year, quarter), last = min(keys), max(keys)
    labels = []
    while (year, quarter) <= last:
        labels.append(f"{year} Q{quarter}")
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return labels


def _layout(axis: list[str] | None, y_title: str, money: bool = True) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "height": 340,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
        "barmode": "stack",
        "legend": {"orientation": "h", "y": -0.25},
        "yaxis": {
            "title": {"text": y_title, "standoff": 12},
            "rangemode": "tozero",
            "automargin": True,
        },
        "hovermode": "closest",
    }
    if money:
        layout["yaxis"].update(tickprefix="$", tickformat=",.0f")
    if axis is not None:
        layout["xaxis"] = {
            "type": "category",
            "categoryorder": "array",
            "categoryarray": axis,
            "automargin": True,
        }
    return layout


def spend_figure(rows: list[Row], axis: list[str]) -> dict[str, Any]:
    """Spend per quarter counted once, coloured by what it was counted from; outside firms'
    income of quarters the company self-filed is drawn as points (inside the bar, not added)."""
    own = [r for r in rows if r["spend_basis"] == "self_filed_expenses"]
    firms = [r for r in rows if r["spend_basis"] == "outside_firm_income"]
    inside = [r for r in own if r["outside_firm_income"] is not None]
    money = "%{x}: $%{y:,.0f}<extra>%{fullData.name}</extra>"
    return {
        "data": [
            {
                "type": "bar",
                "name": "its own expenses reports (self-filed)",
                "x": [r["period"] for r in own],
                "y": [r["lobbying_spend"] for r in own],
                "marker": {"color": PALETTE[0]},
                "hovertemplate": money,
            },
            {
                "type": "bar",
                "name": "outside firms' income (no report of its own)",
                "x": [r["period"] for r in firms],
                "y": [r["lobbying_spend"] for r in firms],
                "marker": {"color": PALETTE[1]},
                "hovertemplate": money,
            },
            {
                "type": "scatter",
                "mode": "markers",
                "name": "outside firms' income, already inside its own expenses",
                "x": [r["period"] for r in inside],
                "y": [r["outside_firm_income"] for r in inside],
                "marker": {"color": PALETTE[2], "symbol": "diamond", "size": 8},
                "hovertemplate": money,
            },
        ],
        "layout": _layout(axis, "lobbying spend"),
    }


def _stacked(
    rows: list[Row], axis: list[str], key: str, label: str, value: str
) -> list[dict[str, Any]]:
    """Bars per quarter stacked by ``key`` (its ``label`` shown), the largest MAX_SERIES series
    by total and the rest as one "other"."""
    totals: dict[str, float] = defaultdict(float)
    names: dict[str, str] = {}
    for row in rows:
        totals[row[key]] += row[value] or 0
        names[row[key]] = row[label]
    ranked = sorted(totals, key=lambda k: (-abs(totals[k]), k))
    kept = ranked[:MAX_SERIES] if len(ranked) > MAX_SERIES + 1 else ranked
    series: dict[str, dict[str, float]] = {k: {} for k in [*kept, "other"]}
    for row in rows:
        name = row[key] if row[key] in kept else "other"
        cell = series[name]
        cell[row["period"]] = cell.get(row["period"], 0.0) + (row[value] or 0)
    traces = []
    for i, name in enumerate(series):
        if not series[name]:
            continue
        periods = [p for p in axis if p in series[name]]
        traces.append(
            {
                "type": "bar",
                "name": names.get(name, "other"),
                "x": periods,
                "y": [series[name][p] for p in periods],
                "marker": {"color": PALETTE[i % len(PALETTE)]},
                "hovertemplate": "%{x}: $%{y:,.0f}<extra>%{fullData.name}</extra>",
            }
        )
    return traces


def obligations_figure(rows: list[Row], axis: list[str]) -> dict[str, Any]:
    """Obligations per quarter stacked by awarding agency."""
    return {
        "data": _stacked(rows, axis, "agency_code", "agency", "contract_obligations"),
        "layout": _layout(axis, "obligations"),
    }


def company_obligations_figure(rows: list[Row], axis: list[str]) -> dict[str, Any]:
    """An agency's obligations per quarter stacked by recipient company."""
    return {
        "data": _stacked(rows, axis, "company_id", "company_name", "contract_obligations"),
        "layout": _layout(axis, "obligations"),
    }


def reports_figure(rows: list[Row], axis: list[str]) -> dict[str, Any]:
    """Reports naming an agency per quarter."""
    return {
        "data": [
            {
                "type": "bar",
                "name": "reports naming the agency",
                "x": [r["period"] for r in rows],
                "y": [r["reports"] for r in rows],
                "customdata": [r["companies"] for r in rows],
                "marker": {"color": PALETTE[0]},
                "hovertemplate": "%{x}: %{y} report(s) by %{customdata} company(ies)"
                "<extra></extra>",
            }
        ],
        "layout": _layout(axis, "reports", money=False),
    }


def _headlines(stories: list[Row]) -> str:
    """A week's stories as hover text; escaped, since plotly reads a few HTML tags in it."""
    lines = [
        html.escape(
            f"{s['seen_date'] or '?'}  {s['outlet'] or '?'}: {s['title'] or s['url']}"[:150]
        )
        for s in stories[:HEADLINES_SHOWN]
    ]
    if len(stories) > HEADLINES_SHOWN:
        lines.append(f"... and {len(stories) - HEADLINES_SHOWN} more")
    return "<br>".join(lines)


def news_figure(rows: list[Row]) -> dict[str, Any]:
    """Articles per week, the week's headlines on hover."""
    layout = _layout(None, "articles", money=False)
    layout["xaxis"] = {"type": "date", "automargin": True}
    layout["hoverlabel"] = {"align": "left"}
    return {
        "data": [
            {
                "type": "bar",
                "name": "articles per week",
                "x": [r["week_start"] for r in rows],
                "y": [r["articles"] for r in rows],
                "hovertext": [_headlines(r["stories"]) for r in rows],
                "marker": {"color": PALETTE[0]},
                "hovertemplate": "week of %{x|%d %b %Y}: %{y} article(s)<br>%{hovertext}"
                "<extra></extra>",
            }
        ],
        "layout": layout,
    }
