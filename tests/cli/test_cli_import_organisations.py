"""`sopdash import spiceworks FILE --organisations` writes the export's organisations into the desk's settings."""

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
