"""The `urban` command installed with the project, run as a separate process."""

import os
import subprocess
import sys
from pathlib import Path

from tests.integration.cli.files import pipes_csv
from tests.integration.cli.registry_state import stored

URBAN = Path(sys.executable).with_name("urban")


def run(*argv: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(URBAN), *argv], cwd=cwd, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)


def test_the_installed_command_imports_with_settings_from_the_environment(
    registry, tokens, admin, tmp_path
):
    env = {"URBAN_REGISTRY_TARGET": registry.address(), "URBAN_TOKEN": tokens["hangzhou"]}
    pipes_csv(tmp_path / "pipes.csv", 5)
    imported = run("import", "pipes.csv", "--city", "330100", "--kind", "pipe_segment",
                   cwd=tmp_path, env=env)
    assert imported.returncode == 0, imported.stderr
    assert "5 created" in imported.stdout
    assert len(stored(admin)) == 5

    missing = run("get", "cities/330100/assets/absent", cwd=tmp_path, env=env)
    assert missing.returncode == 1
    assert missing.stderr == "urban: asset cities/330100/assets/absent does not exist\n"
