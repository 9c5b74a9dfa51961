"""Applying changes, guarded by version, equals recounting the final state from scratch."""

import random
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from services.risk.domain.batch import AssetVersion, apply_batch
from services.risk.domain.facts import Change
from services.risk.domain.pipe_rules import load_pipe_rules
from services.risk.domain.plan import load_plan
from services.risk.domain.rollups import add_into, differences, total
from services.risk.domain.scoring import Scoring
from services.risk.storage.rebuild import rows_of
from tests.unit.risk.builders import created, deleted, pipe, renovation, updated, zone

SCORING = Scoring(load_pipe_rules(), load_plan(), 2025)

facts_strategy = st.one_of(
    st.builds(
        lambda i, material, status, length, year: pipe(
            f"p{i}",
            material=material,
            status=status,
            length_m=length,
            commissioned_year=year,
            renovation_completion_date=date(2025, 1, 1) if status == "renovated" else None,
        ),
        st.integers(0, 3),
        st.sampled_from(["pe", "steel", "gray_cast_iron"]),
        st.sampled_from(["in_service", "renovated", "retired"]),
        st.floats(1, 500, allow_nan=False).map(lambda x: round(x, 2)),
        st.integers(1950, 2024),
    ),
    st.builds(
        lambda i, status, day: renovation("old_compound", f"c{i}", status=status, start_date=day),
        st.integers(0, 3),
        st.sampled_from(["planned", "started", "completed"]),
        st.dates(date(2023, 6, 1), date(2029, 6, 1)),
    ),
    st.builds(
        lambda i, area, assessed: zone(f"z{i}", area=area, assessed=assessed),
        st.integers(0, 3),
        st.floats(0.1, 50, allow_nan=False),
        st.sampled_from([0, 20, 50]),
    ),
)


def history(events: list) -> tuple[list, dict]:
    """Each asset's changes in revision order: created, updated or deleted."""
    changes, state = [], {}
    for revision, (facts, delete) in enumerate(events, start=1):
        before = state.get(facts.name)
        if delete and before is not None:
            changes.append(deleted(revision, before))
            state[facts.name] = None
        elif before is None:
            changes.append(created(revision, facts))
            state[facts.name] = facts
        else:
            changes.append(updated(revision, facts))
            state[facts.name] = facts
    return changes, state


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(facts_strategy, st.booleans()), max_size=25), st.randoms())
def test_duplicated_reordered_batches_end_where_a_recount_does(events, rng: random.Random):
    changes, final = history(events)
    delivered = changes + rng.sample(changes, k=len(changes) // 2)
    rng.shuffle(delivered)
    stored, rollups = {}, {}
    for start in range(0, len(delivered), 4):
        outcome = apply_batch(SCORING, stored, delivered[start : start + 4])
        stored.update(outcome.written)
        add_into(rollups, outcome.deltas)
    recount = total(SCORING.contribution(facts) for facts in final.values())
    live = {v.name: v.facts for v in stored.values() if v.facts is not None}
    assert live == {name: facts for name, facts in final.items() if facts is not None}
    assert differences(rollups, recount) == []


def test_an_older_change_after_a_newer_one_changes_nothing():
    first, second = pipe(length_m=10.0), pipe(length_m=20.0)
    stored = {first.name: AssetVersion(first.name, 5, second)}
    outcome = apply_batch(SCORING, stored, [updated(4, first)])
    assert (outcome.applied, outcome.skipped, outcome.deltas, outcome.written) == (0, 1, {}, {})


def test_a_tombstone_stops_a_late_creation():
    facts = pipe()
    stored = {facts.name: AssetVersion(facts.name, 7, None)}
    outcome = apply_batch(SCORING, stored, [created(3, facts)])
    assert outcome.skipped == 1 and outcome.deltas == {}


def test_what_is_subtracted_is_what_was_stored():
    stored_facts, after = pipe(length_m=10.0), pipe(length_m=30.0)
    stored = {after.name: AssetVersion(after.name, 1, stored_facts)}
    outcome = apply_batch(SCORING, stored, [updated(3, after)])
    assert outcome.deltas["pipe_length_m|330100|gas|in_service"] == 20.0


def test_commit_times_are_kept_per_city():
    a, b = pipe("a"), pipe("b", city="330200")
    outcome = apply_batch(SCORING, {}, [created(1, a, 100.0), created(2, b, 300.0)])
    assert outcome.last_change == {"330100": 100.0, "330200": 300.0}
    assert outcome.newest_commit_time == 300.0


def test_a_listed_asset_is_guarded_by_its_version_alone():
    facts = pipe()
    stored = {facts.name: AssetVersion(facts.name, 40, facts, revision=0)}
    late = Change(9, facts.name, pipe(length_m=1.0), version=39)
    newer = Change(10, facts.name, pipe(length_m=2.0), version=41)
    outcome = apply_batch(SCORING, stored, [late, newer])
    assert (outcome.applied, outcome.skipped) == (1, 1)
    assert outcome.written[facts.name] == AssetVersion(facts.name, 41, pipe(length_m=2.0), 10)


def test_an_asset_a_listing_no_longer_held_ignores_history_but_not_a_recreation():
    facts = pipe()
    stored = {facts.name: AssetVersion(facts.name, 5, None, revision=100)}
    history_before_listing = Change(90, facts.name, facts, version=8)
    recreated = Change(101, facts.name, facts, version=120)
    outcome = apply_batch(SCORING, stored, [history_before_listing, recreated])
    assert (outcome.applied, outcome.skipped) == (1, 1)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(facts_strategy, st.booleans()), max_size=25), st.randoms())
def test_each_written_version_carries_the_assessment_of_its_facts(events, rng: random.Random):
    changes, _ = history(events)
    rng.shuffle(changes)
    outcome = apply_batch(SCORING, {}, changes)
    assert outcome.assessments.keys() == outcome.written.keys()
    for name, version in outcome.written.items():
        assert outcome.assessments[name] == SCORING.assess(version.facts)


def test_rows_built_from_a_batchs_assessments_equal_rows_assessed_afresh():
    old_iron = pipe("g1", material="gray_cast_iron", commissioned_year=1970, length_m=300.0)
    changes = [
        created(1, old_iron),
        created(2, pipe("g2")),
        updated(3, pipe("g2", status="renovated", renovation_completion_date=date(2025, 3, 1))),
        created(4, renovation("old_compound", "c1", status="started")),
        created(5, zone("z1", assessed=20)),
        deleted(6, pipe("g2")),
    ]
    outcome = apply_batch(SCORING, {}, changes)
    versions = list(outcome.written.values())
    assert outcome.assessments["cities/330100/assets/g1"] is not None
    given_rows = rows_of(SCORING, versions, outcome.assessments)
    assert given_rows == rows_of(SCORING, versions)
