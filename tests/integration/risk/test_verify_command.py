"""`python -m services.risk verify`: exit 0 when the rollups equal a recount, 1 otherwise."""

import sqlalchemy as sa

from services.demo.dataset import generate
from services.risk import translate
from services.risk.__main__ import main
from services.risk.storage.read_model import ReadModel


def test_verify_exits_1_and_names_the_rollup_that_differs(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'risk.db'}"
    read_model = ReadModel.open(url)
    read_model.replace_all((translate.snapshot(a) for a in generate(300, seed=3)), revision=300)
    read_model.close()
    monkeypatch.setenv("URBAN_RISK_DATABASE_URL", url)
    assert main(["verify"]) == 0
    assert "consistent" in capsys.readouterr().out
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        key = connection.scalar(sa.text("SELECT key FROM risk_rollups ORDER BY key LIMIT 1"))
        connection.execute(
            sa.text("UPDATE risk_rollups SET value = value + 7 WHERE key = :key"), {"key": key}
        )
    engine.dispose()
    assert main(["verify"]) == 1
    output = capsys.readouterr().out
    assert key in output and "1 rollups differ" in output
