"""`urban check`: the stored assets that break the registry's current rules.

Assets stored before a rule existed (a district that is no longer on the official list, a
geometry outside its city) stay stored and readable; this lists them, with what each breaks, so
that they can be corrected. An update to such an asset must make it valid.
"""

from rich.table import Table

from services.cli import listing
from services.cli.connection import Connection
from services.cli.output import stdout_console, warn
from services.common.clock import today_in_zhejiang
from services.registry.domain.names import parse_asset_name
from services.registry.domain.validation import validate_asset


def run_check(args, connection: Connection) -> int:
    """Exit status 1 when some asset breaks a rule, 0 when every one passes."""
    text, _ = listing.filter_text(args.kind, args.filter)
    cities, today = connection.cities(), today_in_zhejiang()
    table = Table("name", "field", "problem")
    checked = failing = 0
    for asset in listing.assets(connection.registry, listing.parent_of(args.city), text):
        checked += 1
        city = cities[parse_asset_name(asset.name)[0]]
        violations = validate_asset(asset, city, today=today)
        failing += bool(violations)
        for violation in violations:
            table.add_row(asset.name, violation.field, violation.description)
    if failing:
        stdout_console().print(table)
    warn(f"{failing} of {checked} assets break the registry's rules")
    return 1 if failing else 0
