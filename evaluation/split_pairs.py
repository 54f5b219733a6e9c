"""Split the real-name pairs into a development half and a test half, once, by a fixed seed.

    python -m uv run python -m evaluation.split_pairs [--check]

Within each stratum (category x same company or not), the pairs are shuffled by a generator seeded
with ``SEED`` and the first half (rounded down) goes to ``dev``, the rest to ``test``. The split
was made before any resolver rule was changed on these pairs; the test half is frozen (its digest
is ``TEST_HALF_SHA256``) and never tuned on: rules are developed on ``dev``, figures are reported on
both. ``--check`` verifies that the bundled file's halves are exactly this split.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import random
import sys
from collections import defaultdict
from pathlib import Path

from ingest.config import DBT_PROJECT_DIR

REAL_PAIRS = DBT_PROJECT_DIR / "seeds" / "evaluation" / "company_match_pairs_real.csv"
SEED = 20261130
# sha256 of the test half's rows (see ``digest_of_test_half``), recorded when the split was made
TEST_HALF_SHA256 = "84cbea77c0a42cecf3ed1ec6d3b4da6ebb0ce6454b6c9c0de8ad5e4a61281b1b"


def read_pairs(path: Path = REAL_PAIRS) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def split(rows: list[dict[str, str]], seed: int = SEED) -> dict[str, str]:
    """``pair_id`` -> ``dev`` or ``test``."""
    strata: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in rows:
        strata[(row["category"], row["is_same_company"])].append(row["pair_id"])
    rng = random.Random(seed)
    halves: dict[str, str] = {}
    for key in sorted(strata):
        ids = sorted(strata[key])
        rng.shuffle(ids)
        cut = len(ids) // 2
        halves.update({pair_id: "dev" for pair_id in ids[:cut]})
        halves.update({pair_id: "test" for pair_id in ids[cut:]})
    return halves


def digest_of_test_half(rows: list[dict[str, str]]) -> str:
    """sha256 of the test half's rows, every column, in pair_id order, as CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = list(rows[0]) if rows else []
    for row in sorted((r for r in rows if r["half"] == "test"), key=lambda r: r["pair_id"]):
        writer.writerow([row[c] for c in columns])
    return hashlib.sha256(out.getvalue().encode("utf-8")).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify the bundled split")
    args = parser.parse_args(argv)
    rows = read_pairs()
    halves = split(rows)
    if args.check:
        wrong = [r["pair_id"] for r in rows if r["half"] != halves[r["pair_id"]]]
        digest = digest_of_test_half(rows)
        sys.stdout.write(
            f"{len(rows)} pairs, {len(wrong)} not in the seeded half; test half "
            f"sha256 {digest} ({'frozen' if digest == TEST_HALF_SHA256 else 'CHANGED'})\n"
        )
        return 0 if not wrong and digest == TEST_HALF_SHA256 else 1
    for row in rows:
        row["half"] = halves[row["pair_id"]]
    with REAL_PAIRS.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    sys.stdout.write(f"test half sha256 {digest_of_test_half(rows)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
