"""The README's curl examples as they stand, and the interop scenario with curl over Connect
JSON: what a system that can only send HTTP and JSON sees."""

import base64
import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest
from google.rpc import error_details_pb2

from tests.conftest import service_absent
from tests.waiting import wait_until

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"
REGISTRY = "urban.registry.v1.RegistryService"
RISK = "urban.risk.v1.RiskService"
PIPE = {
    "displayName": "Curl main",
    "pipeSegment": {
        "network": "PIPE_NETWORK_WATER_SUPPLY", "material": "PIPE_MATERIAL_STEEL",
        "diameterMm": 150, "lengthM": 80, "commissionedYear": 2005,
        "status": "PIPE_STATUS_IN_SERVICE",
    },
}


@pytest.fixture(scope="module")
def curl() -> str:
    path = shutil.which("curl")
    if path is None:
        service_absent("curl (apt-get install curl)", OSError("not found"))
    return path


class Curl:
    def __init__(self, curl: str, base: str, token: str):
        self.curl, self.base, self.token = curl, base, token

    def post(self, path: str, body: dict, token: str | None = None, *extra: str):
        """The HTTP status and the body of a Connect call made by curl."""
        run = subprocess.run(
            [self.curl, "-sS", "-w", "\n%{http_code}", "-H", f"Authorization: Bearer "
             f"{token or self.token}", "-H", "Content-Type: application/json",
             *extra, "--data-binary", json.dumps(body), f"{self.base}/{path}"],
            capture_output=True, text=True, timeout=60, check=True,
        )
        text, _, status = run.stdout.rpartition("\n")
        return int(status), json.loads(text)

    def call(self, path: str, body: dict) -> dict:
        status, answer = self.post(path, body)
        assert status == 200, answer
        return answer


def _detail(error: dict, message_type):
    for detail in error["details"]:
        if detail["type"] == message_type.DESCRIPTOR.full_name:
            value = detail["value"]
            return message_type.FromString(base64.b64decode(value + "=" * (-len(value) % 4)))
    raise AssertionError(f"no {message_type.DESCRIPTOR.full_name} in {error}")


def _readme_examples() -> str:
    text = README.read_text()
    marker = text.index("<!-- tests/interop/test_curl.py runs this block as it stands -->")
    return re.search(r"```sh\n(.*?)```", text[marker:], re.DOTALL).group(1)


def test_the_readme_examples_run_as_they_stand(curl, services):
    registry, risk, tokens = services
    environment = {
        **os.environ,
        "REGISTRY": f"http://127.0.0.1:{registry.http_port}/{REGISTRY}",
        "RISK": f"http://127.0.0.1:{risk.web_port}/{RISK}",
        "URBAN_TOKEN": tokens["writer"],
        "PATH": f"{pathlib.Path(curl).parent}:{os.environ.get('PATH', '')}",
    }
    run = subprocess.run(["bash", "-euo", "pipefail", "-c", _readme_examples()],
                         env=environment, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    created, read, page, progress = (json.loads(line) for line in run.stdout.splitlines())
    assert created["name"] == "cities/330100/assets/gas-jiefang-001" and read == created
    assert [asset["name"] for asset in page["assets"]] == [created["name"]]
    assert progress["targets"] and all("targetValue" in t for t in progress["targets"])


def test_the_scenario_over_curl(curl, services):
    registry, risk, tokens = services
    http = Curl(curl, f"http://127.0.0.1:{registry.http_port}/{REGISTRY}", tokens["writer"])
    name = "cities/330100/assets/curl-1"
    created = http.call("CreateAsset", {"parent": "cities/330100", "assetId": "curl-1",
                                        "asset": PIPE})
    patch = {"name": name, "displayName": "Curl main, renamed", "etag": created["etag"]}
    updated = http.call("UpdateAsset", {"asset": patch, "updateMask": "displayName"})
    assert updated["etag"] != created["etag"] and updated["version"].isdigit()

    status, stale = http.post("UpdateAsset", {"asset": patch, "updateMask": "displayName"})
    assert (status, stale["code"]) == (409, "aborted")
    assert _detail(stale, error_details_pb2.ErrorInfo).reason == "ETAG_MISMATCH"

    status, other_city = http.post(
        "UpdateAsset", {"asset": {**patch, "etag": updated["etag"]}, "updateMask": "displayName"},
        tokens["other"])
    assert (status, other_city["code"]) == (403, "permission_denied")

    bad_pipe = {**PIPE, "pipeSegment": {**PIPE["pipeSegment"], "lengthM": -1}}
    status, invalid = http.post("CreateAsset", {"parent": "cities/330100", "assetId": "curl-2",
                                                "asset": bad_pipe})
    assert (status, invalid["code"]) == (400, "invalid_argument")
    fields = [v.field for v in _detail(invalid, error_details_pb2.BadRequest).field_violations]
    assert "asset.pipe_segment.length_m" in fields

    for asset_id in ("curl-2", "curl-3"):
        http.call("CreateAsset", {"parent": "cities/330100", "assetId": asset_id, "asset": PIPE})
    names, token = [], ""
    while True:
        page = http.call("ListAssets", {"parent": "cities/330100", "pageSize": 2,
                                        "pageToken": token})
        names += [asset["name"] for asset in page["assets"]]
        token = page["nextPageToken"]
        if not token:
            break
    assert names == [f"cities/330100/assets/curl-{n}" for n in (1, 2, 3)]

    changes, end = _watch(curl, http, {"startRevision": "1", "parent": "cities/330100"})
    assert [c["type"] for c in changes if c["assetName"] == name] == [
        "CHANGE_TYPE_CREATED", "CHANGE_TYPE_UPDATED"]
    assert end["error"]["code"] == "deadline_exceeded"  # the watch ran until its timeout

    wait_until(lambda: risk.read_model.updates.applied_revision() >= 4, timeout=60)
    progress = Curl(curl, f"http://127.0.0.1:{risk.web_port}/{RISK}", tokens["writer"]).call(
        "GetPlanProgress", {"city": "cities/330100"})
    assert int(progress["appliedRevision"]) >= 4 and progress["targets"]


def _watch(curl: str, http: Curl, request: dict) -> tuple[list[dict], dict]:
    """WatchChanges by curl: a Connect stream of enveloped JSON messages, ended by its timeout."""
    body = json.dumps(request).encode()
    run = subprocess.run(
        [curl, "-sS", "-N", "-H", f"Authorization: Bearer {http.token}",
         "-H", "Content-Type: application/connect+json", "-H", "Connect-Timeout-Ms: 3000",
         "--data-binary", "@-", f"{http.base}/WatchChanges"],
        input=b"\x00" + len(body).to_bytes(4, "big") + body,
        capture_output=True, timeout=60, check=True,
    )
    messages, data = [], run.stdout
    while data:
        flags, size = data[0], int.from_bytes(data[1:5], "big")
        messages.append((flags, json.loads(data[5 : 5 + size])))
        data = data[5 + size :]
    assert messages and messages[-1][0] & 0x02, "the stream has no end message"
    return [message for _, message in messages[:-1]], messages[-1][1]
