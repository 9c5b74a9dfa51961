"""Running child processes for development: their output, prefixed, on the terminal and in a log
file; stop signals caught so they can be forwarded."""

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_TERMINAL_LOCK = threading.Lock()


def say(text: str) -> None:
    """Writes whole lines to the terminal without interleaving with children's output."""
    with _TERMINAL_LOCK:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()


class ChildProcess:
    def __init__(self, name: str, command: Sequence[str], env: dict[str, str], log_path: Path):
        self.name = name
        self.log_path = log_path
        self._command = list(command)
        self._env = env
        self._process: subprocess.Popen | None = None
        self._copier: threading.Thread | None = None

    def start(self) -> None:
        """Appends to the log, after a line marking this start: earlier runs' lines stay."""
        log = self.log_path.open("a", encoding="utf-8")
        log.write(f"--- {self.name} started at {time.strftime('%Y-%m-%d %H:%M:%S %z')} ---\n")
        log.flush()
        # Its own process group: terminal signals reach it only through the launcher.
        self._process = subprocess.Popen(
            self._command,
            env=self._env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            bufsize=1,
            process_group=0,
        )
        self._copier = threading.Thread(
            target=self._copy_output, args=(log,), name=f"{self.name}-output", daemon=True
        )
        self._copier.start()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def exit_code(self) -> int | None:
        return self._process.poll() if self._process else None

    def stop(self, signum: int, timeout_seconds: float) -> None:
        """Sends `signum`, waits, and kills the child if it outlives the timeout."""
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.send_signal(signum)
        try:
            self._process.wait(timeout_seconds)
        except subprocess.TimeoutExpired:
            say(f"{self.name} did not stop within {timeout_seconds:g} s; killing it")
            self._process.kill()
            self._process.wait()
        if self._copier:
            self._copier.join(timeout=5)

    def _copy_output(self, log) -> None:
        with log:
            for line in self._process.stdout:
                say(f"{self.name:<8} | {line}")
                log.write(line)
                log.flush()


class StopSignals:
    """Catches SIGINT and SIGTERM while active; remembers the first one received."""

    def __init__(self) -> None:
        self.received: int | None = None
        self._event = threading.Event()
        self._previous: dict[int, object] = {}

    def __enter__(self) -> "StopSignals":
        self._previous = {sig: signal.signal(sig, self._on_signal) for sig in STOP_SIGNALS}
        return self

    def __exit__(self, *exc_info) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    @property
    def requested(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout_seconds: float) -> bool:
        return self._event.wait(timeout_seconds)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if self.received is None:
            self.received = signum
        self._event.set()


def wait_until_serving(
    children: Mapping[str, ChildProcess],
    targets: Mapping[str, str],
    stop: StopSignals,
    timeout_seconds: float,
) -> str | None:
    """None once every child answers gRPC health SERVING (or a stop is requested), else why not."""
    deadline = time.monotonic() + timeout_seconds
    for name, child in children.items():
        with grpc.insecure_channel(targets[name]) as channel:
            health = health_pb2_grpc.HealthStub(channel)
            while not _is_serving(health):
                if stop.requested:
                    return None
                if problem := first_exit_problem(children):
                    return problem
                if time.monotonic() > deadline:
                    return (
                        f"{name} did not report SERVING on {targets[name]} within "
                        f"{timeout_seconds:g} s; see its log in {child.log_path}"
                    )
                stop.wait(0.2)
    return None


def first_exit_problem(children: Mapping[str, ChildProcess]) -> str | None:
    for name, child in children.items():
        if child.exit_code is not None:
            return f"{name} exited with code {child.exit_code}; see its log in {child.log_path}"
    return None


def _is_serving(health: health_pb2_grpc.HealthStub) -> bool:
    try:
        response = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=1)
    except grpc.RpcError:
        return False
    return response.status == health_pb2.HealthCheckResponse.SERVING
