"""Why a write transaction must run again."""


class WriteConflict(Exception):
    """A concurrent transaction got there first; run the whole transaction again."""
