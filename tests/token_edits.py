"""Editing a tokens file in place, as an operator does to revoke a token or change its scopes."""

import yaml


def edit_token(tokens_file: str, name: str, **changes) -> None:
    with open(tokens_file, encoding="utf-8") as file:
        document = yaml.safe_load(file)
    for entry in document["tokens"]:
        if entry["name"] == name:
            entry.update(changes)
    with open(tokens_file, "w", encoding="utf-8") as file:
        yaml.safe_dump(document, file)
