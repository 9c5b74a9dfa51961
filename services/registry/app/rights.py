"""What each RegistryService call may touch, checked against the caller's scopes: the one place
where a call's rights are stated, whichever transport carried it.

Each rule parses the names that decide the rights (a malformed one is INVALID_ARGUMENT, before
any PERMISSION_DENIED) and hands the cities on in the `Call`, so nothing parses them again.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from google.protobuf.message import Message

from services.common.auth import Principal
from services.common.resource_names import ASSET_NAME
from services.registry.domain import names

Alive = Callable[[], bool]


def always() -> bool:
    return True


@dataclass(frozen=True)
class Call:
    """A call its caller may make: who makes it, the cities its names touch, and whether the
    caller still waits for the answer."""

    caller: Principal
    cities: frozenset[str] = frozenset()
    alive: Alive = always

    @property
    def actor(self) -> str:
        """The caller's name, as the change log records it."""
        return self.caller.name

    @property
    def city(self) -> str | None:
        """The one city the call names; None when it names every city, or none."""
        return next(iter(self.cities), None)

    def may_replay(self, cities: Iterable[str]) -> None:
        """Raises PermissionDenied unless the caller may still write each of `cities` (those of
        a response saved under its request id)."""
        for city in sorted(cities):
            self.caller.require_write(city)


def authorise(method: str, caller: Principal, request: Message, alive: Alive = always) -> Call:
    """The call, once `caller` may make it; PermissionDenied (or InvalidArgument for a malformed
    name) otherwise. For ImportAssets, `request` is one batch of the stream."""
    return Call(caller, RULES[method](caller, request), alive)


Rule = Callable[[Principal, Message], frozenset[str]]
City = Callable[[Message], str | None]  # None: every city, or none


def _reads(city_of: City) -> Rule:
    def rule(caller: Principal, request: Message) -> frozenset[str]:
        city = city_of(request)
        caller.require_read(city)
        return _only(city)

    return rule


def _writes(cities_of: Callable[[Message], Iterable[str]]) -> Rule:
    def rule(caller: Principal, request: Message) -> frozenset[str]:
        cities = frozenset(cities_of(request))
        for city in sorted(cities):
            caller.require_write(city)
        return cities

    return rule


def _any_caller(city_of: City) -> Rule:
    """Any valid token: cities, their list and the change log's identity are no asset's data."""
    return lambda caller, request: _only(city_of(request))


def _scoped(scope: str, city_of: City) -> Rule:
    def rule(caller: Principal, request: Message) -> frozenset[str]:
        caller.require_scope(scope)
        return _only(city_of(request))

    return rule


def _only(city: str | None) -> frozenset[str]:
    return frozenset() if city is None else frozenset({city})


def _asset_city(name: str, field: str = "name") -> str:
    return names.parse_asset_name(name, field)[0]


def cities_written(request: Message) -> set[str]:
    """The cities a batch writes: its parent's, or those its assets' names give."""
    parent = names.parse_parent(request.parent)
    if parent is not None:
        return {parent}
    cities = set()
    for index, asset in enumerate(request.assets):
        match = ASSET_NAME.fullmatch(asset.name)
        if match is None:  # malformed: the parser says why, naming the item
            cities.add(_asset_city(asset.name, f"assets[{index}].name"))
        else:
            cities.add(match.group(1))
    return cities


def _changes_city(request: Message) -> str | None:
    """ListChanges reads the asset's city when it names an asset, else its parent's."""
    if request.asset:
        return _asset_city(request.asset, "asset")
    return names.parse_parent(request.parent) if request.parent else None


RULES: dict[str, Rule] = {
    "CreateAsset": _writes(lambda request: {names.parse_city_name(request.parent, "parent")}),
    "GetAsset": _reads(lambda request: _asset_city(request.name)),
    "UpdateAsset": _writes(lambda request: {_asset_city(request.asset.name, "asset.name")}),
    "DeleteAsset": _writes(lambda request: {_asset_city(request.name)}),
    "ListAssets": _reads(lambda request: names.parse_parent(request.parent)),
    "BatchUpsertAssets": _writes(cities_written),
    "ImportAssets": _writes(cities_written),  # each batch of the stream
    "WatchChanges": _reads(
        lambda request: names.parse_parent(request.parent) if request.parent else None
    ),
    "ListChanges": _reads(_changes_city),
    "GetChangeLog": _any_caller(lambda request: None),
    "GetCity": _any_caller(lambda request: names.parse_city_name(request.name)),
    "ListCities": _any_caller(lambda request: None),
    "UpdateCity": _scoped(
        "cities.write", lambda request: names.parse_city_name(request.city.name, "city.name")
    ),
}
