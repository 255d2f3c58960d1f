"""Mail from the dashboard: what an action queued goes out in a worker right after it, and what is still queued
is tried again every minute, so the screen never waits on the network (nothing happens while mail is off)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.notifications import SeverityLevel

from sopdash.desk import Desk
from sopdash.tui.messages import MailDelivered

if TYPE_CHECKING:
    from sopdash.tui.dashboard import DashboardScreen

MAIL = "mail"  # worker group
DELIVER_EVERY_S = 60
DELIVERY_TIMEOUT_S = 10.0


class MailDelivery:
    """Delivers the desk's queued mail for `screen`, whose `MailDelivered` handler says what happened."""

    def __init__(self, screen: DashboardScreen, desk: Desk) -> None:
        self.screen = screen
        self.desk = desk

    def start(self) -> None:
        self.screen.set_interval(DELIVER_EVERY_S, self.deliver)  # nothing while mail is off (the desk may turn it on)

    def deliver(self) -> None:
        """Deliver whatever mail is due, in the background."""
        if self.desk.mail is not None:
            self.screen.run_worker(self._deliver, group=MAIL, thread=True, exclusive=True, exit_on_error=False)

    def _deliver(self) -> None:
        """In the worker."""
        report = self.desk.deliver_mail(timeout=DELIVERY_TIMEOUT_S)
        if report.sent or report.retrying or report.failed:
            severity: SeverityLevel = "error" if report.failed else "warning" if report.retrying else "information"
            self.screen.post_message(MailDelivered(report.summary(self.desk.policy.calendar.tz), severity))
