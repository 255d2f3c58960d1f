"""What the queue says when it has no rows: on an empty store, how tickets come in; in an empty view, how to
see others."""

from __future__ import annotations


def empty_queue_lines(total: int, view_title: str, filter_text: str, mail_on: bool) -> tuple[str, ...]:
    """The lines the queue shows instead of tickets, given how many the store holds (`total`), the view, the typed
    filter and whether the desk's mail is set up."""
    if total == 0:
        mail = (
            "Mail from clients becomes tickets with `sopdash mail fetch` (or --watch)."
            if mail_on
            else "Mail is off: set up [mail] (README: Mail), then `sopdash mail fetch`."
        )
        return ("No tickets yet.", "", "N    new ticket (a phone call, a walk-in)", mail, "?    every key")
    shown = f"No tickets in the view “{view_title}”" + (f" with the filter /{filter_text}" if filter_text else "") + "."
    return (shown, "", "V or F2–F9: another view · / changes the filter (esc in it clears it)")
