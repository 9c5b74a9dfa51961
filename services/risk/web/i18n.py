"""The pages' two languages: Chinese (the default) and English."""

from collections.abc import Iterable

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

TARGET_NAMES = {
    "old_compounds_started": ("城镇老旧小区改造新开工", "Old compounds: renovation started"),
    "urban_villages_completed": ("城中村改造", "Urban villages renovated"),
    "old_blocks_completed": ("老旧街区、厂区改造", "Old blocks and factory areas renovated"),
    "pipes_renovated": ("城市燃气、供排水管网更新改造", "Gas, water and drainage pipes renovated"),
    "flood_control_compliance": ("城市内涝防治达标率", "Flood-control compliance"),
    "waterlogging_points_eliminated": ("易涝积水点动态消除", "Waterlogging points eliminated"),
}

KIND_NAMES = {
    "old_compound": ("老旧小区", "Old compounds"),
    "urban_village": ("城中村", "Urban villages"),
    "old_block": ("老旧街区、厂区", "Old blocks"),
    "waterlogging_point": ("易涝积水点", "Waterlogging points"),
    "drainage_zone": ("排水分区", "Drainage zones"),
    "pipe_segment": ("管段", "Pipe segments"),
}

STATUS_NAMES = {
    "planned": ("计划", "planned"),
    "started": ("已开工", "started"),
    "completed": ("已完成", "completed"),
    "in_service": ("在用", "in service"),
    "renovation_planned": ("计划改造", "renovation planned"),
    "under_renovation": ("改造中", "under renovation"),
    "renovated": ("已改造", "renovated"),
    "retired": ("已停用", "retired"),
    "identified": ("已排查", "identified"),
    "remediating": ("整治中", "remediating"),
    "remediated": ("已整治", "remediated"),
    "closed": ("已销号", "closed"),
    "compliant": ("达标", "compliant"),
    "non_compliant": ("未达标", "non-compliant"),
}

_TEXTS = {
    "title": ("浙江省城市更新进展", "Zhejiang urban renewal progress"),
    "province": ("全省", "Province"),
    "city": ("城市", "City"),
    "cities": ("各市", "Cities"),
    "target": ("目标", "Target"),
    "achieved": ("已完成", "Achieved"),
    "expected": ("按进度应完成", "Expected by now"),
    "of_target": ("占目标", "of target"),
    "on_track": ("进度正常", "On schedule"),
    "behind": ("滞后于进度", "Behind schedule"),
    "behind_by": ("落后 {points} 个百分点", "by {points} percentage points"),
    "not_applicable": ("不评价进度", "No schedule verdict"),
    "no_verdict_city": (
        "该目标未分解到各市：显示本市贡献及占全省目标的比例",
        "The plan sets this target for the province only: the city's contribution and its share"
        " of the provincial target",
    ),
    "share_of_province": ("占全省目标", "share of the provincial target"),
    "deadline": ("期限", "Deadline"),
    "month": ("月份", "Month"),
    "history": ("逐月累计进展", "Month by month"),
    "chart_table": ("图表数据（表格）", "The chart's figures (table)"),
    "expected_line": ("线性进度", "Straight-line expectation"),
    "freshness": ("数据更新", "Data freshness"),
    "last_change": ("最近变更", "Last change"),
    "never": ("无", "never"),
    "stale": ("数据陈旧", "stale"),
    "fresh": ("正常", "current"),
    "plan_version": ("规划版本", "Plan version"),
    "rules_version": ("规则版本", "Rules version"),
    "revision": ("已应用修订号", "Applied revision"),
    "as_of": ("统计日期", "As of"),
    "period": ("规划期", "Plan period"),
    "not_found": ("未找到", "Not found"),
    "not_found_text": ("没有这个页面或城市。", "There is no such page or city."),
    "not_ready": ("正在启动", "Starting"),
    "not_ready_text": (
        "服务刚启动，正在从登记系统读取城市和变更，数据尚不完整。请稍后再试，本页会自动刷新。",
        "The service has just started and is still reading the cities and changes from the"
        " registry, so its figures are not complete yet. Please try again shortly; this page"
        " reloads itself.",
    ),
    "back": ("返回全省", "Back to the province"),
    "switch_language": ("English", "中文"),
    "json": ("JSON 数据", "JSON figures"),
    "progress_bar": ("进度条", "Progress bar"),
    "marker": ("竖线为按线性进度应达到的位置", "The line marks the straight-line expectation"),
    "unit_compounds": ("个", "compounds"),
    "unit_metres": ("米", "m"),
    "unit_ratio": ("", ""),
    "stale_after": ("超过 {days} 天无变更视为陈旧", "stale after {days} days without a change"),
    "aggregates": ("仅显示汇总数据。", "Aggregates only."),
    "districts": ("各区县", "Districts"),
    "district": ("区县", "District"),
    "no_district": ("未标注区县", "No district given"),
    "total": ("合计", "Total"),
    "pipe_length": ("管网长度", "Pipe length"),
    "must_renovate_length": ("须更新改造管网长度", "Length that must be renovated"),
    "district_map": (
        "各区县须更新改造的管网长度（按国家标准，尚未改造）",
        "Pipe length each district must renovate (national criteria, not yet renovated)",
    ),
    "district_map_none": ("无", "none"),
    "district_table_note": (
        "表格为地图的文字版；悬停单元格可见按状态的数量。",
        "The table holds the map's figures; a count's tooltip breaks it down by status.",
    ),
}


def choose_language(requested: str | None, accepted: Iterable[str]) -> str:
    """`?lang=` wins; then the first of the browser's languages that the pages speak."""
    if requested in LANGUAGES:
        return requested
    for tag in accepted:
        primary = tag.split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


class Texts:
    """The page strings in one language: `texts.behind`, `texts.target_name(key)`."""

    def __init__(self, language: str):
        self.language = language
        self._index = LANGUAGES.index(language)
        self.other_language = LANGUAGES[1 - self._index]

    def __getattr__(self, name: str) -> str:
        try:
            return _TEXTS[name][self._index]
        except KeyError:
            raise AttributeError(name) from None

    def target_name(self, key: str, fallback: str) -> str:
        names = TARGET_NAMES.get(key)
        return names[self._index] if names else fallback

    def kind_name(self, kind: str) -> str:
        names = KIND_NAMES.get(kind)
        return names[self._index] if names else kind

    def status_name(self, status: str) -> str:
        names = STATUS_NAMES.get(status)
        return names[self._index] if names else status.replace("_", " ")

    def name(self, chinese: str, english: str) -> str:
        """A place's name in the page's language; its Chinese name where no English is known."""
        return english if self.language == "en" and english else chinese
