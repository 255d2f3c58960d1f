"""`sopdash config set views.NAME.query`: a saved view in the desk's settings, checked when set."""


def test_config_set_adds_a_desk_view_and_config_lists_it(env, sopdash):
    result = sopdash("config", "set", "views.hot.query", "p:high a:me")
    assert result.code == 0, result.err
    assert any(line.startswith("views") and "hot" in line for line in sopdash("config").out.splitlines())
    refused = sopdash("config", "set", "views.bad.query", "p:urgentish")
    assert refused.code != 0 and "views.bad.query" in refused.err
