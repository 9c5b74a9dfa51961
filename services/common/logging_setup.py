"""One line per record: time, level, service, logger, message. Level from URBAN_LOG_LEVEL."""

import logging
import os

DEFAULT_LEVEL = "INFO"


def configure_logging(service: str) -> None:
    level_name = (os.environ.get("URBAN_LOG_LEVEL") or DEFAULT_LEVEL).upper()
    level = logging.getLevelName(level_name)
    if not isinstance(level, int):
        raise ValueError(f"URBAN_LOG_LEVEL={level_name!r} is not a logging level")
    service_field = service.replace("%", "%%")
    logging.basicConfig(
        level=level,
        format=f"%(asctime)s %(levelname)s {service_field} %(name)s: %(message)s",
        force=True,
    )
