"""`.ci/run` may run on a developer's machine: it stops Debian's Prometheus service through the
init system, and never ends other processes by their name."""

import os
import re
import shutil
import subprocess

from tests.deploy.paths import REPOSITORY

CI_RUN = REPOSITORY / ".ci" / "run"
STOP_SCRIPT = REPOSITORY / ".ci" / "stop-packaged-prometheus"


def test_the_ci_script_kills_no_process_by_name():
    text = CI_RUN.read_text(encoding="utf-8")
    assert not re.search(r"\b(pkill|killall)\b", text)
    assert ".ci/stop-packaged-prometheus" in text


def test_stopping_the_packaged_prometheus_leaves_one_started_by_hand_running(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "service-calls"
    fake_service = bin_dir / "service"
    fake_service.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n', encoding="utf-8")
    fake_service.chmod(0o755)
    own_prometheus = tmp_path / "prometheus"
    shutil.copy(shutil.which("sleep"), own_prometheus)
    decoy = subprocess.Popen([str(own_prometheus), "60"])
    try:
        env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}")
        subprocess.run([str(STOP_SCRIPT)], env=env, check=True, timeout=30)
        assert decoy.poll() is None
        assert calls.read_text(encoding="utf-8").split() == ["prometheus", "stop"]
    finally:
        decoy.kill()
        decoy.wait()
