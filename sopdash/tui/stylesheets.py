"""Where the dashboard's stylesheets are, whether sopdash runs from an installed package or a checkout."""

from importlib.resources import files
from pathlib import Path


def _styles_dir() -> Path:
    try:
        return Path(str(files("sopdash.styles")))
    except ModuleNotFoundError:
        # Imported straight from a checkout (not installed): styles/ sits beside the package.
        return Path(__file__).resolve().parents[2] / "styles"


STYLES_DIR = _styles_dir()


def stylesheet(name: str) -> Path:
    """The path of one .tcss file in styles/."""
    return STYLES_DIR / name
