"""The layers hold (docs/architecture.md): import-linter's contracts in pyproject.toml pass, and they would fail
if a face imported the store; the stylesheets ship inside the package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter run on the sopdash package under root, with root's contracts."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )


def test_every_import_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_face_importing_the_store_breaks_a_contract(tmp_path):
    shutil.copytree(ROOT / "sopdash", tmp_path / "sopdash", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    render = tmp_path / "sopdash" / "cli" / "render.py"
    render.write_text(render.read_text(encoding="utf-8") + "\nfrom sopdash.store.ticket_store import TicketStore\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    assert "sopdash.cli.render -> sopdash.store.ticket_store" in result.stdout


def test_the_stylesheets_ship_as_package_data():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert data == {"sopdash.tui": ["styles/*.tcss"]}
    assert sorted(p.name for p in (ROOT / "sopdash" / "tui" / "styles").glob("*.tcss")) == [
        "app.tcss", "dialogs.tcss", "handover.tcss", "stats.tcss"
    ]
