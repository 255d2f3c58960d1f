"""`sopdash forecast [--json]`: what breaches in the next hour and by the end of the business day, explained."""

import json

from sopdash.desk.identity import current_login

ME = current_login()


def test_forecast_names_a_ticket_due_in_the_next_hour_and_says_why(env, sopdash, new_ticket):
    new_ticket("VPN down", "--priority", "high")  # 09:00 UTC: the reply is due 10:00
    doc = json.loads(sopdash("forecast", "--json").out)
    assert (doc["next_hour"], doc["by_day_end"], doc["day_end"]) == (1, 1, "2026-11-25T17:00:00+00:00")
    assert doc["on_shift"] == [{"login": ME, "open": 0}]  # alice's dashboard is not open
    [ticket] = doc["tickets"]
    assert (ticket["id"], ticket["clock"], ticket["due"]) == (1, "ack", "2026-11-25T10:00:00+00:00")
    assert ticket["why"].startswith("reply due 10:00 (1h00m left), typical time to answer a high ticket: none")
    text = sopdash("forecast").out
    assert "1 due in the next hour, 1 by the end of the day if nothing is done" in text
    assert "#1 high · can make it · VPN down" in text


def test_forecast_on_an_empty_store_names_nothing(env, sopdash):
    result = sopdash("forecast")
    assert result.code == 0 and "0 due in the next hour, 0 by the end of the day" in result.out
