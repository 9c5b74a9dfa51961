"""Rows in PostgreSQL's binary COPY format, encoded by the registry itself so that most of a row
can be made before its statement runs: a change row is encoded, but for its revision, before the
batch takes its turn, and numbering it then is a join of bytes (the turn is what every batch of
a stream waits for, so it should hold the interpreter as briefly as it can)."""

import datetime as dt
import struct
from itertools import chain

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # the signature, no flags, no header extension
TRAILER = b"\xff\xff"
NULL = b"\xff\xff\xff\xff"
_LENGTH = struct.Struct(">i")
_INT8 = struct.Struct(">iq")
_ROW_AND_INT8 = struct.Struct(">hiq")  # a row's count of fields, then its first field, an int8
_POSTGRES_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def text(value: str | None) -> bytes:
    return NULL if value is None else bytea(value.encode())


def bytea(value: bytes | None) -> bytes:
    return NULL if value is None else _LENGTH.pack(len(value)) + value


def int8(value: int) -> bytes:
    return _INT8.pack(8, value)


def timestamptz(moment: dt.datetime) -> bytes:
    return int8((moment - _POSTGRES_EPOCH) // _MICROSECOND)


def numbered(tails: list[bytes], first: int, fields: int) -> bytes:
    """The whole COPY data of rows whose first field is an int8 counted from `first`, and whose
    other `fields` - 1 fields are encoded in `tails`."""
    heads = map(_ROW_AND_INT8.pack, [fields] * len(tails), [8] * len(tails),
                range(first, first + len(tails)))  # fmt: skip
    return b"".join((SIGNATURE, *chain.from_iterable(zip(heads, tails, strict=True)), TRAILER))
