"""The registry's application layer leaves transports and databases to the adapters: it imports
neither gRPC nor a database driver, holds no connection and never asks which database it runs
on."""

import ast
import pathlib

import pytest

import services.registry.app

APP = pathlib.Path(services.registry.app.__file__).parent
MODULES = sorted(APP.rglob("*.py"))
ADAPTER_PACKAGES = {"grpc", "sqlalchemy", "psycopg", "sqlite3", "redis"}
DATABASE_QUESTIONS = {"engine", "dialect", "connection"}


def _tree(path: pathlib.Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _imported(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return {name.split(".")[0] for name in names}


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(APP)))
def test_the_application_layer_imports_no_transport_or_database(path):
    assert _imported(_tree(path)).isdisjoint(ADAPTER_PACKAGES)


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(APP)))
def test_the_application_layer_holds_no_connection_and_never_asks_which_database(path):
    attributes = {node.attr for node in ast.walk(_tree(path)) if isinstance(node, ast.Attribute)}
    assert attributes.isdisjoint(DATABASE_QUESTIONS)
