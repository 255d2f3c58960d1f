"""Where the dashboard's Textual stylesheets are: `styles/` beside this module, shipped as package data."""

from pathlib import Path

STYLES_DIR = Path(__file__).with_name("styles")


def stylesheet(name: str) -> Path:
    """The path of one .tcss file in styles/."""
    return STYLES_DIR / name
