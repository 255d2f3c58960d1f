"""The SOP rules: each action's gate and its audit trail."""

from datetime import datetime, timedelta, timezone

import pytest

from sopdash.core import rules
from sopdash.core.errors import InputError, RuleRefused
from sopdash.core.model import Requester, Ticket
from sopdash.core.sensitive import SensitiveText
from sopdash.core.documents import document

T0 = datetime(2026, 11, 23, 14, 0, tzinfo=timezone.utc)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def new_ticket(priority: str | None = None) -> Ticket:
    return rules.create(7, "VPN drops every hour", Requester("Ada Byron", "ada@example.com", "555-0100"), T0, "amara", priority=priority)


def resolved_ticket(notify: bool = True) -> Ticket:
    ticket = rules.acknowledge(new_ticket(), "amara", at(5), "Hello Ada, we have it.")
    return rules.resolve(ticket, "amara", at(60), "Replaced the VPN profile.", notify=notify)


def test_new_ticket_without_priority_is_medium_and_untriaged():
    ticket = new_ticket()
    assert (ticket.priority, ticket.triaged, ticket.status) == ("medium", False, "new")
    assert ticket.timeline[-1].change == {"status": [None, "new"]}


def test_new_ticket_with_unknown_priority_is_an_input_error():
    with pytest.raises(InputError, match="priority"):
        new_ticket(priority="critical")


def test_acknowledge_is_a_public_reply_that_stops_the_ack_clock_and_opens_the_ticket():
    ticket = rules.acknowledge(new_ticket(), "amara", at(5), "Hello Ada, we have your ticket.")
    assert ticket.acknowledged_at == at(5)
    assert ticket.status == "open"
    assert [e.kind for e in ticket.timeline][-2:] == ["public", "event"]


def test_acknowledging_twice_is_refused_with_when():
    ticket = rules.acknowledge(new_ticket(), "amara", at(5), "Hello")
    with pytest.raises(RuleRefused, match="already acknowledged"):
        rules.acknowledge(ticket, "bjorn", at(6), "Hello again")


@pytest.mark.parametrize(
    "action",
    [
        lambda t: rules.note(t, "amara", at(1), "checked the logs"),
        lambda t: rules.assign(t, "amara", at(1), "bjorn"),
        lambda t: rules.set_priority(t, "amara", at(1), "high"),
        lambda t: rules.complete_step(t, "amara", at(1), 1, "user cannot connect"),
    ],
)
def test_nothing_but_a_public_reply_acknowledges(action):
    assert action(new_ticket()).acknowledged_at is None


def test_first_public_reply_acknowledges():
    assert rules.reply(new_ticket(), "amara", at(9), "Could you restart?").acknowledged_at == at(9)


def test_internal_note_is_internal():
    ticket = rules.note(new_ticket(), "amara", at(1), "password reset done via AD")
    assert ticket.timeline[-1].kind == "internal"


def test_setting_priority_triages_and_audits_old_and_new():
    ticket = rules.set_priority(new_ticket(), "amara", at(1), "high")
    assert (ticket.priority, ticket.triaged) == ("high", True)
    assert ticket.timeline[-1].change == {"priority": ["medium", "high"]}


def test_setting_the_same_priority_on_a_triaged_ticket_is_refused():
    with pytest.raises(RuleRefused, match="already high"):
        rules.set_priority(new_ticket("high"), "amara", at(1), "high")


def test_confirming_the_default_priority_triages():
    assert rules.set_priority(new_ticket(), "amara", at(1), "medium").triaged


def test_waiting_toggles():
    waiting = rules.set_waiting(rules.acknowledge(new_ticket(), "amara", at(0), "Hello"), "amara", at(1))
    assert waiting.status == "waiting"
    with pytest.raises(RuleRefused, match="already waiting"):
        rules.set_waiting(waiting, "amara", at(2))
    assert rules.set_waiting(waiting, "amara", at(3), waiting=False).status == "open"


def test_waiting_on_the_client_needs_the_client_contacted_first():
    """SOP order (issue 24): nobody told the client anything yet, so there is nothing to wait on."""
    with pytest.raises(RuleRefused, match="nobody has contacted the client yet: acknowledge it or reply first"):
        rules.set_waiting(new_ticket(), "amara", at(1))
    assert not rules.verdict_waiting(new_ticket()).allowed
    replied = rules.reply(new_ticket(), "amara", at(1), "Could you restart?")
    assert rules.set_waiting(replied, "amara", at(2)).status == "waiting"


def test_troubleshooting_steps_advance_and_refuse_repeats():
    ticket = rules.complete_step(new_ticket(), "amara", at(1), 1, "cannot connect from home")
    assert ticket.current_step == 2
    assert ticket.timeline[-1].kind == "internal"
    with pytest.raises(RuleRefused, match="step 1 is already done"):
        rules.complete_step(ticket, "amara", at(2), 1)
    with pytest.raises(InputError):
        rules.complete_step(ticket, "amara", at(2), 9)


@pytest.mark.parametrize(
    ("reason", "tier", "flag"),
    [("timing", 2, False), ("other", 2, False), ("disruptive", 2, True), ("unsatisfied", 1, True)],
)
def test_escalation_reasons(reason, tier, flag):
    ticket = rules.escalate(new_ticket(), "amara", at(1), reason, "see notes")
    assert ticket.tier == tier
    assert ticket.needs_manager is flag
    assert ticket.escalations[-1].reason == reason
    assert ticket.is_escalated


def test_escalation_stops_at_tier_three_except_for_the_manager_flag():
    ticket = rules.escalate(rules.escalate(new_ticket(), "a", at(1), "timing"), "a", at(2), "timing")
    assert ticket.tier == 3
    with pytest.raises(RuleRefused, match="top tier"):
        rules.escalate(ticket, "a", at(3), "timing")
    assert rules.escalate(ticket, "a", at(3), "disruptive").needs_manager


def test_unknown_escalation_reason_is_an_input_error():
    with pytest.raises(InputError, match="reason"):
        rules.escalate(new_ticket(), "a", at(1), "bored")


def test_only_a_manager_acknowledges_the_manager_flag():
    ticket = rules.escalate(new_ticket(), "amara", at(1), "unsatisfied")
    with pytest.raises(RuleRefused, match="not a manager"):
        rules.acknowledge_manager_flag(ticket, "amara", at(2), is_manager=False)
    done = rules.acknowledge_manager_flag(ticket, "dana", at(2), is_manager=True)
    assert not done.needs_manager
    assert done.manager_flag.by == "dana"


def test_resolve_notifies_the_client_by_default():
    ticket = resolved_ticket()
    assert ticket.status == "resolved"
    assert ticket.client_notified_at == at(60)
    assert "Replaced the VPN profile." in ticket.timeline[-1].text


def test_resolve_needs_a_summary():
    with pytest.raises(InputError, match="summary"):
        rules.resolve(new_ticket(), "amara", at(5), "  ")


def test_close_is_refused_listing_everything_missing():
    with pytest.raises(RuleRefused) as refused:
        rules.close(new_ticket(), "amara", at(5))
    assert "not resolved" in str(refused.value)
    assert "no resolution summary" in str(refused.value)
    assert "not notified" in str(refused.value)


def test_close_after_resolve_without_notification_is_refused_until_notified():
    ticket = resolved_ticket(notify=False)
    assert rules.verdict_close(ticket).refusals == ("the client was not notified of the resolution",)
    notified = rules.notify_client(ticket, "amara", at(61))
    closed = rules.close(notified, "amara", at(62))
    assert (closed.status, closed.closed_at) == ("closed", at(62))


def test_reopen_clears_the_resolution_and_resumes():
    ticket = rules.reopen(rules.close(resolved_ticket(), "amara", at(70)), "bjorn", at(80))
    assert (ticket.status, ticket.resolved_at, ticket.resolution, ticket.closed_at) == ("open", None, "", None)
    with pytest.raises(RuleRefused):
        rules.reopen(ticket, "bjorn", at(81))


def test_every_action_records_who_and_when():
    ticket = rules.assign(new_ticket(), "amara", at(3), "bjorn")
    event = ticket.timeline[-1]
    assert (event.author, event.at, event.change) == ("amara", at(3), {"assignee": ["", "bjorn"]})


def test_templates_are_courteous_and_name_the_requester():
    ticket = new_ticket()
    assert rules.acknowledgement_message(ticket).startswith("Hello Ada Byron")
    assert "thank you" in rules.acknowledgement_message(ticket).lower()


def test_ticket_round_trips_through_its_document():
    ticket = rules.complete_step(new_ticket("high"), "amara", at(1), 1, "cannot connect")
    ticket = rules.escalate(ticket, "amara", at(2), "disruptive", "shouting")
    ticket = rules.acknowledge_manager_flag(ticket, "dana", at(3), is_manager=True)
    ticket = rules.resolve(ticket, "amara", at(4), "fixed")
    assert Ticket.from_dict(document(ticket)) == ticket


SECRET = "Your temporary password is Xk9pq; the printer is at 10.20.0.15."

SENDS_TO_THE_CLIENT = {
    "acknowledge": lambda t, allow: rules.acknowledge(t, "amara", at(5), SECRET, allow_sensitive=allow),
    "reply": lambda t, allow: rules.reply(t, "amara", at(5), SECRET, allow_sensitive=allow),
    "resolve": lambda t, allow: rules.resolve(t, "amara", at(5), SECRET, allow_sensitive=allow),
    "notify": lambda t, allow: rules.notify_client(
        rules.resolve(t, "amara", at(4), "fixed", notify=False), "amara", at(5), SECRET, allow_sensitive=allow
    ),
}


@pytest.mark.parametrize("send", SENDS_TO_THE_CLIENT.values(), ids=SENDS_TO_THE_CLIENT.keys())
def test_text_for_the_client_that_looks_sensitive_is_refused_naming_what(send):
    with pytest.raises(SensitiveText) as refused:
        send(new_ticket(), False)
    assert isinstance(refused.value, RuleRefused)
    assert str(refused.value) == (
        "cannot send this to the client of ticket #7: it may disclose client-sensitive information (SOP 5A): "
        "password “password is Xk9pq”, private IP address “10.20.0.15”"
    )


@pytest.mark.parametrize("send", SENDS_TO_THE_CLIENT.values(), ids=SENDS_TO_THE_CLIENT.keys())
def test_an_allowed_sensitive_text_is_sent_and_the_override_audited_with_who_and_when(send):
    ticket = send(new_ticket(), True)
    public = [entry for entry in ticket.timeline if entry.kind == "public"]
    assert SECRET in public[-1].text
    overrides = [entry for entry in ticket.timeline if "SOP 5A" in entry.text]
    assert [(e.kind, e.author, e.at) for e in overrides] == [("event", "amara", at(5))]
    assert "password, private IP address" in overrides[0].text
    assert "Xk9pq" not in overrides[0].text  # the audit trail names the kind, it does not copy the secret


def test_allowing_sensitive_text_that_is_not_sensitive_records_no_override():
    ticket = rules.reply(new_ticket(), "amara", at(5), "Could you restart?", allow_sensitive=True)
    assert not any("SOP 5A" in entry.text for entry in ticket.timeline)


def test_an_internal_note_is_never_checked():
    assert rules.note(new_ticket(), "amara", at(1), SECRET).timeline[-1].text == SECRET


def test_troubleshooting_steps_are_taken_in_order():
    with pytest.raises(RuleRefused) as refused:
        rules.complete_step(new_ticket(), "amara", at(1), 3)
    assert str(refused.value) == (
        "cannot record a troubleshooting step on ticket #7: the steps go in order and "
        "step 1 (Identify the problem) is next"
    )
    ticket = rules.complete_step(new_ticket(), "amara", at(1), 1)
    assert rules.verdict_complete_step(ticket, 2).allowed
    assert not rules.verdict_complete_step(ticket, 4).allowed


def test_only_the_escalation_that_raises_the_manager_flag_says_so():
    first = rules.escalate(new_ticket(), "amara", at(1), "unsatisfied")
    assert rules.raised_manager_flag(first)
    again = rules.escalate(first, "amara", at(2), "disruptive")
    assert again.needs_manager and not rules.raised_manager_flag(again)
    assert not rules.raised_manager_flag(rules.escalate(new_ticket(), "amara", at(1), "timing"))


def test_the_next_step_is_refused_once_every_step_is_done_or_the_ticket_is_not_open():
    ticket = new_ticket()
    assert rules.verdict_next_step(ticket).allowed
    for step in range(1, 7):
        ticket = rules.complete_step(ticket, "amara", at(step), step)
    assert rules.verdict_next_step(ticket).refusals == ("every troubleshooting step is done",)
    closed = rules.resolve(new_ticket(), "amara", at(1), "fixed")
    assert rules.verdict_next_step(closed).refusals == ("it is resolved",)
