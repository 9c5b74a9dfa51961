"""Parsing many stored asset bodies in one call: framed as the repeated field of a message, they
are parsed by the protobuf runtime at once instead of one call per body."""

import functools

from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2

_ASSETS_FIELD_TAG = b"\x0a"  # ListAssetsResponse.assets: field 1, length-delimited


def parsed(bodies: list[bytes]) -> list[resources_pb2.Asset]:
    framed = b"".join(b"".join((_ASSETS_FIELD_TAG, _varint(len(body)), body)) for body in bodies)
    return list(api.ListAssetsResponse.FromString(framed).assets)


@functools.cache
def _varint(number: int) -> bytes:
    encoded = bytearray()
    while number > 0x7F:
        encoded.append((number & 0x7F) | 0x80)
        number >>= 7
    encoded.append(number)
    return bytes(encoded)
