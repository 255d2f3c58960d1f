"""Create a ticket (`N`) or correct one (`E`) from the dashboard, with the same rules as `ticket new` and
`ticket edit`: the desk refuses what they refuse, and the dialog says why with everything typed still there.

Known requesters and categories in use are offered as completions (→ takes one), except in privacy mode,
where requester details are never shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from typing import TypeVar

import orjson
from textual.app import ComposeResult
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static, TextArea

from sopdash.core.addresses import checked_address
from sopdash.core.detail_client import client_hint
from sopdash.core.edit import current_values
from sopdash.core.errors import InputError
from sopdash.core.model import PRIORITIES, Requester, Ticket, chosen
from sopdash.core.policy import SlaPolicy
from sopdash.core.requesters import requester_key
from sopdash.tui.dialogs.base import CANCEL, Dialog, DialogAction, TicketDialog
from sopdash.tui.dialogs.confirm_dialog import ConfirmDialog
from sopdash.tui.dialogs.writing_area import WritingArea
from sopdash.tui.bindings import screen_bindings

ResultT = TypeVar("ResultT")
SAVE_KEYS = screen_bindings("form.save", "form.next", "form.cancel")


@dataclass(frozen=True, slots=True)
class NewTicket:
    """What `N` asks for: the same as `sopdash ticket new`."""

    subject: str
    requester: Requester
    priority: str | None
    category: str
    body: str


def requester_address(requester: Requester) -> str:
    """`Ada Byron <ada@example.com>`, or the bare address when the name is unknown."""
    return formataddr((requester.name, requester.email)) if requester.name else requester.email


def parse_requester(text: str, known: dict[str, Requester]) -> Requester:
    """A requester from `Name <e-mail>` or a bare e-mail; a known address brings its name and phone along."""
    name, email = parseaddr(text.strip())
    if "@" not in email and "@" in text and "<" not in text:
        name, email = "", text  # what no parser takes for an address: the check below says why
    if "@" not in email:
        raise InputError("requester: type an e-mail address, or Name <e-mail>")
    email = checked_address(email, "requester")
    match = known.get(email.casefold())
    if match is None:
        return Requester(name, email)
    return Requester(name or match.name, email, match.phone)


class FormDialog(Dialog[ResultT]):
    """What both forms share: labelled inputs, enter moving to the next field (at once, so what is typed next lands
    there), typing clearing the error line."""

    def field(self, label: str, value: str = "", suggestions: Sequence[str] = (), **options) -> ComposeResult:
        yield Static(Content(label), classes="label")
        suggester = SuggestFromList(suggestions, case_sensitive=False) if suggestions else None
        yield Input(value, suggester=suggester, compact=True, **options)

    policy: SlaPolicy | None = None  # the desk's: the organisation and SLA policy the requester resolves to

    def client_hint(self) -> ComposeResult:
        """The line saying the requester's organisation and SLA policy, on a desk that has either."""
        if self.policy is not None and client_hint(self.policy, "", "", None):
            yield Static(Content(self.current_hint()), classes="hint", id="client-hint")

    def current_hint(self) -> str:
        """The hint for what the form holds now."""
        return ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_field":
            return isinstance(self.focused, Input)  # enter in the description is a new line
        return True

    def action_next_field(self) -> None:
        self.focus_next()

    def on_input_changed(self) -> None:
        self.say("")
        for hint in self.query("#client-hint").results(Static):
            hint.update(Content(self.current_hint()))

    def typed(self) -> dict[str, str]:
        """What is in each field, by its id."""
        typed = {field.id or "": field.value for field in self.query(Input)}
        typed.update({area.id or "": area.text for area in self.query(WritingArea)})
        return typed

    def draft(self) -> str:
        """Every field, as JSON, once anything differs from what the form opened with."""
        typed = self.typed()
        return orjson.dumps(typed).decode() if typed != self.opened_with else ""

    def restore(self, draft: str) -> None:
        try:
            kept = orjson.loads(draft)
        except orjson.JSONDecodeError:
            return
        for field in self.query(Input):
            field.value = str(kept.get(field.id, field.value))
        for area in self.query(WritingArea):
            area.load_text(str(kept.get(area.id, area.text)))

    def on_mount(self) -> None:
        self.opened_with = self.typed()


class NewTicketDialog(FormDialog[NewTicket]):
    """The fields of a new ticket; submits a NewTicket (ctrl+s), or dismisses None (esc)."""

    BINDINGS = SAVE_KEYS
    FRAME_CLASS = "ticket-form-dialog"
    DRAFT = "new ticket"

    def __init__(
        self, requesters: Iterable[Requester], categories: Sequence[str], privacy: bool = False,
        policy: SlaPolicy | None = None,
    ) -> None:
        super().__init__()
        self.known = {} if privacy else {requester_key(r): r for r in requesters if r.email}
        self.categories = categories
        self.privacy = privacy
        self.policy = policy

    def frame_title(self) -> str:
        return "New ticket"

    def compose_body(self) -> ComposeResult:
        yield from self.field("Subject", id="subject")
        addresses = [requester_address(r) for r in self.known.values()]
        yield from self.field("Requester: e-mail, or Name <e-mail>", suggestions=addresses, id="requester")
        yield from self.client_hint()
        yield from self.field(
            f"Priority: {'/'.join(PRIORITIES)} or a prefix; blank: untriaged (medium)",
            suggestions=PRIORITIES,
            id="priority",
        )
        yield from self.field("Category", suggestions=self.categories, id="category")
        yield Static(Content("Description"), classes="label")
        yield WritingArea(id="body")

    def buttons(self) -> Iterable[DialogAction]:
        return (DialogAction("save", "Create (^s)", "primary", "save"), CANCEL)

    def value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value.strip()

    def current_hint(self) -> str:
        if not self.is_mounted:
            return client_hint(self.policy, "", "", None) if self.policy else ""
        email = parseaddr(self.value("requester"))[1]
        return client_hint(self.policy, email, self.value("category"), self.value("priority").casefold() or None)

    def action_save(self) -> None:
        try:
            priority = chosen(self.value("priority"), PRIORITIES, "priority") if self.value("priority") else None
        except InputError as error:
            self.say(f"{error} (or leave it blank).")
            return
        try:
            requester = parse_requester(self.value("requester"), self.known)
        except InputError as error:
            self.say(str(error))
            return
        body = self.query_one("#body", TextArea).text
        self.submit(NewTicket(self.value("subject"), requester, priority, self.value("category"), body))

    def action_cancel(self) -> None:
        typed = any(self.value(f) for f in ("subject", "requester", "priority", "category"))
        if not typed and not self.query_one("#body", TextArea).text.strip():
            self.dismiss(None)
            return
        self.app.push_screen(ConfirmDialog.discard("ticket"), lambda discard: self.dismiss(None) if discard else None)


class EditTicketDialog(FormDialog[dict], TicketDialog[dict]):
    """The ticket's subject, category and requester details to correct; submits the changed fields (ctrl+s).

    In privacy mode the requester's details are not shown, so only the subject and category can be corrected.
    """

    BINDINGS = SAVE_KEYS
    FRAME_CLASS = "ticket-form-dialog"
    DRAFT = "edit"

    def __init__(
        self, ticket: Ticket, categories: Sequence[str], privacy: bool = False, policy: SlaPolicy | None = None
    ) -> None:
        super().__init__(ticket, privacy)
        self.categories = categories
        self.policy = policy
        self.fields = ("subject", "category") if privacy else ("subject", "category", "name", "email", "phone")

    def frame_title(self) -> str:
        return f"Edit ticket #{self.ticket.id}"

    def compose_body(self) -> ComposeResult:
        current = current_values(self.ticket)
        yield self.heading()
        labels = {"subject": "Subject", "category": "Category", "name": "Requester name", "email": "Requester e-mail",
                  "phone": "Requester phone"}
        for field in self.fields:
            suggestions = self.categories if field == "category" else ()
            yield from self.field(labels[field], current[field], suggestions, id=field)
        yield from self.client_hint()
        if self.privacy:
            yield Static(Content("Privacy mode: requester details are hidden (x shows them)."), classes="hint")

    def buttons(self) -> Iterable[DialogAction]:
        return (DialogAction("save", "Save (^s)", "primary", "save"), CANCEL)

    def current_hint(self) -> str:
        current = current_values(self.ticket)
        typed = {**current, **(self.typed() if self.is_mounted else {})}
        return client_hint(self.policy, typed["email"], typed["category"], self.ticket.priority) if self.policy else ""

    def typed(self) -> dict[str, str]:
        """What the form's fields hold."""
        return {field: self.query_one(f"#{field}", Input).value.strip() for field in self.fields}

    def changes(self) -> dict[str, str]:
        """The fields whose text differs from the ticket's."""
        current = current_values(self.ticket)
        typed = {field: self.query_one(f"#{field}", Input).value.strip() for field in self.fields}
        return {field: value for field, value in typed.items() if value != current[field]}

    def action_save(self) -> None:
        changes = self.changes()
        if not changes:
            self.say("Nothing changed.")
        else:
            self.submit(changes)

    def action_cancel(self) -> None:
        if not self.changes():
            self.dismiss(None)
            return
        self.app.push_screen(ConfirmDialog.discard("changes"), lambda discard: self.dismiss(None) if discard else None)
