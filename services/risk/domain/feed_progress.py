"""Whether the feed keeps up with the registry: how long it has been behind without progress."""

from dataclasses import dataclass


@dataclass
class FeedProgress:
    """Fed each reading of the registry's head; a feed is stalled while it is behind the head
    (or follows another log than the registry's) and has applied nothing since the last reading,
    and stuck once stalled for `stuck_after_seconds`. A relist under way counts as progress."""

    stuck_after_seconds: float
    stalled_seconds: float = 0.0
    _applied: int = -1
    _since: float = 0.0

    def observe(self, applied: int, head: int, following: bool, relisting: bool, now: float):
        behind = not following or applied < head
        if not behind or relisting or applied != self._applied:
            self._since = now
        self._applied = applied
        self.stalled_seconds = now - self._since

    @property
    def stuck(self) -> bool:
        return self.stalled_seconds >= self.stuck_after_seconds
