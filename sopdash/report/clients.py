"""The report's groupings by client: the organisation each ticket counts under and the SLA policy it was measured
against (`sopdash.core.sla_policies`), as key functions for the tally."""

from __future__ import annotations

from collections.abc import Callable

from sopdash.core.model import Ticket
from sopdash.core.policy import SlaPolicy
from sopdash.core.sla_policies import organisation_of
from sopdash.report.tally import GROUPINGS, Grouping

NO_ORGANISATION = "(none)"


def organisation_key(policy: SlaPolicy) -> Callable[[Ticket], str]:
    """A ticket's organisation by name ("" for none), as `organisation_of` decides."""

    def key(ticket: Ticket) -> str:
        organisation = organisation_of(policy, ticket)
        return organisation.name if organisation is not None else ""

    return key


def policy_key(policy: SlaPolicy) -> Callable[[Ticket], str]:
    """The name of the policy a ticket was measured against."""
    return lambda ticket: policy.for_ticket(ticket).name


def report_groupings(policy: SlaPolicy) -> tuple[Grouping, ...]:
    """The report's tables: priority, technician and category, then by organisation and by SLA policy on a desk that
    has organisations or named policies."""
    clients = []
    if policy.organisations.all:
        clients.append(Grouping("organisation", organisation_key(policy), NO_ORGANISATION))
    if policy.policies:
        clients.append(Grouping("policy", policy_key(policy)))
    return (*GROUPINGS, *clients)
