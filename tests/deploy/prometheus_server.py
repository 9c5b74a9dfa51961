"""A real Prometheus from Debian's package on a free loopback port, with the project's
configuration made fast: 1 s scrapes and evaluations, and targets on the given ports."""

import json
import socket
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

from tests.deploy.paths import PROMETHEUS_CONFIG
from tests.deploy.promql_names import rule_documents
from tests.waiting import wait_until

START_ATTEMPTS = 3
_READY_MESSAGE = "Server is ready to receive web requests."


def fast_configuration(
    targets: dict[str, str],
    directory: Path,
    rule_changes: dict[str, tuple[str, str]] | None = None,
) -> Path:
    """The project's prometheus.yml with `targets` (job -> host:port) and every alert's `for`
    at 0 s; `rule_changes` (alert -> (old, new)) rewrites one part of an alert's expression."""
    config = yaml.safe_load(PROMETHEUS_CONFIG.read_text(encoding="utf-8"))
    config["global"].update(scrape_interval="1s", evaluation_interval="1s")
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert set(jobs) == set(targets), f"the project scrapes {sorted(jobs)}"
    for name, target in targets.items():
        jobs[name]["static_configs"] = [{"targets": [target]}]
    config["rule_files"] = [str(_fast_rules(directory, dict(rule_changes or {})))]
    path = directory / "prometheus.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def _fast_rules(directory: Path, rule_changes: dict[str, tuple[str, str]]) -> Path:
    groups = [group for document in rule_documents().values() for group in document["groups"]]
    for group in groups:
        for rule in group["rules"]:
            if "alert" not in rule:
                continue
            rule["for"] = "0s"
            if rule["alert"] in rule_changes:
                old, new = rule_changes.pop(rule["alert"])
                assert rule["expr"].count(old) == 1, f"{rule['alert']}: {old!r} not in its expr"
                rule["expr"] = rule["expr"].replace(old, new)
    assert not rule_changes, f"no such alerts: {sorted(rule_changes)}"
    path = directory / "rules.yml"
    path.write_text(yaml.safe_dump({"groups": groups}, sort_keys=False), encoding="utf-8")
    return path


class PrometheusServer:
    def __init__(self, executable: str, config: Path, directory: Path):
        self._executable, self._config, self._directory = executable, config, directory
        self._log = directory / "prometheus.log"
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> "PrometheusServer":
        for attempt in range(START_ATTEMPTS):
            port = _free_port()
            self.url = f"http://127.0.0.1:{port}"
            self._log = self._directory / f"prometheus-{attempt}.log"
            with self._log.open("wb") as log:
                self.process = subprocess.Popen(
                    [
                        self._executable,
                        f"--config.file={self._config}",
                        f"--storage.tsdb.path={self._directory / 'data'}",
                        f"--web.listen-address=127.0.0.1:{port}",
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            if wait_until(self._ready_or_exited, timeout=60) == "ready":
                return self
        raise AssertionError(f"Prometheus did not start:\n{self._log.read_text()[-3000:]}")

    def _ready_or_exited(self) -> str | None:
        """ "ready" once this process says so in its log; "exited" if it could not listen (a
        port taken meanwhile, by a server that may even answer HTTP): the caller tries again."""
        if self.process.poll() is not None:
            return "exited"
        return "ready" if _READY_MESSAGE in self._log.read_text(errors="replace") else None

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def query(self, expr: str) -> list[dict]:
        """The instant vector `expr` gives now: [{"metric": {...}, "value": [time, "text"]}]."""
        return self._api("query", query=expr)["result"]

    def alerts(self) -> list[dict]:
        return self._api("alerts")["alerts"]

    def _api(self, endpoint: str, **parameters) -> dict:
        url = f"{self.url}/api/v1/{endpoint}"
        if parameters:
            url += "?" + urllib.parse.urlencode(parameters)
        with urllib.request.urlopen(url, timeout=10) as response:
            body = json.load(response)
        assert body["status"] == "success", body
        return body["data"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
