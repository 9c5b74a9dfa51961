"""AssetFacts to and from the compact JSON kept in each per-asset row."""

import json
from dataclasses import fields
from datetime import date

from services.risk.domain.facts import AssetFacts

_FIELDS = fields(AssetFacts)
_DATE_FIELDS = frozenset(f.name for f in _FIELDS if f.type == (date | None))
_DEFAULTS = tuple((f.name, f.default) for f in _FIELDS)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode(facts: AssetFacts) -> str:
    """Only the fields that differ from their defaults; dates as ISO 8601."""
    kept = {
        name: value
        for name, default in _DEFAULTS
        if (value := getattr(facts, name)) != default
    }
    for name in _DATE_FIELDS & kept.keys():
        kept[name] = kept[name].isoformat()
    return _ENCODER.encode(kept)


def decode(text: str) -> AssetFacts:
    values = json.loads(text)
    for name in _DATE_FIELDS & values.keys():
        values[name] = date.fromisoformat(values[name])
    return AssetFacts(**values)
