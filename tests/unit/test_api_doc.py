"""docs/api.md's table of error reasons lists every reason the services can put in ErrorInfo."""

import ast
import pathlib
import re

from services.common import errors
from services.common.rich_status import STATUS_CODES

ROOT = pathlib.Path(__file__).resolve().parents[2]
ERROR_CLASSES = {cls.__name__: cls for cls in STATUS_CODES}
FACTORIES = {"invalid": errors.InvalidArgument}  # helpers that build an error of a class
_TABLE_ROW = re.compile(r"^\| `([A-Z_]+)` \| ([A-Z_]+) \|", re.MULTILINE)


def documented_reasons() -> dict[str, str]:
    """reason → status code, from the table under "Error reasons"."""
    text = (ROOT / "docs" / "api.md").read_text()
    table = text.split("### Error reasons", 1)[1].split("\n## ", 1)[0]
    return dict(_TABLE_ROW.findall(table))


def emitted_reasons() -> dict[str, str]:
    """reason → status code of every error the services' code constructs, directly or through
    a subclass (whose `super().__init__` call names the reason)."""
    found: dict[str, str] = {}
    for path in (ROOT / "services").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and (cls := _error_class(node)) is not None:
                found[_reason(node, cls)] = STATUS_CODES[cls].name
            elif isinstance(node, ast.ClassDef) and (base := _error_base(node)) is not None:
                for call in ast.walk(node):
                    if isinstance(call, ast.Call) and _called(call) == "__init__":
                        found[_reason(call, base)] = STATUS_CODES[base].name
    return found


def _error_base(node: ast.ClassDef):
    bases = [ERROR_CLASSES[b.id] for b in node.bases if getattr(b, "id", None) in ERROR_CLASSES]
    return bases[0] if bases else None


def _error_class(call: ast.Call):
    name = _called(call)
    return ERROR_CLASSES.get(name) or FACTORIES.get(name)


def _called(call: ast.Call) -> str | None:
    return getattr(call.func, "id", None) or getattr(call.func, "attr", None)


def _reason(call: ast.Call, cls) -> str:
    given = None if _called(call) in FACTORIES else _given_reason(call)
    if given is None:  # named as rich_status names a generic reason
        return STATUS_CODES[cls].name if cls.reason == "ERROR" else cls.reason
    assert isinstance(given, ast.Constant), f"a reason must be a literal: {ast.unparse(call)}"
    return given.value


def _given_reason(call: ast.Call) -> ast.expr | None:
    keyword = next((k.value for k in call.keywords if k.arg == "reason"), None)
    return keyword or (call.args[1] if len(call.args) > 1 else None)


def test_every_reason_the_code_emits_is_in_the_table_with_its_status_code():
    emitted, documented = emitted_reasons(), documented_reasons()
    assert {"ETAG_MISMATCH", "ASSET_EXISTS", "TOKEN_MISSING", "CONTENTION"} <= emitted.keys()
    missing = {reason: code for reason, code in emitted.items() if reason not in documented}
    assert not missing, f"docs/api.md lacks these error reasons: {missing}"
    wrong = {r: (c, documented[r]) for r, c in emitted.items() if documented[r] != c}
    assert not wrong, f"docs/api.md gives these another code (emitted, documented): {wrong}"


def test_the_table_lists_no_reason_the_code_cannot_emit():
    assert documented_reasons().keys() <= emitted_reasons().keys()

