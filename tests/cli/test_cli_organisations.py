"""Organisations and SLA policies from the command line: `config` lists them, `ticket show` says which policy and
why, `report` counts by both, and `import spiceworks --organisations` writes an export's organisations into the
desk's settings."""

import json
from pathlib import Path

FIXTURE = Path(__file__).parent.parent / "fixtures" / "spiceworks_small.json"


def test_the_import_offers_the_organisations_and_adds_them_when_asked(env, sopdash):
    planned = sopdash("import", "spiceworks", str(FIXTURE), "--dry-run", "--organisations")
    assert "the export names 1 organisation(s) (Example Org)" in planned.out
    assert not env.with_name(env.name + ".settings.toml").exists()
    added = sopdash("import", "spiceworks", str(FIXTURE), "--organisations")
    assert added.code == 0, added.err
    assert "added organisations Example-Org to the desk's settings" in added.out
    assert '[organisations.Example-Org]\nname = "Example Org"' in env.with_name(env.name + ".settings.toml").read_text()
    again = sopdash("import", "spiceworks", str(FIXTURE), "--organisations")
    assert "hold the export's organisations already" in again.out
    assert "organisations.Example-Org.name" in sopdash("config", "log").out


def test_config_show_and_report_say_the_organisations_and_policies(env, sopdash):
    settings = [
        "organisations.ACME.domains", '["acme.com"]', "organisations.ACME.name", '"Acme Corp"',
        "sla.policies", '[{name = "gold", match = {organisation = "acme"}, urgent = {ack = "10m"}}]',
    ]
    assert sopdash("config", "set", *settings).code == 0
    shown = sopdash("config").out
    assert "orgs      ACME (Acme Corp); domains acme.com" in shown
    assert "1. gold when organisation acme: urgent 10m/4h" in shown
    made = sopdash("ticket", "new", "--subject", "VPN down", "--requester", "bob@eu.acme.com", "--priority", "urgent")
    ticket = sopdash("ticket", "show", made.out.strip()).out
    assert "Org       Acme Corp" in ticket and "SLA       gold (organisation ACME)" in ticket
    report = json.loads(sopdash("report", "--format", "json", "--until", "2026-11-26").out)
    assert [(g["name"], g["created"]) for g in report["by_organisation"]] == [("Acme Corp", 1)]
    assert [(g["name"], g["created"]) for g in report["by_policy"]] == [("gold", 1)]
