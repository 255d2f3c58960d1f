"""What the detail pane and `ticket show` add about the client's side: the requester's organisations and the SLA
policy the ticket is measured against, and why (in the roles of `sopdash.core.detail`)."""

from __future__ import annotations

from sopdash.core.detail import LABEL_WIDTH, Line, Span
from sopdash.core.display import LINE_SHOWN
from sopdash.core.model import Ticket
from sopdash.core.policy import SlaPolicy
from sopdash.core.sla_policies import measured_by
from sopdash.core.text import one_line


def client_lines(ticket: Ticket, policy: SlaPolicy) -> list[Line]:
    """`Org       Acme Corp, Globex` when the requester belongs to any, and `SLA       gold (organisation ACME)`
    when the desk has policies besides its own."""
    lines: list[Line] = []
    organisations = policy.organisations.of(ticket.requester.email)
    if organisations:
        names = ", ".join(one_line(o.name, LINE_SHOWN) for o in organisations)
        lines.append((Span(f"{'Org':<{LABEL_WIDTH}}", "label"), Span(names)))
    if policy.policies or ticket.sla_policy:
        name, why = measured_by(policy, ticket)
        lines.append((Span(f"{'SLA':<{LABEL_WIDTH}}", "label"), Span(one_line(name, LINE_SHOWN)),
                      Span(f" ({one_line(why)})", "dim")))
    return lines
