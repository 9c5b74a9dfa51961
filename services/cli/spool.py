"""Checked assets kept in a temporary file between checking and sending: each row is parsed
once, and what is sent is exactly what was checked, even if the input file changes meanwhile."""

import contextlib
import struct
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

from urban.registry.v1 import resources_pb2

_LENGTHS = struct.Struct(">II")


@contextlib.contextmanager
def open_spool() -> Iterator["Spool"]:
    with tempfile.TemporaryFile(prefix="urban-import-") as file:
        yield Spool(file)


class Spool:
    def __init__(self, file: BinaryIO):
        self._file = file
        self.count = 0

    def add(self, location: str, asset: resources_pb2.Asset) -> None:
        where, data = location.encode(), asset.SerializeToString()
        self._file.write(_LENGTHS.pack(len(where), len(data)) + where + data)
        self.count += 1

    def __iter__(self) -> Iterator[tuple[str, resources_pb2.Asset]]:
        self._file.flush()
        self._file.seek(0)
        for _ in range(self.count):
            where_length, data_length = _LENGTHS.unpack(self._file.read(_LENGTHS.size))
            location = self._file.read(where_length).decode()
            yield location, resources_pb2.Asset.FromString(self._file.read(data_length))
