"""The changes one write transaction makes: staged, then versioned and written together."""

from collections import Counter
from dataclasses import dataclass

from services.common.clock import utc_now
from services.registry.app.stamping import (
    SentEtag,
    check_etag,
    check_sent_etags,
    content_of,
    same_content,
    stamp,
    strip_output_fields,
)
from services.registry.storage import WriteSession, row_mapping
from services.registry.storage.row_mapping import ChangeLogEntry, StoredAsset
from urban.registry.v1 import resources_pb2

CREATED = resources_pb2.CHANGE_TYPE_CREATED
UPDATED = resources_pb2.CHANGE_TYPE_UPDATED
DELETED = resources_pb2.CHANGE_TYPE_DELETED


@dataclass
class _Staged:
    name: str
    content: resources_pb2.Asset | None  # None: delete
    before: StoredAsset | None  # None: absent or deleted
    result: resources_pb2.Asset | None = None


class ChangeSet:
    def __init__(self, session: WriteSession, actor: str, request_id: str):
        self._session = session
        self._actor = actor
        self._request_id = request_id
        self._now = utc_now()
        self._stored: dict[str, StoredAsset | None] = {}
        self._staged: list[_Staged] = []
        self._counts: Counter = Counter()

    def load(self, names: list[str]) -> None:
        """Locks the stored rows of `names` for the rest of the transaction."""
        wanted = [name for name in names if name not in self._stored]
        found = self._session.lock_assets(wanted) if wanted else {}
        self._stored.update({name: found.get(name) for name in wanted})

    def exists(self, name: str) -> bool:
        return self._live(name) is not None

    def current(self, name: str) -> resources_pb2.Asset | None:
        live = self._live(name)
        return None if live is None else live.asset

    def _live(self, name: str) -> StoredAsset | None:
        self.load([name])
        stored = self._stored[name]
        return None if stored is None or stored.deleted else stored

    def check_etag(self, name: str, etag: str, field: str) -> None:
        """ABORTED if `etag` is set and the live asset `name` has another one, or is absent."""
        check_etag(etag, self.current(name), name, field)

    def check_sent_etags(self, sent: list[SentEtag]) -> None:
        """ABORTED unless each etag a batch sent is that of the live asset of its name."""
        check_sent_etags(sent, self.current)

    def stage_put(self, content: resources_pb2.Asset) -> None:
        """Stages `content` as its asset's new content; the change set takes the message over."""
        strip_output_fields(content)
        before = self._live(content.name)
        if before is not None and same_content(content, before.asset):
            self._counts["unchanged_count"] += 1
            self._staged.append(_Staged(content.name, content, before, result=before.asset))
            return
        self._counts["updated_count" if before else "created_count"] += 1
        self._staged.append(_Staged(content.name, content, before))

    def stage_delete(self, name: str) -> None:
        self._staged.append(_Staged(name, None, self._live(name)))

    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    def write(self, persist: bool = True) -> list[resources_pb2.Asset | None]:
        """Versions every staged change and, if `persist`, writes assets and the change log."""
        pending = [staged for staged in self._staged if staged.result is None]
        versions = self._new_versions(pending) if persist else [0] * len(pending)
        for staged, version in zip(pending, versions, strict=True):
            staged.result = self._result(staged, version)
        if persist and pending:
            self._persist(pending)
        return [staged.result if staged.content is not None else None for staged in self._staged]

    def _new_versions(self, pending: list[_Staged]) -> list[int]:
        return self._session.new_versions([staged.name for staged in pending]) if pending else []

    def _result(self, staged: _Staged, version: int) -> resources_pb2.Asset:
        deleted = staged.content is None
        result = content_of(staged.before.asset) if deleted else staged.content
        created = staged.before.asset.create_time if staged.before else None
        stamp(result, version, created, row_mapping.timestamp(self._now))
        if not version:
            result.ClearField("etag")
        return result

    def _persist(self, pending: list[_Staged]) -> None:
        rows = [row_mapping.asset_row(s.result, deleted=s.content is None) for s in pending]
        new_changes = [self._change(s, row["body"]) for s, row in zip(pending, rows, strict=True)]
        self._session.save(
            created=[row for row in rows if self._stored.get(row["name"]) is None],
            updated=[row for row in rows if self._stored.get(row["name"]) is not None],
            new_changes=new_changes,
        )

    def _change(self, staged: _Staged, body: bytes) -> ChangeLogEntry:
        deleted = staged.content is None
        return ChangeLogEntry(
            type=DELETED if deleted else (UPDATED if staged.before else CREATED),
            asset_name=staged.name,
            before=staged.before.body if staged.before else None,
            after=None if deleted else body,
            asset_version=staged.result.version,
            commit_time=self._now,
            actor=self._actor,
            request_id=self._request_id,
        )
