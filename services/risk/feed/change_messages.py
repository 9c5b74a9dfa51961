"""The registry's `AssetChange` as the Redis follower parses it: without the fields the risk
service never reads, an asset's `labels` and a change's `before`.

A parse of the full message builds every label (a map: about 40 % of a new pipe's parse) and, on
an update, the whole asset before the change. Here those fields' bytes stay unparsed, kept as
unknown fields; everything else has the registry's field numbers, names and types, so a
message of this type reads as `resources_pb2.AssetChange` does for every field it has. (So an
entry whose `before` alone is malformed is applied rather than parked: its `after` is sound.)
"""

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.descriptor import FileDescriptor

from urban.registry.v1 import resources_pb2

UNREAD = {"AssetChange": ("before",), "Asset": ("labels",)}


def _pool_without_unread() -> descriptor_pool.DescriptorPool:
    pool = descriptor_pool.DescriptorPool()
    _add(pool, resources_pb2.DESCRIPTOR, added=set())
    return pool


def _add(pool: descriptor_pool.DescriptorPool, file: FileDescriptor, added: set[str]) -> None:
    """Adds `file` and what it imports, each once."""
    for dependency in file.dependencies:
        if dependency.name not in added:
            _add(pool, dependency, added)
    proto = descriptor_pb2.FileDescriptorProto()
    file.CopyToProto(proto)
    if file is resources_pb2.DESCRIPTOR:
        _drop_unread(proto)
    pool.Add(proto)
    added.add(file.name)


def _drop_unread(proto: descriptor_pb2.FileDescriptorProto) -> None:
    for message in proto.message_type:
        dropped = UNREAD.get(message.name, ())
        kept = [field for field in message.field if field.name not in dropped]
        del message.field[:]
        message.field.extend(kept)


AssetChange = message_factory.GetMessageClass(
    _pool_without_unread().FindMessageTypeByName(resources_pb2.AssetChange.DESCRIPTOR.full_name)
)
