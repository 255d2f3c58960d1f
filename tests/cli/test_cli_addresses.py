"""`ticket new` and `ticket edit` take only addresses mail can carry (email-validator), and say why not."""

from __future__ import annotations

import pytest

BAD = ["a@@b.example", "[@b.example", "a@b.example."]


@pytest.mark.parametrize("address", BAD)
def test_new_refuses_before_the_store_is_touched(env, sopdash, address):
    before = env.read_bytes()
    result = sopdash("ticket", "new", "--subject", "Printer jams", "--requester", address)
    assert result.code == 2 and result.out == ""
    assert result.err.startswith(f"sopdash: --requester: {address!r} is not an e-mail address (")
    assert result.err.count("\n") == 1
    assert env.read_bytes() == before


@pytest.mark.parametrize("address", BAD)
def test_edit_refuses_and_leaves_the_ticket(env, sopdash, new_ticket, address):
    ticket_id = str(new_ticket())
    before = env.read_bytes()
    result = sopdash("ticket", "edit", ticket_id, "--email", address)
    assert result.code == 2
    assert result.err.startswith(f"sopdash: e-mail: {address!r} is not an e-mail address (")
    assert env.read_bytes() == before


def test_edit_takes_a_good_address(env, sopdash, new_ticket):
    ticket_id = str(new_ticket())
    assert sopdash("ticket", "edit", ticket_id, "--email", "ann.lee@client.example.com").code == 0
