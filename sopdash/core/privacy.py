"""Masking of client-identifying data (SOP 5A): requester names, e-mails and phone numbers.

Shared by redacted reports and the dashboard's privacy mode. Masks keep just enough to tell
people apart at a glance (initials, the first letter of an address) and hide lengths.
"""

from __future__ import annotations

import re

from sopdash.core.model import Requester

_HIDDEN = "***"
# Starts only where a run of address characters starts: tried at every position of a long run, the match
# would rescan the rest of the run each time (a 40 KB word took 4.5 s).
_EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# A run of 7+ digits, allowing the usual separators and a leading +, reads as a phone number.
_PHONE = re.compile(r"\+?\(?\d[\d\s().-]{5,}\d")
_MIN_PHONE_DIGITS = 7
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX_NAME_WORDS = 8  # one pass over the text per word: a name of thousands of words must not cost thousands


def mask_name(name: str) -> str:
    """`Alice Smith` → `A*** S***`: each word's initial, its length hidden."""
    return " ".join(word[0] + _HIDDEN for word in name.split())


def mask_email(email: str) -> str:
    """`alice@example.com` → `a***@e***.com`: first letters and the top-level domain only."""
    email = email.strip()
    if not email:
        return ""
    local, at, domain = email.rpartition("@")
    if not at:
        return email[0] + _HIDDEN
    host, dot, tld = domain.rpartition(".")
    masked_domain = f"{host[:1]}{_HIDDEN}{dot}{tld}" if dot else domain[:1] + _HIDDEN
    return f"{local[:1]}{_HIDDEN}@{masked_domain}"


def mask_phone(phone: str) -> str:
    """`+1 555 123 4567` → `***67`: only the last two digits stay."""
    digits = re.sub(r"\D", "", phone)
    if not digits:
        return ""
    return _HIDDEN + digits[-2:]


def mask_requester(requester: Requester) -> Requester:
    """The requester with name, e-mail and phone masked."""
    return Requester(mask_name(requester.name), mask_email(requester.email), mask_phone(requester.phone))


def scrub_text(text: str, requester: Requester) -> str:
    """Free text (a subject) with the requester's name, and any e-mail address or phone number, masked."""
    text = _EMAIL.sub(lambda match: mask_email(match.group()), text)
    text = _PHONE.sub(_mask_phone_match, text)
    for word in sorted(set(requester.name.split()), key=len, reverse=True)[:_MAX_NAME_WORDS]:
        if len(word) > 1:
            text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", word[0] + _HIDDEN, text, flags=re.IGNORECASE)
    return text


def _mask_phone_match(match: re.Match[str]) -> str:
    found = match.group()
    if sum(c.isdigit() for c in found) < _MIN_PHONE_DIGITS or _DATE.fullmatch(found.strip()):
        return found
    return mask_phone(found)
