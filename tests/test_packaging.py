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


def test_the_layers_hold_what_they_are_for():
    """Core never touches Textual or the store; every module under tui/ builds on Textual (the logic is in core)."""
    for module in (ROOT / "sopdash" / "core").glob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert "import textual" not in text and "from textual" not in text, module.name
        assert "sopdash.store" not in text and "sopdash.tui" not in text, module.name
    for module in (ROOT / "sopdash" / "tui").rglob("*.py"):
        text = module.read_text(encoding="utf-8")
        if module.name == "__init__.py" or module.name == "stylesheets.py":  # package markers; where .tcss files are
            continue
        assert "from textual" in text or "from sopdash.tui" in text, module.relative_to(ROOT)
