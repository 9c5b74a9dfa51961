"""`urban progress`, `urban candidates` and `urban get` against a registry and a risk service
running together."""

import json

import pytest

from services.common.tokens import add_token
from tests.e2e.conftest import running_on_sqlite
from tests.integration.cli.conftest import Urban
from tests.integration.cli.files import pipe_row, write_csv
from tests.waiting import wait_until

COMPOUNDS = (
    "asset_id,display_name,build_year,households,status,start_date,geojson\n"
    'c-1,翠苑一区,1988,420,started,2024-04-01,"{""type"":""Point"",""coordinates"":[120.1,30.3]}"\n'
    'c-2,古荡新村,1992,380,started,2024-03-01,"{""type"":""Point"",""coordinates"":[120.1,30.3]}"\n'
)
TARGET_KEYS = (
    "old_compounds_started",
    "urban_villages_completed",
    "old_blocks_completed",
    "pipes_renovated",
    "flood_control_compliance",
    "waterlogging_points_eliminated",
)


@pytest.fixture
def system(tmp_path):
    yield from running_on_sqlite(tmp_path)


@pytest.fixture
def loaded(system, capsys, tmp_path):
    """Two compounds started in 2024 and three gas pipes in Hangzhou, applied by the risk service;
    and a token that may read Hangzhou only."""
    urban = Urban(capsys, system.registry.address(), system.admin_token)
    (tmp_path / "compounds.csv").write_text(COMPOUNDS, encoding="utf-8")
    pipes = [pipe_row(1), pipe_row(2, material="pe", commissioned_year="2015"),
             pipe_row(3, status="renovated", renovation_completion_date="2025-03-15")]  # fmt: skip
    write_csv(tmp_path / "pipes.csv", pipes)
    for file, kind in (("compounds.csv", "old_compound"), ("pipes.csv", "pipe_segment")):
        imported = urban("import", str(tmp_path / file), "--city", "330100", "--kind", kind,
                         "--quiet")  # fmt: skip
        assert imported.code == 0, imported.err
    wait_until(lambda: system.metric("urban_risk_applied_revision") == 5, timeout=30)
    # The risk service reads the cities from the registry once it serves, then now and then.
    wait_until(lambda: urban("progress", "--risk", system.risk.address(), "--city", "330100",
                             "--json").code == 0, timeout=30)  # fmt: skip
    hangzhou = add_token(tmp_path / "tokens.yaml", "hangzhou", ["assets.read:330100"])
    return urban, ("--risk", system.risk.address()), hangzhou


@pytest.fixture
def narrow(loaded, monkeypatch):
    """`loaded`, on a terminal 80 columns wide."""
    monkeypatch.setenv("COLUMNS", "80")
    return loaded


def in_80_columns(outcome) -> str:
    """The output of a command that succeeded, every line of it within 80 columns."""
    assert outcome.code == 0, outcome.err
    assert max(len(line) for line in outcome.out.splitlines()) <= 80, outcome.out
    return outcome.out


def until_token_read(urban, risk, token) -> None:
    """Waits for the risk service to read a token just added to its file."""
    wait_until(lambda: urban("progress", *risk, token=token).code == 0, timeout=10)


def test_progress_shows_every_target_and_how_far_behind(narrow):
    urban, risk, _ = narrow
    lines = in_80_columns(urban("progress", *risk)).splitlines()
    for key in TARGET_KEYS:
        assert any(line.startswith(f"{key} ") for line in lines), key
    compounds = lines.index(next(line for line in lines if line.startswith("old_compounds")))
    assert "2 of 2,000 compounds" in lines[compounds]
    verdict = lines[compounds + 1]
    assert verdict.lstrip().startswith("BEHIND") and "0.1 % vs " in verdict
    assert "% expected: behind by " in verdict and verdict.endswith(" points")
    villages = lines[lines.index(next(x for x in lines if x.startswith("urban_villages"))) + 1]
    assert villages.split() == ["-", "nothing", "registered", "to", "count", "yet"]

    progress = json.loads(urban("progress", *risk, "--json", "--as-of", "2025-01-01").out)
    [compounds] = [t for t in progress["targets"] if t["key"] == "old_compounds_started"]
    assert compounds["achieved"] == 2
    early = json.loads(urban("progress", *risk, "--json", "--as-of", "2024-03-31").out)
    assert [t["achieved"] for t in early["targets"] if t["key"] == "old_compounds_started"] == [1]
    pipes = [t for t in early["targets"] if t["key"] == "pipes_renovated"]
    assert pipes[0].get("achieved", 0) == 0  # proto3 JSON leaves zeros out


def test_a_city_token_reads_any_city_and_the_province(narrow):
    urban, risk, hangzhou = narrow
    until_token_read(urban, risk, hangzhou)
    city = in_80_columns(
        urban("progress", *risk, "--city", "330100", "--as-of", "2025-06-30", token=hangzhou)
    )
    assert "city 330100, as of 2025-06-30" in city
    assert "120.5 km" not in city and "0.1 km of 5,000.0 km" in city
    assert "no allocation to judge it by" in city
    assert "nothing registered to count yet (or not in scope)" in city
    ningbo = urban("progress", *risk, "--city", "cities/330200", "--json", token=hangzhou)
    assert ningbo.code == 0, ningbo.err
    targets = json.loads(ningbo.out)["targets"]
    assert {c["city"] for t in targets for c in t["cities"]} == {"cities/330200"}
    unknown = urban("progress", *risk, "--city", "999999")
    assert unknown.code == 1 and "cities/999999" in unknown.err


def test_history_prints_every_month_since_january_2024(narrow):
    urban, risk, _ = narrow
    lines = in_80_columns(urban("progress", *risk, "--history", "--city", "330100")).splitlines()
    start = lines.index(next(line for line in lines if line.startswith("old_compounds_started")))
    months = [line.split() for line in lines[start + 2 : start + 5]]
    assert [(m[0], m[1]) for m in months] == [("2024-01", "0"), ("2024-02", "0"), ("2024-03", "1")]
    assert lines[start + 5].split()[:2] == ["2024-04", "2"]
    assert "--as-of" in urban("progress", *risk, "--history", "--as-of", "2025-01-01").err


def test_candidates_list_a_citys_pipes_with_their_reasons(narrow):
    urban, risk, hangzhou = narrow
    until_token_read(urban, risk, hangzhou)
    found = in_80_columns(
        urban("candidates", *risk, "--city", "330100", "--network", "gas", token=hangzhou)
    )
    assert "1. gas-000001" in found and "2. gas-000002" in found
    assert "gas-000003" not in found  # renovated
    assert "- gas.gray_cast_iron (national criterion):" in found
    assert "major risk" in found and "must renovate" in found
    must = urban("candidates", *risk, "--city", "330100", "--must-renovate", "--json")
    assert [json.loads(line)["asset"] for line in must.out.splitlines()] == [
        "cities/330100/assets/gas-000001"
    ]
    refused = urban("candidates", *risk, "--city", "330200", token=hangzhou)
    assert refused.code == 1 and "assets.read:330200" in refused.err


def test_get_of_a_pipe_shows_its_risk_when_the_risk_service_answers(loaded, free_port):
    urban, risk, _ = loaded
    shown = urban("get", *risk, "cities/330100/assets/gas-000001")
    assert shown.code == 0, shown.err
    assert "risk:" in shown.out and "gas.gray_cast_iron (national criterion)" in shown.out
    renovated = urban("get", *risk, "gas-000003", "--city", "330100")
    assert "risk: not awaiting renovation" in renovated.out
    alone = urban("get", "--risk", f"127.0.0.1:{free_port}", "gas-000001", "--city", "330100")
    assert alone.code == 0 and "Gas main 1" in alone.out
    assert alone.err_lines == [
        f"urban: risk not shown: the risk service at 127.0.0.1:{free_port} is unreachable"
    ]


def test_an_unreachable_risk_service_is_one_line(urban, free_port):
    outcome = urban("progress", "--risk", f"127.0.0.1:{free_port}")
    assert outcome.code == 1
    assert outcome.err_lines == [f"urban: the risk service at 127.0.0.1:{free_port} is unreachable"]
