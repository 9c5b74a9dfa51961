"""AssetFacts to and from the compact JSON kept in each per-asset row."""

import json
from dataclasses import fields
from datetime import date

from services.risk.domain.facts import AssetFacts

_FIELDS = fields(AssetFacts)
_DATE_FIELDS = frozenset(f.name for f in _FIELDS if f.type == (date | None))
_DEFAULTS = {f.name: f.default for f in _FIELDS}


def encode(facts: AssetFacts) -> str:
    """Only the fields that differ from their defaults; dates as ISO 8601."""
    kept = {}
    for name, default in _DEFAULTS.items():
        value = getattr(facts, name)
        if value != default:
            kept[name] = value.isoformat() if name in _DATE_FIELDS else value
    return json.dumps(kept, ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> AssetFacts:
    values = json.loads(text)
    for name in _DATE_FIELDS & values.keys():
        values[name] = date.fromisoformat(values[name])
    return AssetFacts(**values)
