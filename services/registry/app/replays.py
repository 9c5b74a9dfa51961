"""Requests sent again under their request id are answered from the first call's saved response,
but only to a caller who may still write every city that call wrote."""

import re
from collections.abc import Callable

from google.protobuf.message import Message

from services.common.auth import Principal

ReplayCheck = Callable[[frozenset[str]], None]
_CITY = re.compile(r"cities/(\d{6})(?:/|$)")


def requested_cities(request: Message) -> frozenset[str]:
    """The cities a write request names: its parent, its asset's or assets' names, its name."""
    texts = [getattr(request, "parent", ""), getattr(request, "name", "")]
    if getattr(request, "asset", None) is not None:
        texts.append(request.asset.name)
    texts += [asset.name for asset in getattr(request, "assets", ())]
    return frozenset(match.group(1) for text in texts if (match := _CITY.match(text)))


def stored_cities(text: str | None) -> frozenset[str]:
    return frozenset(filter(None, (text or "").split(",")))


def replay_check(principal: Principal | None) -> ReplayCheck:
    """Raises PermissionDenied unless `principal` may write each city; anyone when None (a
    caller inside the registry)."""

    def check(cities: frozenset[str]) -> None:
        for city in sorted(cities):
            if principal is not None:
                principal.require_write(city)

    return check


def anyone(cities: frozenset[str]) -> None:
    return None
