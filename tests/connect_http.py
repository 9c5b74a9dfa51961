"""Calling a service over the Connect protocol with plain HTTP and JSON, as a client without any
generated code would, and reading the error details it answers with."""

import base64
import json

import requests
from google.protobuf import json_format
from google.rpc import error_details_pb2


class ConnectJson:
    def __init__(self, base_url: str, service: str, token: str | None = None):
        self.url = f"{base_url}/{service}"
        self.token = token

    def post(self, method: str, body: dict, token: str | None = None, **headers):
        token = token or self.token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        headers.setdefault("Content-Type", "application/json")
        return requests.post(
            f"{self.url}/{method}", data=json.dumps(body), headers=headers, timeout=30
        )

    def call(self, method: str, body: dict, token: str | None = None) -> dict:
        response = self.post(method, body, token)
        assert response.status_code == 200, response.text
        return response.json()


def error_detail(error: dict, message_type):
    """The detail of `message_type` in a Connect error's JSON (values are unpadded base64)."""
    for detail in error.get("details", []):
        if detail["type"] == message_type.DESCRIPTOR.full_name:
            value = detail["value"]
            return message_type.FromString(base64.b64decode(value + "=" * (-len(value) % 4)))
    raise AssertionError(f"no {message_type.DESCRIPTOR.full_name} in {error}")


def reason(error: dict) -> str:
    return error_detail(error, error_details_pb2.ErrorInfo).reason


def violations(error: dict) -> dict[str, str]:
    bad_request = error_detail(error, error_details_pb2.BadRequest)
    return {v.field: v.description for v in bad_request.field_violations}


def as_json(message) -> dict:
    return json_format.MessageToDict(message, always_print_fields_with_no_presence=True)
