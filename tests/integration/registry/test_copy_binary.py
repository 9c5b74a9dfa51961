"""Rows the registry encodes in COPY's binary form itself read back as the values they encode."""

import datetime as dt

import sqlalchemy as sa

from services.registry.storage import copy_binary

MOMENT = dt.datetime(2026, 12, 3, 12, 30, 15, 123456, tzinfo=dt.UTC)
ROWS = [
    ("杭州市 pipe", None, b"\x00\x01\xff", None, MOMENT),
    ("", "request-1", b"", b"before", dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)),
]


def test_numbered_rows_read_back_as_encoded(postgres_url):
    engine = sa.create_engine(postgres_url)
    tails = [
        b"".join((copy_binary.text(name), copy_binary.text(request), copy_binary.bytea(body),
                  copy_binary.bytea(before), copy_binary.timestamptz(moment)))
        for name, request, body, before, moment in ROWS
    ]  # fmt: skip
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "CREATE TEMPORARY TABLE copied (revision int8, name text, request text, body bytea,"
                " before bytea, moment timestamptz)"
            )
            cursor = connection.connection.driver_connection.cursor()
            with cursor.copy("COPY copied FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(copy_binary.numbered(tails, 41, fields=6))
            copied = connection.exec_driver_sql("SELECT * FROM copied ORDER BY revision").all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in copied] == [
        (41 + n, name, request, body, before, moment)
        for n, (name, request, body, before, moment) in enumerate(ROWS)
    ]
