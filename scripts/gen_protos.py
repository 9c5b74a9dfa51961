"""Generate the Python code for protos/ into urban/ (messages, gRPC stubs, and Connect stubs by
protoc-gen-connectrpc), or check that the committed code is current.

Usage: python scripts/gen_protos.py [--check]
Also lays the googleapis .proto files that buf needs into protos/.deps, offline, and (without
--check) the self-contained bundle for clients in other languages into build/proto-bundle.
"""

import filecmp
import pathlib
import shutil
import sys
import tempfile

import google.api
import grpc_tools
from grpc_tools import protoc
from proto_bundle import DEFAULT_BUNDLE, write_bundle

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROTOS = ROOT / "protos"
OUTPUT = ROOT / "urban"
GOOGLEAPIS = pathlib.Path(google.api.__path__[0]).parent.parent
WELL_KNOWN = pathlib.Path(grpc_tools.__path__[0]) / "_proto"
CONNECT_PLUGIN = pathlib.Path(sys.executable).parent / "protoc-gen-connectrpc"


def proto_files() -> list[str]:
    return sorted(str(p.relative_to(PROTOS)) for p in (PROTOS / "urban").rglob("*.proto"))


def generate(into: pathlib.Path) -> None:
    args = [
        "protoc",
        f"-I{PROTOS}",
        f"-I{GOOGLEAPIS}",
        f"-I{WELL_KNOWN}",
        f"--python_out={into}",
        f"--pyi_out={into}",
        f"--grpc_python_out={into}",
        f"--plugin=protoc-gen-connectrpc={CONNECT_PLUGIN}",
        f"--connectrpc_out={into}",
        "--connectrpc_opt=protobuf=google,io=sync",
        *proto_files(),
    ]
    if protoc.main(args) != 0:
        sys.exit("protoc failed")
    for folder in [into / "urban", *(p for p in (into / "urban").rglob("*") if p.is_dir())]:
        (folder / "__init__.py").touch()


def lay_buf_dependencies() -> None:
    deps = PROTOS / ".deps" / "google"
    for package in ("api", "type", "rpc"):
        target = deps / package
        target.mkdir(parents=True, exist_ok=True)
        for proto in (GOOGLEAPIS / "google" / package).glob("*.proto"):
            shutil.copyfile(proto, target / proto.name)


def stale_files(generated: pathlib.Path) -> list[str]:
    fresh = {p.relative_to(generated) for p in generated.rglob("*") if p.is_file()}
    committed = {
        p.relative_to(ROOT)
        for p in OUTPUT.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    differing = {
        p for p in fresh & committed if not filecmp.cmp(generated / p, ROOT / p, shallow=False)
    }
    return sorted(str(p) for p in (fresh ^ committed) | differing)


def main() -> None:
    lay_buf_dependencies()
    if "--check" not in sys.argv:
        shutil.rmtree(OUTPUT, ignore_errors=True)
        generate(ROOT)
        files = write_bundle(DEFAULT_BUNDLE)
        print(f"proto bundle: {len(files)} .proto files in {DEFAULT_BUNDLE.relative_to(ROOT)}")
        return
    with tempfile.TemporaryDirectory() as scratch:
        generate(pathlib.Path(scratch))
        stale = stale_files(pathlib.Path(scratch))
    if stale:
        sys.exit("generated code is stale; run `make protos`:\n  " + "\n  ".join(stale))
    print("generated code is current")


if __name__ == "__main__":
    main()
