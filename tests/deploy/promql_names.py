"""The PromQL queries of the rule files and dashboards, and the metric names they select."""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import promql_parser
import yaml

from tests.deploy.paths import dashboard_files, rule_files

# Grafana's interval variables become a duration, any other variable a regular expression.
_INTERVAL_VARIABLE = re.compile(r"\$\{?(?:__rate_interval|__interval|__range)\}?")
_VARIABLE = re.compile(r"\$\{?\w+\}?")
_LABEL_VALUES = re.compile(r"^\s*label_values\(\s*(?:(?P<selector>.+),\s*)?(?P<label>\w+)\s*\)\s*$")


@dataclass(frozen=True)
class Query:
    where: str
    expr: str


@dataclass(frozen=True)
class Selection:
    """One vector selector: the metric's name and the label names its matchers use."""

    metric: str
    labels: frozenset[str]


def selections(expr: str) -> set[Selection]:
    found: set[Selection] = set()

    def visit(node, *_):
        if isinstance(node, promql_parser.VectorSelector):
            matchers = node.matchers.matchers
            name = node.name or next((m.value for m in matchers if m.name == "__name__"), None)
            labels = frozenset(m.name for m in matchers if m.name != "__name__")
            found.add(Selection(name, labels))

    promql_parser.walk(promql_parser.parse(_without_variables(expr)), visit)
    return found


def metric_names(expr: str) -> set[str]:
    return {selection.metric for selection in selections(expr)}


def _without_variables(expr: str) -> str:
    return _VARIABLE.sub(".*", _INTERVAL_VARIABLE.sub("5m", expr))


def rule_documents() -> dict[Path, dict]:
    return {path: yaml.safe_load(path.read_text(encoding="utf-8")) for path in rule_files()}


def rules() -> Iterator[tuple[Path, dict]]:
    for path, document in rule_documents().items():
        for group in document["groups"]:
            for rule in group["rules"]:
                yield path, rule


def recorded_names() -> set[str]:
    return {rule["record"] for _, rule in rules() if "record" in rule}


def alert_names() -> set[str]:
    return {rule["alert"] for _, rule in rules() if "alert" in rule}


def rule_queries() -> list[Query]:
    return [
        Query(f"{path.name}: {rule.get('record') or rule.get('alert')}", rule["expr"])
        for path, rule in rules()
    ]


def dashboard_queries() -> list[Query]:
    queries = []
    for path in dashboard_files():
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        for panel in dashboard["panels"]:
            for target in panel.get("targets", []):
                where = f"{path.name}: panel {panel['title']!r} query {target['refId']}"
                queries.append(Query(where, target["expr"]))
        for variable in dashboard["templating"]["list"]:
            if variable["type"] == "query":
                selector = _LABEL_VALUES.match(variable["query"]["query"])["selector"]
                queries.append(Query(f"{path.name}: variable {variable['name']}", selector))
    return queries


def all_queries() -> list[Query]:
    return rule_queries() + dashboard_queries()
