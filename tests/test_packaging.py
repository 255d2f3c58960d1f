"""Every package in the source tree ships in the wheel (pyproject lists them by hand for the styles mapping)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "sopdash").rglob("__init__.py")
    }
    assert found | {"sopdash.styles"} == listed
