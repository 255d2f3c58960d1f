"""Mail templates and names (issue 24 item 16): safe placeholders, the defaults that fix each reported defect."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from sopdash.config import desk_policy
from sopdash.core.errors import ConfigError
from sopdash.core.model import Requester, Ticket
from sopdash.core.people import display_name, first_name
from sopdash.core.rules import acknowledgement_message, resolution_message
from sopdash.core.templates import Templates, as_paragraph, fill, filled, values, writing_point

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
PRIYA = Ticket(id=7, subject='Outlook won\'t start – "profile cannot be loaded"',
               requester=Requester("Nair, Priya", "priya@example.com"), created_at=NOW)


@pytest.mark.parametrize(
    ("name", "shown", "first"),
    [("Nair, Priya", "Priya Nair", "Priya"), ("Priya Nair", "Priya Nair", "Priya"), ("  Ann   Lee ", "Ann Lee", "Ann"),
     ("", "", ""), ("Acme, Inc, Sales", "Acme, Inc, Sales", "Acme,"), ("Nair,", "Nair,", "Nair,")],
)
def test_last_first_names_are_greeted_first_last(name, shown, first):
    assert (display_name(name), first_name(name)) == (shown, first)


def test_the_acknowledgement_greets_by_name_quotes_nothing_and_signs_off():
    text = acknowledgement_message(PRIYA)
    assert text.startswith("Hello Priya Nair,\n")
    assert '""' not in text and '"Outlook' not in text  # the subject on its own line, as written
    assert "\n    Outlook won't start – \"profile cannot be loaded\"\n" in text
    assert text.rstrip().endswith("Kind regards,\nThe help desk")


def test_the_resolution_puts_the_summary_on_its_own_line():
    text = resolution_message(PRIYA, "Rebuilt the profile.")
    assert "resolved:" not in text.replace("has been resolved:\n", "")
    assert "\n\nRebuilt the profile.\n\n" in text


def test_placeholders_are_names_only_and_client_text_is_not_read_again():
    with pytest.raises(ConfigError, match=r"\{ticket.__class__\} is not a placeholder"):
        Templates.from_config({"reply": "Hello {ticket.__class__}"})
    with pytest.raises(ConfigError, match="not a placeholder"):
        Templates.from_config({"reply": "Hello {requester_name!r}"})
    with pytest.raises(ConfigError, match="a lone '{'"):
        Templates.from_config({"reply": "Hello { there"})
    with pytest.raises(ConfigError, match="unknown template"):
        Templates.from_config({"farewell": "Bye"})
    sneaky = PRIYA.evolve(subject="{summary} {{x}}")
    assert fill("{subject} / {summary} / {{literal}}", values(sneaky, summary="S")) == "{summary} {{x}} / S / {literal}"


def test_a_line_of_empty_placeholders_is_left_out():
    assert filled("Hi\n{technician}\n{signature}\n", values(PRIYA, technician="", desk_name="Acme IT")) == "Hi\nAcme IT\n"


def test_templates_come_from_the_desks_settings():
    policy = desk_policy({"templates": {"acknowledgement": "Hi {requester_first_name}, ticket {ticket}."}})
    assert filled(policy.templates.acknowledgement, values(PRIYA)) == "Hi Priya, ticket #7.\n"
    assert policy.templates.reply == Templates().reply


@pytest.mark.parametrize(
    ("before", "after", "inserted"),
    [("I will call tomorrow.", "", "\n\nTEXT"), ("Hi,\n\n", "\n\nBye", "TEXT"), ("", "", "TEXT"),
     ("Hi,\n", "Bye", "\nTEXT\n\n")],
)
def test_a_canned_reply_goes_in_as_its_own_paragraph(before, after, inserted):
    assert as_paragraph(before, "TEXT\n", after) == inserted


def test_the_reply_template_is_typed_into_under_the_greeting():
    assert writing_point("Hello Ann,\n\n\n\nKind regards,\nDana") == (2, 0)
    assert writing_point("Hello Ann,\nKind regards") is None


def test_cc_is_shown_literally_without_control_characters_and_masked_in_privacy():
    from sopdash.core.detail import cc_text

    planted = ("\x1b]0;pwned\x07lead@example.com", "boss\x1b[31m@example.com")
    assert cc_text(planted, privacy=False) == "lead@example.com, boss@example.com"
    assert "lead@example.com" not in cc_text(planted[:1], privacy=True)


def test_a_ticket_stored_before_cc_and_desk_address_loads_with_neither():
    old = {"id": 3, "subject": "Old", "created_at": "2026-01-05T09:00:00+00:00",
           "timeline": [{"at": "2026-01-05T09:00:00+00:00", "author": "amara", "kind": "public", "text": "Hi",
                         "delivery": {"state": "sent", "message_id": "<x@y>", "to": "a@b.example"}}]}
    ticket = Ticket.from_dict(old)
    assert (ticket.cc, ticket.desk_address, ticket.timeline[0].delivery.cc) == ((), "", ())


def test_the_dialogs_say_who_is_copied():
    from sopdash.core.delivery import mail_route

    ticket = PRIYA.evolve(cc=("lead@example.com",))
    assert mail_route(ticket, "smtp://mail:587") == "✉ Goes by mail to priya@example.com (cc lead@example.com) via smtp://mail:587."
    assert mail_route(ticket, "smtp://mail:587", privacy=True) == "✉ Goes by mail to (masked) (1 copied) via smtp://mail:587."


def test_an_address_listed_twice_is_refused():
    from sopdash.mail.desk_addresses import desk_addresses

    with pytest.raises(ConfigError, match="listed twice"):
        desk_addresses({"Acme@desk.example.org": {}, "acme@desk.example.org": {}})


def test_a_delivery_says_who_was_copied_and_privacy_masks_them():
    from sopdash.core.delivery import delivery_text
    from sopdash.core.display import client_line
    from sopdash.core.model import Delivery

    record = Delivery("sent", "<m@x>", to="priya@example.com", cc=("lead@example.com",))
    assert delivery_text(record) == "✓ sent to priya@example.com (cc lead@example.com)"
    assert "lead@example.com" not in client_line(delivery_text(record), PRIYA.requester, privacy=True)
