"""Issue 24 item 2: escalating for *other* needs the reason in words, on the command line as in the dashboard."""

from __future__ import annotations


def test_other_without_a_note_is_refused_with_a_clear_message(env, sopdash, new_ticket):
    new_ticket()
    for note in ([], ["--note", "  "]):
        refused = sopdash("ticket", "escalate", "1", "--reason", "other", *note)
        assert refused.code == 2
        assert "'other' needs the reason in words: say why in the note" in refused.err
        assert "Traceback" not in refused.err
    assert sopdash("ticket", "show", "1", "--json").out.count('"escalations": []') == 1


def test_other_with_a_note_escalates(env, sopdash, new_ticket):
    new_ticket()
    done = sopdash("ticket", "escalate", "1", "--reason", "other", "--note", "vendor contract question")
    assert done.code == 0 and "escalated (other)" in done.out


def test_priorities_and_reasons_take_an_unambiguous_prefix(env, sopdash, new_ticket):
    """Issue 24 item 13: `urg` is urgent everywhere a priority is typed, as in the filter's `p:h`."""
    ticket = new_ticket("Printer jams", "--priority", "urg")
    assert '"priority": "urgent"' in sopdash("ticket", "show", str(ticket), "--json").out
    assert sopdash("ticket", "priority", str(ticket), "Lo").code == 0
    assert '"priority": "low"' in sopdash("ticket", "show", str(ticket), "--json").out
    assert "escalated (timing)" in sopdash("ticket", "escalate", str(ticket), "--reason", "ti").out
    refused = sopdash("ticket", "priority", str(ticket), "x")
    assert refused.code == 2 and "invalid choice: 'x'" in refused.err
