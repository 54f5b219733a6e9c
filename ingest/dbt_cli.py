"""Running the project's dbt outside Dagster (the evaluation, `influence docs`, tests and
benchmarks): one command line, on a given warehouse, with its own target and log folders."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from ingest.config import DBT_PROJECT_DIR


def dbt_command(
    args: Sequence[str], work: Path | None = None, project_dir: Path = DBT_PROJECT_DIR
) -> list[str]:
    """``dbt <args>`` for the project (or a copy of it at ``project_dir``), with the dbt of this
    Python environment. With ``work``, dbt's target and logs go under it (so a scratch build
    never touches the project's ``target/``)."""
    command = [
        sys.executable, "-m", "dbt.cli.main", *args,
        "--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
    ]  # fmt: skip
    if work is not None:
        command += ["--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    return command


def dbt_env(database: Path) -> dict[str, str]:
    """This process's environment with dbt pointed at the DuckDB file ``database``
    (profiles.yml reads ``INFLUENCE_DBT_DATABASE``)."""
    return {
        **os.environ,
        "INFLUENCE_DBT_DATABASE": str(database),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def run_dbt(
    args: Sequence[str],
    warehouse: Path,
    work: Path | None = None,
    timeout: float | None = None,
    project_dir: Path = DBT_PROJECT_DIR,
) -> subprocess.CompletedProcess[str]:
    """Run dbt to completion on ``warehouse``; its output is captured, its exit code returned."""
    return subprocess.run(
        dbt_command(args, work, project_dir),
        cwd=project_dir,
        env=dbt_env(warehouse),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def dbt_child_main() -> None:
    """``influence-dbt``: dbt, as a child that dies with its parent.

    Dagster (dagster-dbt's ``DbtCliResource``) starts dbt as a subprocess. Were the process that
    started it killed (``kill -9``), dbt would run on as an orphan holding the DuckDB lock, and
    the next refresh could not open the warehouse. So the dbt that Dagster starts is this entry
    point: it asks the kernel for SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)`` on
    Linux), then runs dbt's own command line in the same process."""
    from ingest.processes import die_with_parent

    die_with_parent()
    from dbt.cli.main import cli

    sys.exit(cli())
