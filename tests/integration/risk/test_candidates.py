"""Renovation candidates: ranking, filters and keyset paging."""

import pytest

from services.risk.domain.candidates import CandidateQuery
from tests.unit.risk.builders import HANGZHOU, NINGBO, created, pipe, updated

# Scored in 2025 (see tests/unit/risk/test_risk_scoring.py for the arithmetic).
PIPES = [
    # gas, gray cast iron, age 35: likelihood 5, consequence 4 → major 20, must renovate
    pipe("a-major-short", material="gray_cast_iron", commissioned_year=1990, length_m=50.0),
    pipe("b-major-long", material="gray_cast_iron", commissioned_year=1990, length_m=300.0),
    pipe("c-major-long", material="gray_cast_iron", commissioned_year=1990, length_m=300.0),
    # gas PE, age 15: 3 × 4 = 12, significant
    pipe("d-significant", material="pe", commissioned_year=2010, length_m=80.0),
    # sewer, flat-mouth concrete, age 10: 2 × 1 = 2, forced to significant
    pipe("e-forced", network="sewage", material="flat_mouth_concrete", length_m=20.0),
    # sewer PVC, age 10: 1 × 1 = 1, low
    pipe("f-low", network="sewage", material="pvc", length_m=500.0),
    # excluded: already renovated, and another city
    pipe("g-renovated", material="gray_cast_iron", status="renovated", commissioned_year=1990),
    pipe("h-ningbo", NINGBO, material="gray_cast_iron", commissioned_year=1990),
]
RANKED = ["b-major-long", "c-major-long", "a-major-short", "d-significant", "e-forced", "f-low"]


@pytest.fixture
def with_pipes(read_model):
    read_model.updates.apply([created(i + 1, facts) for i, facts in enumerate(PIPES)])
    return read_model


def ids(page) -> list[str]:
    return [c.facts.name.rsplit("/", 1)[1] for c in page.candidates]


def test_candidates_rank_by_level_score_length_then_name(with_pipes):
    page = with_pipes.queries.candidates(CandidateQuery(HANGZHOU))
    assert ids(page) == RANKED
    assert page.next_after is None
    first = page.candidates[0]
    assert (first.assessment.level, first.assessment.score, first.age_years) == ("major", 20, 35)
    assert [f.rule_id for f in first.assessment.findings] == ["gas.gray_cast_iron"]


def test_paging_visits_every_candidate_once_in_order(with_pipes):
    seen, after = [], None
    while True:
        page = with_pipes.queries.candidates(CandidateQuery(HANGZHOU, page_size=2, after=after))
        seen += ids(page)
        after = page.next_after
        if after is None:
            break
    assert seen == RANKED


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (CandidateQuery(HANGZHOU, network="sewage"), ["e-forced", "f-low"]),
        (CandidateQuery(HANGZHOU, min_level="significant"), RANKED[:5]),
        (CandidateQuery(HANGZHOU, min_level="major"), RANKED[:3]),
        (CandidateQuery(HANGZHOU, must_renovate_only=True), RANKED[:3] + ["e-forced"]),
        (CandidateQuery(NINGBO), ["h-ningbo"]),
        (CandidateQuery("330300"), []),
    ],
)
def test_filters(with_pipes, query, expected):
    assert ids(with_pipes.queries.candidates(query)) == expected


def test_a_renovation_removes_a_pipe_from_the_candidates(with_pipes):
    after = pipe("a-major-short", status="renovated", commissioned_year=1990, length_m=50.0)
    with_pipes.updates.apply([updated(100, after)])
    assert "a-major-short" not in ids(with_pipes.queries.candidates(CandidateQuery(HANGZHOU)))
