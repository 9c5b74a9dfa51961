"""The registry service: `python -m services.registry` (settings in the README)."""

import sys

from services.common.logging_setup import configure_logging
from services.registry.config import RegistrySettings
from services.registry.storage.spatial import PostgisMissing
from services.registry.wiring import Registry


def main() -> None:
    configure_logging("registry")
    registry = Registry(RegistrySettings.from_env())
    try:
        registry.start()
    except PostgisMissing as error:
        sys.exit(f"registry: cannot start: {error}")
    registry.serve_until_signalled()
    registry.storage.close()


if __name__ == "__main__":
    main()
