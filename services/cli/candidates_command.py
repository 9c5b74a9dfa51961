"""`urban candidates`: a city's pipe segments awaiting renovation, most at risk first, each with
the rules that flag it."""

import itertools
import json
import shutil
import textwrap
from collections.abc import Iterator

from google.protobuf import json_format

from services.cli.connection import Connection, Service
from services.cli.options import city_code
from services.cli.output import say, warn
from services.common.enums import enum_label, enum_labels, enum_number
from urban.registry.v1 import resources_pb2
from urban.risk.v1 import risk_service_pb2 as risk_api

NETWORKS = enum_labels(resources_pb2.PipeNetwork)
LEVELS = enum_labels(risk_api.RiskLevel)
MAX_PAGE_SIZE = 1000


def run_candidates(args, connection: Connection) -> int:
    city = city_code(args.city)
    request = risk_api.ListRenovationCandidatesRequest(
        parent=f"cities/{city}",
        network=_number(resources_pb2.PipeNetwork, args.network),
        min_level=_number(risk_api.RiskLevel, args.min_level),
        must_renovate_only=args.must_renovate,
        page_size=min(args.limit + 1, MAX_PAGE_SIZE),
    )
    found = list(itertools.islice(_candidates(connection.risk, request), args.limit + 1))
    shown = found[: args.limit]
    if args.json:
        for candidate in shown:
            document = json_format.MessageToDict(candidate, preserving_proto_field_name=True)
            say(json.dumps(document, ensure_ascii=False))
    else:
        _print(city, shown)
    if len(found) > args.limit:
        warn(f"showing the first {args.limit}; more match (raise --limit)")
    return 0


def _candidates(risk: Service, request) -> Iterator[risk_api.RenovationCandidate]:
    while True:
        page = risk.ListRenovationCandidates(request)
        yield from page.candidates
        if not page.next_page_token:
            return
        request.page_token = page.next_page_token


def _print(city: str, candidates: list) -> None:
    if not candidates:
        say(f"cities/{city}: no pipe segment awaiting renovation matches")
        return
    say(f"cities/{city}: pipe segments awaiting renovation, most at risk first")
    for number, candidate in enumerate(candidates, 1):
        say("")
        say(f"{number}. {candidate.asset.rpartition('/')[2]}")
        for line in candidate_lines(candidate, indent="   "):
            say(line)


def candidate_lines(candidate: risk_api.RenovationCandidate, indent: str) -> list[str]:
    """The risk level and why, wrapped to the terminal; rule ids and codes are never cut."""
    width = shutil.get_terminal_size().columns
    level = _label(risk_api.RiskLevel, candidate.risk_level)
    verdict = "must renovate" if candidate.must_renovate else "not required by the criteria"
    scored = (f"{level} risk, score {candidate.score} (likelihood {candidate.likelihood} × "
              f"consequence {candidate.consequence}), {verdict}")  # fmt: skip
    pipe = ", ".join([
        _label(resources_pb2.PipeNetwork, candidate.network),
        _label(resources_pb2.PipeMaterial, candidate.material),
        f"{candidate.length_m:,.1f} m",
        f"{candidate.age_years} years old" if candidate.age_years else "age unknown",
        _label(resources_pb2.PipeStatus, candidate.status),
    ])  # fmt: skip
    lines = [*_wrapped(scored, indent, width), *_wrapped(pipe, indent, width)]
    for reason in candidate.reasons:
        kind = "national criterion" if reason.mandatory else "risk factor"
        text = f"- {reason.rule_id} ({kind}): {reason.description}"
        lines += _wrapped(text, indent, width, hanging="  ")
    return lines


def _wrapped(text: str, indent: str, width: int, hanging: str = "") -> list[str]:
    return textwrap.wrap(text, width=max(width, 40), initial_indent=indent,
                         subsequent_indent=indent + hanging, break_long_words=False,
                         break_on_hyphens=False)  # fmt: skip


def _number(enum_type, label: str | None) -> int:
    """0, the unspecified value, asks for no filter."""
    return (enum_number(enum_type, label) or 0) if label else 0


def _label(enum_type, value: int) -> str:
    try:
        return enum_label(enum_type, value)
    except ValueError:
        return "unspecified"
