"""Issue 22: intake that raises its hand — a failing mail intake is said in the header and raised once as an alert
(with the bell), and the header clears when intake works again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dashboard_fixtures import NOW, new, settle, write_store
from test_breach_alerts import Clock, app_with

from sopdash.desk.intake_health import record_failure, record_success
from sopdash.store.kept_files import KeptFiles
from sopdash.tui import breach_alerts

EXPIRED = "the OAuth2 token for help@example.org expired: run `sopdash mail login`"


def header_text(app) -> str:
    return str(app.dashboard.query_one("#counts").render())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_failing_intake_is_in_the_header_and_alerted_once_until_it_works_again(tmp_path, monkeypatch, size):
    monkeypatch.setattr(breach_alerts, "INTAKE_EVERY_S", 0.0)
    path = write_store(tmp_path / "t.json", [new(1, "Email down", "Dana Smith", 5, "low")])
    kept = KeptFiles(path)
    record_failure(kept, "imap", NOW - timedelta(minutes=48), EXPIRED)  # 09:12 in New York
    clock = Clock()
    app = app_with(path, clock)
    raised: list[tuple[str, str]] = []
    bells: list[int] = []
    async with app.run_test(size=size) as pilot:
        app.notify = lambda message, title="", **_: raised.append((title, message))  # type: ignore[method-assign]
        app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
        for _ in range(3):
            app.dashboard.tick()
            await settle(pilot)
        assert "✗ mail intake (imap) failing since 09:12" in header_text(app)  # the reason is in the alert
        assert raised == [("Mail intake", f"mail intake (imap) failing since 09:12: {EXPIRED}")] and bells == [1]
        record_success(kept, "imap", NOW)
        app.dashboard.tick()
        await settle(pilot)
        assert "mail intake" not in header_text(app)
