"""Precision, recall and F1 of the company resolver on the labelled name pairs.

    python -m uv run python -m evaluation.company_matching [--errors] [--check]

Builds the evaluation models of the dbt project (``models/evaluation``: the resolver's macros,
the alias and decision seeds and the labelled sets in ``seeds/evaluation``) into a scratch DuckDB
file with the real dbt, then prints the figures of each set and half, for both evaluation modes
and each category of pair:

- ``real``, ``test``: real name pairs from public records, the frozen test half (never tuned on);
- ``real``, ``dev``: the development half of the same set;
- ``regression``: the project's own pairs, written by the people who wrote the rules.

``--errors`` lists the pairs the resolver gets wrong in the development half and the regression
set (never the test half's); ``--check`` exits 1 when the regression set misses its targets
(precision >= 0.98, recall >= 0.90 with USAspending parents). The real test half's targets (the
identity issue's: precision >= 0.98 with recall >= 0.85 with parents, >= 0.75 from names alone)
are reported beside them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.config import DBT_PROJECT_DIR
from ingest.dbt_cli import run_dbt

PAIRS = DBT_PROJECT_DIR / "seeds" / "evaluation" / "company_match_pairs.csv"
TARGET_PRECISION = 0.98
TARGET_RECALL = 0.90
TARGET_MODE = "with_usaspending_parents"
# the real set's test half: the identity issue's targets, per mode (precision, recall)
REAL_TARGETS = {"with_usaspending_parents": (0.98, 0.85), "names_only": (0.98, 0.75)}
# the order the report shows the sets and halves in
SECTIONS = (
    ("real", "test", "real name pairs, test half (frozen, never tuned on)"),
    ("real", "dev", "real name pairs, development half"),
    ("regression", "all", "regression set (the project's own pairs)"),
)


@dataclass(frozen=True)
class Metrics:
    evaluation_set: str
    half: str
    mode: str
    category: str
    pairs: int
    positives: int
    true_positives: int
    false_positives: int
    false_negatives: int
    precision: float | None
    recall: float | None
    f1: float | None


def build(warehouse: Path, work: Path) -> None:
    """Seed and run the evaluation models (and nothing else) into ``warehouse`` with real dbt."""
    args = [
        "build", "--select", "+company_match_evaluation_metrics",
        "--resource-type", "seed", "--resource-type", "model",
    ]  # fmt: skip
    result = run_dbt(args, warehouse, work)
    if result.returncode != 0:
        raise RuntimeError(f"dbt failed:\n{result.stdout[-4000:]}{result.stderr[-2000:]}")


def read_metrics(warehouse: Path) -> list[Metrics]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            """
            select evaluation_set, half, evaluation_mode, category, pairs_count, positives_count,
                   true_positives, false_positives, false_negatives, precision, recall, f1
            from evaluation.company_match_evaluation_metrics
            order by evaluation_set, half, evaluation_mode desc, category = 'all' desc, category
            """
        ).fetchall()
    return [Metrics(*row) for row in rows]


def read_errors(warehouse: Path, mode: str) -> list[tuple[str, ...]]:
    """The pairs ``mode`` gets wrong, in the development half and the regression set only: the
    test half's errors are not shown, so that nobody tunes the rules on them."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            """
            select evaluation_set || '/' || half, outcome, category, left_name, right_name,
                   left_top_company_id || ' (' || left_match_rule || ')',
                   right_top_company_id || ' (' || right_match_rule || ')'
            from evaluation.company_match_evaluation
            where evaluation_mode = ? and outcome in ('false_positive', 'false_negative')
              and half <> 'test'
            order by evaluation_set, outcome, category, left_name
            """,
            [mode],
        ).fetchall()


def _rate(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def report(metrics: list[Metrics]) -> str:
    lines = []
    for evaluation_set, half, title in SECTIONS:
        section = [m for m in metrics if (m.evaluation_set, m.half) == (evaluation_set, half)]
        if not section:
            continue
        lines.append(f"\n== {title}")
        for m in section:
            if m.category == "all":
                lines.append(
                    f"{m.mode}: {m.pairs} pairs ({m.positives} same company), "
                    f"precision {_rate(m.precision)}, recall {_rate(m.recall)}, F1 {_rate(m.f1)}"
                    f" (TP {m.true_positives}, FP {m.false_positives}, FN {m.false_negatives})"
                )
                lines.append(
                    f"  {'category':<20}{'pairs':>6}{'P':>8}{'R':>8}{'F1':>8}{'FP':>5}{'FN':>5}"
                )
            else:
                lines.append(
                    f"  {m.category:<20}{m.pairs:>6}{_rate(m.precision):>8}{_rate(m.recall):>8}"
                    f"{_rate(m.f1):>8}{m.false_positives:>5}{m.false_negatives:>5}"
                )
    return "\n".join(lines).lstrip("\n") + "\n"


def totals(metrics: list[Metrics], evaluation_set: str, half: str) -> dict[str, Metrics]:
    """The 'all' row of each mode of one set and half."""
    return {
        m.mode: m
        for m in metrics
        if (m.evaluation_set, m.half, m.category) == (evaluation_set, half, "all")
    }


def meets_targets(metrics: list[Metrics]) -> bool:
    """The regression set keeps precision >= 0.98 in both modes and recall >= 0.90 with
    parents."""
    regression = totals(metrics, "regression", "all")
    precise = bool(regression) and all(
        m.precision is not None and m.precision >= TARGET_PRECISION for m in regression.values()
    )
    target = regression.get(TARGET_MODE)
    recalls = target is not None and target.recall is not None and target.recall >= TARGET_RECALL
    return precise and recalls


def real_targets(metrics: list[Metrics]) -> dict[str, bool]:
    """Whether the real set's test half meets the identity issue's targets, per mode."""
    test = totals(metrics, "real", "test")
    met = {}
    for mode, (precision, recall) in REAL_TARGETS.items():
        m = test.get(mode)
        met[mode] = (
            m is not None
            and m.precision is not None
            and m.recall is not None
            and m.precision >= precision
            and m.recall >= recall
        )
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list the pairs it gets wrong")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="company-matching-") as tmp:
        work = Path(tmp)
        warehouse = work / "company_matching.duckdb"
        build(warehouse, work)
        metrics = read_metrics(warehouse)
        sys.stdout.write(report(metrics))
        if args.errors:
            for mode in (TARGET_MODE, "names_only"):
                sys.stdout.write(f"\nwrong in {mode} (development half and regression set):\n")
                for row in read_errors(warehouse, mode):
                    sys.stdout.write("  " + " | ".join(row) + "\n")
    ok = meets_targets(metrics)
    sys.stdout.write(
        f"\nregression targets (precision >= {TARGET_PRECISION}, recall >= {TARGET_RECALL} "
        f"{TARGET_MODE}): {'met' if ok else 'MISSED'}\n"
    )
    for mode, met in real_targets(metrics).items():
        precision, recall = REAL_TARGETS[mode]
        sys.stdout.write(
            f"real test half targets {mode} (precision >= {precision}, recall >= {recall}): "
            f"{'met' if met else 'MISSED'}\n"
        )
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    raise SystemExit(main())
