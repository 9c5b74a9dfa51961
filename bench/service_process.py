"""A service as a separate process: started with an environment of its own (no inherited
`URBAN_*` settings), its log in a file, awaited until ready, stopped with SIGTERM."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.process_memory import resident_mib

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 120
STOP_SECONDS = 30


class ServiceProcess:
    """`python -m {module}`; subclasses give its settings and say when it is ready."""

    module = ""
    label = ""  # "the registry", in messages

    def __init__(self, log_path: Path):
        self.log_path = log_path
        self._process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        return self._process.pid

    def resident_mib(self) -> float:
        return resident_mib(self.pid)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()

    def start(self) -> None:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("URBAN_")}
        environment.update(self.settings(), URBAN_LOG_LEVEL="INFO")
        with open(self.log_path, "wb") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", self.module],
                cwd=REPOSITORY_ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.await_ready()

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def settings(self) -> dict[str, str]:
        raise NotImplementedError

    def await_ready(self) -> None:
        raise NotImplementedError

    def logged(self, pattern: re.Pattern, what: str) -> str:
        """The first group of `pattern` once the log shows it."""
        return self.until(lambda: _found(pattern, self.log_path), f"{what}; see {self.log_path}")

    def until(self, check, what: str):
        """`check()`'s first truthy value, polled until STARTUP_SECONDS; fails early if the
        process exits."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            value = check()
            if value:
                return value
            if self._process.poll() is not None:
                log = self.log_path.read_text(errors="replace")[-4000:]
                raise RuntimeError(f"{self.label} exited with {self._process.returncode}:\n{log}")
            time.sleep(0.05)
        raise TimeoutError(f"{self.label}: {what}")


def _found(pattern: re.Pattern, log_path: Path) -> str | None:
    found = pattern.search(log_path.read_text(errors="replace"))
    return found.group(1) if found else None
