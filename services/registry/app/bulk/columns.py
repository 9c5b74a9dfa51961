"""A batch's assets as columns: each field read once, with C-level loops where possible."""

import re
from dataclasses import dataclass
from operator import attrgetter, methodcaller

from services.common.resource_names import ASSET_ID, CITY_CODE
from urban.registry.v1 import resources_pb2

# Valid names, each followed by a newline: a whole batch of them checked in one call (without
# the groups of ASSET_NAME, which would make it twice as slow).
_NAME_LINES = re.compile(rf"(?:cities/{CITY_CODE}/assets/{ASSET_ID}\n)*")
_CITY_CODE = slice(len("cities/"), len("cities/") + 6)

_kind = methodcaller("WhichOneof", "spec")
# Asset fields whose columns a Columns holds.
_HELD = {
    "name": "names",
    "district_code": "district_codes",
    "external_id": "external_ids",
    "geojson": "geojsons",
}


@dataclass(frozen=True)
class Columns:
    names: list[str]
    city_codes: list[str] | None  # None when a name is malformed
    kinds: list[str | None]
    district_codes: list[str]
    external_ids: list[str]
    geojsons: list[str]
    labels: list  # the label maps
    label_keys: list[str]  # repr of each label map: equal keys, equal labels
    # Each geometry's positions when the checks parsed it as a line string (little-endian
    # float64 longitude, latitude pairs), else None; None for all when not given.
    lines: list[bytes | None] | None = None

    @classmethod
    def of(cls, assets: list[resources_pb2.Asset]) -> "Columns":
        names = _column(assets, "name")
        labels = _column(assets, "labels")
        return cls(
            names=names,
            city_codes=city_codes(names),
            kinds=list(map(_kind, assets)),
            district_codes=_column(assets, "district_code"),
            external_ids=_column(assets, "external_id"),
            geojsons=_column(assets, "geojson"),
            labels=labels,
            label_keys=list(map(repr, labels)),
        )

    def line(self, position: int) -> bytes | None:
        return self.lines[position] if self.lines else None

    def read(self, assets: list[resources_pb2.Asset], field: str) -> list:
        """The column of `field`: one of these, or read from `assets` now."""
        held = _HELD.get(field)
        return getattr(self, held) if held else _column(assets, field)


def city_codes(names: list[str]) -> list[str] | None:
    """The city code of each name, or None when any name is malformed."""
    lines = "\n".join(names) + "\n"
    if lines.count("\n") != len(names) or _NAME_LINES.fullmatch(lines) is None:
        return None
    return [name[_CITY_CODE] for name in names]


def _column(items: list, field: str) -> list:
    return list(map(attrgetter(field), items))
