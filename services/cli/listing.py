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


def filter_text(kind: str | None, extra: str | None) -> tuple[str, AssetFilter]:
    """`kind = "…"` joined to the user's filter, and what the registry will understand of it."""
    parts = [f'kind = "{kind}"'] if kind else []
    parts += [extra] if extra and extra.strip() else []
    text = " AND ".join(parts)
    try:
        return text, parse_filter(text)
    except InvalidArgument as error:
        raise UsageError(f"--filter: {error.violations[0].description}") from None


def assets(registry: Service, parent: str, text: str,
           page_size: int = MAX_PAGE_SIZE) -> Iterator[resources_pb2.Asset]:
    token = ""
    while True:
        request = api.ListAssetsRequest(
            parent=parent, page_size=page_size, page_token=token, filter=text
        )
        page = registry.ListAssets(request)
        yield from page.assets
        if not (token := page.next_page_token):
            return
