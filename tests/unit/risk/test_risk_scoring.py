"""Likelihood × consequence on the 5×5 matrix, worked by hand from pipe_criteria.yaml."""

import pytest

from services.risk.domain.pipe_rules import load_pipe_rules
from tests.unit.risk.builders import pipe

RULES = load_pipe_rules()
YEAR = 2025


def scored(**fields):
    assessment = RULES.evaluate(pipe(**fields), YEAR)
    return assessment.likelihood, assessment.consequence, assessment.score, assessment.level


def test_aged_hazardous_steel_gas_pipe_is_major():
    # age 20 ÷ 20 = 1.0 → 4 points, hazard +2 → capped at 5; gas 4, 200 mm +0 → 4.
    fields = dict(material="steel", commissioned_year=2005, hazard_assessed=True, diameter_mm=200)
    assert scored(**fields) == (5, 4, 20, "major")


def test_young_pe_gas_pipe_is_significant_by_consequence_alone():
    # age 15 ÷ 20 = 0.75 → 3; gas 4 → matrix row 3, column 4.
    assert scored(material="pe", commissioned_year=2010) == (3, 4, 12, "significant")


def test_ductile_iron_water_main():
    # age 25 ÷ 30 = 0.83 → 3; water 2, 300 mm +1 → 3.
    fields = dict(network="water_supply", material="ductile_iron", commissioned_year=2000)
    assert scored(**fields, diameter_mm=300) == (3, 3, 9, "moderate")


def test_young_pvc_sewer_is_low():
    # age 10 ÷ 50 = 0.2 → 1; sewage 1, 400 mm +1 → 2.
    fields = dict(network="sewage", material="pvc", commissioned_year=2015, diameter_mm=400)
    assert scored(**fields) == (1, 2, 2, "low")


def test_a_mandatory_finding_forces_at_least_significant():
    # age 10 ÷ 50 → 1, flat-mouth concrete +1 → 2; sewage 1 → matrix says low.
    fields = dict(network="sewage", material="flat_mouth_concrete", commissioned_year=2015)
    assessment = RULES.evaluate(pipe(**fields, diameter_mm=200), YEAR)
    assert (assessment.likelihood, assessment.consequence, assessment.score) == (2, 1, 2)
    assert assessment.must_renovate
    assert assessment.level == "significant"


def test_the_forced_level_never_lowers_a_higher_one():
    fields = dict(material="gray_cast_iron", commissioned_year=1985, near_crowded_place=True)
    # age 40 ÷ 20 → 5, +2 gray cast iron → 5; gas 4 + crowded 1 → 5.
    assert scored(**fields) == (5, 5, 25, "major")


@pytest.mark.parametrize(("failures", "likelihood"), [(0, 1), (1, 2), (2, 2), (3, 3), (10, 3)])
def test_recorded_failures_raise_the_likelihood(failures, likelihood):
    # PE gas pipe of age 5 (0.25 → 1 point).
    fields = dict(material="pe", commissioned_year=2020, recorded_failures=failures)
    assert scored(**fields)[0] == likelihood


@pytest.mark.parametrize(("diameter", "consequence"), [(299, 1), (300, 2), (799, 2), (800, 3)])
def test_diameter_raises_the_consequence(diameter, consequence):
    fields = dict(network="rainwater", material="pvc", diameter_mm=diameter)
    assert scored(**fields)[1] == consequence


def test_an_unknown_age_counts_as_middling():
    assert scored(material="pe", commissioned_year=0)[0] == 3


def test_gas_outranks_water_outranks_drainage_on_consequence():
    consequences = [
        scored(network=network, material="pe")[1] for network in ("gas", "water_supply", "sewage")
    ]
    assert consequences == sorted(consequences, reverse=True)
    assert consequences[0] > consequences[1] > consequences[2]


def test_every_cell_of_the_matrix_is_a_known_level_and_worse_never_scores_lower():
    ranks = {"low": 1, "moderate": 2, "significant": 3, "major": 4}
    for row in range(5):
        for column in range(5):
            here = ranks[RULES.matrix[row][column]]
            assert row == 4 or ranks[RULES.matrix[row + 1][column]] >= here
            assert column == 4 or ranks[RULES.matrix[row][column + 1]] >= here
