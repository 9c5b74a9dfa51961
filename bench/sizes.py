"""Options of a benchmark's size: left unset, each takes the quick or the full size its
module's SIZES gives (see `apply_sizes` in __main__)."""


def add_size_option(parser, sizes: dict, option: str, help: str) -> None:
    """`--option`, of the type of its sizes, its help naming them."""
    quick, full = sizes[option]
    parser.add_argument(
        f"--{option.replace('_', '-')}",
        type=type(quick),
        default=None,
        help=f"{help} (quick {quick:,}, full {full:,})",
    )
