import pytest

from services.risk.domain.pipe_rules import LEVELS, load_pipe_rules, pipe_rules_from_dict
from tests.unit.risk.builders import pipe

RULES = load_pipe_rules()
YEAR = 2025


def rule_ids(facts) -> set[str]:
    return {finding.rule_id for finding in RULES.evaluate(facts, YEAR).findings}


def must_renovate(**fields) -> bool:
    return RULES.evaluate(pipe(**fields), YEAR).must_renovate


def test_the_rules_file_is_versioned():
    assert RULES.version == "gb-2022-22-v1"
    assert len({c.rule_id for c in RULES.criteria}) == len(RULES.criteria)


@pytest.mark.parametrize("commissioned_year", [2024, 1960])
def test_gray_cast_iron_gas_pipe_must_be_renovated_whatever_its_age(commissioned_year):
    facts = pipe(material="gray_cast_iron", commissioned_year=commissioned_year)
    assert RULES.evaluate(facts, YEAR).must_renovate
    assert "gas.gray_cast_iron" in rule_ids(facts)


@pytest.mark.parametrize(
    ("age", "hazard_assessed", "expected"),
    [(19, True, False), (20, True, True), (20, False, False), (45, True, True)],
)
def test_steel_gas_pipe_needs_age_20_and_a_hazard_finding(age, hazard_assessed, expected):
    fields = dict(material="steel", commissioned_year=YEAR - age, hazard_assessed=hazard_assessed)
    assert must_renovate(**fields) is expected


@pytest.mark.parametrize(("age", "expected"), [(19, False), (20, True)])
def test_pe_gas_pipe_of_age_20_assessed_as_hazardous(age, expected):
    assert (
        must_renovate(material="pe", commissioned_year=YEAR - age, hazard_assessed=True) is expected
    )


def test_ductile_iron_gas_pipe_only_when_assessed_unsafe():
    assert must_renovate(material="ductile_iron", hazard_assessed=True)
    assert not must_renovate(material="ductile_iron", commissioned_year=1980)


def test_gas_pipe_built_over_by_structures():
    assert must_renovate(occupied_by_structure=True)
    assert not must_renovate(network="water_supply", material="pe", occupied_by_structure=True)


@pytest.mark.parametrize("material", ["cement", "asbestos_cement"])
def test_cement_water_pipe(material):
    assert must_renovate(network="water_supply", material=material, commissioned_year=2020)


def test_gray_cast_iron_water_pipe_only_without_a_lining():
    assert must_renovate(network="water_supply", material="gray_cast_iron", lined=False)
    assert not must_renovate(network="water_supply", material="gray_cast_iron", lined=True)


@pytest.mark.parametrize(
    ("age", "hazard_assessed", "expected"),
    [(29, True, False), (30, True, True), (30, False, False)],
)
def test_water_pipe_of_age_30_assessed_as_hazardous(age, hazard_assessed, expected):
    fields = dict(
        network="water_supply",
        material="ductile_iron",
        commissioned_year=YEAR - age,
        hazard_assessed=hazard_assessed,
    )
    assert must_renovate(**fields) is expected


@pytest.mark.parametrize("network", ["rainwater", "sewage", "combined"])
@pytest.mark.parametrize(("age", "expected"), [(49, False), (50, True)])
def test_drainage_pipe_of_age_50(network, age, expected):
    fields = dict(network=network, material="pvc", commissioned_year=YEAR - age)
    assert must_renovate(**fields) is expected


@pytest.mark.parametrize("material", ["flat_mouth_concrete", "plain_concrete"])
def test_unreinforced_concrete_drainage_pipe(material):
    assert must_renovate(network="sewage", material=material, commissioned_year=2020)
    assert not must_renovate(network="sewage", material="reinforced_concrete")


def test_cross_connected_drainage_pipe():
    assert must_renovate(network="rainwater", material="pvc", cross_connected=True)


@pytest.mark.parametrize(("age", "expected"), [(19, False), (20, True)])
def test_heating_pipe_of_age_20(age, expected):
    assert (
        must_renovate(network="heating", material="steel", commissioned_year=YEAR - age) is expected
    )


def test_an_unknown_commissioning_year_never_meets_an_age_rule():
    assert not must_renovate(network="sewage", material="pvc", commissioned_year=0)


@pytest.mark.parametrize("status", ["renovated", "retired"])
def test_renovated_or_retired_pipes_keep_their_findings_but_need_no_renovation(status):
    facts = pipe(material="gray_cast_iron", status=status)
    assessment = RULES.evaluate(facts, YEAR)
    assert not assessment.must_renovate
    assert [f.rule_id for f in assessment.findings] == ["gas.gray_cast_iron"]


@pytest.mark.parametrize("status", ["in_service", "renovation_planned", "under_renovation"])
def test_pipes_not_yet_renovated_must_be(status):
    assert must_renovate(material="gray_cast_iron", status=status)


def test_advisory_findings_are_not_mandatory():
    facts = pipe(material="steel", commissioned_year=2000, recorded_failures=2)
    assessment = RULES.evaluate(facts, YEAR)
    assert not assessment.must_renovate
    assert {(f.rule_id, f.mandatory) for f in assessment.findings} == {
        ("gas.aged_unassessed", False),
        ("any.recorded_failures", False),
    }


def test_a_bad_matrix_is_refused():
    import yaml

    from services.risk.domain.pipe_rules import DEFAULT_PATH

    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    data["matrix"][2][2] = "catastrophic"
    with pytest.raises(ValueError, match="5×5"):
        pipe_rules_from_dict(data)
    assert set(LEVELS) == {"low", "moderate", "significant", "major"}


@pytest.mark.parametrize("network", ["gas", "water_supply", "sewage", "heating", "unspecified"])
def test_pipes_of_one_age_class_are_assessed_alike(network):
    """inputs() gives the age as its class: every pipe keyed alike is assessed alike."""
    assessed, years = {}, (*range(1800, 2026), 0)
    for year in years:
        for material, hazard_assessed in (("steel", True), ("gray_cast_iron", False)):
            facts = pipe(network=network, material=material, commissioned_year=year,
                         hazard_assessed=hazard_assessed)  # fmt: skip
            assessment = RULES.evaluate(facts, YEAR)
            assert assessed.setdefault(RULES.inputs(facts, YEAR), assessment) == assessment
    assert len(assessed) < len(years) / 2  # far fewer classes than ages
