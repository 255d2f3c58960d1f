"""`[mail.addresses]`: the other addresses a desk receives on, each with the category its tickets get and,
optionally, its own From address, name and signature (README: "Several addresses").

```toml
[mail.addresses."acme@desk.example.org"]
category = "Acme"
name = "Acme IT Support"          # the From name of replies on its tickets (default: mail.name)
from = "acme@desk.example.org"    # the From address (default: the address itself)
signature = "Acme IT Support · +44 20 7946 0000"
```
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import msgspec

from sopdash.core.addresses import not_an_address
from sopdash.core.config_table import decode_table
from sopdash.core.errors import ConfigError

MAX_ADDRESSES = 200
MAX_SIGNATURE = 2000


@dataclass(frozen=True, slots=True)
class DeskAddress:
    """One address the desk receives on: the category its tickets get, and how replies on them are sent."""

    address: str
    category: str = ""
    name: str = ""
    sender: str = ""  # the From address of replies (the `from` key); the address itself when empty
    signature: str = ""

    @property
    def from_address(self) -> str:
        return self.sender or self.address


class _AddressTable(msgspec.Struct, forbid_unknown_fields=True, rename={"sender": "from"}):
    category: str = ""
    name: str = ""
    sender: str = ""
    signature: str = ""


def desk_addresses(table: Any) -> tuple[DeskAddress, ...]:
    """The `[mail.addresses]` table checked: each key an e-mail address, each value a table of known keys."""
    if not isinstance(table, Mapping):
        raise ConfigError("mail.addresses", 'must be a table like { "acme@desk.example.org" = { category = "Acme" } }')
    if len(table) > MAX_ADDRESSES:
        raise ConfigError("mail.addresses", f"lists {len(table)} addresses, more than the {MAX_ADDRESSES} allowed")
    found = []
    for address, entry in table.items():
        key = f'mail.addresses."{address}"'
        problem = not_an_address(address.strip())
        if problem:
            raise ConfigError(key, f"{problem}; each key is an address the desk receives on, quoted")
        given = decode_table(entry, _AddressTable, key)
        for field in ("category", "name", "sender"):
            if any(c in getattr(given, field) for c in "\r\n\0"):
                raise ConfigError(f"{key}.{'from' if field == 'sender' else field}", "must be one line")
        sender = given.sender.strip()
        if sender and not_an_address(sender):
            raise ConfigError(f"{key}.from", not_an_address(sender))
        if len(given.signature) > MAX_SIGNATURE:
            raise ConfigError(f"{key}.signature", f"is longer than {MAX_SIGNATURE} characters")
        if address.strip().lower() in {entry.address for entry in found}:
            raise ConfigError(key, "is listed twice (addresses are the same in any case)")
        found.append(DeskAddress(address.strip().lower(), given.category.strip(), given.name.strip(), sender.lower(),
                                 given.signature.strip("\n")))
    return tuple(found)
