"""Etags: what a client sends back to write only what it read (AIP-154)."""


def etag_of(version: int) -> str:
    return f'"{version}"'
