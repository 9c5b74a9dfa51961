"""How far the read model got in which registry's log, and what its scores were computed with."""

from dataclasses import dataclass

from services.common.change_stream import LogSource


@dataclass(frozen=True)
class FeedState:
    """How far the feed got in which registry's log (None before any), and the rules, plan and
    year every stored score was computed with."""

    applied_revision: int = 0
    rules_version: str = ""
    plan_version: str = ""
    scored_year: int = 0
    source: LogSource | None = None
    last_event_id: str = ""  # the event id of the change at applied_revision, "" if unknown
