"""The container image: multi-stage, non-root, nothing written next to the code, settings that
listen where CONTRACT.md says. No Docker engine runs here, so the Dockerfile is read with
BuildKit's parser and the image's /app is rebuilt from its COPY instructions and run."""

import fnmatch
import shutil
import subprocess
import sys

import grpc

from services.common.config import Address
from tests.deploy.contract import COMMANDS, GRPC_PORTS, METRICS_PORTS, settings_from
from tests.deploy.dockerfile_model import stages
from tests.deploy.live_services import Stack, issue_credentials
from tests.deploy.paths import DOCKERFILE, REPOSITORY
from tests.deploy.sample_assets import upsert_request
from urban.registry.v1 import registry_service_pb2_grpc

DOCKERIGNORE = DOCKERFILE.with_name("Dockerfile.dockerignore")


def build_stage():
    return next(stage for stage in stages() if stage.name == "build")


def runtime_stage():
    return stages()[-1]


def test_the_build_is_multi_stage_and_the_runtime_copies_only_the_results():
    build, runtime = build_stage(), runtime_stage()
    assert runtime is not build and runtime.base == build.base
    assert runtime.all("RUN") and not any("pip" in " ".join(c.value) for c in runtime.all("RUN"))
    copied = {command.value[0] for command in runtime.all("COPY") if command.flags}
    assert copied == {"/opt/venv", "/app"}


def test_the_runtime_runs_as_a_numeric_non_root_user():
    user = runtime_stage().last("USER").value[0]
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and int(uid) != 0, user
    assert gid.isdigit() and int(gid) != 0, user


def test_the_default_command_is_the_documented_registry_command():
    runtime = runtime_stage()
    assert list(runtime.last("CMD").value) == COMMANDS["registry"]
    assert runtime.last("WORKDIR").value == ("/app",)
    assert not runtime.all("ENTRYPOINT")


def test_the_image_listens_on_every_interface_at_the_contract_ports():
    runtime = runtime_stage()
    environment = runtime.environment()
    exposed = {int(port) for port in runtime.last("EXPOSE").value}
    for service in ("registry", "risk"):
        settings, read = settings_from(service, environment)
        assert settings.listen.host == "0.0.0.0" and settings.listen.port == GRPC_PORTS[service]
        assert settings.metrics_listen.port == METRICS_PORTS[service]
        assert settings.metrics_listen.host == "0.0.0.0"
        assert {settings.listen.port, settings.metrics_listen.port} <= exposed
    assert settings.web_listen == Address("0.0.0.0", 8080) and 8080 in exposed  # status pages
    registry, _ = settings_from("registry", environment)
    assert registry.http_listen == Address("0.0.0.0", 8081) and 8081 in exposed  # Connect
    assert settings.tokens_file.startswith("/etc/urban/")


def test_python_writes_no_bytecode_at_run_time_because_the_build_compiled_it():
    assert runtime_stage().environment()["PYTHONDONTWRITEBYTECODE"] == "1"
    assert any("compileall" in " ".join(c.value) for c in build_stage().all("RUN"))


def test_the_build_context_holds_only_what_the_copies_need():
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert patterns[0] == "*", "everything is excluded first"
    included = {pattern[1:] for pattern in patterns if pattern.startswith("!")}
    for stage in stages():
        for sources, _ in stage.copies_from_context():
            for source in sources:
                assert any(fnmatch.fnmatch(source, p) or source.startswith(p) for p in included)
                assert (REPOSITORY / source).exists(), source


def image_app_directory(destination):
    """/app as the build stage leaves it: its context copies, relative to WORKDIR /app."""
    destination.mkdir()
    for sources, target in build_stage().copies_from_context():
        for source in sources:
            origin = REPOSITORY / source
            place = destination / (source if target == "./" else target.removeprefix("./"))
            if origin.is_dir():
                ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
                shutil.copytree(origin, place, ignore=ignore)
            else:
                shutil.copy2(origin, place)
    return destination


def snapshot(directory) -> dict[str, int]:
    return {str(path): path.stat().st_mtime_ns for path in directory.rglob("*")}


def test_both_services_run_from_the_image_layout_without_writing_to_it(tmp_path):
    app = image_app_directory(tmp_path / "app")
    image_environment = {
        name: value
        for name, value in runtime_stage().environment().items()
        if name.startswith("PYTHON")
    }
    imported = subprocess.run(
        [sys.executable, "-c", "import services, urban; print(services.__file__, urban.__file__)"],
        cwd=app,
        env=image_environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert all(path.startswith(str(app)) for path in imported), imported

    before = snapshot(app)
    data = tmp_path / "writable"
    data.mkdir()
    stack = Stack(data, issue_credentials(data), extra=image_environment)
    registry = stack.start_registry(cwd=app)
    try:
        risk = stack.start_risk(registry, cwd=app)
        with grpc.insecure_channel(registry.grpc_target) as channel:
            registry_service_pb2_grpc.RegistryServiceStub(channel).BatchUpsertAssets(
                upsert_request(), metadata=stack.credentials.admin_metadata, timeout=30
            )
        risk.stop()
    finally:
        registry.stop()
    assert snapshot(app) == before, "a service wrote under /app, which is read-only in the image"
