"""The Redis stream that carries the change log: one entry per revision, ID `{revision}-1`.

Each entry also names the log it comes from (the registry's id and the log's epoch), and the
marker key next to the stream names the one log the stream holds: its owner.
"""

from dataclasses import dataclass

REGISTRY_FIELD = b"registry"
EPOCH_FIELD = b"epoch"
HEAD_FIELD = b"head"


@dataclass(frozen=True)
class LogSource:
    """One registry's change log in one epoch: revisions mean the same changes only within it."""

    registry_id: str
    epoch: int

    def __str__(self) -> str:
        return f"registry {self.registry_id} epoch {self.epoch}"


def stream_key(prefix: str) -> str:
    return f"{prefix}:changes"


def marker_key(prefix: str) -> str:
    """A hash: `registry`, `epoch` of the log the stream holds, and `head`, its newest revision
    published."""
    return f"{prefix}:changes:source"


def entry_id(revision: int) -> str:
    """Also the consumer-group ID after which `revision + 1` is delivered."""
    return f"{revision}-1"


def revision_of(entry_id_: bytes | str) -> int:
    text = entry_id_.decode() if isinstance(entry_id_, bytes) else str(entry_id_)
    return int(text.split("-")[0])


def source_fields(source: LogSource) -> dict[bytes, bytes]:
    return {REGISTRY_FIELD: source.registry_id.encode(), EPOCH_FIELD: str(source.epoch).encode()}


def source_of(fields: dict) -> LogSource | None:
    """The source an entry or the marker names; None when it names none (or not readably)."""
    try:
        return LogSource(fields[REGISTRY_FIELD].decode(), int(fields[EPOCH_FIELD]))
    except (KeyError, ValueError, UnicodeDecodeError):
        return None
