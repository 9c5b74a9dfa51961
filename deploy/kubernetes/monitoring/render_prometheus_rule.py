"""Writes prometheus-rule.yaml, the Prometheus Operator's copy of deploy/prometheus/rules/.

    python deploy/kubernetes/monitoring/render_prometheus_rule.py [--check]

The rule files stay the one place to edit; --check exits 1 if the copy is out of date.
"""

import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
RULES = HERE.parents[1] / "prometheus" / "rules"
OUTPUT = HERE / "prometheus-rule.yaml"
HEADER = (
    "# Generated from deploy/prometheus/rules/ by render_prometheus_rule.py: edit the rule files,\n"
    "# then run it again.\n"
)


class _BlockStrings(yaml.SafeDumper):
    """Writes multi-line strings (long expressions) as literal blocks."""


def _string(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_BlockStrings.add_representer(str, _string)


def rule_groups(rules_dir: Path = RULES) -> list[dict]:
    groups = []
    for path in sorted(rules_dir.glob("*.yml")):
        groups.extend(yaml.safe_load(path.read_text(encoding="utf-8"))["groups"])
    return groups


def render(rules_dir: Path = RULES) -> str:
    resource = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "urban-renewal"},
        "spec": {"groups": rule_groups(rules_dir)},
    }
    body = yaml.dump(resource, Dumper=_BlockStrings, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is out of date: run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
