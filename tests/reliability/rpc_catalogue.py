"""Every RPC of both services: a valid request for city 330100 and what the call needs."""

import itertools
from dataclasses import dataclass

from google.protobuf.field_mask_pb2 import FieldMask

from tests.builders import pipe
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2 as r
from urban.risk.v1 import risk_service_pb2 as risk_api

CITY = "330100"
SEEDED = f"cities/{CITY}/assets/seeded"
_ids = itertools.count()


@dataclass(frozen=True)
class Rpc:
    service: str  # registry or risk
    method: str
    needs: str  # write, read, cities.write, admin, token (any valid token)
    streams_responses: bool = False
    streams_requests: bool = False

    def request(self):
        return REQUESTS[self.method]()


def _fresh(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


REQUESTS = {
    "CreateAsset": lambda: api.CreateAssetRequest(
        parent=f"cities/{CITY}", asset_id=_fresh("created"), asset=pipe("")
    ),
    "GetAsset": lambda: api.GetAssetRequest(name=SEEDED),
    "UpdateAsset": lambda: api.UpdateAssetRequest(
        asset=pipe(SEEDED, length_m=float(next(_ids) % 900 + 1)),
        update_mask=FieldMask(paths=["pipe_segment.length_m"]),
    ),
    "DeleteAsset": lambda: api.DeleteAssetRequest(
        name=f"cities/{CITY}/assets/{_fresh('absent')}", allow_missing=True
    ),
    "ListAssets": lambda: api.ListAssetsRequest(parent=f"cities/{CITY}"),
    "BatchUpsertAssets": lambda: api.BatchUpsertAssetsRequest(
        parent=f"cities/{CITY}", assets=[pipe(f"cities/{CITY}/assets/{_fresh('batch')}")]
    ),
    "ImportAssets": lambda: api.ImportAssetsRequest(
        parent=f"cities/{CITY}", assets=[pipe(f"cities/{CITY}/assets/{_fresh('imported')}")]
    ),
    "WatchChanges": lambda: api.WatchChangesRequest(parent=f"cities/{CITY}"),
    "ListChanges": lambda: api.ListChangesRequest(parent=f"cities/{CITY}"),
    "GetChangeLog": lambda: api.GetChangeLogRequest(name="changeLog"),
    "GetCity": lambda: api.GetCityRequest(name=f"cities/{CITY}"),
    "ListCities": lambda: api.ListCitiesRequest(),
    "UpdateCity": lambda: api.UpdateCityRequest(
        city=r.City(name=f"cities/{CITY}", urban_population=9_000_000),
        update_mask=FieldMask(paths=["urban_population"]),
    ),
    "GetPlanProgress": lambda: risk_api.GetPlanProgressRequest(),
    "GetPlanProgressHistory": lambda: risk_api.GetPlanProgressHistoryRequest(),
    "GetDistrictBreakdown": lambda: risk_api.GetDistrictBreakdownRequest(city=f"cities/{CITY}"),
    "ListRenovationCandidates": lambda: risk_api.ListRenovationCandidatesRequest(
        parent=f"cities/{CITY}"
    ),
    "GetRenovationCandidate": lambda: risk_api.GetRenovationCandidateRequest(
        name=SEEDED
    ),
    "VerifyReadModel": lambda: risk_api.VerifyReadModelRequest(),
}

RPCS = [
    Rpc("registry", "CreateAsset", "write"),
    Rpc("registry", "GetAsset", "read"),
    Rpc("registry", "UpdateAsset", "write"),
    Rpc("registry", "DeleteAsset", "write"),
    Rpc("registry", "ListAssets", "read"),
    Rpc("registry", "BatchUpsertAssets", "write"),
    Rpc("registry", "ImportAssets", "write", streams_responses=True, streams_requests=True),
    Rpc("registry", "WatchChanges", "read", streams_responses=True),
    Rpc("registry", "ListChanges", "read"),
    Rpc("registry", "GetChangeLog", "token"),
    Rpc("registry", "GetCity", "token"),
    Rpc("registry", "ListCities", "token"),
    Rpc("registry", "UpdateCity", "cities.write"),
    Rpc("risk", "GetPlanProgress", "token"),
    Rpc("risk", "GetPlanProgressHistory", "token"),
    Rpc("risk", "GetDistrictBreakdown", "token"),
    Rpc("risk", "ListRenovationCandidates", "read"),
    Rpc("risk", "GetRenovationCandidate", "read"),
    Rpc("risk", "VerifyReadModel", "admin"),
]
