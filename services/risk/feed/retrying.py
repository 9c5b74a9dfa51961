"""Following a feed until told to stop, starting over after an error with a growing pause."""

import logging
import threading
from collections.abc import Callable

from services.common.error_text import describe_error

log = logging.getLogger(__name__)
FIRST_PAUSE = 0.2
LONGEST_PAUSE = 5.0


def follow_until_stopped(
    follow: Callable[[], None],
    stopping: threading.Event,
    expected: tuple[type[BaseException], ...],
    feed: str,
) -> None:
    """Runs `follow` again whenever it returns or fails; errors of the `expected` kinds (the
    feed's transport) are logged in one line, anything else with its traceback."""
    pause = FIRST_PAUSE
    while not stopping.is_set():
        try:
            follow()
            pause = FIRST_PAUSE
        except expected as error:
            if stopping.is_set():
                return
            log.warning("%s interrupted (%s); reconnecting", feed, describe_error(error))
        except Exception:  # e.g. the read model's database is down
            log.exception("following %s failed; retrying", feed)
        stopping.wait(pause)
        pause = min(pause * 2, LONGEST_PAUSE)

