"""Whether the read model's figures are true yet, after the service started."""

from dataclasses import dataclass

from services.common.change_stream import LogSource
from services.risk.domain.feed_state import FeedState


@dataclass
class StartupReadiness:
    """Ready once the registry's cities are known (a drainage zone's compliance needs its city's
    population) and the read model follows the registry's log up to the head that log had when
    first read after the start; ready for good from then on (a feed falling behind later is
    the stuck check's concern)."""

    cities_known: bool = False
    log_head: tuple[LogSource, int] | None = None  # the registry's log and its head, once read
    ready: bool = False

    def observe(self, state: FeedState) -> bool:
        if not self.ready and self.cities_known and self.log_head is not None:
            source, head = self.log_head
            self.ready = state.source == source and state.applied_revision >= head
        return self.ready

    def follows_another_log(self, state: FeedState) -> bool:
        """Whether the read model has taken up a log other than the one read (the registry's
        log moved since): the head to reach must be read again."""
        known = self.log_head[0] if self.log_head else None
        return state.source is not None and known is not None and state.source != known
