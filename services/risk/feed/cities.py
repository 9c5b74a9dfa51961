"""The registry's cities, as the read model's reference data (populations, names, parents)."""

from services.risk.app.updates import ReadModelUpdates
from services.risk.feed import translate
from services.risk.feed.registry_client import RegistryClient


def refresh_cities(updates: ReadModelUpdates, registry: RegistryClient) -> None:
    updates.set_cities(translate.city_facts(city) for city in registry.cities())
