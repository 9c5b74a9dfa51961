"""Input files for `urban import`."""

import csv
from pathlib import Path

from tests.builders import HANGZHOU_LINE, line_in_city

PIPE_HEADER = ("asset_id", "display_name", "network", "material", "diameter_mm", "length_m",
               "commissioned_year", "lined", "status", "renovation_completion_date", "geojson")
LINE = HANGZHOU_LINE


def pipe_row(number: int, **changes) -> dict[str, str]:
    row = {
        "asset_id": f"gas-{number:06d}",
        "display_name": f"Gas main {number}",
        "network": "gas",
        "material": "gray_cast_iron",
        "diameter_mm": "200",
        "length_m": "120.5",
        "commissioned_year": "1988",
        "lined": "否",
        "status": "in_service",
        "renovation_completion_date": "",
        "geojson": LINE,
    }
    row.update(changes)
    if "city" in changes and "geojson" not in changes and changes["city"] != "330100":
        row["geojson"] = line_in_city(changes["city"])  # inside the row's own city
    return row


def write_csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def pipes_csv(path: Path, count: int, **changes) -> Path:
    return write_csv(path, [pipe_row(number, **changes) for number in range(count)])
