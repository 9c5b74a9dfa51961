"""Lay out the API's protos for clients in other languages: the project's .proto files, every
Google .proto they import (and the error model's, to read error details), copied offline from
the googleapis-common-protos package and grpcio-tools' bundled protobuf protos, a descriptor
set that also holds the standard health and reflection services, and a README.

Usage: python scripts/proto_bundle.py [DIRECTORY]   (default build/proto-bundle)
"""

import pathlib
import re
import shutil
import sys

import google.api
import grpc_tools
from google.protobuf import descriptor_pb2
from grpc_health.v1 import health_pb2
from grpc_reflection.v1alpha import reflection_pb2
from grpc_tools import protoc

from services.common import reflection

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROTOS = ROOT / "protos"
DEFAULT_BUNDLE = ROOT / "build" / "proto-bundle"
GOOGLEAPIS = pathlib.Path(google.api.__path__[0]).parent.parent
WELL_KNOWN = pathlib.Path(grpc_tools.__path__[0]) / "_proto"
SEARCH_PATH = (PROTOS, GOOGLEAPIS, WELL_KNOWN)
# Errors carry a google.rpc.Status whose details are ErrorInfo, BadRequest and RetryInfo.
ERROR_MODEL = ("google/rpc/status.proto", "google/rpc/error_details.proto", "google/rpc/code.proto")
DESCRIPTOR_SET = "urban.binpb"
_IMPORT = re.compile(r'^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;', re.MULTILINE)


def project_protos() -> list[str]:
    return sorted(str(p.relative_to(PROTOS)) for p in (PROTOS / "urban").rglob("*.proto"))


def write_bundle(into: pathlib.Path) -> list[str]:
    """Writes the bundle into `into` (replacing it) and returns the .proto files it holds."""
    shutil.rmtree(into, ignore_errors=True)
    files = _closure([*project_protos(), *ERROR_MODEL])
    for name in files:
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_find(name), target)
    _write_descriptor_set(into, files)
    (into / "README.md").write_text(README)
    return files


def _closure(roots: list[str]) -> list[str]:
    seen: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name not in seen:
            seen.add(name)
            pending.extend(_IMPORT.findall(_find(name).read_text(encoding="utf-8")))
    return sorted(seen)


def _find(name: str) -> pathlib.Path:
    for folder in SEARCH_PATH:
        if (folder / name).is_file():
            return folder / name
    sys.exit(f"cannot find {name} in {', '.join(map(str, SEARCH_PATH))}")


def _write_descriptor_set(into: pathlib.Path, files: list[str]) -> None:
    """Every bundled file with its comments, plus health and reflection (for grpcurl -protoset,
    buf curl --schema and the like)."""
    output = into / DESCRIPTOR_SET
    args = ["protoc", f"-I{into}", f"--descriptor_set_out={output}", "--include_source_info"]
    if protoc.main([*args, *files]) != 0:
        sys.exit("protoc failed on the bundle")
    descriptors = descriptor_pb2.FileDescriptorSet.FromString(output.read_bytes())
    for module in (health_pb2, reflection_pb2):
        module.DESCRIPTOR.CopyToProto(descriptors.file.add())
    descriptors.file.append(reflection.v1_file())
    output.write_bytes(descriptors.SerializeToString())


README = """\
# The urban renewal tracker's API as protobuf

Everything a client in any language needs, with no other include path:

- `urban/registry/v1/*.proto`: RegistryService and the resources (assets, cities, changes).
- `urban/risk/v1/risk_service.proto`: RiskService (risk scores, plan progress).
- The Google protos they import (`google/api/field_behavior.proto`, `google/api/resource.proto`,
  `google/type/date.proto`, `google/protobuf/*.proto`), and the error model: errors are a
  `google.rpc.Status` (`google/rpc/status.proto`) whose details are `google.rpc.ErrorInfo`,
  `BadRequest` and `RetryInfo` (`google/rpc/error_details.proto`).
- `urban.binpb`: a `FileDescriptorSet` of all of the above plus the standard services both
  ports also answer, for tools that take a compiled schema (`grpcurl -protoset urban.binpb`,
  `buf curl --schema urban.binpb`).

The standard services are not repeated as .proto files; every gRPC library ships them:
`grpc/health/v1/health.proto` (`grpc.health.v1.Health`) and
`grpc/reflection/v1/reflection.proto` (`grpc.reflection.v1.ServerReflection`; the older
`grpc.reflection.v1alpha.ServerReflection` is answered as well). Their sources are at
https://github.com/grpc/grpc-proto. Neither needs a token.

Compile, for example: `protoc -I . --descriptor_set_out=/dev/null $(find . -name '*.proto')`.
The API's conventions (errors, etags, page tokens, JSON) are in the project's docs/api.md.
"""


if __name__ == "__main__":
    target = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_BUNDLE
    print(f"{len(write_bundle(target))} .proto files in {target}")
