"""E-mail addresses as sopdash takes them in: one check, by `email-validator`, wherever an address enters.

Syntax only, never the network (a help desk records a client's address even when their domain is down),
and ASCII before the @-sign: Python's mail headers cannot carry anything else, and few servers take it.
A domain in another script is fine: mail carries it in its ASCII (IDNA) form. An address this check
passes is one our mail can carry, so a stored address fails at delivery only when it is older than the
check or was edited by hand, and then only its own message fails.

A plain address (`ann.lee@client.example.com`) is passed by a narrow pattern first, so a command that takes one
message in does not import the library: a property test holds that the library passes every address it passes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from sopdash.core.errors import InputError

if TYPE_CHECKING:
    from email_validator import ValidatedEmail


_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_PLAIN_DOMAIN = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")
_RESERVED_TOP = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})  # the library refuses these


def plainly_valid(address: str) -> bool:
    """Whether `address` is a plain ASCII one that email-validator passes (False says only: ask the library)."""
    local, _, domain = address.rpartition("@")
    return (
        len(address) <= 254
        and "--" not in domain  # Punycode, and what the library refuses as mistaken for it
        and _PLAIN_LOCAL.fullmatch(local) is not None
        and _PLAIN_DOMAIN.fullmatch(domain) is not None
        and domain.rpartition(".")[2].lower() not in _RESERVED_TOP
    )


def address_problem(address: str) -> str:
    """Why `address` is not an e-mail address sopdash can write to (`the part after the @-sign …`); "" if it is one."""
    if plainly_valid(address):
        return ""
    try:
        _validated(address)
    except ValueError as error:  # EmailNotValidError
        text = str(error).rstrip(".")
        return text[:1].lower() + text[1:]
    return ""


def not_an_address(address: str) -> str:
    """`'a@@b.example' is not an e-mail address (the part after …)`, or "" if it is one."""
    problem = address_problem(address)
    return f"{address!r} is not an e-mail address ({problem})" if problem else ""


def checked_address(address: str, what: str = "e-mail") -> str:
    """The address as given, stripped; InputError naming `what` and the reason if it is not one (empty is allowed)."""
    address = address.strip()
    problem = not_an_address(address) if address else ""
    if problem:
        raise InputError(f"{what}: {problem}")
    return address


def ascii_form(address: str) -> str:
    """A valid address as mail carries it, its domain in ASCII (`ann@xn--exmple-qta.com`); any other as it is."""
    try:
        return _validated(address).ascii_email or address
    except ValueError:
        return address


@lru_cache(maxsize=1024)  # a delivery run checks the desk's own address and each client's several times
def _validated(address: str) -> ValidatedEmail:
    # Imported here: the library takes ~25 ms to import, and most commands never look at an address.
    from email_validator import validate_email

    return validate_email(address, check_deliverability=False, allow_smtputf8=False)
