"""Runs the registry and the risk service together for development (`make run`).

python -m services.launcher [--demo]

`make run` keeps its databases, tokens and logs in var/; `--demo` (`make demo`) keeps them in
var/demo/, apart from the user's own data.
"""

import argparse
import errno
import importlib.util
import logging
import os
import shlex
import signal
import socket
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from services.common.config import Address
from services.common.logging_setup import configure_logging
from services.common.supervision import (
    ChildProcess,
    StopSignals,
    first_exit_problem,
    say,
    wait_until_serving,
)
from services.common.tokens import read_dev_credentials, write_dev_tokens
from services.registry.config import RegistrySettings
from services.risk.config import RiskSettings

_LOG = logging.getLogger("services.launcher")
VAR_DIR = Path("var")
DEMO_DIR = VAR_DIR / "demo"
CREDENTIALS_NAME = "dev-credentials.yaml"
# Settings of the user's own services that would tie the demo to them.
DEMO_IGNORES = ("URBAN_REDIS_URL", "URBAN_REGISTRY_TARGET", "URBAN_REGISTRY_TOKEN")
PRIVATE_UMASK = 0o077
HEALTH_TIMEOUT_SECONDS = 60.0
DEMO_MODULE = "services.demo"
SERVICE_COMMANDS: dict[str, list[str]] = {
    "registry": [sys.executable, "-m", "services.registry"],
    "risk": [sys.executable, "-m", "services.risk"],
}
_LISTEN_VARIABLES = {
    "registry": ("URBAN_REGISTRY_LISTEN", "URBAN_REGISTRY_METRICS_LISTEN"),
    "risk": ("URBAN_RISK_LISTEN", "URBAN_RISK_METRICS_LISTEN"),
}
PAGES_VARIABLE = "URBAN_RISK_WEB_LISTEN"


@dataclass(frozen=True)
class Endpoints:
    grpc: Address
    metrics: Address
    pages: Address | None = None  # the risk service's status pages

    @property
    def grpc_target(self) -> str:
        return str(_reachable(self.grpc))

    @property
    def metrics_url(self) -> str:
        return f"http://{_reachable(self.metrics)}/metrics"

    @property
    def pages_url(self) -> str:
        return f"http://{_reachable(self.pages)}/" if self.pages else ""


@dataclass(frozen=True)
class Launch:
    home: Path  # the directory of the credentials and logs
    endpoints: dict[str, Endpoints]
    tokens_file: str
    credentials: dict[str, str]
    grace_seconds: float

    @property
    def credentials_file(self) -> Path:
        return self.home / CREDENTIALS_NAME


def make_private(directory: Path) -> None:
    """The directory (created if absent) 0700, the files in it 0600: they hold the databases,
    the logs and the development tokens."""
    directory.mkdir(mode=0o700, exist_ok=True)
    directory.chmod(0o700)
    for path in directory.iterdir():
        if path.is_file() and not path.is_symlink():
            path.chmod(0o600)


def main(
    argv: Sequence[str] | None = None,
    *,
    commands: Mapping[str, Sequence[str]] | None = None,
    demo_module: str = DEMO_MODULE,
    health_timeout_seconds: float = HEALTH_TIMEOUT_SECONDS,
) -> int:
    """`commands` replaces the services' command lines (tests start stand-ins instead)."""
    arguments = _parse_arguments(argv)
    configure_logging("launcher")
    home = DEMO_DIR if arguments.demo else VAR_DIR
    if arguments.demo:
        os.environ.update(demo_settings(DEMO_DIR))
        for variable in DEMO_IGNORES:
            os.environ.pop(variable, None)
    endpoints = _endpoints()
    if taken := ports_in_use(endpoints):
        print(f"launcher: cannot start: {taken}", file=sys.stderr)
        return 1
    os.umask(PRIVATE_UMASK)  # the services' databases and logs: their owner's alone
    make_private(VAR_DIR)
    make_private(home)
    launch = _prepare(home, endpoints)
    children = {
        name: ChildProcess(name, command, _child_environment(name, launch), home / f"{name}.log")
        for name, command in (commands or SERVICE_COMMANDS).items()
    }
    with StopSignals() as stop:
        try:
            return _run(children, launch, stop, arguments.demo, demo_module, health_timeout_seconds)
        finally:
            for child in reversed(children.values()):  # the risk service before its registry
                child.stop(stop.received or signal.SIGTERM, launch.grace_seconds + 5)


def _parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m services.launcher", description=__doc__)
    parser.add_argument("--demo", action="store_true", help=f"run {DEMO_MODULE} once both are up")
    return parser.parse_args(argv)


def demo_settings(home: Path) -> dict[str, str]:
    """The demo's own databases and tokens, whatever the environment names for `make run`."""
    return {
        "URBAN_REGISTRY_DATABASE_URL": f"sqlite:///{home / 'registry.db'}",
        "URBAN_RISK_DATABASE_URL": f"sqlite:///{home / 'risk.db'}",
        "URBAN_AUTH_TOKENS_FILE": str(home / "tokens.yaml"),
    }


def _endpoints() -> dict[str, Endpoints]:
    registry, risk = RegistrySettings.from_env(), RiskSettings.from_env()
    return {
        "registry": Endpoints(_concrete(registry.listen), _concrete(registry.metrics_listen)),
        "risk": Endpoints(
            _concrete(risk.listen), _concrete(risk.metrics_listen), _concrete(risk.web_listen)
        ),
    }


def ports_in_use(endpoints: Mapping[str, Endpoints]) -> str | None:
    """One sentence naming every address already taken, or None when all are free."""
    taken = [
        f"{address} ({service} {what})"
        for service, endpoint in endpoints.items()
        for what, address in (
            ("gRPC", endpoint.grpc), ("metrics", endpoint.metrics), ("pages", endpoint.pages)
        )
        if address and _in_use(address)
    ]
    if not taken:
        return None
    return (
        f"{', '.join(taken)} {'is' if len(taken) == 1 else 'are'} already in use; is `make run` "
        "or `make demo` running already? Stop it, or choose other addresses with "
        f"URBAN_REGISTRY_LISTEN, URBAN_RISK_LISTEN, their *_METRICS_LISTEN and {PAGES_VARIABLE}"
    )


def _in_use(address: Address) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in address.host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address.host, address.port))
        except OSError as error:  # any other problem is the service's to report
            return error.errno == errno.EADDRINUSE
    return False


def _prepare(home: Path, endpoints: dict[str, Endpoints]) -> Launch:
    registry = RegistrySettings.from_env()
    tokens_file, credentials_file = Path(registry.tokens_file), home / CREDENTIALS_NAME
    if not tokens_file.exists():
        write_dev_tokens(tokens_file, credentials_file)
        _LOG.info("wrote dev tokens to %s, clear ones in %s", tokens_file, credentials_file)
    credentials = read_dev_credentials(credentials_file)
    if not (os.environ.get("URBAN_REGISTRY_TOKEN") or credentials.get("risk-service")):
        _LOG.warning("no token for the risk service to call the registry: set URBAN_REGISTRY_TOKEN")
    return Launch(
        home=home,
        endpoints=endpoints,
        tokens_file=str(tokens_file),
        credentials=credentials,
        grace_seconds=registry.shutdown_grace_seconds,
    )


def _child_environment(name: str, launch: Launch) -> dict[str, str]:
    env = dict(os.environ, PYTHONUNBUFFERED="1", URBAN_AUTH_TOKENS_FILE=launch.tokens_file)
    for service, (grpc_variable, metrics_variable) in _LISTEN_VARIABLES.items():
        env[grpc_variable] = str(launch.endpoints[service].grpc)
        env[metrics_variable] = str(launch.endpoints[service].metrics)
    env[PAGES_VARIABLE] = str(launch.endpoints["risk"].pages)
    env["URBAN_REGISTRY_TARGET"] = env.get("URBAN_REGISTRY_TARGET") or _target(launch, "registry")
    risk_token = env.get("URBAN_REGISTRY_TOKEN") or launch.credentials.get("risk-service")
    if name == "risk" and risk_token:
        env["URBAN_REGISTRY_TOKEN"] = risk_token
    return env


def _run(
    children,
    launch: Launch,
    stop: StopSignals,
    demo: bool,
    demo_module: str,
    health_timeout_seconds: float,
) -> int:
    for child in children.values():
        child.start()
    targets = {name: _target(launch, name) for name in children}
    problem = wait_until_serving(children, targets, stop, health_timeout_seconds)
    if problem:
        _LOG.error("%s", problem)
        return 1
    if stop.requested:
        return 0
    say(_banner(launch))
    if demo:
        _run_demo(demo_module, children, launch, stop)
    return _supervise(children, stop)


def _supervise(children, stop: StopSignals) -> int:
    """Waits for a stop signal (0) or a child's death (1); the caller stops the children."""
    while not stop.wait(0.2):
        if problem := first_exit_problem(children):
            _LOG.error("%s; stopping the others", problem)
            return 1
    return 0


def _run_demo(module: str, children, launch: Launch, stop: StopSignals) -> None:
    if importlib.util.find_spec(module) is None:
        say(f"The demo is not available: there is no module {module}.")
        return
    env = dict(
        os.environ,
        URBAN_REGISTRY_TARGET=_target(launch, "registry"),
        URBAN_RISK_TARGET=_target(launch, "risk"),
        URBAN_TOKEN=launch.credentials.get("dev-admin", ""),
    )
    demo = subprocess.Popen([sys.executable, "-m", module], env=env, process_group=0)
    while demo.poll() is None and not stop.wait(0.2) and not first_exit_problem(children):
        pass
    if demo.poll() is None:
        demo.terminate()
    say(f"The demo finished with code {demo.wait()}; the services keep running.")


def _banner(launch: Launch) -> str:
    registry, risk = launch.endpoints["registry"], launch.endpoints["risk"]
    token = launch.credentials.get("dev-admin")
    shown_token = token or "<token>"
    where = f"from {launch.credentials_file}, development only" if token else (
        f"none in {launch.credentials_file}")
    cli_settings = {
        "URBAN_TOKEN": shown_token,
        "URBAN_REGISTRY_TARGET": registry.grpc_target,
        "URBAN_RISK_TARGET": risk.grpc_target,
    }
    return "\n".join(
        [
            "",
            f"  registry  gRPC {registry.grpc_target:<22} metrics {registry.metrics_url}",
            f"  risk      gRPC {risk.grpc_target:<22} metrics {risk.metrics_url}",
            f"  status pages  {risk.pages_url}",
            f"  admin token  {shown_token}  ({where})",
            "  Try it, in another shell:",
            *(f"    export {name}={shlex.quote(value)}" for name, value in cli_settings.items()),
            f"    {_urban_command()} cities",
            "  or from Python:",
            "    import grpc; from urban.registry.v1 import registry_service_pb2 as api, "
            "registry_service_pb2_grpc as rpc",
            f"    print(rpc.RegistryServiceStub(grpc.insecure_channel({registry.grpc_target!r}))"
            f".GetCity(api.GetCityRequest(name='cities/330100'), "
            f"metadata=[('authorization', 'Bearer {shown_token}')]))",
            f"  Logs in {launch.home / 'registry.log'} and {launch.home / 'risk.log'}. "
            "Ctrl-C stops both.",
            "",
        ]
    )


def _urban_command() -> str:
    """The `urban` command installed beside this Python, as the user can type it from here."""
    installed = Path(sys.executable).with_name("urban")
    if not installed.exists():
        return "urban"
    relative = os.path.relpath(installed)
    return relative if not relative.startswith("..") else str(installed)


def _target(launch: Launch, name: str) -> str:
    return launch.endpoints[name].grpc_target


def _concrete(address: Address) -> Address:
    """The address with port 0 replaced by a port that is free now."""
    if address.port:
        return address
    with socket.socket(socket.AF_INET6 if ":" in address.host else socket.AF_INET) as probe:
        probe.bind((address.host, 0))
        return Address(address.host, probe.getsockname()[1])


def _reachable(address: Address) -> Address:
    wildcard = address.host in ("0.0.0.0", "::", "")
    return Address("127.0.0.1", address.port) if wildcard else address


if __name__ == "__main__":
    sys.exit(main())
