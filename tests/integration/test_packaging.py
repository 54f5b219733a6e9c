"""The wheel holds what runs in production: no fake API, sample generator or test support."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from ingest.config import REPO_ROOT

pytestmark = pytest.mark.integration


def test_the_wheel_holds_the_product_packages_and_the_recorded_sample_only(
    tmp_path: Path,
) -> None:
    uv = os.environ.get("UV") or shutil.which("uv")
    if uv is None:
        pytest.fail("uv is needed to build the wheel (the README installs it)")
    built = subprocess.run(
        [uv, "build", "--wheel", "--out-dir", str(tmp_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    [wheel] = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    packages = {top for top in tops if not top.endswith(".dist-info")}
    assert packages == {"dagster_project", "evaluation", "expectations", "ingest"}
    modules = {name for name in names if name.endswith(".py")}
    assert "ingest/sample/replay.py" in modules  # the offline sample is a product feature
    assert "ingest/sources.py" in modules
    for word in ("fake", "universe", "generate", "conftest", "http_server"):
        assert not [m for m in modules if word in m], word
    assert any(name.startswith("ingest/sample/data/lda/pages/") for name in names)
    # the site's templates and static files ship with its code (`influence site build`)
    for name in ("templates/company.html", "templates/_macros.html", "static/site.js"):
        assert f"ingest/site/{name}" in names, name
