"""Paging through ListAssets with a filter checked before it is sent."""

from collections.abc import Iterator

from services.cli.connection import Service
from services.cli.failures import UsageError
from services.cli.options import city_code
from services.common.errors import InvalidArgument
from services.registry.domain.filters import AssetFilter, parse_filter
from services.registry.domain.names import ALL_CITIES, city_name
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2

MAX_PAGE_SIZE = 1000


def parent_of(city: str | None) -> str:
    return city_name(city_code(city)) if city else ALL_CITIES


def filter_text(
    kind: str | None, extra: str | None, places: tuple[str, ...] = ()
) -> tuple[str, AssetFilter]:
    """`kind = "…"` joined to the places and the user's filter, and what the registry will
    understand of it."""
    parts = [f'kind = "{kind}"'] if kind else []
    parts += places
    parts += [extra] if extra and extra.strip() else []
    text = " AND ".join(parts)
    try:
        return text, parse_filter(text)
    except InvalidArgument as error:
        raise UsageError(f"--filter: {error.violations[0].description}") from None


def place_terms(near: str | None, bbox: str | None) -> tuple[str, ...]:
    """The filter functions of --near LON,LAT,METERS and --bbox W,S,E,N."""
    given = [("bbox", "--bbox", bbox, 4), ("near", "--near", near, 3)]
    return tuple(_call(*option) for option in given if option[2] is not None)


def _call(function: str, option: str, text: str, count: int) -> str:
    numbers = [part.strip() for part in text.split(",")]
    if len(numbers) != count or not all(numbers):
        raise UsageError(f"{option}: expected {count} numbers separated by commas; got {text!r}")
    call = f"{function}({', '.join(numbers)})"
    try:
        parse_filter(call)
    except InvalidArgument as error:
        problem = error.violations[0].description.removeprefix(f"{call}: ")
        raise UsageError(f"{option}: {problem}") from None
    return call


def assets(
    registry: Service, parent: str, text: str, page_size: int = MAX_PAGE_SIZE
) -> Iterator[resources_pb2.Asset]:
    token = ""
    while True:
        request = api.ListAssetsRequest(
            parent=parent, page_size=page_size, page_token=token, filter=text
        )
        page = registry.ListAssets(request)
        yield from page.assets
        if not (token := page.next_page_token):
            return
