"""`urban token create`: the token is printed once; the file keeps only its hash."""

import hashlib
from pathlib import Path

import yaml

from tests.waiting import wait_until


def test_a_created_token_is_stored_as_a_hash_and_works(urban, tokens_file):
    outcome = urban("token", "create", "hangzhou-sync", "assets.write:330100", "assets.read:*",
                    "--file", tokens_file)
    assert outcome.code == 0
    token = outcome.out.strip()
    assert token.startswith("urt_") and "hangzhou-sync" in outcome.err
    text = Path(tokens_file).read_text(encoding="utf-8")
    assert token not in text
    [entry] = [e for e in yaml.safe_load(text)["tokens"] if e["name"] == "hangzhou-sync"]
    assert entry["sha256"] == hashlib.sha256(token.encode()).hexdigest()
    assert entry["scopes"] == ["assets.read:*", "assets.write:330100"]
    wait_until(lambda: urban("list", token=token).code == 0, timeout=10)
    assert "needs scope assets.write:330200" in urban(
        "delete", "cities/330200/assets/x", token=token
    ).err


def test_the_tokens_file_defaults_to_the_environment(urban, tmp_path, monkeypatch):
    monkeypatch.setenv("URBAN_AUTH_TOKENS_FILE", str(tmp_path / "env-tokens.yaml"))
    assert urban("token", "create", "reader", "assets.read:*").code == 0
    assert "reader" in (tmp_path / "env-tokens.yaml").read_text(encoding="utf-8")


def test_a_bad_scope_or_a_taken_name_fails_with_one_line(urban, tokens_file):
    bad_scope = urban("token", "create", "x", "assets.delete:330100", "--file", tokens_file)
    taken = urban("token", "create", "admin", "admin", "--file", tokens_file)
    assert (bad_scope.code, taken.code) == (1, 1)
    assert len(bad_scope.err_lines) == 1 and bad_scope.err.startswith("urban: unknown scope")
    assert taken.err_lines == [
        f"urban: tokens file {tokens_file} already has a token named 'admin'"
    ]
