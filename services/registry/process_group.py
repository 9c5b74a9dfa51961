"""The registry serving its ports from several processes (URBAN_REGISTRY_PROCESSES=N), so that
it uses every core of a machine: Python runs one thread at a time per process.

The first process chooses the ports and starts N others; each is a whole registry (replicas
share the database as separate machines would) and binds the same ports with SO_REUSEPORT, so
the kernel spreads connections over them. The first process serves the one metrics port,
merging what the others export (services.common.merged_metrics), forwards SIGTERM and SIGINT,
and stops them all when one of them ends. Rate limits are shared through Redis when it is
configured, else through an SQLite file the processes share; each process keeps its own
stream caps.
"""

import logging
import multiprocessing
import os
import signal
import socket
import tempfile
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path

from prometheus_client import CollectorRegistry

from services.common.config import Address
from services.common.cpu_affinity import keep_to_one_cpu
from services.common.heap import settle_after_start
from services.common.logging_setup import configure_logging
from services.common.merged_metrics import MergedMetrics
from services.common.metrics_http import start_metrics_server
from services.registry.config import ProcessGroup, RegistrySettings

log = logging.getLogger(__name__)
READY_SECONDS = 300  # migrations of a large database may run first
STOP_MARGIN_SECONDS = 30  # beyond the shutdown grace, before a process is killed


class GroupFailed(RuntimeError):
    """A process of the group could not start."""


def serve_from_processes(settings: RegistrySettings, count: int) -> int:
    """Serves until SIGTERM or SIGINT (0) or until a process of the group ends (1)."""
    with ExitStack() as stack:
        shared = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="urban-registry-")))
        member = stack.enter_context(_reserved_ports(settings))
        group = ProcessGroup(None if settings.redis_url else shared / "rate-limits.sqlite")
        members = [_Member(member, group, number) for number in range(1, count + 1)]
        stack.callback(_stop_all, members, settings.shutdown_grace_seconds)
        ports = [m.await_ready() for m in members]
        _serve_merged_metrics(settings.metrics_listen, ports)
        log.info("registry serving from %d processes on %s", count, member.listen)
        return _supervise(members)


@contextmanager
def _reserved_ports(settings: RegistrySettings) -> Iterator[RegistrySettings]:
    """The settings of each process: the ports chosen (a port 0 cannot be shared: each process
    would get another; this one holds each chosen port until the end) and metrics of its own
    on a free local port."""
    with ExitStack() as stack:
        listen = stack.enter_context(_reserved(settings.listen))
        health = stack.enter_context(_reserved(settings.health_listen))
        http = stack.enter_context(_reserved(settings.http_listen))
        yield replace(
            settings, listen=listen, health_listen=health, http_listen=http,
            metrics_listen=Address("127.0.0.1", 0),
        )


@contextmanager
def _reserved(address: Address | None) -> Iterator[Address | None]:
    if address is None or address.port != 0:
        yield address
        return
    family = socket.AF_INET6 if ":" in address.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        holder.bind((address.host, 0))  # bound, never listening: it receives no connections
        yield Address(address.host, holder.getsockname()[1])


class _Member:
    def __init__(self, settings: RegistrySettings, group: ProcessGroup, number: int):
        context = multiprocessing.get_context("spawn")
        self._answers, sender = context.Pipe(duplex=False)
        self.process = context.Process(
            target=serve_member, args=(settings, group, sender, number),
            name=f"registry-{number}",
        )
        self.process.start()
        sender.close()

    def await_ready(self) -> int:
        """The port of this process's own metrics, once it serves."""
        if not self._answers.poll(READY_SECONDS):
            raise GroupFailed(f"{self.process.name} did not start within {READY_SECONDS} s")
        try:
            kind, value = self._answers.recv()
        except EOFError:
            raise GroupFailed(f"{self.process.name} ended while starting") from None
        if kind != "ready":
            raise GroupFailed(value)
        return value

    def stop(self) -> None:
        if self.process.is_alive():
            os.kill(self.process.pid, signal.SIGTERM)


def serve_member(settings: RegistrySettings, group: ProcessGroup, answers, number: int) -> None:
    """Process `number` (from 1) of the group (the target of each child process)."""
    from services.registry.storage.spatial import PostgisMissing
    from services.registry.wiring import Registry

    configure_logging("registry")
    keep_to_one_cpu(settings.cpus, number)
    registry = Registry(settings, group=group)
    try:
        registry.start()
    except (PostgisMissing, OSError) as error:
        answers.send(("failed", f"cannot start: {error}"))
        raise SystemExit(1) from error
    settle_after_start()
    answers.send(("ready", registry.metrics_port))
    answers.close()
    registry.serve_until_signalled()
    registry.storage.close()


def _serve_merged_metrics(address: Address, ports: list[int]) -> None:
    urls = [f"http://127.0.0.1:{port}/metrics" for port in ports]
    metrics = CollectorRegistry(auto_describe=False)
    metrics.register(MergedMetrics(lambda: urls))
    start_metrics_server(address, metrics)


def _supervise(members: list[_Member]) -> int:
    stopping = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stopping.set()) for sig in _STOP_SIGNALS}
    try:
        while not stopping.wait(0.5):
            ended = [m.process for m in members if not m.process.is_alive()]
            if ended:
                log.error("%s ended (exit code %s): stopping the others", ended[0].name,
                          ended[0].exitcode)
                return 1
        log.info("registry received a stop signal")
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stop_all(members: list[_Member], grace_seconds: float) -> None:
    for member in members:
        member.stop()
    for member in members:
        member.process.join(grace_seconds + STOP_MARGIN_SECONDS)
        if member.process.is_alive():
            log.error("%s did not stop in time: killed", member.process.name)
            member.process.kill()
            member.process.join()


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
