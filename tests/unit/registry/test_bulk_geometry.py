"""Line strings the import's checks parsed give the EWKB and the box shapely gives their text."""

import json
import random

from services.registry.app.bulk.quick_geometry import packed_lines, sorted_geometries
from services.registry.storage.spatial import bounds_of, ewkb


def _line(generate: random.Random, points: int) -> list[list[float]]:
    return [[round(generate.uniform(119.8, 120.4), generate.randint(0, 15)),
             generate.uniform(29.9, 30.4)] for _ in range(points)]  # fmt: skip


def _texts() -> list[str]:
    generate = random.Random(7)
    texts = []
    for n in range(200):
        geometry = {"type": "LineString", "coordinates": _line(generate, 2 + n % 9)}
        compact = n % 2 == 0
        texts.append(json.dumps(geometry, separators=(",", ":") if compact else None))
    texts += [
        '{"type":"LineString","coordinates":[[120.1,30.0],[1.2e2,30.25E0],[12.01e1,3.02e+1]]}',
        '{"type":"LineString","coordinates":[[120.1,30.2,5.0],[120.2,30.3,6.0]]}',
        '{"type":"Point","coordinates":[120.1,30.2]}',
        "",
    ]
    return texts


def test_parsed_lines_encode_as_their_text_does():
    texts = _texts()
    unchecked, lines = sorted_geometries(["pipe_segment"] * len(texts), texts)
    packed = packed_lines(lines, len(texts))
    assert sum(line is not None for line in packed) == 201  # the 3D line and the point are not
    assert ewkb(texts, packed) == ewkb(texts)


def test_without_parsed_lines_every_text_is_parsed():
    texts = _texts()
    assert ewkb(texts, [None] * len(texts)) == ewkb(texts)
    assert ewkb(texts)[-1] is None


def test_parsed_lines_have_the_bounds_of_their_text():
    texts = _texts()
    unchecked, lines = sorted_geometries(["pipe_segment"] * len(texts), texts)
    assert bounds_of(texts, packed_lines(lines, len(texts))) == bounds_of(texts)
