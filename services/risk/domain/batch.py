"""Applying a batch of changes to per-asset versions, guarded by each asset's version."""

import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from services.risk.domain.district_rollups import district_keys
from services.risk.domain.facts import AssetFacts, Change
from services.risk.domain.pipe_rules import PipeAssessment
from services.risk.domain.rollups import RollupKey, add_into, contribution
from services.risk.domain.scoring import Scoring


class HeldVersion(NamedTuple):
    """An asset's version and revision as the read model holds them (see AssetVersion)."""

    version: int
    revision: int


@dataclass(slots=True, unsafe_hash=True)  # a value, unfrozen to build faster
class AssetVersion:
    """What the read model holds for an asset: its facts at `version`, None once deleted.

    `revision` is that of the last change applied to it (0 when it came from a listing), or, for
    an asset a full listing no longer held, the listing's: anything older is history.
    """

    name: str
    version: int
    facts: AssetFacts | None
    revision: int = 0

    @property
    def held(self) -> HeldVersion:
        return HeldVersion(self.version, self.revision)

    def supersedes(self, change: Change) -> bool:
        """The change is a duplicate or older than what is held."""
        return 0 < change.version <= self.version or change.revision <= self.revision


@dataclass
class BatchOutcome:
    """What a batch writes: `written` by name, each with its facts' assessment in
    `assessments` (None for a deletion or an asset other than a pipe), the rollups' deltas,
    and the newest commit time by city."""

    written: dict[str, AssetVersion] = field(default_factory=dict)
    assessments: dict[str, PipeAssessment | None] = field(default_factory=dict)
    deltas: dict[RollupKey, float] = field(default_factory=dict)
    district_deltas: dict[RollupKey, float] = field(default_factory=dict)
    last_change: dict[str, float] = field(default_factory=dict)
    applied: int = 0
    skipped: int = 0
    newest_commit_time: float = 0.0


_REVISION = operator.attrgetter("revision")


def apply_batch(
    scoring: Scoring, stored: Mapping[str, AssetVersion], changes: Iterable[Change]
) -> BatchOutcome:
    """Changes at or below an asset's version change nothing, whatever order they come in.

    What is subtracted is what the stored version contributed, not the change's `before`: after
    a skipped or reordered event the two can differ, and only the stored one was ever added.
    """
    outcome = BatchOutcome()
    for change in sorted(changes, key=_REVISION):
        current = outcome.written.get(change.asset_name) or stored.get(change.asset_name)
        if current is not None and current.supersedes(change):
            outcome.skipped += 1
            continue
        _apply_one(scoring, outcome, current, change)
    return outcome


def _apply_one(
    scoring: Scoring, outcome: BatchOutcome, current: AssetVersion | None, change: Change
) -> None:
    previous = current.facts if current else None
    if previous is not None:  # nothing to take out of a new asset's rollups
        _add_contribution(scoring, outcome, previous, scoring.assess(previous), -1.0)
    after, name = change.after, change.asset_name
    assessment = scoring.assess(after)  # assessed once: its row reads it from the outcome
    if after is not None:
        _add_contribution(scoring, outcome, after, assessment, 1.0)
    outcome.written[name] = AssetVersion(name, change.version, after, change.revision)
    outcome.assessments[name] = assessment
    outcome.applied += 1
    city, commit_time = change.city, change.commit_time
    if commit_time > outcome.last_change.get(city, 0.0):
        outcome.last_change[city] = commit_time
    if commit_time > outcome.newest_commit_time:
        outcome.newest_commit_time = commit_time


def _add_contribution(
    scoring: Scoring,
    outcome: BatchOutcome,
    facts: AssetFacts,
    assessment: PipeAssessment | None,
    sign: float,
) -> None:
    """Adds (sign 1) or takes out (-1) what `facts`, assessed as `assessment`, contribute to
    their city's rollups and their district's, without building the district's contribution
    apart."""
    counted = contribution(facts, assessment, scoring.plan)
    add_into(outcome.deltas, counted, sign)
    district_deltas = outcome.district_deltas
    for key, value in zip(district_keys(counted, facts.district), counted.values(), strict=True):
        if key:
            district_deltas[key] = district_deltas.get(key, 0.0) + sign * value
