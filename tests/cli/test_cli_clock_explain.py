"""`sopdash ticket show --clock`: why a clock reads what it reads."""


def test_show_clock_lists_counted_and_uncounted_intervals(env, sopdash, new_ticket, time_machine):
    new_ticket("VPN down", "--priority", "high")  # Wed 09:00 UTC, business hours 08:00-17:00 UTC
    time_machine.move_to("2026-11-25T10:00:00+00:00", tick=False)
    assert sopdash("ticket", "ack", "1").code == 0  # the desk's courteous acknowledgement
    assert sopdash("ticket", "wait", "1").code == 0
    time_machine.move_to("2026-11-25T11:00:00+00:00", tick=False)
    assert sopdash("ticket", "wait", "1", "--off").code == 0
    time_machine.move_to("2026-11-26T09:30:00+00:00", tick=False)
    text = sopdash("ticket", "show", "--clock", "1").out
    assert "Policy: high: ack 1h, resolve 8h, on mon-fri 08:00-17:00 (UTC)" in text
    lines = [line.strip() for line in text.splitlines()]
    assert "Wed 25 Nov 09:00-10:00             counted 1h00m" in lines
    assert "Wed 25 Nov 10:00-11:00             not counted: waiting on the client" in lines
    assert "Wed 25 Nov 17:00-Thu 26 Nov 08:00  not counted: out of hours" in lines
    assert "Resolution clock: breached, due Thu 26 Nov 09:00 UTC" in lines
    assert "8h30m counted of 8h00m: 30m over" in lines


def test_show_clock_and_json_together_is_a_usage_error(env, sopdash, new_ticket):
    new_ticket("VPN down")
    assert sopdash("ticket", "show", "--clock", "--json", "1").code == 2
