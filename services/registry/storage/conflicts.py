"""Why a write transaction must run again."""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

# PostgreSQL SQLSTATEs after which the whole transaction can simply run again.
_RETRYABLE_STATES = {"40001", "40P01"}  # serialization failure, deadlock detected


class WriteConflict(Exception):
    """A concurrent transaction got there first; run the whole transaction again."""


@contextmanager
def retryable_as_conflict() -> Iterator[None]:
    """Database errors after which the write can simply run again, raised as WriteConflict."""
    try:
        yield
    except sa.exc.DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) in _RETRYABLE_STATES:
            raise WriteConflict(str(error.orig)) from error
        raise
