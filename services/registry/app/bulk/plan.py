"""What one import batch does inside its transaction: compare with what is stored, version and
stamp what changed, and hand the rows to the database's bulk writer."""

import json
from itertools import repeat
from operator import attrgetter
from typing import NamedTuple

from google.protobuf.timestamp_pb2 import Timestamp

from services.common.clock import utc_now
from services.registry.app.bulk.columns import Columns
from services.registry.app.bulk.pipeline import Turn, TurnTimedOut
from services.registry.app.bulk.stored_assets import parsed
from services.registry.app.stamping import (
    check_sent_etags,
    clear_output_fields,
    sent_etags,
    stamp,
    strip_output_fields,
)
from services.registry.domain.kinds import spec_status
from services.registry.storage import WriteSession, row_mapping
from services.registry.storage.bulk_writes import (
    AssetRow,
    BulkWriter,
    ChangeContext,
    CreatedConcurrently,
    StoredRow,
)
from services.registry.storage.writes import WriteConflict
from urban.registry.v1 import registry_service_pb2 as api
from urban.registry.v1 import resources_pb2


class PlannedWrite(NamedTuple):
    """A change to make to the asset at `position` in the batch."""

    position: int
    row_exists: bool  # a row to update is stored
    replaced: bytes | None  # the stored body of the live asset it replaces; None: it creates one


class ImportPlan:
    """Callable once per attempt of the batch's transaction; each attempt starts afresh."""

    def __init__(self, assets: list, columns: Columns, actor: str, request_id: str):
        self._assets = assets
        self._columns = columns
        self._actor = actor
        self._request_id = request_id
        self._labels = _labels_json(columns)
        self._etags = sent_etags(assets)
        clear_output_fields(assets)
        self._stamped = False

    def __call__(self, session: WriteSession, turn: Turn) -> api.ImportAssetsResponse:
        """`turn` returns once the batch before this one committed: only then are this one's
        changes numbered, so that revisions follow the order of the stream."""
        if self._stamped:
            clear_output_fields(self._assets)
        writer = session.bulk_writer()
        context = ChangeContext(utc_now(), self._actor, self._request_id or None)
        changes, rows = self._stored_changes(writer, context)
        _wait_for(turn)
        if rows:
            writer.append_changes(rows, context)
        created = sum(1 for change in changes if change.replaced is None)
        return api.ImportAssetsResponse(
            request_id=self._request_id,
            created_count=created,
            updated_count=len(changes) - created,
            unchanged_count=len(self._assets) - len(changes),
        )

    def _stored_changes(self, writer: BulkWriter, context: ChangeContext):
        """Stores what changed. An asset another writer created after the rows were locked is
        locked in turn and compared again, in the same transaction and keeping the locks taken,
        so that each round leaves fewer names to race for and the batch gets through."""
        names = self._columns.names
        stored = writer.stored(names)
        self._check_etags(stored)
        while changes := self._changes(stored):
            rows = self._rows(changes, writer.new_versions(len(changes)), context)
            try:
                writer.store(rows, context)
                return changes, rows
            except CreatedConcurrently as race:
                clear_output_fields(self._assets)
                created_meanwhile = writer.stored([name for name in names if name not in stored])
                if not created_meanwhile:  # each round must lock more, or it could go on
                    raise WriteConflict(str(race)) from race
                stored.update(created_meanwhile)
        return [], []

    def _check_etags(self, stored: dict[str, StoredRow]) -> None:
        """Each etag sent must be that of the live asset, whose row `stored` has locked."""
        if not self._etags:
            return
        rows = {name: stored.get(name) for _, name, _ in self._etags}
        live = {name: row.body for name, row in rows.items() if row and not row.deleted}
        parsed_live = dict(zip(live, parsed(list(live.values())), strict=True))
        check_sent_etags(self._etags, parsed_live.get)

    def _changes(self, stored: dict[str, StoredRow]) -> list[PlannedWrite]:
        """Every asset that is new, deleted before, or different from what is stored."""
        count = len(self._assets)
        if not stored:
            return list(map(PlannedWrite, range(count), repeat(False), repeat(None)))
        rows = list(map(stored.get, self._columns.names))
        changes: list[PlannedWrite] = []
        live = []
        for position, row in enumerate(rows):
            if row is None or row.deleted:
                changes.append(PlannedWrite(position, row is not None, None))
            else:
                live.append((position, row.body))
        changes += self._replacing(live)
        changes.sort(key=attrgetter("position"))
        return changes

    def _replacing(self, live: list[tuple[int, bytes]]) -> list[PlannedWrite]:
        stored_assets = parsed([body for _, body in live])
        changes = []
        for (position, body), before in zip(live, stored_assets, strict=True):
            strip_output_fields(before)
            if before != self._assets[position]:
                changes.append(PlannedWrite(position, True, body))
        return changes

    def _rows(self, changes: list[PlannedWrite], versions: list[int], context: ChangeContext):
        now = row_mapping.timestamp(context.commit_time)
        self._stamped = True
        return [
            self._row(change, version, now)
            for change, version in zip(changes, versions, strict=True)
        ]

    def _row(self, change: PlannedWrite, version: int, now: Timestamp) -> AssetRow:
        columns, position, replaced = self._columns, change.position, change.replaced
        asset = self._assets[position]
        stamp(asset, version, _created(replaced) if replaced else None, now)
        kind = columns.kinds[position]
        return AssetRow(
            columns.names[position],
            columns.city_codes[position],
            kind,
            spec_status(kind, getattr(asset, kind)),
            columns.district_codes[position] or None,
            columns.external_ids[position] or None,
            self._labels[columns.label_keys[position]],
            version,
            asset.SerializeToString(deterministic=True),
            replaced,
            change.row_exists,
            columns.geojsons[position] or None,
            columns.line(position),
        )


def _wait_for(turn: Turn) -> None:
    """A turn that does not come in time is a conflict: the transaction rolls back, releasing
    its rows, and runs again."""
    try:
        turn()
    except TurnTimedOut as error:
        raise WriteConflict(str(error)) from error


def _created(stored_body: bytes) -> Timestamp:
    return resources_pb2.Asset.FromString(stored_body).create_time


def _labels_json(columns: Columns) -> dict[str, str]:
    """Each distinct label set as JSON, computed once."""
    first_of_each = dict(zip(columns.label_keys, columns.labels, strict=True))
    return {key: json.dumps(dict(labels)) for key, labels in first_of_each.items()}
