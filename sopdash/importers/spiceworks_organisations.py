"""The organisations of a Spiceworks export as `[organisations.KEY]` tables of the desk's settings (README:
"Importing from Spiceworks").

An export lists its organisations under `organizations`, each with a `name`, and may say more: an address the
help desk receives on for it (`email`), its e-mail domains (`domain` or `domains`), and which users belong to it (a
user's `organization_id`/`organization`, naming the organisation's `id`/`import_id` or its name; a list for
several). What it says is mapped; what it lacks stays unset. Pure: the CLI writes the tables through the desk's
settings, so they are checked, logged and refused to whoever may not change the desk's policy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sopdash.core.addresses import not_an_address

_KEY_JUNK = re.compile(r"[^A-Za-z0-9_-]+")


def organisation_tables(document: Any) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The export's organisations as settings tables by key, and a warning for each one left out or not mapped."""
    warnings: list[str] = []
    entries = document.get("organizations") if isinstance(document, Mapping) else None
    if not isinstance(entries, list):
        return {}, []
    tables: dict[str, dict[str, Any]] = {}
    refs: dict[str, str] = {}  # an id or a name, casefolded → key
    for index, entry in enumerate(entries):
        name = entry.get("name") if isinstance(entry, Mapping) else None
        if not isinstance(name, str) or not name.strip():
            warnings.append(f"organizations[{index}]: no name; left out")
            continue
        key = _key(name, tables)
        tables[key] = _table(name.strip(), entry, f"organizations[{index}]", warnings)
        for ref in (entry.get("id"), entry.get("import_id"), name.strip()):
            if isinstance(ref, (str, int)) and not isinstance(ref, bool):
                refs.setdefault(str(ref).strip().casefold(), key)  # a name two share names the first
    _add_members(document.get("users"), refs, tables)
    return tables, warnings


def _key(name: str, taken: Mapping[str, Any]) -> str:
    base = _KEY_JUNK.sub("-", name.strip()).strip("-") or "organisation"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def _table(name: str, entry: Mapping[str, Any], path: str, warnings: list[str]) -> dict[str, Any]:
    table: dict[str, Any] = {"name": name}
    domains = entry.get("domains", entry.get("domain"))
    domains = [domains] if isinstance(domains, str) else domains
    if isinstance(domains, list):
        kept = [d.strip().lstrip("@").casefold() for d in domains if isinstance(d, str) and "." in d]
        if kept:
            table["domains"] = kept
    address = entry.get("email")
    if isinstance(address, str) and address.strip():
        if not_an_address(address.strip()):
            warnings.append(f"{path}.email: {not_an_address(address.strip())}; left out")
        else:
            table["address"] = address.strip()
    return table


def _add_members(users: Any, refs: Mapping[str, str], tables: dict[str, dict[str, Any]]) -> None:
    if not isinstance(users, list):
        return
    for user in users:
        if not isinstance(user, Mapping) or not isinstance(user.get("email"), str) or not_an_address(user["email"]):
            continue
        named = user.get("organization_id", user.get("organization"))
        for ref in named if isinstance(named, list) else [named]:
            key = refs.get(str(ref).strip().casefold()) if isinstance(ref, (str, int)) else None
            if key is not None:
                members = tables[key].setdefault("members", [])
                if user["email"] not in members:
                    members.append(user["email"])
