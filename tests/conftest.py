"""Fixtures every test folder may use: running `sopdash` in-process."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sopdash.cli.main import main


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def sopdash(capsys: pytest.CaptureFixture[str]):
    """Run `sopdash ARGS…` in-process; returns its exit code and what it printed."""

    def run(*args: str) -> Result:
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
