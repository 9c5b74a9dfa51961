"""How the pages write figures."""


def figure(value: float, unit: str) -> str:
    """A figure in its unit as the pages write it: 27.9 %, 12,345 m, 1,204."""
    if unit == "ratio":
        return percent(value)
    if unit == "metres":
        return f"{value:,.0f} m"
    return f"{value:,.0f}"


def percent(share: float) -> str:
    return f"{share * 100:.1f} %"


def points(share: float) -> str:
    return f"{share * 100:.1f}"
