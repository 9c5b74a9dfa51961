"""GeoJSON of pipe segments checked by pattern instead of being parsed text by text.

A text matching one of the FORMS is a JSON object with exactly the members "type": "LineString"
and "coordinates": two or more positions of two JSON numbers, written as json.dumps writes it
(compact or with its default separators). geometry.check_geojson accepts such a text as soon as
its numbers lie inside Zhejiang and it is not too long. Texts of any other shape are left to
check_geojson itself.
"""

import re

from services.registry.domain.geometry import (
    ALLOWED_TYPES,
    LATITUDE_RANGE,
    LONGITUDE_RANGE,
    MAX_GEOJSON_LENGTH,
)

_NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
LINE_KINDS = frozenset(kind for kind, types in ALLOWED_TYPES.items() if "LineString" in types)


def _form(item: str, key: str) -> tuple[re.Pattern, str]:
    """The pattern of a LineString written with these separators, and what precedes its
    positions."""
    prefix = f'{{"type"{key}"LineString"{item}"coordinates"{key}'
    position = rf"\[{_NUMBER}{item}{_NUMBER}\]"
    pattern = re.compile(rf"{re.escape(prefix)}\[{position}(?:{item}{position})+\]\}}")
    return pattern, prefix


FORMS = (_form(",", ":"), _form(", ", ": "))
_COMPACT, _SPACED = (pattern for pattern, _ in FORMS)
# What is left of vouched texts once their prefixes are gone: numbers, commas and these.
_PUNCTUATION = b"[]} "


def unchecked_geometries(kinds: list, texts: list[str]) -> list[int]:
    """Positions of the geometries this check cannot vouch for: check_geojson must see them."""
    lines = set(kinds) <= LINE_KINDS and max(map(len, texts)) <= MAX_GEOJSON_LENGTH
    compact = list(map(_COMPACT.fullmatch, texts)) if lines else [None] * len(texts)
    if None not in compact:
        vouched, unchecked = texts, []
    else:
        vouched, unchecked = _sorted_out(lines, compact, texts)
    if vouched and not _inside_zhejiang(vouched):
        return [position for position, text in enumerate(texts) if text]
    return unchecked


def _sorted_out(lines: bool, compact: list, texts: list[str]) -> tuple[list[str], list[int]]:
    """(texts vouched for, positions of the others) when not every text is compact."""
    vouched, unchecked = [], []
    for position, (match, text) in enumerate(zip(compact, texts, strict=True)):
        if match or (lines and _SPACED.fullmatch(text)):
            vouched.append(text)
        elif text:
            unchecked.append(position)
    return vouched, unchecked


def _inside_zhejiang(texts: list[str]) -> bool:
    """Numbers alternate longitude, latitude: every position of a vouched text has two."""
    numbers = "\n".join(texts)
    for _, prefix in FORMS:
        numbers = numbers.replace(prefix, "")
    numbers = numbers.encode().translate(None, _PUNCTUATION).replace(b"\n", b",")
    values = list(map(float, numbers.split(b",")))
    return _within(values[0::2], LONGITUDE_RANGE) and _within(values[1::2], LATITUDE_RANGE)


def _within(values: list[float], bounds: tuple[float, float]) -> bool:
    return bounds[0] <= min(values) and max(values) <= bounds[1]
