"""Fills a running registry with the demo data set: `python -m services.demo [--count N]`.

Reads URBAN_REGISTRY_TARGET and URBAN_TOKEN (a token allowed to write every city).
"""

import argparse
import os
import sys

import grpc
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from services.demo.dataset import generate
from services.risk.config import RiskSettings
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import registry_service_pb2_grpc

BATCH = 1000


def main(argv: list[str] | None = None) -> int:
    options = _options(argv)
    token = os.environ.get("URBAN_TOKEN")
    if not token:
        print(
            "demo: set URBAN_TOKEN to a token with scope assets.write:* or admin", file=sys.stderr
        )
        return 2
    target = os.environ.get("URBAN_REGISTRY_TARGET", "127.0.0.1:50051")
    registry = registry_service_pb2_grpc.RegistryServiceStub(grpc.insecure_channel(target))
    try:
        pushed = _push(registry, (("authorization", f"Bearer {token}"),), options)
    except grpc.RpcError as error:
        print(
            f"demo: the registry at {target} answered {error.code().name}: {error.details()}",
            file=sys.stderr,
        )
        return 1
    print(f"demo: {pushed} assets in the registry at {target}")
    risk_metrics = RiskSettings.from_env().metrics_listen
    print(f"demo: plan progress and risk figures at http://{risk_metrics}/metrics")
    return 0


def _options(argv):
    parser = argparse.ArgumentParser(prog="python -m services.demo", description=__doc__)
    parser.add_argument("--count", type=int, default=30_000, help="about how many assets")
    parser.add_argument("--seed", type=int, default=2024)
    return parser.parse_args(argv)


def _push(registry, metadata, options) -> int:
    assets = list(generate(options.count, options.seed))
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns) as progress:
        task = progress.add_task("loading demo assets", total=len(assets))
        for batch in _chunks(assets):
            request = api.BatchUpsertAssetsRequest(parent="cities/-", assets=list(batch))
            registry.BatchUpsertAssets(request, metadata=metadata, timeout=120)
            progress.advance(task, len(batch))
    return len(assets)


def _chunks(items: list) -> list[list]:
    return [items[start : start + BATCH] for start in range(0, len(items), BATCH)]


if __name__ == "__main__":
    sys.exit(main())
