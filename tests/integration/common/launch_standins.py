"""Runs the launcher with stand-in services.

    python -m tests.integration.common.launch_standins [--demo] [--risk-fails] [--demo-module M]
"""

import argparse
import sys

from services import launcher


def standin(name: str) -> list[str]:
    return [sys.executable, "-m", "tests.integration.common.standin_service", name]


FAILING_RISK = [sys.executable, "-m", "tests.integration.common.failing_risk"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--risk-fails", action="store_true")
    parser.add_argument("--demo-module", default="tests.integration.common.standin_demo")
    args = parser.parse_args()
    commands = {
        "registry": standin("registry"),
        "risk": FAILING_RISK if args.risk_fails else standin("risk"),
    }
    argv = ["--demo"] if args.demo else []
    return launcher.main(argv, commands=commands, demo_module=args.demo_module,
                         health_timeout_seconds=20)


if __name__ == "__main__":
    sys.exit(main())
