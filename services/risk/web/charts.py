"""The burn-up charts: inline SVG drawn by pygal, without scripts or outside resources."""

import math
from xml.etree import ElementTree

from markupsafe import Markup
from pygal import Line
from pygal.style import Style

from services.risk.web.figures import MonthFigures
from services.risk.web.formatting import figure, percent

_STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#222",
    foreground_strong="#222",
    foreground_subtle="#bbb",
    colors=("#1f6fb2", "#c0392b"),
    font_family="'Noto Sans CJK SC', 'Noto Sans', sans-serif",
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=12,
)


def burn_up(
    months: list[MonthFigures], unit: str, achieved_label: str, expected_label: str
) -> Markup:
    """Achievement month by month against the straight line, as percentages of the basis; in
    the target's own unit where there is no line to draw against."""
    against_line = any(month.expected is not None for month in months)
    chart = Line(
        style=_STYLE,
        width=720,
        height=260,
        js=[],  # no scripts: the page reads without JavaScript and fetches nothing
        disable_xml_declaration=True,
        show_legend=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        x_label_rotation=0,
        show_minor_x_labels=False,
        x_labels_major_every=6,
        truncate_label=-1,
        dots_size=2,
        min_scale=4,
        value_formatter=percent if against_line else lambda value: figure(value, unit),
        include_x_axis=True,
        explicit_size=False,
    )
    chart.x_labels = [month.as_of.strftime("%Y-%m") for month in months]
    if against_line:
        chart.add(achieved_label, [month.progress for month in months])
        chart.add(
            expected_label,
            [month.expected for month in months],
            stroke_style={"dasharray": "6, 4"},
            show_dots=False,
        )
    else:
        chart.add(achieved_label, [month.achieved for month in months])
        if unit == "compounds":
            chart.y_labels = _whole_numbers(max((m.achieved for m in months), default=0.0))
    return Markup(_without_scripts(chart))


def _whole_numbers(top: float, ticks: int = 5) -> list[int]:
    """Axis labels for a count: whole numbers from 0 past `top`."""
    step = max(1, math.ceil(top / ticks))
    return list(range(0, step * (math.ceil(top / step) + 1), step))


def _without_scripts(chart: Line) -> str:
    """The SVG without the configuration script pygal always embeds (for its optional
    tooltips): the pages carry no script at all."""
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if str(child.tag).rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return ElementTree.tostring(tree, encoding="unicode")
