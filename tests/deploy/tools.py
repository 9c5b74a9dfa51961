"""The command-line tools the deployment tests run, found or reported missing."""

import shutil
import sys
from pathlib import Path

from tests.conftest import service_absent


def debian_prometheus_tool(name: str) -> str:
    """`prometheus` or `promtool` from Debian's package; missing means skipped, or failed in CI."""
    path = shutil.which(name)
    if path is None:
        missing = FileNotFoundError(f"{name} is not on PATH (apt-get install prometheus)")
        service_absent(name, missing)
    return path


def virtualenv_tool(name: str) -> str:
    """A command installed into the virtualenv by a pinned test dependency."""
    path = Path(sys.executable).parent / name
    assert path.exists(), f"{path} is missing: install the project's dev dependencies (make test)"
    return str(path)
