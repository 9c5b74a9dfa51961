"""The registry service: `python -m services.registry` (settings in the README)."""

import sys

from services.common.logging_setup import configure_logging
from services.registry.config import RegistrySettings
from services.registry.process_group import GroupFailed, serve_from_processes
from services.registry.storage.spatial import PostgisMissing
from services.registry.wiring import Registry


def main() -> None:
    configure_logging("registry")
    settings = RegistrySettings.from_env()
    if settings.processes > 1:
        try:
            sys.exit(serve_from_processes(settings, settings.processes))
        except GroupFailed as error:
            sys.exit(f"registry: {error}")
    registry = Registry(settings)
    try:
        registry.start()
    except PostgisMissing as error:
        sys.exit(f"registry: cannot start: {error}")
    registry.serve_until_signalled()
    registry.storage.close()


if __name__ == "__main__":
    main()
