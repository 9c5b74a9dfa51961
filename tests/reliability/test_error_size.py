"""A refusal fits the trailing metadata a client accepts (8 KiB by default), however large the
input it echoes, so the client sees the real status and not RESOURCE_EXHAUSTED."""

import pytest

from services.common.errors import FieldViolation, NotFound, invalid
from services.common.rich_status import to_grpc_status

CLIENT_METADATA_LIMIT = 8 * 1024
HUGE = "市" * 100_000


def metadata_bytes(status) -> int:
    return sum(len(key) + len(value) for key, value in status.trailing_metadata) + len(
        status.details.encode()
    ) * 3  # grpc-message is percent-encoded: up to three bytes for each byte


@pytest.mark.parametrize("error", [
    invalid([FieldViolation(f"assets[{n}].name", f"{HUGE} is not a name") for n in range(50)]),
    invalid([FieldViolation(HUGE, HUGE)]),
    NotFound(f"asset {HUGE} not found", metadata={"name": HUGE, HUGE[:50]: "x"}),
])
def test_an_error_echoing_a_huge_input_fits_a_clients_metadata_limit(error):
    status = to_grpc_status(error)
    assert metadata_bytes(status) < CLIENT_METADATA_LIMIT
    assert status.details.endswith("…")
