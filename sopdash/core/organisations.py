"""The desk's clients as organisations, and which ones a requester belongs to (README: "Organisations").

Built from the `[organisations.KEY]` tables of the desk's settings. A requester belongs to every organisation
that lists their address in `members` (in the order the settings list them) and then to every organisation one of
whose `domains` their address is in: the domain itself or any subdomain of it (`acme.com` takes
`ann@acme.com` and `bob@eu.acme.com`, never `eve@notacme.com`). Addresses and domains compare without case.
Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sopdash.core.addresses import not_an_address
from sopdash.core.errors import ConfigError

_KEYS = {"name", "domains", "members", "address", "notes"}


@dataclass(frozen=True, slots=True)
class Organisation:
    """One client organisation: its key (the table's name, what `o:` filters and policies match), name and rules."""

    key: str
    name: str
    domains: tuple[str, ...] = ()
    members: frozenset[str] = frozenset()
    address: str = ""
    notes: str = ""

    def named(self, word: str) -> bool:
        """Whether `word` names this organisation: its key or name, without case."""
        word = word.casefold()
        return word in (self.key.casefold(), self.name.casefold())


@dataclass(frozen=True)
class Organisations:
    """Every organisation of the desk, in the order of its settings."""

    all: tuple[Organisation, ...] = ()
    _of: dict[str, tuple[Organisation, ...]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_config(cls, table: Mapping[str, Any]) -> Organisations:
        """The `[organisations]` table; raises ConfigError naming the key."""
        if not isinstance(table, Mapping):
            raise ConfigError("organisations", "must be a table of tables ([organisations.ACME])")
        return cls(tuple(_organisation(key, value) for key, value in table.items()))

    def of(self, email: str) -> tuple[Organisation, ...]:
        """The organisations `email` belongs to: explicit membership first, then by domain (see the module)."""
        address = email.strip().casefold()
        known = self._of.get(address)
        if known is None:
            known = self._of[address] = _resolve(self.all, address) if self.all and address else ()
        return known

    def keyed(self, key: str) -> Organisation | None:
        """The organisation whose key is `key` exactly, if the desk has it."""
        return next((organisation for organisation in self.all if organisation.key == key), None) if key else None

    def receiving(self, address: str) -> Organisation | None:
        """The organisation the desk receives on `address` for (its `address`, without case), if any."""
        address = address.strip().casefold()
        return next((o for o in self.all if o.address and o.address == address), None) if address else None

    def named(self, word: str) -> Organisation | None:
        """The organisation `word` names (key or name, without case), if any."""
        return next((organisation for organisation in self.all if organisation.named(word)), None)


def _resolve(organisations: tuple[Organisation, ...], address: str) -> tuple[Organisation, ...]:
    explicit = [o for o in organisations if address in o.members]
    domain = address.rpartition("@")[2]
    by_domain = [o for o in organisations if o not in explicit and any(_within(domain, d) for d in o.domains)]
    return (*explicit, *by_domain)


def _within(domain: str, parent: str) -> bool:
    return domain == parent or domain.endswith("." + parent)


def _organisation(key: str, value: Any) -> Organisation:
    where = f"organisations.{key}"
    if not isinstance(value, Mapping):
        raise ConfigError(where, "must be a table (name, domains, members, address, notes)")
    unknown = sorted(set(value) - _KEYS)
    if unknown:
        raise ConfigError(f"{where}.{unknown[0]}", f"unknown key (known: {', '.join(sorted(_KEYS))})")
    name = _text(value, "name", where) or key
    domains = tuple(_domain(d, f"{where}.domains") for d in _texts(value, "domains", where))
    members = frozenset(_member(m, f"{where}.members") for m in _texts(value, "members", where))
    address = _text(value, "address", where)
    if address and not_an_address(address):
        raise ConfigError(f"{where}.address", not_an_address(address))
    return Organisation(key, name, domains, members, address.casefold(), _text(value, "notes", where))


def _text(value: Mapping[str, Any], key: str, where: str) -> str:
    text = value.get(key, "")
    if not isinstance(text, str):
        raise ConfigError(f"{where}.{key}", f"{text!r} is not text")
    return text.strip()


def _texts(value: Mapping[str, Any], key: str, where: str) -> list[str]:
    items = value.get(key, [])
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ConfigError(f"{where}.{key}", 'must be a list of text (e.g. ["acme.com"])')
    return items


def _domain(text: str, where: str) -> str:
    domain = text.strip().casefold().lstrip("@")
    if not domain or "@" in domain or " " in domain or domain.startswith(".") or "." not in domain:
        raise ConfigError(where, f"{text!r} is not a domain (e.g. acme.com; its subdomains are included)")
    return domain


def _member(text: str, where: str) -> str:
    problem = not_an_address(text.strip())
    if problem:
        raise ConfigError(where, problem)
    return text.strip().casefold()
