"""`urban token create|list|revoke`: the token is printed once; the file keeps only its hash."""

import hashlib
import os
import stat
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


def test_a_scope_naming_an_unknown_city_is_refused_with_the_known_cities(urban, tokens_file):
    before = Path(tokens_file).read_text(encoding="utf-8")
    outcome = urban("token", "create", "x", "assets.read:999999", "--file", tokens_file)
    assert outcome.code == 1 and outcome.out == ""
    [line] = outcome.err_lines
    assert line.startswith("urban: unknown city 999999 in scope 'assets.read:999999'")
    assert "330100 Hangzhou" in line and "330282 Cixi" in line and "or * for every city" in line
    assert Path(tokens_file).read_text(encoding="utf-8") == before


def test_token_list_shows_names_scopes_and_state_but_no_secret(urban, tokens_file, tokens):
    urban("token", "revoke", "ningbo", "--file", tokens_file)
    outcome = urban("token", "list", "--file", tokens_file)
    assert outcome.code == 0, outcome.err
    rows = {line.split("│")[1].strip(): line for line in outcome.out.splitlines()
            if line.count("│") >= 4}
    assert set(rows) >= {"admin", "hangzhou", "ningbo", "reader"}
    assert "assets.read:* assets.write:330100" in rows["hangzhou"]
    assert "revoked" in rows["ningbo"] and "active" in rows["admin"]
    text = Path(tokens_file).read_text(encoding="utf-8")
    hashes = [entry["sha256"] for entry in yaml.safe_load(text)["tokens"]]
    assert not any(secret[:12] in outcome.out for secret in [*tokens.values(), *hashes])


def test_token_list_of_an_empty_file_says_so(urban, tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("tokens: []\n", encoding="utf-8")
    outcome = urban("token", "list", "--file", str(path))
    assert (outcome.code, outcome.out, outcome.err_lines) == (0, "", [f"no tokens in {path}"])


def test_a_revoked_token_is_refused_and_the_file_keeps_its_mode_and_owner(
    urban, tokens_file, tokens
):
    path = Path(tokens_file)
    path.chmod(0o640)
    owner = (1234, 1234) if os.geteuid() == 0 else (path.stat().st_uid, path.stat().st_gid)
    os.chown(path, *owner)
    outcome = urban("token", "revoke", "hangzhou", "--file", tokens_file)
    assert outcome.code == 0, outcome.err
    assert outcome.out.startswith(f"revoked token 'hangzhou' in {tokens_file}")
    assert tokens["hangzhou"] not in outcome.out + outcome.err
    status = path.stat()
    assert (stat.S_IMODE(status.st_mode), status.st_uid, status.st_gid) == (0o640, *owner)
    [entry] = [e for e in yaml.safe_load(path.read_text())["tokens"] if e["name"] == "hangzhou"]
    assert entry["revoked"] is True
    wait_until(lambda: urban("list", token=tokens["hangzhou"]).code == 1, timeout=10)
    assert "rejected the token" in urban("list", token=tokens["hangzhou"]).err
    again = urban("token", "revoke", "hangzhou", "--file", tokens_file)
    assert again.code == 0 and "was already revoked" in again.out


def test_revoking_an_unknown_name_lists_the_names(urban, tokens_file):
    outcome = urban("token", "revoke", "nobody", "--file", tokens_file)
    assert outcome.code == 1
    [line] = outcome.err_lines
    assert "has no token named 'nobody'" in line and "admin, hangzhou" in line
