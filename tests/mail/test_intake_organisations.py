"""Mail that opens a ticket: the ticket counts under the organisation whose address it came in on, or the sender's,
and keeps the SLA policy the desk's rules pick for it."""

from __future__ import annotations

from datetime import datetime, timezone

from sopdash.clock import fixed_clock
from sopdash.core.policy import SlaPolicy
from sopdash.core.roster import Roster
from sopdash.desk import Desk
from sopdash.desk.intake import Intake
from sopdash.mail.settings import MailSettings
from sopdash.store.ticket_store import TicketStore

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
POLICY = SlaPolicy.from_config({
    "organisations": {"ACME": {"domains": ["acme.com"], "address": "acme@desk.example.org"},
                      "Globex": {"domains": ["globex.org"]}},
    "sla": {"policies": [{"name": "acme", "match": {"organisation": "ACME"}, "urgent": {"ack": "10m"}}]},
})


def message(n: int, sender: str, to: str) -> bytes:
    return (f"From: <{sender}>\nTo: {to}\nSubject: Laptop {n}\nMessage-ID: <m{n}@example.org>\n"
            "Content-Type: text/plain; charset=utf-8\n\nIt shows a black screen.\n").encode()


def test_the_address_it_came_in_on_decides_before_the_senders_domain(tmp_path):
    store = TicketStore(tmp_path / "tickets.json", create=True)
    mail = MailSettings(address="help@desk.example.org", sendmail=("/bin/true",))
    intake = Intake.on(Desk(store, POLICY, Roster.from_config({}), "mail", fixed_clock(NOW), mail=mail))
    intake.receive(message(1, "sam@globex.org", "ACME help <ACME@desk.example.org>"))
    intake.receive(message(2, "sam@globex.org", "help@desk.example.org"))
    intake.receive(message(3, "zoe@free.example", "help@desk.example.org"))
    picked = [(t.organisation, t.sla_policy) for t in store.history()]
    assert picked == [("ACME", "acme"), ("Globex", "default"), ("", "default")]
