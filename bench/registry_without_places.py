"""`python -m bench.registry_without_places`: the registry with ImportAssets' place checks left
out (districts kept as sent), for bulk_places to measure what the checks cost. Never a product
entry point: only the benchmark starts it."""

from services.registry import __main__ as registry_main
from services.registry.app.bulk import quick_checks


def _districts_as_sent(assets, columns, lines, city_of) -> list[str]:
    return list(columns.district_codes)


if __name__ == "__main__":
    quick_checks.placed_districts = _districts_as_sent
    registry_main.main()
