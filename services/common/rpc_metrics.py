"""RPC counts and latencies by method and final status code."""

import functools
import time

import grpc
from prometheus_client import CollectorRegistry, Counter, Histogram

from services.common.method_handlers import ApplicationInterceptor, short_method_name

DURATION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class MetricsInterceptor(ApplicationInterceptor):
    def __init__(self, registry: CollectorRegistry, service: str) -> None:
        super().__init__()
        self._service = service
        self._requests = Counter(
            "urban_rpc_requests",
            "RPCs finished, by method and final status code.",
            ["service", "method", "code"],
            registry=registry,
        )
        self._duration = Histogram(
            "urban_rpc_duration_seconds",
            "Time from the start of an RPC to its end.",
            ["service", "method"],
            buckets=DURATION_BUCKETS,
            registry=registry,
        )
        # Each series looked up once: labels() takes a lock a call.
        self._count = functools.cache(
            lambda method, code: self._requests.labels(
                service, short_method_name(method), code.name
            )
        )
        self._timing = functools.cache(
            lambda method: self._duration.labels(service, short_method_name(method))
        )

    def unary(self, behavior, method):
        def measured(request, context):
            started = time.perf_counter()
            try:
                response = behavior(request, context)
            except Exception:
                self.record(method, context.code() or grpc.StatusCode.UNKNOWN, started)
                raise
            self.record(method, context.code() or grpc.StatusCode.OK, started)
            return response

        return measured

    def stream(self, behavior, method):
        def measured(request, context):
            started = time.perf_counter()
            try:
                yield from behavior(request, context)
            except GeneratorExit:
                self.record(method, grpc.StatusCode.CANCELLED, started)
                raise
            except Exception:
                self.record(method, context.code() or grpc.StatusCode.UNKNOWN, started)
                raise
            self.record(method, context.code() or grpc.StatusCode.OK, started)

        return measured

    def record(self, method: str, code: grpc.StatusCode, started: float) -> None:
        self._count(method, code).inc()
        self._timing(method).observe(time.perf_counter() - started)
