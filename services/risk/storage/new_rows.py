"""Per-asset rows of assets the read model has never held, written without an upsert.

Within the write transaction (one writer at a time) the stored rows were read, so a name they
did not hold is not in the table: on PostgreSQL those rows go by COPY straight into it, sparing
the staging table and the conflict check that cost the database most of a row's time.
"""

import sqlalchemy as sa

from services.common.sql import driver_errors_as_sqlalchemy
from services.risk.storage import read_model_sql
from services.risk.storage.schema import assets

_COPY_INTO_TABLE = f"COPY {assets.name} ({', '.join(c.name for c in assets.c)}) FROM STDIN"


def insert_new_assets(connection: sa.Connection, rows: list[read_model_sql.AssetRow]) -> None:
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        read_model_sql.upsert_assets(connection, rows)
        return
    with driver_errors_as_sqlalchemy(connection):
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(_COPY_INTO_TABLE) as copy:
            for row in rows:
                copy.write_row(row)
