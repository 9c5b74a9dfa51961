"""The environment of a service started in a subprocess, as an operator would start it."""

import os

# Every port of both services, each on a free loopback port.
FREE_PORTS = {
    "URBAN_REGISTRY_LISTEN": "127.0.0.1:0",
    "URBAN_REGISTRY_METRICS_LISTEN": "127.0.0.1:0",
    "URBAN_RISK_LISTEN": "127.0.0.1:0",
    "URBAN_RISK_METRICS_LISTEN": "127.0.0.1:0",
    "URBAN_RISK_WEB_LISTEN": "127.0.0.1:0",
}


def without_urban_settings() -> dict[str, str]:
    """This process's environment without the URBAN_ settings the tests may run under."""
    return {name: value for name, value in os.environ.items() if not name.startswith("URBAN_")}
