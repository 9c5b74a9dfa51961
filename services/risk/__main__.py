"""The risk service: `python -m services.risk` serves; `python -m services.risk verify` checks
the read model against a recount and exits 1 if they differ, or if it is empty while the
registry has changes; 2 if its SQLite file does not exist (settings in the README)."""

import argparse
import sys

from services.common.heap import settle_after_start
from services.common.logging_setup import configure_logging
from services.risk.config import RiskSettings
from services.risk.verify_command import verify
from services.risk.wiring import Risk


def serve() -> int:
    risk = Risk(RiskSettings.from_env())
    risk.start()
    settle_after_start()
    risk.serve_until_signalled()
    risk.read_model.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.risk", description=__doc__)
    parser.add_argument("command", nargs="?", choices=["serve", "verify"], default="serve")
    command = parser.parse_args(argv).command
    configure_logging("risk")
    return verify(RiskSettings.from_env()) if command == "verify" else serve()


if __name__ == "__main__":
    sys.exit(main())
