"""Soak: mixed traffic at a steady rate against the registry and the risk service on PostgreSQL
and Redis, for ten minutes by default.

    python -m bench.soak [--seconds 600] [--rate 40] [--watchers 4]

Writes, reads, lists and risk queries go out at `--rate` calls a second while `--watchers`
WatchChanges streams stay open. Prints throughput, errors, p99 latency per kind of call, each
service's resident memory after warm-up and at the end, and whether the risk read model agrees
with its recount. Goal: no errors, and no service's memory more than 10 % above its figure after
warm-up. Exits 1 when the goal is missed.
"""

import argparse
import functools
import json
import random
import sys
import tempfile
import threading
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

import grpc
from google.protobuf.field_mask_pb2 import FieldMask

from bench import databases, machine
from bench.figures import percentile
from bench.redis_feed import REDIS_URL, RedisRegistryProcess, redis_prefix
from bench.risk_process import RiskConfig, RiskProcess
from services.common.interceptors import client_auth_metadata
from services.common.tokens import add_token
from services.demo.places import district_codes, point_in
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc
from urban.registry.v1 import resources_pb2 as r
from urban.risk.v1 import risk_service_pb2 as risk_api
from urban.risk.v1 import risk_service_pb2_grpc

NAME = "soak"
CITIES = ("330100", "330200", "330300", "330400")
ASSETS_PER_CITY = 500
MEMORY_GROWTH_GOAL = 0.10
MIX = (("write", 3), ("read", 4), ("list", 2), ("risk", 1))


def main(argv: list[str] | None = None) -> int:
    options = parse_options(argv)
    print(machine.describe(databases.POSTGRES_ADMIN_URL), flush=True)
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="urban-soak-")))
        registry_url = stack.enter_context(databases.fresh_database("postgres", workdir))
        risk_url = stack.enter_context(databases.fresh_database("postgres", workdir))
        prefix = stack.enter_context(redis_prefix())
        system = stack.enter_context(System(workdir, registry_url, risk_url, prefix))
        return Soak(system, options).run()


def parse_options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=600, help="how long (default 600)")
    parser.add_argument("--rate", type=float, default=40, help="calls a second (default 40)")
    parser.add_argument("--watchers", type=int, default=4, help="open WatchChanges streams")
    parser.add_argument("--workers", type=int, default=8, help="client threads")
    parser.add_argument("--warm-up", type=float, default=None,
                        help="seconds before the memory baseline (default: a tenth, at most 60)")
    return parser.parse_args(argv)


class System:
    """The registry and the risk service as separate processes, changes through Redis."""

    def __init__(self, workdir: Path, registry_url: str, risk_url: str, prefix: str):
        self.registry = RedisRegistryProcess(registry_url, workdir, prefix)
        self.token = self.registry.token
        self._risk = (risk_url, add_token(self.registry.tokens_path, "risk", ["assets.read:*"]))
        self._prefix, self._workdir = prefix, workdir
        self.risk: RiskProcess | None = None

    def __enter__(self) -> "System":
        self.registry.start()
        risk_url, risk_token = self._risk
        config = RiskConfig(
            risk_url,
            self.registry.address,
            risk_token,
            self.registry.tokens_path,
            REDIS_URL,
            self._prefix,
        )
        self.risk = RiskProcess(config, self._workdir)
        self.risk.start()
        return self

    def __exit__(self, *_exc) -> None:
        if self.risk is not None:
            self.risk.stop()
        self.registry.stop()


class Recorder:
    def __init__(self):
        self._lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.watch_events = 0

    def timed(self, kind: str, call) -> None:
        started = time.perf_counter()
        try:
            call()
        except grpc.RpcError as error:
            self.error(f"{kind} {error.code().name}")
            return
        except Exception as error:  # a bug of the benchmark counts too
            self.error(f"{kind} {type(error).__name__}")
            return
        with self._lock:
            self.latencies[kind].append(time.perf_counter() - started)

    def error(self, what: str) -> None:
        with self._lock:
            self.errors[what] += 1

    def saw_changes(self, count: int) -> None:
        with self._lock:
            self.watch_events += count


class Traffic:
    """One client's calls; which one is drawn from MIX."""

    def __init__(self, system: System, recorder: Recorder, seed: int):
        metadata = client_auth_metadata(system.token)
        self._registry_stub = registry_service_pb2_grpc.RegistryServiceStub(
            grpc.insecure_channel(system.registry.address))
        self._risk_stub = risk_service_pb2_grpc.RiskServiceStub(
            grpc.insecure_channel(system.risk.address))
        self._metadata = metadata
        self._recorder = recorder
        self._random = random.Random(seed)

    def one_call(self) -> None:
        kind = self._random.choices([k for k, _ in MIX], weights=[w for _, w in MIX])[0]
        self._recorder.timed(kind, getattr(self, f"_{kind}"))

    def _write(self) -> None:
        asset = _pipe(self._random_name(), self._random.uniform(1, 5000))
        request = api.UpdateAssetRequest(asset=asset, allow_missing=True,
                                         update_mask=FieldMask(paths=["*"]))
        self._registry_stub.UpdateAsset(request, metadata=self._metadata, timeout=30)

    def _read(self) -> None:
        request = api.GetAssetRequest(name=self._random_name())
        try:
            self._registry_stub.GetAsset(request, metadata=self._metadata, timeout=30)
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND:  # not written yet: a normal answer
                raise

    def _list(self) -> None:
        city = self._random.choice(CITIES)
        request = api.ListAssetsRequest(parent=f"cities/{city}", page_size=100,
                                        filter='kind = "pipe_segment"')
        self._registry_stub.ListAssets(request, metadata=self._metadata, timeout=30)

    def _risk(self) -> None:
        if self._random.random() < 0.5:
            self._risk_stub.GetPlanProgress(risk_api.GetPlanProgressRequest(),
                                       metadata=self._metadata, timeout=30)
            return
        request = risk_api.ListRenovationCandidatesRequest(
            parent=f"cities/{self._random.choice(CITIES)}", page_size=50)
        self._risk_stub.ListRenovationCandidates(request, metadata=self._metadata, timeout=30)

    def _random_name(self) -> str:
        city = self._random.choice(CITIES)
        return f"cities/{city}/assets/soak-{self._random.randrange(ASSETS_PER_CITY)}"


class Soak:
    def __init__(self, system: System, options: argparse.Namespace):
        self._system, self._options = system, options
        self._recorder = Recorder()
        self._stopping = threading.Event()

    def run(self) -> int:
        options = self._options
        warm_up = options.warm_up if options.warm_up is not None else min(60, options.seconds / 10)
        idle = self._memory()
        threads = self._start_watchers() + self._start_workers(time.monotonic() + options.seconds)
        time.sleep(warm_up)
        after_warm_up = self._memory()
        for thread in threads[options.watchers:]:
            thread.join()
        at_end = self._memory()
        self._stopping.set()
        consistent = self._risk_agrees()
        return self._report(idle, after_warm_up, at_end, consistent)

    def _start_workers(self, deadline: float) -> list[threading.Thread]:
        interval = self._options.workers / self._options.rate
        threads = [threading.Thread(target=self._work, args=(n, deadline, interval), daemon=True)
                   for n in range(self._options.workers)]
        for thread in threads:
            thread.start()
        return threads

    def _work(self, number: int, deadline: float, interval: float) -> None:
        traffic = Traffic(self._system, self._recorder, seed=number)
        next_call = time.monotonic() + interval * number / self._options.workers
        while next_call < deadline:
            time.sleep(max(0.0, next_call - time.monotonic()))
            traffic.one_call()
            next_call += interval

    def _start_watchers(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._watch, daemon=True)
                   for _ in range(self._options.watchers)]
        for thread in threads:
            thread.start()
        return threads

    def _watch(self) -> None:
        stub = registry_service_pb2_grpc.RegistryServiceStub(
            grpc.insecure_channel(self._system.registry.address))
        metadata = client_auth_metadata(self._system.token)
        stream = stub.WatchChanges(api.WatchChangesRequest(start_revision=1), metadata=metadata)
        threading.Thread(target=lambda: (self._stopping.wait(), stream.cancel()),
                         daemon=True).start()
        try:
            for _ in stream:
                self._recorder.saw_changes(1)
        except grpc.RpcError as error:
            if not self._stopping.is_set():
                self._recorder.error(f"watch {error.code().name}")

    def _memory(self) -> dict[str, float]:
        return {"registry": self._system.registry.resident_mib(),
                "risk": self._system.risk.resident_mib()}

    def _risk_agrees(self) -> bool:
        """Waits for the risk service to apply the log's head, then asks it to verify."""
        metadata = client_auth_metadata(self._system.token)
        registry = registry_service_pb2_grpc.RegistryServiceStub(
            grpc.insecure_channel(self._system.registry.address))
        risk = risk_service_pb2_grpc.RiskServiceStub(
            grpc.insecure_channel(self._system.risk.address))
        head = registry.ListChanges(api.ListChangesRequest(page_size=1),
                                    metadata=metadata).head_revision
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            progress = risk.GetPlanProgress(risk_api.GetPlanProgressRequest(), metadata=metadata)
            if progress.applied_revision >= head:
                break
            time.sleep(0.5)
        report = risk.VerifyReadModel(risk_api.VerifyReadModelRequest(), metadata=metadata)
        return report.consistent and progress.applied_revision >= head

    def _report(self, idle, after_warm_up, at_end, consistent: bool) -> int:
        recorder, seconds = self._recorder, self._options.seconds
        calls = sum(len(values) for values in recorder.latencies.values())
        errors = sum(recorder.errors.values())
        print(f"{NAME}: {seconds:.0f} s at a target of {self._options.rate:g} calls/s with "
              f"{self._options.watchers} watchers; {machine.load_average()} at the end")
        print(f"{NAME}: throughput {calls / seconds:.1f} calls/s ({calls} calls), "
              f"{recorder.watch_events} changes streamed to watchers")
        for kind, values in sorted(recorder.latencies.items()):
            ordered = sorted(values)
            print(f"{NAME}: {kind:5} {len(values):7} calls, p50 "
                  f"{percentile(ordered, 0.5) * 1000:7.1f} ms, p99 "
                  f"{percentile(ordered, 0.99) * 1000:7.1f} ms")
        print(f"{NAME}: errors {errors} {dict(recorder.errors) if errors else ''}".rstrip())
        growth_ok = True
        for service in ("registry", "risk"):
            growth = at_end[service] / after_warm_up[service] - 1
            growth_ok &= growth <= MEMORY_GROWTH_GOAL
            print(f"{NAME}: {service} memory {idle[service]:.1f} MiB idle, "
                  f"{after_warm_up[service]:.1f} MiB after warm-up, {at_end[service]:.1f} MiB "
                  f"at the end ({growth:+.1%})")
        print(f"{NAME}: risk read model consistent with its recount: {consistent}")
        met = errors == 0 and growth_ok and consistent
        print(f"{NAME}: goal no errors, memory growth <= 10 %, consistent: "
              f"{'met' if met else 'MISSED'}", flush=True)
        return 0 if met else 1


@functools.cache
def _line_in(city_code: str) -> str:
    """A short line inside the city's first district, the same on every call."""
    start = point_in(district_codes(city_code)[0], random.Random(city_code))
    end = [round(start[0] + 0.001, 6), round(start[1] + 0.001, 6)]
    return json.dumps({"type": "LineString", "coordinates": [list(start), end]})


def _pipe(name: str, length_m: float) -> r.Asset:
    return r.Asset(
        name=name, display_name="Soak pipe",
        geojson=_line_in(name.split("/")[1]),
        pipe_segment=r.PipeSegment(
            network=r.PIPE_NETWORK_GAS, material=r.PIPE_MATERIAL_DUCTILE_IRON, diameter_mm=200,
            length_m=length_m, commissioned_year=1995, status=r.PIPE_STATUS_IN_SERVICE),
    )


if __name__ == "__main__":
    sys.exit(main())
