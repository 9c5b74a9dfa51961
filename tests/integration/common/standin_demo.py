"""Stands in for the demo: says what it was given."""

import os

if __name__ == "__main__":
    has_token = "yes" if os.environ.get("URBAN_TOKEN") else "no"
    print(f"stand-in demo: registry {os.environ['URBAN_REGISTRY_TARGET']}, "
          f"risk {os.environ['URBAN_RISK_TARGET']}, token {has_token}", flush=True)
