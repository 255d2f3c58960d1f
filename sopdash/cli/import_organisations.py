"""`sopdash import spiceworks FILE --organisations`: the export's organisations into the desk's settings."""

from __future__ import annotations

import argparse
from pathlib import Path

from sopdash.cli.config_commands import desk_settings
from sopdash.desk.identity import current_login
from sopdash.importers.spiceworks import read_export
from sopdash.importers.spiceworks_organisations import organisation_tables


def organisation_lines(args: argparse.Namespace, file: Path, write: bool = True) -> list[str]:
    """Add the export's organisations the desk's settings lack (with --organisations, unless not to `write`; checked,
    logged, and refused to whoever may not change the desk's policy), or say that they could be; a line each."""
    tables, warnings = organisation_tables(read_export(file))
    if not tables:
        return warnings
    names = ", ".join(table["name"] for table in tables.values())
    if not (args.organisations and write):
        return [*warnings, f"the export names {len(tables)} organisation(s) ({names}); --organisations adds them "
                           "to the desk's settings"]
    import tomlkit

    def add_missing(document) -> None:
        section = document.setdefault("organisations", tomlkit.table(is_super_table=True))
        for key, table in tables.items():
            if key not in section:
                section[key] = table

    changes = desk_settings(args).change(add_missing, current_login(), f"import spiceworks {file} --organisations")
    added = sorted({change.key.split(".")[1] for change in changes})
    said = f"added organisations {', '.join(added)} to the desk's settings" if added else \
        "the desk's settings hold the export's organisations already"
    return [*warnings, said]
