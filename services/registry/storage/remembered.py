"""Responses remembered under their caller's request id, with the cities their call wrote."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from services.registry.storage.schema import requests

_REMEMBER = requests.insert()
_RECALL = sa.select(requests.c.method, requests.c.response, requests.c.cities).where(
    requests.c.actor == sa.bindparam("actor"), requests.c.request_id == sa.bindparam("request_id")
)


class DuplicateRequest(Exception):
    """Another call with the same request id committed first."""


@dataclass(frozen=True)
class RememberedResponse:
    method: str
    response: bytes
    cities: frozenset[str]


def remember(
    connection: sa.Connection,
    actor: str,
    request_id: str,
    method: str,
    response: bytes,
    cities: Iterable[str],
) -> None:
    row = {
        "actor": actor,
        "request_id": request_id,
        "method": method,
        "response": response,
        "create_time": dt.datetime.now(dt.UTC),
        "cities": ",".join(sorted(cities)),
    }
    try:
        connection.execute(_REMEMBER, row)
    except sa.exc.IntegrityError as error:
        raise DuplicateRequest(request_id) from error


def recall(connection: sa.Connection, actor: str, request_id: str) -> RememberedResponse | None:
    """The response of the first call with this request id, or None."""
    row = connection.execute(_RECALL, {"actor": actor, "request_id": request_id}).first()
    if row is None:
        return None
    cities = frozenset(filter(None, (row.cities or "").split(",")))
    return RememberedResponse(row.method, row.response, cities)
