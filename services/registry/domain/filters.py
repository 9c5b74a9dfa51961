"""ListAssets filters: the AIP-160 subset `term (AND term)*`, a term being `field = value` or
one of the functions `bbox(west, south, east, north)` and `near(lon, lat, meters)`.

Fields: kind, status, district_code, external_id, labels.<key>. A value is a double-quoted
string (JSON escapes) or a bare word.
"""

import json
import re
from dataclasses import dataclass

from services.common.enums import enum_label, enum_labels, enum_number
from services.common.errors import FieldViolation, InvalidArgument, invalid
from services.registry.domain import spatial_filters as spatial
from services.registry.domain.kinds import KINDS, STATUS_ENUMS, kind_of, status_of
from services.registry.domain.text_checks import LABEL_KEY_PATTERN
from urban.registry.v1 import resources_pb2

MAX_FILTER_LENGTH = 16_384  # characters
MAX_FILTER_TERMS = 100  # terms joined by AND
PLAIN_FIELDS = ("kind", "status", "district_code", "external_id")
LABEL_PREFIX = "labels."

_TOKEN = re.compile(
    r'(?P<call>(?:bbox|near)\s*\([^()"]*\))|(?P<quoted>"(?:[^"\\]|\\.)*")|(?P<equals>=)'
    r'|(?P<word>[^\s="]+)|(?P<bad>\S)'
)
_CALL = re.compile(r"(?P<function>\w+)\s*\((?P<arguments>[^()]*)\)")
_FUNCTIONS = {"bbox": (spatial.box, 4), "near": (spatial.near, 3)}
_AND = ("word", "AND")
_AND_WORD = re.compile(r"\bAND\b")
_LABEL_KEY = re.compile(LABEL_KEY_PATTERN)


@dataclass(frozen=True)
class AssetFilter:
    """A conjunction; a None field (and no labels) matches everything. `status` is a label."""

    kind: str | None = None
    status: str | None = None
    district_code: str | None = None
    external_id: str | None = None
    labels: tuple[tuple[str, str], ...] = ()
    places: tuple[spatial.Place, ...] = ()

    def matches(self, asset: resources_pb2.Asset) -> bool:
        actual = (kind_of(asset), status_of(asset), asset.district_code, asset.external_id)
        wanted = (self.kind, self.status, self.district_code, self.external_id)
        plain = all(want is None or want == got for want, got in zip(wanted, actual, strict=True))
        labelled = all(asset.labels.get(key) == value for key, value in self.labels)
        return plain and labelled and spatial.matches_all(self.places, asset.geojson)


def parse_filter(text: str) -> AssetFilter:
    """Raises InvalidArgument with a violation on `filter` when the text is not understood."""
    _check_size(text)
    tokens = [(match.lastgroup, match.group()) for match in _TOKEN.finditer(text)]
    if not tokens:
        return AssetFilter()
    _check_characters(tokens)
    terms = _split_on_and(tokens)
    calls = tuple(_place(group[0][1]) for group in terms if _is_call(group))
    comparisons = [_comparison(group) for group in terms if not _is_call(group)]
    return _build(comparisons, calls)


def _check_size(text: str) -> None:
    """Before anything else reads the text, so that a huge filter costs nothing."""
    if len(text) > MAX_FILTER_LENGTH:
        raise _bad_filter(f"at most {MAX_FILTER_LENGTH} characters allowed; got {len(text)}")
    terms = 1 + sum(1 for _ in _AND_WORD.finditer(text))
    if terms > MAX_FILTER_TERMS:
        raise _bad_filter(f"at most {MAX_FILTER_TERMS} terms joined by AND allowed; got {terms}")


def _check_characters(tokens: list[tuple[str, str]]) -> None:
    for kind, text in tokens:
        if kind == "bad":
            raise _bad_filter(f"unexpected {text!r}; a quoted value must end with a double quote")


def _split_on_and(tokens: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    groups: list[list[tuple[str, str]]] = [[]]
    for token in tokens:
        if token == _AND:
            groups.append([])
        else:
            groups[-1].append(token)
    return groups


def _is_call(tokens: list[tuple[str, str]]) -> bool:
    return len(tokens) == 1 and tokens[0][0] == "call"


def _place(text: str) -> spatial.Place:
    call = _CALL.fullmatch(text)
    make, count = _FUNCTIONS[call["function"]]
    try:
        numbers = [float(argument) for argument in call["arguments"].split(",")]
        if len(numbers) != count:
            raise ValueError(f"{call['function']} takes {count} numbers; got {len(numbers)}")
        return make(*numbers)
    except ValueError as error:
        raise _bad_filter(f"{text}: {error}") from None


def _comparison(tokens: list[tuple[str, str]]) -> tuple[str, str]:
    """(field, value) of `field = value`."""
    shapes = [kind for kind, _ in tokens]
    if len(tokens) != 3 or shapes[:2] != ["word", "equals"] or shapes[2] not in ("word", "quoted"):
        shown = " ".join(text for _, text in tokens) or "nothing"
        raise _bad_filter(f"expected a comparison field = value joined by AND; got {shown!r}")
    return tokens[0][1], _unquote(*tokens[2])


def _unquote(kind: str, text: str) -> str:
    if kind == "word":
        return text
    try:
        return json.loads(text)
    except ValueError as error:
        raise _bad_filter(f"bad escape in the quoted value {text}: {error}") from None


def _build(comparisons: list[tuple[str, str]], calls: tuple[spatial.Place, ...]) -> AssetFilter:
    fields = dict(comparisons)
    if len(fields) < len(comparisons):
        raise _bad_filter("each field may appear only once")
    plain = {name: value for name, value in fields.items() if not name.startswith(LABEL_PREFIX)}
    labels = tuple(
        (_label_key(name), value) for name, value in fields.items() if name.startswith(LABEL_PREFIX)
    )
    _check_fields(plain)
    kind = _checked_kind(plain.get("kind"))
    status = plain.get("status")
    return AssetFilter(
        kind=kind,
        status=_normalised_status(status, kind) if status is not None else None,
        district_code=plain.get("district_code"),
        external_id=plain.get("external_id"),
        labels=labels,
        places=calls,
    )


def _check_fields(plain: dict[str, str]) -> None:
    for name in plain:
        if name not in PLAIN_FIELDS:
            allowed = ", ".join((*PLAIN_FIELDS, LABEL_PREFIX + "<key>"))
            raise _bad_filter(f"unknown filter field {name!r}; use {allowed}")


def _label_key(name: str) -> str:
    key = name.removeprefix(LABEL_PREFIX)
    if _LABEL_KEY.fullmatch(key) is None:
        raise _bad_filter(f"{key!r} in {name!r} is not a valid label key")
    return key


def _checked_kind(kind: str | None) -> str | None:
    if kind is not None and kind not in KINDS:
        raise _bad_filter(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    return kind


def _normalised_status(text: str, kind: str | None) -> str:
    if kind is not None and kind not in STATUS_ENUMS:
        raise _bad_filter(f"{kind} has no status")
    enum_types = [STATUS_ENUMS[kind]] if kind else list(STATUS_ENUMS.values())
    for enum_type in enum_types:
        number = enum_number(enum_type, text)
        if number is not None:
            return enum_label(enum_type, number)
    known = sorted({label for enum_type in enum_types for label in enum_labels(enum_type)})
    of_kind = f" of {kind}" if kind else ""
    raise _bad_filter(f"unknown status{of_kind} {text!r}; use one of {', '.join(known)}")


def _bad_filter(description: str) -> InvalidArgument:
    return invalid([FieldViolation("filter", description)])
