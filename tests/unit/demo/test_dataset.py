"""The demo data set is valid, varied and the same for the same seed."""

import collections
import datetime as dt

from services.demo.dataset import generate
from services.registry.domain.cities import REFERENCE_CITIES
from services.registry.domain.kinds import kind_of, status_of
from services.registry.domain.validation import validate_asset

CITIES = {city.code: city for city in REFERENCE_CITIES}
TODAY = dt.date(2026, 11, 29)


def test_every_generated_asset_passes_the_registrys_validation():
    for asset in generate(5000, today=TODAY):
        city = CITIES[asset.name.split("/")[1]]
        assert validate_asset(asset, city, today=TODAY) == [], asset.name


def test_the_data_set_covers_every_kind_city_and_status():
    assets = list(generate(5000, today=TODAY))
    kinds = collections.Counter(kind_of(asset) for asset in assets)
    assert set(kinds) == {
        "old_compound",
        "urban_village",
        "old_block",
        "pipe_segment",
        "drainage_zone",
        "waterlogging_point",
    }
    assert kinds["pipe_segment"] > kinds["old_compound"] > kinds["urban_village"]
    assert {asset.name.split("/")[1] for asset in assets} == set(CITIES)
    pipe_statuses = {status_of(a) for a in assets if kind_of(a) == "pipe_segment"}
    assert {"in_service", "renovated", "retired"} <= pipe_statuses
    assert len({asset.name for asset in assets}) == len(assets)


def test_the_same_seed_gives_the_same_assets():
    first = [a.SerializeToString() for a in generate(500, seed=7, today=TODAY)]
    assert first == [a.SerializeToString() for a in generate(500, seed=7, today=TODAY)]
    assert first != [a.SerializeToString() for a in generate(500, seed=8, today=TODAY)]
