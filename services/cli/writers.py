"""Streaming CSV and GeoJSON writers whose output `urban import` reads back unchanged (with the
same mapping file, when one renames the columns)."""

import csv
import json
from typing import TextIO

from services.cli.columns import export_columns
from services.cli.mapping import NO_MAPPING, Mapping
from services.cli.outward import Outward
from services.cli.sources import compact_json
from urban.registry.v1 import resources_pb2


class CsvWriter:
    def __init__(self, file: TextIO, kinds: tuple[str, ...], mapping: Mapping = NO_MAPPING):
        self._outward = Outward(mapping)
        self._writer = csv.DictWriter(
            file, fieldnames=self._outward.headers(export_columns(kinds)), restval="",
            extrasaction="ignore", lineterminator="\n",
        )
        self._writer.writeheader()

    def write(self, asset: resources_pb2.Asset) -> None:
        self._writer.writerow(self._outward.cells(asset))

    def close(self) -> None:
        pass


class GeoJsonWriter:
    """A FeatureCollection written one feature a line, so memory stays constant."""

    def __init__(self, file: TextIO, kinds: tuple[str, ...], mapping: Mapping = NO_MAPPING):
        self._file, self._outward = file, Outward(mapping)
        self._separator = ""
        file.write('{"type":"FeatureCollection","features":[\n')

    def write(self, asset: resources_pb2.Asset) -> None:
        feature = {
            "type": "Feature",
            "geometry": json.loads(asset.geojson) if asset.geojson else None,
            "properties": self._outward.properties(asset),
        }
        self._file.write(self._separator + compact_json(feature))
        self._separator = ",\n"

    def close(self) -> None:
        self._file.write("\n]}\n")


WRITERS = {"csv": CsvWriter, "geojson": GeoJsonWriter}
