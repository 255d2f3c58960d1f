"""What the detail pane and `ticket show` add about the client's side: the requester's organisations and the SLA
policy the ticket is measured against, and why (in the roles of `sopdash.core.detail`)."""

from __future__ import annotations

from sopdash.core.detail import LABEL_WIDTH, Line, Span
from sopdash.core.display import LINE_SHOWN
from datetime import datetime, timezone

from sopdash.core.model import PRIORITIES, Requester, Ticket
from sopdash.core.policy import SlaPolicy
from sopdash.core.sla_policies import candidates, measured_by, pick
from sopdash.core.text import one_line

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)  # a draft ticket's creation: the pick never reads it


def client_lines(ticket: Ticket, policy: SlaPolicy) -> list[Line]:
    """`Org       Acme Corp, Globex` (the one the ticket counts under first) when it has any, and
    `SLA       gold (organisation ACME)` when the desk has policies besides its own."""
    lines: list[Line] = []
    organisations = candidates(policy, ticket)
    if organisations:
        names = ", ".join(one_line(o.name, LINE_SHOWN) for o in organisations)
        lines.append((Span(f"{'Org':<{LABEL_WIDTH}}", "label"), Span(names)))
    if policy.policies or ticket.sla_policy:
        name, why = measured_by(policy, ticket)
        lines.append((Span(f"{'SLA':<{LABEL_WIDTH}}", "label"), Span(one_line(name, LINE_SHOWN)),
                      Span(f" ({one_line(why)})", "dim")))
    return lines


def client_hint(policy: SlaPolicy, email: str, category: str, priority: str | None) -> str:
    """What the `N` and `E` forms say under the requester: `Organisation: Acme Corp · SLA gold (organisation ACME)`,
    or `Organisation: none · SLA default`."""
    if not (policy.organisations.all or policy.policies):
        return ""
    organisations = policy.organisations.of(email)
    names = ", ".join(one_line(o.name, LINE_SHOWN) for o in organisations) or "none"
    if not policy.policies:
        return f"Organisation: {names}"
    draft = Ticket(id=0, subject="-", requester=Requester(email=email), category=category,
                   priority=priority if priority in PRIORITIES else "medium", created_at=_EPOCH)
    chosen, why = pick(policy, draft)
    reason = "" if chosen is policy else f" ({why})"
    return f"Organisation: {names} · SLA {one_line(chosen.name, LINE_SHOWN)}{reason}"
