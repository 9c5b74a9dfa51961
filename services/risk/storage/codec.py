"""AssetFacts to and from the compact JSON kept in each per-asset row."""

import operator
from dataclasses import MISSING, fields
from datetime import date

import orjson

from services.risk.domain.facts import AssetFacts

_FIELDS = fields(AssetFacts)
_NAMES = tuple(f.name for f in _FIELDS)
_DEFAULTS = tuple(f.default for f in _FIELDS)  # MISSING for the fields every asset has
_DATE_FIELDS = frozenset(f.name for f in _FIELDS if f.type == (date | None))
_VALUES = operator.attrgetter(*_NAMES)
assert MISSING not in (None, "", 0)


def encode(facts: AssetFacts) -> str:
    """Only the fields that differ from their defaults; dates as ISO 8601 (orjson writes a
    date so)."""
    kept = {
        name: value
        for name, value, default in zip(_NAMES, _VALUES(facts), _DEFAULTS, strict=True)
        if value != default
    }
    return orjson.dumps(kept).decode()


def decode(text: str) -> AssetFacts:
    values = orjson.loads(text)
    for name in _DATE_FIELDS & values.keys():
        values[name] = date.fromisoformat(values[name])
    return AssetFacts(**values)
