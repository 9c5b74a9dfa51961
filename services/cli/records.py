"""What every reader yields: records with a location people can find, and the checks of a header
and of the parts (sheets, layers) a file holds."""

from dataclasses import dataclass

from services.cli.failures import CliError, UsageError
from services.cli.output import warn
from services.cli.read_options import ALL
from services.common.errors import FieldViolation


@dataclass(frozen=True)
class Record:
    location: str
    cells: dict[str, str]
    problems: tuple[FieldViolation, ...] = ()
    id_suffix: str = ""  # appended to the asset id: one part of a split multi-part geometry


def check_unique(path: str, header: list[str]) -> None:
    repeated = sorted({column for column in header if header.count(column) > 1})
    if repeated:
        raise CliError(f"{path}: column {repeated[0]!r} appears more than once in the header")


def excess(values: list[str], header: list[str]) -> tuple[FieldViolation, ...]:
    if len(values) <= len(header) or not any(value.strip() for value in values[len(header):]):
        return ()
    reason = f"has {len(values)} values but the header names {len(header)} columns"
    return (FieldViolation("row", reason),)


def chosen_parts(path: str, found: list[str], chosen: str | None, part: str) -> list[str]:
    """The sheets or layers (`part`) to read: the one chosen (`--sheet`/`--layer`), every one
    for `*`, else the first, with a word on the others."""
    if not found:
        raise CliError(f"{path} has no {part}s")
    if chosen == ALL:
        return found
    if chosen is None:
        if len(found) > 1:
            warn(f"reading {part} {found[0]!r} of {path}; it also has "
                 f"{', '.join(map(repr, found[1:]))} (--{part} NAME, or --{part} '*' for all)")
        return found[:1]
    if chosen not in found:
        raise UsageError(f"{path} has no {part} {chosen!r}; its {part}s are "
                         f"{', '.join(map(repr, found))}")
    return [chosen]
