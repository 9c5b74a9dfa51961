"""`python -m services.risk verify`: recounts the read model's rollups. It refuses a SQLite file
that does not exist (rather than creating an empty one), and an empty read model passes only
when the registry's change log is empty too."""

import sys
from pathlib import Path

import grpc
from sqlalchemy.engine import make_url

from services.common.clock import today_in_zhejiang
from services.common.error_text import describe_error
from services.risk.app.read_model import ReadModel
from services.risk.config import RiskSettings
from services.risk.feed.registry_client import RegistryClient

EXIT_CONSISTENT, EXIT_FAILED, EXIT_NO_DATABASE = 0, 1, 2


def verify(settings: RiskSettings) -> int:
    missing = missing_sqlite_file(settings.database_url)
    if missing is not None:
        _say_error(
            f"no read model at {missing}: URBAN_RISK_DATABASE_URL is {settings.database_url!r}, "
            f"and relative paths start from the current directory ({Path.cwd()}); run from the "
            "directory the risk service runs in, or give the database's URL"
        )
        return EXIT_NO_DATABASE
    read_model = ReadModel.open(settings.database_url, clock=today_in_zhejiang)
    try:
        report = read_model.verification.recompute()
        applied = read_model.updates.applied_revision()
    finally:
        read_model.close()
    print(f"checked {report.rollups_checked} rollups over {report.assets_checked} assets")
    for key, stored, recounted in report.differences:
        print(f"  {key}: stored {stored}, recounted {recounted}")
    if not report.consistent:
        print(f"{len(report.differences)} rollups differ")
        return EXIT_FAILED
    if applied == 0 and (problem := _emptiness_problem(settings)):
        _say_error(problem)
        return EXIT_FAILED
    print("consistent")
    return EXIT_CONSISTENT


def missing_sqlite_file(url: str) -> Path | None:
    """The absolute path of a SQLite database file that does not exist, else None."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(parsed.database).absolute()
    return None if path.exists() else path


def _emptiness_problem(settings: RiskSettings) -> str | None:
    """Why an empty read model is wrong, or None when the registry's log is empty too."""
    registry = RegistryClient(
        settings.registry_target, settings.registry_token, settings.registry_tls, timeout=10
    )
    try:
        head = registry.head_revision()
    except grpc.RpcError as error:
        return (
            f"the read model is empty, and the registry at {settings.registry_target} could not "
            f"say whether it should be ({describe_error(error)}); set URBAN_REGISTRY_TARGET and "
            "URBAN_REGISTRY_TOKEN"
        )
    finally:
        registry.close()
    if head == 0:
        return None
    return (
        f"the read model is empty, but the registry at {settings.registry_target} has changes "
        f"up to revision {head}: is URBAN_RISK_DATABASE_URL the risk service's database?"
    )


def _say_error(text: str) -> None:
    print(f"verify: {text}", file=sys.stderr)
