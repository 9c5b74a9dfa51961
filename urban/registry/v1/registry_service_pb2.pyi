from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from urban.registry.v1 import resources_pb2 as _resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateAssetRequest(_message.Message):
    __slots__ = ("parent", "asset_id", "asset", "request_id", "validate_only")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_ONLY_FIELD_NUMBER: _ClassVar[int]
    parent: str
    asset_id: str
    asset: _resources_pb2.Asset
    request_id: str
    validate_only: bool
    def __init__(self, parent: _Optional[str] = ..., asset_id: _Optional[str] = ..., asset: _Optional[_Union[_resources_pb2.Asset, _Mapping]] = ..., request_id: _Optional[str] = ..., validate_only: _Optional[bool] = ...) -> None: ...

class GetAssetRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class UpdateAssetRequest(_message.Message):
    __slots__ = ("asset", "update_mask", "allow_missing", "request_id", "validate_only")
    ASSET_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    ALLOW_MISSING_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_ONLY_FIELD_NUMBER: _ClassVar[int]
    asset: _resources_pb2.Asset
    update_mask: _field_mask_pb2.FieldMask
    allow_missing: bool
    request_id: str
    validate_only: bool
    def __init__(self, asset: _Optional[_Union[_resources_pb2.Asset, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., allow_missing: _Optional[bool] = ..., request_id: _Optional[str] = ..., validate_only: _Optional[bool] = ...) -> None: ...

class DeleteAssetRequest(_message.Message):
    __slots__ = ("name", "etag", "request_id", "allow_missing")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ALLOW_MISSING_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    request_id: str
    allow_missing: bool
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ..., allow_missing: _Optional[bool] = ...) -> None: ...

class ListAssetsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "filter")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    filter: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListAssetsResponse(_message.Message):
    __slots__ = ("assets", "next_page_token", "revision")
    ASSETS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    assets: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Asset]
    next_page_token: str
    revision: int
    def __init__(self, assets: _Optional[_Iterable[_Union[_resources_pb2.Asset, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., revision: _Optional[int] = ...) -> None: ...

class BatchUpsertAssetsRequest(_message.Message):
    __slots__ = ("parent", "assets", "request_id", "validate_only")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    ASSETS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_ONLY_FIELD_NUMBER: _ClassVar[int]
    parent: str
    assets: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Asset]
    request_id: str
    validate_only: bool
    def __init__(self, parent: _Optional[str] = ..., assets: _Optional[_Iterable[_Union[_resources_pb2.Asset, _Mapping]]] = ..., request_id: _Optional[str] = ..., validate_only: _Optional[bool] = ...) -> None: ...

class BatchUpsertAssetsResponse(_message.Message):
    __slots__ = ("assets", "created_count", "updated_count", "unchanged_count", "replayed")
    ASSETS_FIELD_NUMBER: _ClassVar[int]
    CREATED_COUNT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_COUNT_FIELD_NUMBER: _ClassVar[int]
    UNCHANGED_COUNT_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    assets: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Asset]
    created_count: int
    updated_count: int
    unchanged_count: int
    replayed: bool
    def __init__(self, assets: _Optional[_Iterable[_Union[_resources_pb2.Asset, _Mapping]]] = ..., created_count: _Optional[int] = ..., updated_count: _Optional[int] = ..., unchanged_count: _Optional[int] = ..., replayed: _Optional[bool] = ...) -> None: ...

class ImportAssetsRequest(_message.Message):
    __slots__ = ("parent", "assets", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    ASSETS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    assets: _containers.RepeatedCompositeFieldContainer[_resources_pb2.Asset]
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., assets: _Optional[_Iterable[_Union[_resources_pb2.Asset, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ImportAssetsResponse(_message.Message):
    __slots__ = ("request_id", "created_count", "updated_count", "unchanged_count", "replayed")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_COUNT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_COUNT_FIELD_NUMBER: _ClassVar[int]
    UNCHANGED_COUNT_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    created_count: int
    updated_count: int
    unchanged_count: int
    replayed: bool
    def __init__(self, request_id: _Optional[str] = ..., created_count: _Optional[int] = ..., updated_count: _Optional[int] = ..., unchanged_count: _Optional[int] = ..., replayed: _Optional[bool] = ...) -> None: ...

class WatchChangesRequest(_message.Message):
    __slots__ = ("start_revision", "parent")
    START_REVISION_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    start_revision: int
    parent: str
    def __init__(self, start_revision: _Optional[int] = ..., parent: _Optional[str] = ...) -> None: ...

class ListChangesRequest(_message.Message):
    __slots__ = ("start_revision", "page_size", "parent", "asset")
    START_REVISION_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    ASSET_FIELD_NUMBER: _ClassVar[int]
    start_revision: int
    page_size: int
    parent: str
    asset: str
    def __init__(self, start_revision: _Optional[int] = ..., page_size: _Optional[int] = ..., parent: _Optional[str] = ..., asset: _Optional[str] = ...) -> None: ...

class ListChangesResponse(_message.Message):
    __slots__ = ("changes", "next_revision", "head_revision")
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_REVISION_FIELD_NUMBER: _ClassVar[int]
    HEAD_REVISION_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[_resources_pb2.AssetChange]
    next_revision: int
    head_revision: int
    def __init__(self, changes: _Optional[_Iterable[_Union[_resources_pb2.AssetChange, _Mapping]]] = ..., next_revision: _Optional[int] = ..., head_revision: _Optional[int] = ...) -> None: ...

class GetChangeLogRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetCityRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListCitiesRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCitiesResponse(_message.Message):
    __slots__ = ("cities", "next_page_token")
    CITIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    cities: _containers.RepeatedCompositeFieldContainer[_resources_pb2.City]
    next_page_token: str
    def __init__(self, cities: _Optional[_Iterable[_Union[_resources_pb2.City, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateCityRequest(_message.Message):
    __slots__ = ("city", "update_mask")
    CITY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    city: _resources_pb2.City
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, city: _Optional[_Union[_resources_pb2.City, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...
