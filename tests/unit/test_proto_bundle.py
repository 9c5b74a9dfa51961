"""The proto bundle for other languages compiles on its own, with no other include path."""

import pathlib
import subprocess
import sys

import pytest
from google.protobuf import descriptor_pb2
from grpc_tools import protoc

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> pathlib.Path:
    into = tmp_path_factory.mktemp("bundle") / "protos"
    command = [sys.executable, "scripts/proto_bundle.py", str(into)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return into


def proto_files(bundle: pathlib.Path) -> list[str]:
    return sorted(str(p.relative_to(bundle)) for p in bundle.rglob("*.proto"))


def test_every_file_compiles_with_the_bundle_as_the_only_include_path(bundle, tmp_path):
    output = tmp_path / "all.binpb"
    args = ["protoc", f"-I{bundle}", f"--descriptor_set_out={output}", "--include_imports"]
    assert protoc.main([*args, *proto_files(bundle)]) == 0
    compiled = {file.name for file in descriptor_pb2.FileDescriptorSet.FromString(
        output.read_bytes()).file}
    assert compiled == set(proto_files(bundle))


def test_it_holds_the_api_its_imports_and_the_error_model(bundle):
    files = set(proto_files(bundle))
    assert {
        "urban/registry/v1/registry_service.proto",
        "urban/registry/v1/resources.proto",
        "urban/risk/v1/risk_service.proto",
        "google/api/field_behavior.proto",
        "google/api/resource.proto",
        "google/type/date.proto",
        "google/protobuf/field_mask.proto",
        "google/rpc/status.proto",
        "google/rpc/error_details.proto",
    } <= files
    assert (bundle / "README.md").read_text().count("grpc/reflection/v1/reflection.proto") == 1


def test_its_descriptor_set_describes_the_api_and_the_standard_services(bundle):
    descriptors = descriptor_pb2.FileDescriptorSet.FromString((bundle / "urban.binpb").read_bytes())
    services = {
        f"{file.package}.{service.name}" for file in descriptors.file for service in file.service
    }
    assert services == {
        "urban.registry.v1.RegistryService",
        "urban.risk.v1.RiskService",
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
    }
