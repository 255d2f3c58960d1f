"""SOP 5A: spot a password, payment card number or private IP address before it reaches a client."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from sopdash.core.errors import RuleRefused

PASSWORD = "password"
CARD_NUMBER = "card number"
PRIVATE_IP = "private IP address"

_EXCERPT_LIMIT = 40

# A password keyword, optionally "for <a few words>", then "is", ":" or "=" and the value.
_PASSWORD = re.compile(
    r"\b(?:password|passwd|passcode|passphrase|pwd|pw)\b"
    r"(?:\s+for\s+[^\s:=]+(?:\s+[^\s:=]+){0,2}?)?"
    r"\s*(?:\bis\b\s*:?|[:=])\s*"
    r"(?P<value>[^\s,;]+)",
    re.IGNORECASE,
)
# Words that follow "password is" in ordinary sentences ("your password is expired"), not secrets.
_NOT_A_PASSWORD = frozenset(
    """a an the not now still too being already expired reset changed updated incorrect wrong invalid
    valid correct required locked working case-sensitive set""".split()
)

# 13–19 digits, single spaces or dashes allowed between them; not glued to other digits, letters or a "+".
_CARD = re.compile(r"(?<![\w+])[2-6](?:[ -]?\d){12,18}(?![\w])")
# Separated card numbers are printed in these groupings (4-4-4-4…, Amex 4-6-5, Diners 4-6-4); phone numbers are not.
_CARD_GROUPS = re.compile(r"\d{4}(?:([ -])\d{4}){2,3}(?:\1\d{1,4})?|\d{4}([ -])\d{6}\2\d{4,5}")

_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
_IPV6_UNIQUE_LOCAL = re.compile(r"(?<![\w:])f[cd][0-9a-f]{0,2}:[0-9a-f:]*[0-9a-f]", re.IGNORECASE)
_PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(net) for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of text that may disclose something sensitive: what kind, the text itself, and where it starts."""

    kind: str
    excerpt: str
    start: int = 0


class SensitiveText(RuleRefused):
    """SOP 5A refused text bound for a client: it appears to disclose something sensitive (see `findings`)."""

    def __init__(self, message: str, findings: list[Finding]) -> None:
        super().__init__(message)
        self.findings = findings


def check_disclosure(
    text: str, allow_sensitive: bool = False, action: str = "send this to the client"
) -> list[Finding]:
    """SOP 5A before text reaches a client: raise SensitiveText naming what looks sensitive, unless allowed.

    `action` completes the refusal ("cannot send this to the client: …"). With `allow_sensitive` the findings
    come back instead, so the caller can record the override in the audit trail.
    """
    findings = find_sensitive(text)
    if findings and not allow_sensitive:
        raise SensitiveText(
            f"cannot {action}: it may disclose client-sensitive information (SOP 5A): {describe(findings)}", findings
        )
    return findings


def describe(findings: list[Finding]) -> str:
    """The findings on one line with their excerpts: `password “password is Xk9pq”, private IP address “10.0.0.5”`."""
    return ", ".join(f"{finding.kind} “{finding.excerpt}”" for finding in findings)


def kinds_of(findings: list[Finding]) -> str:
    """What kinds of thing were found, without the text itself: `password, private IP address`."""
    return ", ".join(dict.fromkeys(finding.kind for finding in findings))


def find_sensitive(text: str) -> list[Finding]:
    """Every password, card number or private IP address that `text` appears to contain, in reading order."""
    findings = [*_passwords(text), *_card_numbers(text), *_private_ips(text)]
    return sorted(findings, key=lambda finding: finding.start)


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT_LIMIT else text[: _EXCERPT_LIMIT - 1] + "…"


def _passwords(text: str) -> list[Finding]:
    return [
        Finding(PASSWORD, _excerpt(match.group()), match.start())
        for match in _PASSWORD.finditer(text)
        if match["value"].lower().rstrip(".!?") not in _NOT_A_PASSWORD
    ]


def luhn_valid(digits: str) -> bool:
    """True if the digit string passes the Luhn check that every payment card number passes."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card_numbers(text: str) -> list[Finding]:
    findings = []
    for match in _CARD.finditer(text):
        candidate = match.group()
        digits = re.sub(r"\D", "", candidate)
        grouped_like_a_card = candidate.isdigit() or _CARD_GROUPS.fullmatch(candidate)
        if grouped_like_a_card and 13 <= len(digits) <= 19 and luhn_valid(digits):
            findings.append(Finding(CARD_NUMBER, candidate, match.start()))
    return findings


def _private_ips(text: str) -> list[Finding]:
    findings = []
    for pattern in (_IPV4, _IPV6_UNIQUE_LOCAL):
        for match in pattern.finditer(text):
            try:
                address = ipaddress.ip_address(match.group())
            except ValueError:
                continue
            if any(address in network for network in _PRIVATE_NETWORKS):
                findings.append(Finding(PRIVATE_IP, match.group(), match.start()))
    return findings
