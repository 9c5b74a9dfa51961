"""What verifying the read model finds: its stored rollups against a recount from the assets."""

from collections.abc import Mapping
from dataclasses import dataclass

from services.risk.domain.rollups import Difference, RollupKey, differences


@dataclass(frozen=True)
class VerifyReport:
    consistent: bool
    rollups_checked: int
    assets_checked: int
    differences: list[Difference]


def compare(
    stored: Mapping[RollupKey, float], recounted: Mapping[RollupKey, float], assets_checked: int
) -> VerifyReport:
    found = differences(stored, recounted)
    return VerifyReport(not found, len(set(stored) | set(recounted)), assets_checked, found)
