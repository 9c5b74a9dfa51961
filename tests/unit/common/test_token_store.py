import os
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from services.common.auth import TokenStore
from services.common.errors import Unauthenticated
from services.common.token_file import TokensFileError, hash_token

TOKEN = "urt_the-token"


def write_tokens(path, *entries) -> None:
    path.write_text(yaml.safe_dump({"tokens": list(entries)}))


def entry(name="hangzhou-gis-sync", token=TOKEN, scopes=("assets.write:330100",), **extra):
    return {"name": name, "sha256": hash_token(token), "scopes": list(scopes), **extra}


def rejection_reason(store: TokenStore, token: str) -> str:
    with pytest.raises(Unauthenticated) as rejected:
        store.authenticate(token)
    return rejected.value.reason


def bump_mtime(path) -> None:
    later = path.stat().st_mtime + 5
    os.utime(path, (later, later))


@pytest.fixture
def tokens_path(tmp_path):
    return tmp_path / "tokens.yaml"


def test_a_known_token_gives_its_name_and_scopes(tokens_path):
    write_tokens(tokens_path, entry(scopes=["assets.write:330100", "assets.read:*"]))
    principal = TokenStore(tokens_path).authenticate(TOKEN)
    assert principal.name == "hangzhou-gis-sync"
    assert principal.scopes == {"assets.write:330100", "assets.read:*"}


def test_contract_example_format_is_accepted(tokens_path):
    tokens_path.write_text(
        "tokens:\n"
        "  - name: hangzhou-gis-sync          # shown as the actor in the change log\n"
        f"    sha256: {hash_token(TOKEN).upper()}\n"
        '    scopes: ["assets.write:330100", "assets.read:*"]\n'
    )
    assert TokenStore(tokens_path).authenticate(TOKEN).can_write("330100")


def test_missing_and_unknown_tokens_are_rejected(tokens_path):
    write_tokens(tokens_path, entry())
    store = TokenStore(tokens_path)
    assert rejection_reason(store, "") == "TOKEN_MISSING"
    assert rejection_reason(store, "urt_someone-else") == "TOKEN_UNKNOWN"


def test_the_file_holds_hashes_so_a_hash_is_not_a_token(tokens_path):
    write_tokens(tokens_path, entry())
    assert rejection_reason(TokenStore(tokens_path), hash_token(TOKEN)) == "TOKEN_UNKNOWN"


def test_revoked_token_is_rejected(tokens_path):
    write_tokens(tokens_path, entry(revoked=True))
    assert rejection_reason(TokenStore(tokens_path), TOKEN) == "TOKEN_REVOKED"


@pytest.mark.parametrize(
    "expires",
    [
        datetime.now(UTC) - timedelta(minutes=1),
        (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
        "2020-01-01T00:00:00+08:00",
        "2020-01-01",
    ],
)
def test_expired_token_is_rejected(tokens_path, expires):
    write_tokens(tokens_path, entry(expires=expires))
    assert rejection_reason(TokenStore(tokens_path), TOKEN) == "TOKEN_EXPIRED"


def test_token_before_its_expiry_is_accepted(tokens_path):
    write_tokens(tokens_path, entry(expires=(datetime.now(UTC) + timedelta(days=1)).isoformat()))
    assert TokenStore(tokens_path).authenticate(TOKEN).name == "hangzhou-gis-sync"


def test_unquoted_yaml_timestamp_is_understood(tokens_path):
    tokens_path.write_text(
        f"tokens:\n  - name: old\n    sha256: {hash_token(TOKEN)}\n"
        "    scopes: [admin]\n    expires: 2021-06-30T12:00:00Z\n"
    )
    assert rejection_reason(TokenStore(tokens_path), TOKEN) == "TOKEN_EXPIRED"


def test_revocation_takes_effect_when_the_file_changes(tokens_path):
    write_tokens(tokens_path, entry())
    store = TokenStore(tokens_path, reload_interval_seconds=0)
    store.authenticate(TOKEN)
    write_tokens(tokens_path, entry(revoked=True))
    bump_mtime(tokens_path)
    assert rejection_reason(store, TOKEN) == "TOKEN_REVOKED"


def test_the_file_is_checked_at_most_once_per_interval(tokens_path):
    now = [100.0]
    write_tokens(tokens_path, entry())
    store = TokenStore(tokens_path, reload_interval_seconds=1.0, clock=lambda: now[0])
    write_tokens(tokens_path, entry(revoked=True))
    bump_mtime(tokens_path)
    now[0] += 0.5
    store.authenticate(TOKEN)
    now[0] += 0.6
    assert rejection_reason(store, TOKEN) == "TOKEN_REVOKED"


def test_a_broken_edit_keeps_the_previous_tokens(tokens_path):
    write_tokens(tokens_path, entry())
    store = TokenStore(tokens_path, reload_interval_seconds=0)
    tokens_path.write_text("tokens: [oops")
    bump_mtime(tokens_path)
    assert store.authenticate(TOKEN).name == "hangzhou-gis-sync"


def test_a_missing_file_is_a_clear_error(tokens_path):
    with pytest.raises(TokensFileError, match="tokens.yaml"):
        TokenStore(tokens_path)


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ("tokens: [oops", "cannot be read"),
        ("- just a list", "'tokens' list"),
        ("tokens:\n  - name: x\n    sha256: abc\n    scopes: [admin]\n", "sha256"),
        (f"tokens:\n  - name: x\n    sha256: {hash_token('a')}\n    scopes: admin\n", "list"),
        (f"tokens:\n  - name: x\n    sha256: {hash_token('a')}\n    scopes: [asset.read]\n",
         "unknown scope"),
        (f"tokens:\n  - sha256: {hash_token('a')}\n    scopes: [admin]\n", "name"),
        (f"tokens:\n  - name: x\n    sha256: {hash_token('a')}\n    scopes: [admin]\n"
         "    expires: soon\n", "expires"),
        (f"tokens:\n  - name: x\n    sha256: {hash_token('a')}\n    scopes: [admin]\n"
         "    revoked: maybe\n", "revoked"),
    ],
)
def test_a_malformed_file_is_a_clear_error(tokens_path, content, complaint):
    tokens_path.write_text(content)
    with pytest.raises(TokensFileError, match=complaint):
        TokenStore(tokens_path)


def test_repeated_names_are_an_error(tokens_path):
    write_tokens(tokens_path, entry(name="a"), entry(name="a", token="other"))
    with pytest.raises(TokensFileError, match="name repeated"):
        TokenStore(tokens_path)


def test_a_file_that_could_not_be_read_is_read_again_once_it_can_be(tokens_path, monkeypatch):
    """As when a revocation is written with the wrong permissions and fixed by chmod, which
    changes neither the file's time, its size nor its inode."""
    import services.common.auth as auth

    write_tokens(tokens_path, entry())
    store = TokenStore(tokens_path, reload_interval_seconds=0)
    write_tokens(tokens_path, entry(revoked=True))
    bump_mtime(tokens_path)
    readable = auth.load_entries

    def unreadable(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(auth, "load_entries", unreadable)
    assert store.authenticate(TOKEN).name == "hangzhou-gis-sync", "the previous tokens hold"
    monkeypatch.setattr(auth, "load_entries", readable)  # chmod: nothing else changes
    assert rejection_reason(store, TOKEN) == "TOKEN_REVOKED"


@pytest.mark.skipif(os.getuid() != 0, reason="giving a file to another group needs root")
def test_rewriting_the_file_keeps_its_mode_and_owner(tokens_path):
    from services.common.tokens import add_token

    add_token(tokens_path, "first", ["assets.read:*"])
    assert tokens_path.stat().st_mode & 0o777 == 0o600, "a new file is private"
    os.chmod(tokens_path, 0o640)
    os.chown(tokens_path, 0, 12345)  # e.g. readable by the services' group
    add_token(tokens_path, "second", ["assets.read:*"])
    status = tokens_path.stat()
    assert (status.st_mode & 0o777, status.st_gid) == (0o640, 12345)
