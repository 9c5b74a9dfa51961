"""Hypothesis strategies for hostile requests: any message of the API built field by field
from its descriptor, with values chosen to hurt (huge strings, NaN and infinities, dates and
enums out of range, geometry of the wrong type, tampered page tokens, nonsense field masks)."""

import base64
import json
import math
from collections import Counter

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from hypothesis import strategies as st

CASES_RUN: Counter = Counter()  # (RPC, status code): requests sent, reported after the run
MAX_DEPTH = 3
_T = FieldDescriptor

_characters = st.sampled_from(["a", "市", "\x00", "/", "é", "9", "-", "\U0001f600"])
huge_text = st.builds(lambda c, n: c * n, _characters, st.integers(5_000, 300_000))
odd_text = st.sampled_from([
    "", " ", "\x00", "-", "*", "cities/-", "cities/", "cities//assets/", "%s%n", "../../etc",
    "'; drop table assets; --", "\u202e", "NaN", "Infinity", "null", "{}", "[]",
])
text = st.one_of(st.text(max_size=40), odd_text, huge_text)
city = st.one_of(st.sampled_from(["330100", "330200", "330782", "000000", "999999", "33010",
                                  "3301000", "-", "*"]), st.text(max_size=8))
asset_id = st.one_of(st.from_regex(r"[a-z0-9][a-z0-9-]{0,61}[a-z0-9]", fullmatch=True), text)
names = st.one_of(
    st.builds(lambda c, a: f"cities/{c}/assets/{a}", city, asset_id),
    st.builds(lambda c: f"cities/{c}", city),
    text,
)
floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e308, -0.0, 5e-324, 0.0]),
)
coordinates = st.one_of(
    st.tuples(st.floats(118, 123.5), st.floats(27, 31.5)).map(list),
    st.lists(floats, max_size=4),
)
geometry_types = st.sampled_from(["Point", "LineString", "Polygon", "MultiPolygon",
                                  "MultiLineString", "GeometryCollection", "Feature", "Nope"])


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
geojson = st.one_of(
    st.builds(lambda kind, coords: json.dumps({"type": kind, "coordinates": coords}),
              geometry_types, st.lists(coordinates, max_size=5)),
    st.builds(lambda kind, coords: json.dumps({"type": kind, "coordinates": coords}),
              geometry_types, st.lists(st.lists(coordinates, max_size=5), max_size=3)),
    st.builds(lambda kind, point: f'{{"type":"{kind}","coordinates":{point}}}', geometry_types,
              st.sampled_from(["[NaN,30]", "[Infinity,30]", "[120,-Infinity]", "[1e999,30]"])),
    st.builds(lambda n: _nested(n), st.integers(100, 200_000)),
    json_values.map(json.dumps),
    text,
)


def tampered_token(payload) -> str:
    wrapper = {"body": json.dumps({"after": payload, "query": "0" * 16}), "check": "0" * 16}
    return base64.urlsafe_b64encode(json.dumps(wrapper).encode()).decode()


page_tokens = st.one_of(
    text,
    st.binary(max_size=64).map(lambda b: base64.urlsafe_b64encode(b).decode()),
    json_values.map(tampered_token),
)
mask_paths = st.one_of(
    st.sampled_from(["*", "pipe_segment", "pipe_segment.length_m", "labels", "labels.x",
                     "geojson", "name", "etag", "urban_population", "display_name",
                     "old_compound.status", "spec", "..", "pipe_segment.nope", ""]),
    text,
)
_numbers = st.one_of(
    st.sampled_from(["NaN", "nan", "inf", "-inf", "Infinity", "1e999", "-1e999", "0", "-0",
                     "180", "-180", "90", "-90", "1e-320", "100000", "100000.0001", "1e12",
                     "-1", "", "x", "120.15", "30.27", "0x10", "1_000"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**30), 10**30).map(str),
)


def _call(function: str, arguments: list[str]) -> str:
    return f"{function}({', '.join(arguments)})"


_boxes = st.one_of(
    st.builds(lambda *n: _call("bbox", list(n)), _numbers, _numbers, _numbers, _numbers),
    st.sampled_from(["bbox(-180, -90, 180, 90)", "bbox(121, 31, 119, 29)",  # world, inverted
                     "bbox(120, 30, 120, 30)", "bbox(120.1, 30.2, 120.2, 30.3)",
                     "bbox(-1e308, -1e308, 1e308, 1e308)", "bbox(120, 30, 121)", "bbox()",
                     "bbox(120, 30, 121, 31, 5)", "BBOX(120, 30, 121, 31)"]),
)
_nears = st.one_of(
    st.builds(lambda *n: _call("near", list(n)), _numbers, _numbers, _numbers),
    st.sampled_from(["near(120.15, 30.27, 0)", "near(120.15, 30.27, -5)",
                     "near(120.15, 30.27, 100000)", "near(120.15, 30.27, 100001)",
                     "near(120.15, 30.27, 1e300)", "near(200, 95, 10)", "near(120.15, 30.27)",
                     "near(120.15, 30.27, 500, 1)", "near(NaN, 30, 5)"]),
)
_spatial = st.one_of(_boxes, _nears)


def _nested_call(inner: str, function: str) -> str:
    return f"{function}({inner}, 1, 2, 3)"


spatial_filters = st.one_of(
    _spatial,
    st.lists(st.one_of(_spatial, st.sampled_from(['kind = "pipe_segment"',
                                                   'status = "in_service"'])),
             min_size=2, max_size=6).map(" AND ".join),
    st.lists(_spatial, min_size=2, max_size=3).map(" OR ".join),
    st.builds(_nested_call, _spatial, st.sampled_from(["bbox", "near"])),
    st.builds(lambda f, n: " AND ".join([f] * n), _spatial, st.integers(2, 200)),
    st.builds(lambda f, n: "(" * n + f + ")" * n, _spatial, st.integers(1, 5_000)),
    st.builds(lambda f: f"NOT {f}", _spatial),
)
filters = st.one_of(
    st.sampled_from(['kind = "pipe_segment"', 'status = "in_service"', 'kind = "x" OR',
                     'labels.a = "b" AND kind = "old_compound"', "kind =", '"', "((((",
                     'district_code = "330106" AND AND']),
    spatial_filters,
    text,
)
FIELD_VALUES = {
    "name": names, "parent": names, "asset_id": asset_id, "geojson": geojson,
    "page_token": page_tokens, "filter": filters, "paths": mask_paths, "etag": text,
}


def scalar(field: FieldDescriptor):
    if field.type == _T.TYPE_STRING:
        return FIELD_VALUES.get(field.name, text)
    if field.type == _T.TYPE_BYTES:
        return st.binary(max_size=64)
    if field.type in (_T.TYPE_DOUBLE, _T.TYPE_FLOAT):
        return floats if field.type == _T.TYPE_DOUBLE else floats.filter(_fits_float32)
    if field.type == _T.TYPE_BOOL:
        return st.booleans()
    if field.type == _T.TYPE_ENUM:
        return st.integers(-3, 3) | st.sampled_from([v.number for v in field.enum_type.values])
    bits = 64 if field.type in (_T.TYPE_INT64, _T.TYPE_SINT64, _T.TYPE_SFIXED64) else 32
    edges = st.sampled_from([0, -1, 1, 1899, 1900, 2024, 10_000, -(2 ** (bits - 1))])
    return edges | st.integers(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)


def _fits_float32(value: float) -> bool:
    return not math.isfinite(value) or abs(value) < 3.4e38


def message(descriptor: Descriptor, depth: int = 0):
    """Any instance of `descriptor`'s message, each field set or not."""
    if depth > MAX_DEPTH:
        return st.just(_message_class(descriptor)())
    values = {f.name: st.none() | _value(f, depth) for f in descriptor.fields}
    return st.fixed_dictionaries(values).map(lambda chosen: _build(descriptor, chosen))


def _value(field: FieldDescriptor, depth: int):
    if _is_map(field):
        key, value = field.message_type.fields_by_name["key"], field.message_type.fields_by_name[
            "value"]
        return st.dictionaries(scalar(key), scalar(value), max_size=4)
    single = (message(field.message_type, depth + 1) if field.type == _T.TYPE_MESSAGE
              else scalar(field))
    repeated = field.is_repeated
    return st.lists(single, max_size=3) if repeated else single


def _is_map(field: FieldDescriptor) -> bool:
    return field.type == _T.TYPE_MESSAGE and field.message_type.GetOptions().map_entry


def _build(descriptor: Descriptor, chosen: dict):
    built = _message_class(descriptor)()
    for name, value in chosen.items():
        if value is not None:
            _assign(built, descriptor.fields_by_name[name], value)
    return built


def _assign(built, field: FieldDescriptor, value) -> None:
    target = getattr(built, field.name)
    if _is_map(field):
        target.update(value)
    elif field.is_repeated:
        for item in value:
            target.add().CopyFrom(item) if field.type == _T.TYPE_MESSAGE else target.append(item)
    elif field.type == _T.TYPE_MESSAGE:
        target.CopyFrom(value)
    else:
        setattr(built, field.name, value)


def _message_class(descriptor: Descriptor):
    from google.protobuf import message_factory

    return message_factory.GetMessageClass(descriptor)


def _with_field(asset, field: FieldDescriptor, value):
    """A copy of a valid asset with one field of its spec replaced."""
    changed = type(asset)()
    changed.CopyFrom(asset)
    spec = getattr(changed, changed.WhichOneof("spec"))
    spec.ClearField(field.name)
    _assign(spec, field, value)
    return changed


def mutated(asset):
    """`asset` (valid) with one field of its spec given a hostile value."""
    spec = getattr(asset, asset.WhichOneof("spec")).DESCRIPTOR
    return st.sampled_from(list(spec.fields)).flatmap(
        lambda field: _value(field, 0).map(lambda value: _with_field(asset, field, value))
    )
