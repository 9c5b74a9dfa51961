"""The risk service: `python -m services.risk` serves; `python -m services.risk verify` checks
the read model against a recount and exits 1 if they differ (settings in the README)."""

import argparse
import sys

from services.common.clock import today_in_zhejiang
from services.common.config import RiskSettings
from services.common.logging_setup import configure_logging
from services.risk.storage.read_model import ReadModel
from services.risk.wiring import Risk


def serve() -> int:
    risk = Risk(RiskSettings.from_env())
    risk.start()
    risk.serve_until_signalled()
    risk.read_model.close()
    return 0


def verify() -> int:
    read_model = ReadModel.open(RiskSettings.from_env().database_url, clock=today_in_zhejiang)
    report = read_model.recompute()
    read_model.close()
    print(f"checked {report.rollups_checked} rollups over {report.assets_checked} assets")
    for key, stored, recounted in report.differences:
        print(f"  {key}: stored {stored}, recounted {recounted}")
    print("consistent" if report.consistent else f"{len(report.differences)} rollups differ")
    return 0 if report.consistent else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.risk", description=__doc__)
    parser.add_argument("command", nargs="?", choices=["serve", "verify"], default="serve")
    command = parser.parse_args(argv).command
    configure_logging("risk")
    return verify() if command == "verify" else serve()


if __name__ == "__main__":
    sys.exit(main())
