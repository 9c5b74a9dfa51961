import pytest

from services.common.auth import Principal, current_principal, use_principal
from services.common.errors import PermissionDenied, Unauthenticated

HANGZHOU = "330100"
NINGBO = "330200"


def principal(*scopes: str) -> Principal:
    return Principal("caller", frozenset(scopes))


def test_read_scope_reads_its_city_only():
    reader = principal(f"assets.read:{HANGZHOU}")
    assert reader.can_read(HANGZHOU)
    assert not reader.can_read(NINGBO)
    assert not reader.can_write(HANGZHOU)


def test_write_implies_read():
    writer = principal(f"assets.write:{HANGZHOU}")
    assert writer.can_write(HANGZHOU)
    assert writer.can_read(HANGZHOU)
    assert not writer.can_read(NINGBO)


def test_star_means_every_city():
    assert principal("assets.read:*").can_read(NINGBO)
    assert principal("assets.write:*").can_write(NINGBO)
    assert not principal("assets.read:*").can_write(NINGBO)


def test_admin_allows_everything():
    admin = principal("admin")
    admin.require_write(NINGBO)
    admin.require_read(None)
    admin.require_scope("cities.write")


def test_reading_every_city_needs_a_star_scope():
    principal("assets.read:*").require_read(None)
    principal("assets.write:*").require_read(None)
    with pytest.raises(PermissionDenied) as denied:
        principal(f"assets.read:{HANGZHOU}").require_read(None)
    assert denied.value.metadata == {"scope": "assets.read:*"}


def test_denial_names_the_scope_needed():
    with pytest.raises(PermissionDenied) as denied:
        principal(f"assets.read:{HANGZHOU}").require_write(HANGZHOU)
    assert denied.value.reason == "PERMISSION_DENIED"
    assert denied.value.metadata == {"scope": f"assets.write:{HANGZHOU}"}
    assert f"assets.write:{HANGZHOU}" in str(denied.value)


def test_cities_write_is_a_scope_of_its_own():
    principal("cities.write").require_scope("cities.write")
    with pytest.raises(PermissionDenied) as denied:
        principal("assets.write:*").require_scope("cities.write")
    assert denied.value.metadata == {"scope": "cities.write"}


def test_current_principal_is_set_only_inside_use_principal():
    caller = principal("admin")
    with use_principal(caller):
        assert current_principal() is caller
    with pytest.raises(Unauthenticated):
        current_principal()
