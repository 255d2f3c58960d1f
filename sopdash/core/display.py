"""How people, client text, priorities and times read on every face, with privacy mode applied (SOP 5A)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from sopdash.core.model import Requester, Ticket
from sopdash.core.privacy import mask_email, mask_phone, mask_requester, scrub_text
from sopdash.core.text import one_line, printable

UNTRIAGED = "untriaged"
LINE_SHOWN = 1_000  # characters of one-line client text (a subject): more than any screen is wide
TEXT_SHOWN = 20_000  # characters of a body or message in the ticket detail


def priority_label(ticket: Ticket, short: bool = False) -> str:
    """`high`, or `high (untriaged)` while no technician has set it (SOP 2C); `high?` where room is short."""
    if ticket.triaged:
        return ticket.priority
    return f"{ticket.priority}?" if short else f"{ticket.priority} ({UNTRIAGED})"


def shown_requester(requester: Requester, privacy: bool) -> Requester:
    """The requester as the screen may show them: masked in privacy mode."""
    return mask_requester(requester) if privacy else requester


def requester_label(requester: Requester, privacy: bool, nobody: str = "—") -> str:
    """The requester's name (or e-mail when nameless, else `nobody`), masked in privacy mode."""
    shown = shown_requester(requester, privacy)
    return one_line(shown.name or shown.email) or nobody


def requester_contact(requester: Requester, privacy: bool) -> str:
    """`Name <email> · phone`, masked in privacy mode."""
    name = requester_label(requester, privacy)
    email = mask_email(requester.email) if privacy else requester.email
    phone = mask_phone(requester.phone) if privacy else requester.phone
    parts = [name + (f" <{one_line(email)}>" if email and requester.name else "")]
    if phone:
        parts.append(one_line(phone))
    return " · ".join(parts)


def client_line(text: str, requester: Requester, privacy: bool) -> str:
    """Client-written text on one line (a subject), with names, e-mails and phones masked in privacy mode; a
    giant one is cut to LINE_SHOWN characters before anything else is done to it."""
    text = _cut_between_words(text, 4 * LINE_SHOWN)  # folding whitespace can shrink it: keep some to spare
    return one_line(scrub_text(text, requester) if privacy else text, LINE_SHOWN)


def client_text(text: str, requester: Requester, privacy: bool) -> str:
    """Client-written text keeping its lines (a body, a message), masked in privacy mode; beyond TEXT_SHOWN
    characters, a note says how much more there is (a megabyte body would stall the detail pane)."""
    shown = _cut_between_words(text, TEXT_SHOWN)
    more = f"\n… {len(text) - len(shown):,} more characters (`sopdash ticket show ID --json` prints them)"
    return printable(scrub_text(shown, requester) if privacy else shown) + (more if len(shown) < len(text) else "")


def _cut_between_words(text: str, limit: int) -> str:
    """text up to limit characters, cut at a space or line end if there is one, so no address is cut in two."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(" "), cut.rfind("\n"))
    return cut[:end] if end > 0 else cut


def local_time(moment: datetime | None, zone: tzinfo, with_zone: bool = True, now: datetime | None = None) -> str:
    """`Wed 25 Nov 09:30 EST` (or without the zone) in the team's zone, with the year when it is not the year of
    `now` (`Fri 16 Jun 2023 08:12 EDT`); `—` for no time."""
    if moment is None:
        return "—"
    shown = moment.astimezone(zone)
    year = " %Y" if now is not None and shown.year != now.astimezone(zone).year else ""
    return shown.strftime(f"%a %d %b{year} %H:%M" + (" %Z" if with_zone else ""))


def time_ago(moment: datetime, now: datetime) -> str:
    """`just now`, `5m ago`, `3h ago`, `2d ago`."""
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60}m ago"
    if seconds < 86400:
        return f"{seconds // 3600}h ago"
    return f"{seconds // 86400}d ago"


def changes_since(seen: Ticket, now: Ticket, shown: int = 2) -> str:
    """What happened to a ticket since the version `seen`, who did it, newest last: `bo: assigned to bo`."""
    entries = now.timeline[len(seen.timeline) :] if now.timeline[: len(seen.timeline)] == seen.timeline else ()
    if not entries:
        return f"it is at version {now.version} now (you saw {seen.version})"
    said = [f"{one_line(entry.author)}: {one_line(entry.text)}" for entry in entries[-shown:]]
    more = len(entries) - len(said)
    return "; ".join(said) + (f" (and {more} more)" if more else "")
