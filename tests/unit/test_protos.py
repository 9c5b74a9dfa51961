"""The API protos lint clean with buf, and the committed generated code matches them."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def run(*command: str, cwd: pathlib.Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_generated_code_is_current():
    result = run(sys.executable, "scripts/gen_protos.py", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_protos_pass_buf_lint():
    run(sys.executable, "scripts/gen_protos.py", "--check")  # lays the googleapis dependencies
    buf = pathlib.Path(sys.executable).parent / "buf"
    result = run(str(buf), "lint", cwd=ROOT / "protos")
    assert result.returncode == 0, result.stdout + result.stderr
