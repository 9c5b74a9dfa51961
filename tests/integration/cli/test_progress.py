"""`urban progress` against a registry and a risk service running together."""

import json

import pytest

from tests.e2e.conftest import start_system
from tests.integration.cli.conftest import Urban
from tests.waiting import wait_until

COMPOUNDS = (
    "asset_id,display_name,build_year,households,status,start_date,geojson\n"
    'c-1,翠苑一区,1988,420,started,2024-04-01,"{""type"":""Point"",""coordinates"":[120.1,30.3]}"\n'
    'c-2,古荡新村,1992,380,started,2024-03-01,"{""type"":""Point"",""coordinates"":[120.1,30.3]}"\n'
)


@pytest.fixture
def system(tmp_path):
    started = start_system(
        tmp_path, f"sqlite:///{tmp_path / 'registry.db'}", f"sqlite:///{tmp_path / 'risk.db'}"
    )
    yield started
    started.risk.stop()
    started.registry.stop()


def test_progress_shows_every_target_with_what_was_achieved(system, capsys, tmp_path):
    urban = Urban(capsys, system.registry.address(), system.admin_token)
    risk = ("--risk", system.risk.address())
    (tmp_path / "compounds.csv").write_text(COMPOUNDS, encoding="utf-8")
    imported = urban("import", str(tmp_path / "compounds.csv"), "--city", "330100",
                     "--kind", "old_compound", "--quiet")
    assert imported.code == 0, imported.err
    wait_until(lambda: system.metric("urban_risk_applied_revision") == 2, timeout=30)

    table = urban("progress", *risk)
    assert table.code == 0, table.err
    assert "old_compounds_started" in table.out and "pipes_renovated" in table.out
    assert "2 compounds" in table.out and "2,000 compounds" in table.out

    progress = json.loads(urban("progress", *risk, "--json", "--as-of", "2025-01-01").out)
    [compounds] = [t for t in progress["targets"] if t["key"] == "old_compounds_started"]
    assert compounds["achieved"] == 2


def test_an_unreachable_risk_service_is_one_line(urban, free_port):
    outcome = urban("progress", "--risk", f"127.0.0.1:{free_port}")
    assert outcome.code == 1
    assert outcome.err_lines == [f"urban: the risk service at 127.0.0.1:{free_port} is unreachable"]
