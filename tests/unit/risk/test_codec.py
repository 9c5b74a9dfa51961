"""The per-asset row's facts as JSON: only what differs from the defaults, read back equal."""

import dataclasses
import json
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from services.risk.domain.facts import AssetFacts
from services.risk.storage import codec

_FIELDS = dataclasses.fields(AssetFacts)
_VALUES = {
    str: st.text(max_size=12), int: st.integers(0, 10**9), float: st.floats(0, 1e6),
    bool: st.booleans(), date | None: st.none() | st.dates(date(1950, 1, 1), date(2100, 12, 31)),
}


def _facts():
    """Facts whose every field is its default or another value, at random."""
    by_name = {}
    for field in _FIELDS:
        values = _VALUES[field.type]
        if field.default is not dataclasses.MISSING:
            values = st.just(field.default) | values
        by_name[field.name] = values
    return st.builds(AssetFacts, **by_name)


@given(_facts())
def test_facts_read_back_equal(facts):
    assert codec.decode(codec.encode(facts)) == facts


@given(_facts())
def test_only_the_facts_other_than_their_defaults_are_written(facts):
    written = json.loads(codec.encode(facts))
    expected = {
        field.name: getattr(facts, field.name)
        for field in _FIELDS
        if field.default is dataclasses.MISSING or getattr(facts, field.name) != field.default
    }
    assert written.keys() == expected.keys()
    assert list(written) == list(expected)  # in the fields' order


def test_a_pipe_is_written_compactly():
    pipe = AssetFacts(
        name="cities/330100/assets/p1", city="330100", kind="pipe_segment", status="in_service",
        network="gas", commissioned_year=1995, length_m=12.5, created_on=date(2026, 12, 4),
    )
    assert codec.encode(pipe) == (
        '{"name":"cities/330100/assets/p1","city":"330100","kind":"pipe_segment",'
        '"status":"in_service","created_on":"2026-12-04","network":"gas","length_m":12.5,'
        '"commissioned_year":1995}'
    )
