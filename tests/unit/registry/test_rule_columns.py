"""Each rule's column-wise form agrees with the rule applied value by value."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.registry.app.bulk.quick_specs import strings_pass
from services.registry.domain.spec_checks import SPEC_TYPES, enum_rules, limits
from services.registry.domain.text_checks import MAX_LENGTHS, has_nul, too_long

TODAY = datetime.date(2025, 6, 15)
LIMITS = [limit for kind in SPEC_TYPES for limit in limits(kind, TODAY)]
ENUM_RULES = [rule for kind in SPEC_TYPES for rule in enum_rules(kind)]
# Numbers around every bound of every limit, zero among them.
EDGES = sorted(
    {0.0, -0.5, 0.5}
    | {edge + step for limit in LIMITS for edge in (limit.minimum, limit.maximum)
       if edge != float("inf") for step in (-1, -0.001, 0, 0.001, 1)}
)  # fmt: skip
# Strings of any length up to past the longest limit, some with a NUL somewhere.
strings = st.builds(
    lambda length, nul_at: "a" * length if nul_at is None else "a" * nul_at + "\0",
    st.integers(0, 2100),
    st.one_of(st.none(), st.integers(0, 2100)),
)
numbers = st.one_of(st.sampled_from(EDGES), st.floats(-1e6, 1e6), st.integers(-10, 20_000))


@pytest.mark.parametrize("limit", LIMITS, ids=lambda limit: limit.field)
@given(values=st.lists(numbers, max_size=8))
def test_a_limit_accepts_a_column_when_it_accepts_each_value(limit, values):
    assert limit.accepts_all(values) == all(map(limit.accepts, values))


@pytest.mark.parametrize("rule", ENUM_RULES, ids=lambda rule: rule.field.full_name)
@given(values=st.lists(st.integers(-1, 12), max_size=8))
def test_an_enum_rule_accepts_a_column_when_each_value_is_defined_and_present(rule, values):
    each = all(rule.is_defined(value) and not rule.is_missing(value) for value in values)
    assert rule.accepts_all(values) == each


@pytest.mark.parametrize("path", [*MAX_LENGTHS, "display_name.unlimited"])
@given(values=st.lists(strings, max_size=4))
def test_strings_pass_when_each_string_is_short_enough_and_without_nul(path, values):
    each = not any(too_long(path, value) or has_nul(value) for value in values)
    assert strings_pass(path, values) == each
