"""Option values checked before anything is sent."""

import argparse
import datetime

from services.cli.failures import UsageError
from services.common.errors import InvalidArgument
from services.registry.domain import names


def city_code(text: str) -> str:
    """`330100` or `cities/330100` as the six-digit code."""
    try:
        return names.parse_city_name(f"cities/{text.strip().removeprefix('cities/')}")
    except InvalidArgument:
        raise UsageError(f"{text!r} is not a city: give its six-digit code, e.g. 330100") from None


def asset_name(text: str, city: str | None) -> str:
    """A full asset name, or an asset id completed with `--city`."""
    text = text.strip()
    if "/" not in text and city is None:
        raise UsageError(f"{text!r} is an asset id: give its city with --city CODE, or the full "
                         f"name cities/CODE/assets/{text}")
    if "/" not in text:
        text = names.asset_name(city_code(city), text)
    try:
        names.parse_asset_name(text)
    except InvalidArgument as error:
        raise UsageError(f"{text!r}: {error.violations[0].description}") from None
    return text


def iso_date(text: str) -> datetime.date:
    """A day as YYYY-MM-DD (argparse names the option in its message)."""
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: give YYYY-MM-DD, e.g. 2026-06-30") from None
