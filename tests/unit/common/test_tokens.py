import stat

import pytest
import yaml

from services.common.auth import TokenStore
from services.common.token_file import TokensFileError
from services.common.tokens import (
    add_token,
    generate_token,
    hash_token,
    main,
    read_dev_credentials,
    write_dev_tokens,
)


def test_generated_tokens_are_prefixed_and_unique():
    tokens = {generate_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(token.startswith("urt_") and len(token) > 40 for token in tokens)


def test_hash_is_hex_sha256():
    assert hash_token("test") == "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def test_add_token_stores_only_the_hash_in_a_private_file(tmp_path):
    path = tmp_path / "tokens.yaml"
    token = add_token(path, "hangzhou-gis-sync", ["assets.write:330100"])
    text = path.read_text()
    assert token not in text
    assert hash_token(token) in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert TokenStore(path).authenticate(token).name == "hangzhou-gis-sync"


def test_add_token_appends_and_refuses_a_duplicate_name(tmp_path):
    path = tmp_path / "tokens.yaml"
    first = add_token(path, "a", ["admin"])
    second = add_token(path, "b", ["assets.read:*"])
    with pytest.raises(TokensFileError, match="already has a token named 'a'"):
        add_token(path, "a", ["admin"])
    store = TokenStore(path)
    assert [store.authenticate(t).name for t in (first, second)] == ["a", "b"]


def test_add_token_refuses_unknown_scopes(tmp_path):
    path = tmp_path / "tokens.yaml"
    with pytest.raises(TokensFileError, match="unknown scope"):
        add_token(path, "a", ["assets.write:hangzhou"])
    assert not path.exists()


def test_dev_tokens_keep_clear_tokens_apart(tmp_path):
    tokens_path, credentials_path = tmp_path / "tokens.yaml", tmp_path / "dev-credentials.yaml"
    clear = write_dev_tokens(tokens_path, credentials_path)
    assert set(clear) == {"dev-admin", "risk-service"}
    assert read_dev_credentials(credentials_path) == clear
    assert stat.S_IMODE(credentials_path.stat().st_mode) == 0o600
    assert not any(token in tokens_path.read_text() for token in clear.values())
    store = TokenStore(tokens_path)
    assert store.authenticate(clear["dev-admin"]).is_admin
    risk = store.authenticate(clear["risk-service"])
    assert risk.can_read("330100") and not risk.can_write("330100")


def test_missing_credentials_read_as_none(tmp_path):
    assert read_dev_credentials(tmp_path / "absent.yaml") == {}


def test_command_line_prints_the_token_once(tmp_path, capsys):
    path = tmp_path / "tokens.yaml"
    assert main(["add", "ningbo", "assets.write:330200", "--file", str(path)]) == 0
    token = capsys.readouterr().out.strip()
    entries = yaml.safe_load(path.read_text())["tokens"]
    assert entries == [{"name": "ningbo", "sha256": hash_token(token),
                        "scopes": ["assets.write:330200"]}]
    assert main(["add", "ningbo", "admin", "--file", str(path)]) == 2
