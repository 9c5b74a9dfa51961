"""GeoJSON of pipe segments checked by pattern instead of being parsed text by text.

A text matching one of the FORMS is a JSON object with exactly the members "type": "LineString"
and "coordinates": a geometry.LINE_STRING of positions of the fewest JSON numbers
geometry.POSITION_LENGTHS allows, written as json.dumps writes it (compact or with its default
separators). geometry.check_geojson accepts such a text as soon as it is not too long and its
numbers are finite and lie inside Zhejiang (geometry.all_inside_zhejiang). Texts of any other
shape are left to check_geojson itself.
"""

import re
from dataclasses import dataclass
from operator import methodcaller

import numpy as np

from services.registry.domain.geometry import (
    ALLOWED_TYPES,
    LINE_STRING,
    POSITION_LENGTHS,
    all_inside_zhejiang,
    geojson_too_long,
)

_NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
LINE_KINDS = frozenset(kind for kind, types in ALLOWED_TYPES.items() if "LineString" in types)
# Numbers a position of a vouched text has: the first two are its longitude and latitude.
NUMBERS_A_POSITION = min(POSITION_LENGTHS)


def _form(item: str, key: str) -> tuple[re.Pattern, str]:
    """The pattern of a LineString written with these separators, and what precedes its
    positions."""
    prefix = f'{{"type"{key}"LineString"{item}"coordinates"{key}'
    further_numbers = f"{item}{_NUMBER}" * (NUMBERS_A_POSITION - 1)
    position = rf"\[{_NUMBER}{further_numbers}\]"
    more = f"{{{LINE_STRING.minimum - 1},}}"
    pattern = re.compile(rf"{re.escape(prefix)}\[{position}(?:{item}{position}){more}\]\}}")
    return pattern, prefix


FORMS = (_form(",", ":"), _form(", ", ": "))
_COMPACT, _SPACED = (pattern for pattern, _ in FORMS)
# What is left of vouched texts once their prefixes are gone: numbers, commas and these.
_PUNCTUATION = b"[]} "


@dataclass(frozen=True)
class Lines:
    """The line strings vouched for: their positions in the batch and their coordinates."""

    positions: list[int]
    longitudes: np.ndarray
    latitudes: np.ndarray
    starts: np.ndarray  # index of each line's first position in the coordinate arrays
    numbers: np.ndarray  # every position's numbers, a row each


NO_LINES = Lines([], np.empty(0), np.empty(0), np.empty(0, dtype=np.intp), np.empty((0, 2)))


def packed_lines(lines: Lines, count: int) -> list[bytes | None]:
    """Each of `count` positions' line string as little-endian float64 longitude, latitude
    pairs; None where no line was vouched for."""
    packed = lines.numbers.astype("<f8", copy=False).tobytes()
    width = 8 * NUMBERS_A_POSITION
    bounds = [*(lines.starts * width).tolist(), len(packed)]
    each: list[bytes | None] = [None] * count
    for position, start, end in zip(lines.positions, bounds, bounds[1:], strict=False):
        each[position] = packed[start:end]
    return each


def unchecked_geometries(kinds: list, texts: list[str]) -> list[int]:
    """Positions of the geometries this check cannot vouch for: check_geojson must see them."""
    return sorted_geometries(kinds, texts)[0]


def sorted_geometries(kinds: list, texts: list[str]) -> tuple[list[int], Lines]:
    """(positions check_geojson must see, the lines vouched for)."""
    lines = set(kinds) <= LINE_KINDS and not geojson_too_long(max(texts, key=len))
    compact = list(map(_COMPACT.fullmatch, texts)) if lines else [None] * len(texts)
    if None not in compact:
        vouched, unchecked = list(range(len(texts))), []
    else:
        vouched, unchecked = _sorted_out(lines, compact, texts)
    if not vouched:
        return unchecked, NO_LINES
    parsed = _parsed([texts[position] for position in vouched], vouched)
    if not _valid_numbers(parsed):
        return [position for position, text in enumerate(texts) if text], NO_LINES
    return unchecked, parsed


def _sorted_out(lines: bool, compact: list, texts: list[str]) -> tuple[list[int], list[int]]:
    """(positions vouched for, positions of the others) when not every text is compact."""
    vouched, unchecked = [], []
    for position, (match, text) in enumerate(zip(compact, texts, strict=True)):
        if match or (lines and _SPACED.fullmatch(text)):
            vouched.append(position)
        elif text:
            unchecked.append(position)
    return vouched, unchecked


def _parsed(texts: list[str], positions: list[int]) -> Lines:
    """Each position of a vouched text has NUMBERS_A_POSITION numbers, and the text one comma
    a number."""
    numbers = "\n".join(texts)
    for _, prefix in FORMS:
        numbers = numbers.replace(prefix, "")
    numbers = numbers.encode().translate(None, _PUNCTUATION).replace(b"\n", b",")
    values = np.array(numbers.split(b","), dtype=np.float64).reshape(-1, NUMBERS_A_POSITION)
    commas = np.fromiter(map(methodcaller("count", ","), texts), np.intp, len(texts))
    starts = np.zeros(len(texts), dtype=np.intp)
    np.cumsum(commas[:-1] // NUMBERS_A_POSITION, out=starts[1:])
    return Lines(positions, values[:, 0], values[:, 1], starts, values)


def _valid_numbers(lines: Lines) -> bool:
    """Numbers the pattern admits are finite but for those too large for a float."""
    return bool(np.isfinite(lines.numbers).all()) and all_inside_zhejiang(
        lines.longitudes, lines.latitudes
    )
