"""E-mail addresses as sopdash takes them in: one check, by `email-validator`, wherever an address enters.

Syntax only, never the network (a help desk records a client's address even when their domain is down).
An address this check passes is one Python's mail headers and SMTP can carry, so a stored address fails
only when a record older than the check, or edited by hand, holds one it would have refused.
"""

from __future__ import annotations

from sopdash.core.errors import InputError


def address_problem(address: str) -> str:
    """Why `address` is not an e-mail address sopdash can write to, in the library's words; "" if it is one."""
    # Imported here: the library costs ~25 ms to import, and most commands never look at an address.
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        return str(error)
    return ""


def checked_address(address: str, what: str = "e-mail") -> str:
    """The address as given, stripped; InputError naming `what` and the reason if it is not one (empty is allowed)."""
    address = address.strip()
    problem = address_problem(address) if address else ""
    if problem:
        raise InputError(f"{what}: {address!r} is not an e-mail address ({problem[0].lower()}{problem[1:].rstrip('.')})")
    return address

