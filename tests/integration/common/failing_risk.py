"""A risk service that fails to start, once the registry beside it accepts connections (as the
real one waits for its registry), so the registry has started when the launcher stops it.

    python -m tests.integration.common.failing_risk
"""

import os
import socket
import sys
import time

WAIT_SECONDS = 60


def registry_accepts(target: str) -> bool:
    host, _, port = target.rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=1):
            return True
    except OSError:
        return False


def main() -> int:
    deadline = time.monotonic() + WAIT_SECONDS
    while not registry_accepts(os.environ["URBAN_REGISTRY_TARGET"]):
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    print("risk cannot start", flush=True)
    time.sleep(2)
    return 3


if __name__ == "__main__":
    sys.exit(main())
