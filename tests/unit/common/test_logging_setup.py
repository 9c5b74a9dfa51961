import logging
import re

import pytest

from services.common.logging_setup import configure_logging


@pytest.fixture(autouse=True)
def restore_root_logger():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_one_line_with_time_level_service_logger_and_message(capsys, monkeypatch):
    monkeypatch.delenv("URBAN_LOG_LEVEL", raising=False)
    configure_logging("registry")
    logging.getLogger("services.registry.api").info("listening on %s", "127.0.0.1:50051")
    logging.getLogger("quiet").debug("not shown at INFO")
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO registry services.registry.api: "
        r"listening on 127\.0\.0\.1:50051",
        lines[0],
    )


def test_level_comes_from_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("URBAN_LOG_LEVEL", "debug")
    configure_logging("risk")
    logging.getLogger("x").debug("shown")
    assert "DEBUG risk x: shown" in capsys.readouterr().err


def test_an_unknown_level_is_an_error(monkeypatch):
    monkeypatch.setenv("URBAN_LOG_LEVEL", "chatty")
    with pytest.raises(ValueError, match="URBAN_LOG_LEVEL"):
        configure_logging("risk")
