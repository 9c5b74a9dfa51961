"""The Redis stream that carries the change log: one entry per revision, ID `{revision}-1`."""


def stream_key(prefix: str) -> str:
    return f"{prefix}:changes"


def entry_id(revision: int) -> str:
    """Also the consumer-group ID after which `revision + 1` is delivered."""
    return f"{revision}-1"


def revision_of(entry_id_: bytes | str) -> int:
    text = entry_id_.decode() if isinstance(entry_id_, bytes) else str(entry_id_)
    return int(text.split("-")[0])
