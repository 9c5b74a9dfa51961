"""The status pages' parts that need no database: language choice, figures, charts."""

from datetime import date

import pytest

from services.risk.web.charts import burn_up
from services.risk.web.figures import MonthFigures
from services.risk.web.formatting import figure
from services.risk.web.i18n import Texts, choose_language

MONTHS = [MonthFigures(date(2024, m, 28), float(m), m / 100, m / 120) for m in range(1, 13)]


@pytest.mark.parametrize(
    ("requested", "accepted", "chosen"),
    [
        (None, [], "zh"),
        (None, ["en-GB", "en"], "en"),
        (None, ["fr", "zh-TW", "en"], "zh"),
        ("en", ["zh-CN"], "en"),
        ("zh", ["en"], "zh"),
        ("de", ["en-US"], "en"),  # a language the pages do not speak is ignored
    ],
)
def test_the_switch_wins_then_accept_language(requested, accepted, chosen):
    assert choose_language(requested, accepted) == chosen


def test_texts_in_both_languages():
    assert Texts("en").behind == "Behind schedule" and Texts("zh").behind == "滞后于进度"
    assert Texts("en").switch_language == "中文" and Texts("zh").other_language == "en"
    assert Texts("en").target_name("pipes_renovated", "x").startswith("Gas")
    assert Texts("en").target_name("a_new_target", "its description") == "its description"


@pytest.mark.parametrize(
    ("value", "unit", "written"),
    [(0.279, "ratio", "27.9 %"), (12345.4, "metres", "12,345 m"), (1204.0, "compounds", "1,204")],
)
def test_figures_in_their_unit(value, unit, written):
    assert figure(value, unit) == written


def test_a_burn_up_chart_is_svg_without_scripts_or_outside_resources():
    svg = burn_up(MONTHS, "ratio", "achieved", "expected")
    assert svg.startswith("<svg") and "<script" not in svg
    assert "href=" not in svg and "@import" not in svg
    assert "achieved" in svg and "expected" in svg and "2024-07" in svg


def test_without_a_line_the_chart_draws_achievement_in_its_unit():
    months = [MonthFigures(m.as_of, m.achieved, m.progress, None) for m in MONTHS]
    svg = burn_up(months, "compounds", "achieved", "expected")
    assert "expected" not in svg
    assert ">12<" in svg  # whole-number axis labels up to the last month's count
