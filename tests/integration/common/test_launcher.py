import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import grpc
import pytest
import yaml
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.token_file import hash_token
from tests.environment import FREE_PORTS, without_urban_settings

REPO_ROOT = Path(__file__).resolve().parents[3]
STARTUP_SECONDS = 30
BANNER_END = "Ctrl-C stops both."


class Launched:
    """The launcher running in a subprocess, its output collected line by line."""

    def __init__(self, cwd: Path, *args: str, **settings: str) -> None:
        env = without_urban_settings() | FREE_PORTS
        env.update(
            PYTHONPATH=str(REPO_ROOT),
            URBAN_REGISTRY_HTTP_LISTEN="127.0.0.1:0",
            URBAN_SHUTDOWN_GRACE_SECONDS="1",
        )
        env.update(settings)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.common.launch_standins", *args],
            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.lines: list[str] = []
        self._finished = threading.Event()
        threading.Thread(target=self._collect, daemon=True).start()

    def wait_for(self, pattern: str, timeout: float = STARTUP_SECONDS) -> re.Match:
        """The first match in any line printed so far or until the timeout."""
        deadline = time.monotonic() + timeout
        while True:
            finished = self._finished.is_set()
            if match := re.search(pattern, self.output):
                return match
            if finished or time.monotonic() > deadline:
                raise AssertionError(f"no line matching {pattern!r} in:\n{self.output}")
            time.sleep(0.05)

    def stop(self, signum: int = signal.SIGTERM) -> int:
        self.process.send_signal(signum)
        return self.exit_code()

    def exit_code(self) -> int:
        code = self.process.wait(timeout=20)
        self._finished.wait(timeout=5)
        return code

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def _collect(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
        self._finished.set()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def launch(tmp_path):
    started = []

    def start(*args: str, **settings: str) -> Launched:
        started.append(Launched(tmp_path, *args, **settings))
        return started[-1]

    yield start
    for launched in started:
        launched.kill()


def pid_of(launched: Launched, name: str) -> int:
    return int(launched.wait_for(rf"stand-in {name} pid (\d+)").group(1))


def is_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def health_of(target: str) -> int:
    with grpc.insecure_channel(target) as channel:
        request = health_pb2.HealthCheckRequest()
        return health_pb2_grpc.HealthStub(channel).Check(request, timeout=5).status


def test_prints_where_everything_is_and_stops_children_on_sigterm(launch, tmp_path):
    launched = launch()
    pids = [pid_of(launched, "registry"), pid_of(launched, "risk")]
    launched.wait_for(BANNER_END)
    registry = re.search(r"registry\s+gRPC (127\.0\.0\.1:\d+)\s+metrics (http://\S+/metrics)",
                         launched.output)
    assert registry, launched.output
    assert re.search(r"risk\s+gRPC 127\.0\.0\.1:\d+\s+metrics http://127\.0\.0\.1:\d+/metrics",
                     launched.output)
    assert health_of(registry.group(1)) == health_pb2.HealthCheckResponse.SERVING

    credentials = yaml.safe_load((tmp_path / "var" / "dev-credentials.yaml").read_text())
    admin_token = credentials["tokens"]["dev-admin"]
    assert f"admin token  {admin_token}" in launched.output
    assert f"Bearer {admin_token}" in launched.output
    tokens_file = (tmp_path / "var" / "tokens.yaml").read_text()
    assert hash_token(admin_token) in tokens_file and admin_token not in tokens_file

    assert "registry-token yes" in launched.wait_for(r"stand-in risk pid.*").group(0)
    assert "registry-token no" in launched.wait_for(r"stand-in registry pid.*").group(0)
    assert f"stand-in risk registry target {registry.group(1)}" in launched.output
    assert "risk     | " in launched.output

    assert launched.stop() == 0
    assert "stand-in registry stopped" in launched.output
    assert "stand-in risk stopped" in launched.output
    assert all(is_gone(pid) for pid in pids)
    assert "stand-in registry stopped" in (tmp_path / "var" / "registry.log").read_text()


def test_sigint_is_forwarded_too(launch):
    launched = launch()
    launched.wait_for(BANNER_END)
    assert launched.stop(signal.SIGINT) == 0
    assert "stand-in risk stopped" in launched.output


def test_a_service_that_cannot_start_is_named_with_its_log(launch, tmp_path):
    launched = launch("--risk-fails")
    registry_pid = pid_of(launched, "registry")
    assert launched.exit_code() == 1
    assert re.search(r"risk exited with code 3; see its log in var/risk\.log", launched.output)
    assert "risk cannot start" in (tmp_path / "var" / "risk.log").read_text()
    assert is_gone(registry_pid)


def test_when_a_child_dies_the_other_is_stopped(launch):
    launched = launch()
    registry_pid, risk_pid = pid_of(launched, "registry"), pid_of(launched, "risk")
    launched.wait_for(BANNER_END)
    os.kill(registry_pid, signal.SIGKILL)
    assert launched.exit_code() == 1
    assert "registry exited with code -9" in launched.output
    assert "stand-in risk stopped" in launched.output
    assert is_gone(risk_pid)


def test_demo_runs_once_both_are_up(launch):
    launched = launch("--demo")
    launched.wait_for(BANNER_END)
    demo = launched.wait_for(r"stand-in demo: registry 127\.0\.0\.1:\d+, risk 127\.0\.0\.1:\d+, "
                             r"token yes")
    assert demo
    launched.wait_for("The demo finished with code 0")
    assert launched.stop() == 0


def test_a_missing_demo_is_reported(launch):
    launched = launch("--demo", "--demo-module", "tests.integration.common.no_such_demo")
    launched.wait_for("The demo is not available")
    assert launched.stop() == 0


def free_ports(count: int) -> list[int]:
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def fixed_addresses() -> dict[str, str]:
    variables = ("URBAN_REGISTRY_LISTEN", "URBAN_REGISTRY_METRICS_LISTEN", "URBAN_RISK_LISTEN",
                 "URBAN_RISK_METRICS_LISTEN")
    return {name: f"127.0.0.1:{port}" for name, port in zip(variables, free_ports(4), strict=True)}


def test_a_second_launch_on_taken_ports_says_so_in_one_line_and_leaves_the_logs(launch, tmp_path):
    addresses = fixed_addresses()
    first = launch(**addresses)
    first.wait_for(BANNER_END)
    log = tmp_path / "var" / "registry.log"
    log_before = log.read_text()

    second = launch(**addresses)
    assert second.exit_code() == 1
    [line] = second.output.splitlines()
    assert line.startswith("launcher: cannot start: ")
    assert addresses["URBAN_REGISTRY_LISTEN"] in line and "already in use" in line
    assert log.read_text().startswith(log_before)
    assert first.process.poll() is None
    assert first.stop() == 0


def test_the_logs_of_earlier_runs_are_kept(launch, tmp_path):
    first = launch()
    first.wait_for(BANNER_END)
    assert first.stop() == 0
    second = launch()
    second.wait_for(BANNER_END)
    assert second.stop() == 0
    log = (tmp_path / "var" / "risk.log").read_text()
    assert log.count("stand-in risk stopped") == 2
    assert log.count("--- risk started at ") == 2


def test_the_banner_gives_the_settings_the_urban_command_needs(launch, tmp_path):
    launched = launch()
    launched.wait_for(BANNER_END)
    credentials = yaml.safe_load((tmp_path / "var" / "dev-credentials.yaml").read_text())
    registry = re.search(r"registry\s+gRPC (\S+)\s+metrics", launched.output).group(1)
    risk = re.search(r"risk\s+gRPC (\S+)\s+metrics", launched.output).group(1)
    exports = dict(
        shlex.split(line.strip().removeprefix("export "))[0].split("=", 1)
        for line in launched.output.splitlines() if line.strip().startswith("export ")
    )
    assert exports == {"URBAN_TOKEN": credentials["tokens"]["dev-admin"],
                       "URBAN_REGISTRY_TARGET": registry, "URBAN_RISK_TARGET": risk}
    assert re.search(r"^\s+\S*urban cities$", launched.output, re.MULTILINE)
    assert re.search(r"status pages  http://127\.0\.0\.1:[1-9]\d*/$", launched.output, re.MULTILINE)
    assert re.search(r"HTTP \(Connect, gRPC-Web\)  registry http://127\.0\.0\.1:[1-9]\d*/ ",
                     launched.output)
    assert launched.stop() == 0


def test_the_demo_keeps_its_data_apart_in_var_demo(launch, tmp_path):
    (tmp_path / "var").mkdir()
    own_database = "sqlite:///var/registry.db"
    launched = launch("--demo", URBAN_REGISTRY_DATABASE_URL=own_database,
                      URBAN_REDIS_URL="redis://127.0.0.1:1/0",
                      URBAN_REGISTRY_TARGET="127.0.0.1:1", URBAN_REGISTRY_TOKEN="urt_own")
    launched.wait_for("The demo finished with code 0")
    demo = tmp_path / "var" / "demo"
    assert "stand-in registry database sqlite:///var/demo/registry.db" in launched.output
    assert "stand-in risk database sqlite:///var/demo/risk.db" in launched.output
    assert "stand-in risk redis none" in launched.output
    registry = re.search(r"registry\s+gRPC (\S+)\s+metrics", launched.output).group(1)
    assert f"stand-in risk registry target {registry}" in launched.output
    assert f"stand-in risk registry token hash {hash_token('urt_own')}" not in launched.output
    assert "stand-in risk registry token hash " in launched.output
    assert (demo / "tokens.yaml").exists() and (demo / "dev-credentials.yaml").exists()
    assert "export URBAN_TOKEN=" in launched.output
    assert sorted(path.name for path in (tmp_path / "var").iterdir()) == ["demo"]
    assert launched.stop() == 0
    assert "stand-in registry stopped" in (demo / "registry.log").read_text()


def test_the_risk_service_is_stopped_before_the_registry_it_follows(launch):
    launched = launch()
    launched.wait_for(BANNER_END)
    assert launched.stop() == 0
    output = launched.output
    assert output.index("stand-in risk stopped") < output.index("stand-in registry stopped")


def test_var_and_everything_in_it_are_private_to_their_owner(launch, tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    (var / "registry.db").write_bytes(b"")
    os.chmod(var, 0o755)
    os.chmod(var / "registry.db", 0o644)
    launched = launch()
    launched.wait_for(BANNER_END)
    try:
        assert var.stat().st_mode & 0o777 == 0o700
        modes = {path.name: path.stat().st_mode & 0o777 for path in var.iterdir()}
        assert {"registry.db", "registry.log", "risk.log", "tokens.yaml"} <= set(modes)
        assert set(modes.values()) == {0o600}, modes
    finally:
        launched.stop()
