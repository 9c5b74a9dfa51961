import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import date_pb2 as _date_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CitySizeClass(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CITY_SIZE_CLASS_UNSPECIFIED: _ClassVar[CitySizeClass]
    CITY_SIZE_CLASS_SUPER_LARGE: _ClassVar[CitySizeClass]
    CITY_SIZE_CLASS_MEGA: _ClassVar[CitySizeClass]
    CITY_SIZE_CLASS_LARGE_I: _ClassVar[CitySizeClass]
    CITY_SIZE_CLASS_LARGE_II: _ClassVar[CitySizeClass]
    CITY_SIZE_CLASS_MEDIUM: _ClassVar[CitySizeClass]
    CITY_SIZE_CLASS_SMALL_I: _ClassVar[CitySizeClass]
    CITY_SIZE_CLASS_SMALL_II: _ClassVar[CitySizeClass]

class RenovationCategory(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RENOVATION_CATEGORY_UNSPECIFIED: _ClassVar[RenovationCategory]
    RENOVATION_CATEGORY_BASIC: _ClassVar[RenovationCategory]
    RENOVATION_CATEGORY_IMPROVEMENT: _ClassVar[RenovationCategory]
    RENOVATION_CATEGORY_UPGRADE: _ClassVar[RenovationCategory]

class RenovationStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RENOVATION_STATUS_UNSPECIFIED: _ClassVar[RenovationStatus]
    RENOVATION_STATUS_PLANNED: _ClassVar[RenovationStatus]
    RENOVATION_STATUS_STARTED: _ClassVar[RenovationStatus]
    RENOVATION_STATUS_COMPLETED: _ClassVar[RenovationStatus]

class BlockType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BLOCK_TYPE_UNSPECIFIED: _ClassVar[BlockType]
    BLOCK_TYPE_STREET: _ClassVar[BlockType]
    BLOCK_TYPE_FACTORY: _ClassVar[BlockType]

class PipeNetwork(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PIPE_NETWORK_UNSPECIFIED: _ClassVar[PipeNetwork]
    PIPE_NETWORK_GAS: _ClassVar[PipeNetwork]
    PIPE_NETWORK_WATER_SUPPLY: _ClassVar[PipeNetwork]
    PIPE_NETWORK_RAINWATER: _ClassVar[PipeNetwork]
    PIPE_NETWORK_SEWAGE: _ClassVar[PipeNetwork]
    PIPE_NETWORK_COMBINED: _ClassVar[PipeNetwork]
    PIPE_NETWORK_HEATING: _ClassVar[PipeNetwork]

class PipeMaterial(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PIPE_MATERIAL_UNSPECIFIED: _ClassVar[PipeMaterial]
    PIPE_MATERIAL_GRAY_CAST_IRON: _ClassVar[PipeMaterial]
    PIPE_MATERIAL_DUCTILE_IRON: _ClassVar[PipeMaterial]
    PIPE_MATERIAL_STEEL: _ClassVar[PipeMaterial]
    PIPE_MATERIAL_PE: _ClassVar[PipeMaterial]
    PIPE_MATERIAL_PVC: _ClassVar[PipeMaterial]
    PIPE_MATERIAL_PLAIN_CONCRETE: _ClassVar[PipeMaterial]
    PIPE_MATERIAL_FLAT_MOUTH_CONCRETE: _ClassVar[PipeMaterial]
    PIPE_MATERIAL_REINFORCED_CONCRETE: _ClassVar[PipeMaterial]
    PIPE_MATERIAL_CEMENT: _ClassVar[PipeMaterial]
    PIPE_MATERIAL_ASBESTOS_CEMENT: _ClassVar[PipeMaterial]
    PIPE_MATERIAL_BRICK_STONE: _ClassVar[PipeMaterial]
    PIPE_MATERIAL_OTHER: _ClassVar[PipeMaterial]

class PipeStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PIPE_STATUS_UNSPECIFIED: _ClassVar[PipeStatus]
    PIPE_STATUS_IN_SERVICE: _ClassVar[PipeStatus]
    PIPE_STATUS_RENOVATION_PLANNED: _ClassVar[PipeStatus]
    PIPE_STATUS_UNDER_RENOVATION: _ClassVar[PipeStatus]
    PIPE_STATUS_RENOVATED: _ClassVar[PipeStatus]
    PIPE_STATUS_RETIRED: _ClassVar[PipeStatus]

class WaterloggingStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WATERLOGGING_STATUS_UNSPECIFIED: _ClassVar[WaterloggingStatus]
    WATERLOGGING_STATUS_IDENTIFIED: _ClassVar[WaterloggingStatus]
    WATERLOGGING_STATUS_REMEDIATING: _ClassVar[WaterloggingStatus]
    WATERLOGGING_STATUS_REMEDIATED: _ClassVar[WaterloggingStatus]
    WATERLOGGING_STATUS_CLOSED: _ClassVar[WaterloggingStatus]

class ChangeType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANGE_TYPE_UNSPECIFIED: _ClassVar[ChangeType]
    CHANGE_TYPE_CREATED: _ClassVar[ChangeType]
    CHANGE_TYPE_UPDATED: _ClassVar[ChangeType]
    CHANGE_TYPE_DELETED: _ClassVar[ChangeType]
CITY_SIZE_CLASS_UNSPECIFIED: CitySizeClass
CITY_SIZE_CLASS_SUPER_LARGE: CitySizeClass
CITY_SIZE_CLASS_MEGA: CitySizeClass
CITY_SIZE_CLASS_LARGE_I: CitySizeClass
CITY_SIZE_CLASS_LARGE_II: CitySizeClass
CITY_SIZE_CLASS_MEDIUM: CitySizeClass
CITY_SIZE_CLASS_SMALL_I: CitySizeClass
CITY_SIZE_CLASS_SMALL_II: CitySizeClass
RENOVATION_CATEGORY_UNSPECIFIED: RenovationCategory
RENOVATION_CATEGORY_BASIC: RenovationCategory
RENOVATION_CATEGORY_IMPROVEMENT: RenovationCategory
RENOVATION_CATEGORY_UPGRADE: RenovationCategory
RENOVATION_STATUS_UNSPECIFIED: RenovationStatus
RENOVATION_STATUS_PLANNED: RenovationStatus
RENOVATION_STATUS_STARTED: RenovationStatus
RENOVATION_STATUS_COMPLETED: RenovationStatus
BLOCK_TYPE_UNSPECIFIED: BlockType
BLOCK_TYPE_STREET: BlockType
BLOCK_TYPE_FACTORY: BlockType
PIPE_NETWORK_UNSPECIFIED: PipeNetwork
PIPE_NETWORK_GAS: PipeNetwork
PIPE_NETWORK_WATER_SUPPLY: PipeNetwork
PIPE_NETWORK_RAINWATER: PipeNetwork
PIPE_NETWORK_SEWAGE: PipeNetwork
PIPE_NETWORK_COMBINED: PipeNetwork
PIPE_NETWORK_HEATING: PipeNetwork
PIPE_MATERIAL_UNSPECIFIED: PipeMaterial
PIPE_MATERIAL_GRAY_CAST_IRON: PipeMaterial
PIPE_MATERIAL_DUCTILE_IRON: PipeMaterial
PIPE_MATERIAL_STEEL: PipeMaterial
PIPE_MATERIAL_PE: PipeMaterial
PIPE_MATERIAL_PVC: PipeMaterial
PIPE_MATERIAL_PLAIN_CONCRETE: PipeMaterial
PIPE_MATERIAL_FLAT_MOUTH_CONCRETE: PipeMaterial
PIPE_MATERIAL_REINFORCED_CONCRETE: PipeMaterial
PIPE_MATERIAL_CEMENT: PipeMaterial
PIPE_MATERIAL_ASBESTOS_CEMENT: PipeMaterial
PIPE_MATERIAL_BRICK_STONE: PipeMaterial
PIPE_MATERIAL_OTHER: PipeMaterial
PIPE_STATUS_UNSPECIFIED: PipeStatus
PIPE_STATUS_IN_SERVICE: PipeStatus
PIPE_STATUS_RENOVATION_PLANNED: PipeStatus
PIPE_STATUS_UNDER_RENOVATION: PipeStatus
PIPE_STATUS_RENOVATED: PipeStatus
PIPE_STATUS_RETIRED: PipeStatus
WATERLOGGING_STATUS_UNSPECIFIED: WaterloggingStatus
WATERLOGGING_STATUS_IDENTIFIED: WaterloggingStatus
WATERLOGGING_STATUS_REMEDIATING: WaterloggingStatus
WATERLOGGING_STATUS_REMEDIATED: WaterloggingStatus
WATERLOGGING_STATUS_CLOSED: WaterloggingStatus
CHANGE_TYPE_UNSPECIFIED: ChangeType
CHANGE_TYPE_CREATED: ChangeType
CHANGE_TYPE_UPDATED: ChangeType
CHANGE_TYPE_DELETED: ChangeType

class City(_message.Message):
    __slots__ = ("name", "code", "display_name", "urban_population", "size_class", "parent", "english_name", "etag", "update_time", "districts")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    URBAN_POPULATION_FIELD_NUMBER: _ClassVar[int]
    SIZE_CLASS_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    ENGLISH_NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DISTRICTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    code: str
    display_name: str
    urban_population: int
    size_class: CitySizeClass
    parent: str
    english_name: str
    etag: str
    update_time: _timestamp_pb2.Timestamp
    districts: _containers.RepeatedCompositeFieldContainer[District]
    def __init__(self, name: _Optional[str] = ..., code: _Optional[str] = ..., display_name: _Optional[str] = ..., urban_population: _Optional[int] = ..., size_class: _Optional[_Union[CitySizeClass, str]] = ..., parent: _Optional[str] = ..., english_name: _Optional[str] = ..., etag: _Optional[str] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., districts: _Optional[_Iterable[_Union[District, _Mapping]]] = ...) -> None: ...

class District(_message.Message):
    __slots__ = ("code", "display_name", "english_name")
    CODE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ENGLISH_NAME_FIELD_NUMBER: _ClassVar[int]
    code: str
    display_name: str
    english_name: str
    def __init__(self, code: _Optional[str] = ..., display_name: _Optional[str] = ..., english_name: _Optional[str] = ...) -> None: ...

class Asset(_message.Message):
    __slots__ = ("name", "display_name", "district_code", "external_id", "labels", "geojson", "etag", "create_time", "update_time", "version", "old_compound", "urban_village", "old_block", "pipe_segment", "drainage_zone", "waterlogging_point")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DISTRICT_CODE_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    GEOJSON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    OLD_COMPOUND_FIELD_NUMBER: _ClassVar[int]
    URBAN_VILLAGE_FIELD_NUMBER: _ClassVar[int]
    OLD_BLOCK_FIELD_NUMBER: _ClassVar[int]
    PIPE_SEGMENT_FIELD_NUMBER: _ClassVar[int]
    DRAINAGE_ZONE_FIELD_NUMBER: _ClassVar[int]
    WATERLOGGING_POINT_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    district_code: str
    external_id: str
    labels: _containers.ScalarMap[str, str]
    geojson: str
    etag: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    version: int
    old_compound: OldCompound
    urban_village: UrbanVillage
    old_block: OldBlock
    pipe_segment: PipeSegment
    drainage_zone: DrainageZone
    waterlogging_point: WaterloggingPoint
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., district_code: _Optional[str] = ..., external_id: _Optional[str] = ..., labels: _Optional[_Mapping[str, str]] = ..., geojson: _Optional[str] = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., version: _Optional[int] = ..., old_compound: _Optional[_Union[OldCompound, _Mapping]] = ..., urban_village: _Optional[_Union[UrbanVillage, _Mapping]] = ..., old_block: _Optional[_Union[OldBlock, _Mapping]] = ..., pipe_segment: _Optional[_Union[PipeSegment, _Mapping]] = ..., drainage_zone: _Optional[_Union[DrainageZone, _Mapping]] = ..., waterlogging_point: _Optional[_Union[WaterloggingPoint, _Mapping]] = ...) -> None: ...

class OldCompound(_message.Message):
    __slots__ = ("build_year", "households", "buildings", "floor_area_m2", "category", "status", "plan_year", "start_date", "completion_date", "investment_cny")
    BUILD_YEAR_FIELD_NUMBER: _ClassVar[int]
    HOUSEHOLDS_FIELD_NUMBER: _ClassVar[int]
    BUILDINGS_FIELD_NUMBER: _ClassVar[int]
    FLOOR_AREA_M2_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PLAN_YEAR_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_DATE_FIELD_NUMBER: _ClassVar[int]
    INVESTMENT_CNY_FIELD_NUMBER: _ClassVar[int]
    build_year: int
    households: int
    buildings: int
    floor_area_m2: float
    category: RenovationCategory
    status: RenovationStatus
    plan_year: int
    start_date: _date_pb2.Date
    completion_date: _date_pb2.Date
    investment_cny: float
    def __init__(self, build_year: _Optional[int] = ..., households: _Optional[int] = ..., buildings: _Optional[int] = ..., floor_area_m2: _Optional[float] = ..., category: _Optional[_Union[RenovationCategory, str]] = ..., status: _Optional[_Union[RenovationStatus, str]] = ..., plan_year: _Optional[int] = ..., start_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., completion_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., investment_cny: _Optional[float] = ...) -> None: ...

class UrbanVillage(_message.Message):
    __slots__ = ("area_m2", "households", "status", "start_date", "completion_date")
    AREA_M2_FIELD_NUMBER: _ClassVar[int]
    HOUSEHOLDS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_DATE_FIELD_NUMBER: _ClassVar[int]
    area_m2: float
    households: int
    status: RenovationStatus
    start_date: _date_pb2.Date
    completion_date: _date_pb2.Date
    def __init__(self, area_m2: _Optional[float] = ..., households: _Optional[int] = ..., status: _Optional[_Union[RenovationStatus, str]] = ..., start_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., completion_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ...) -> None: ...

class OldBlock(_message.Message):
    __slots__ = ("area_m2", "block_type", "status", "start_date", "completion_date")
    AREA_M2_FIELD_NUMBER: _ClassVar[int]
    BLOCK_TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_DATE_FIELD_NUMBER: _ClassVar[int]
    area_m2: float
    block_type: BlockType
    status: RenovationStatus
    start_date: _date_pb2.Date
    completion_date: _date_pb2.Date
    def __init__(self, area_m2: _Optional[float] = ..., block_type: _Optional[_Union[BlockType, str]] = ..., status: _Optional[_Union[RenovationStatus, str]] = ..., start_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., completion_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ...) -> None: ...

class PipeSegment(_message.Message):
    __slots__ = ("network", "material", "diameter_mm", "length_m", "commissioned_year", "lined", "hazard_assessed", "occupied_by_structure", "cross_connected", "status", "renovation_completion_date", "recorded_failures", "near_crowded_place")
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    MATERIAL_FIELD_NUMBER: _ClassVar[int]
    DIAMETER_MM_FIELD_NUMBER: _ClassVar[int]
    LENGTH_M_FIELD_NUMBER: _ClassVar[int]
    COMMISSIONED_YEAR_FIELD_NUMBER: _ClassVar[int]
    LINED_FIELD_NUMBER: _ClassVar[int]
    HAZARD_ASSESSED_FIELD_NUMBER: _ClassVar[int]
    OCCUPIED_BY_STRUCTURE_FIELD_NUMBER: _ClassVar[int]
    CROSS_CONNECTED_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RENOVATION_COMPLETION_DATE_FIELD_NUMBER: _ClassVar[int]
    RECORDED_FAILURES_FIELD_NUMBER: _ClassVar[int]
    NEAR_CROWDED_PLACE_FIELD_NUMBER: _ClassVar[int]
    network: PipeNetwork
    material: PipeMaterial
    diameter_mm: int
    length_m: float
    commissioned_year: int
    lined: bool
    hazard_assessed: bool
    occupied_by_structure: bool
    cross_connected: bool
    status: PipeStatus
    renovation_completion_date: _date_pb2.Date
    recorded_failures: int
    near_crowded_place: bool
    def __init__(self, network: _Optional[_Union[PipeNetwork, str]] = ..., material: _Optional[_Union[PipeMaterial, str]] = ..., diameter_mm: _Optional[int] = ..., length_m: _Optional[float] = ..., commissioned_year: _Optional[int] = ..., lined: _Optional[bool] = ..., hazard_assessed: _Optional[bool] = ..., occupied_by_structure: _Optional[bool] = ..., cross_connected: _Optional[bool] = ..., status: _Optional[_Union[PipeStatus, str]] = ..., renovation_completion_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., recorded_failures: _Optional[int] = ..., near_crowded_place: _Optional[bool] = ...) -> None: ...

class DrainageZone(_message.Message):
    __slots__ = ("area_km2", "required_return_period_years", "assessed_return_period_years", "assessment_date")
    AREA_KM2_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_RETURN_PERIOD_YEARS_FIELD_NUMBER: _ClassVar[int]
    ASSESSED_RETURN_PERIOD_YEARS_FIELD_NUMBER: _ClassVar[int]
    ASSESSMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    area_km2: float
    required_return_period_years: int
    assessed_return_period_years: int
    assessment_date: _date_pb2.Date
    def __init__(self, area_km2: _Optional[float] = ..., required_return_period_years: _Optional[int] = ..., assessed_return_period_years: _Optional[int] = ..., assessment_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ...) -> None: ...

class WaterloggingPoint(_message.Message):
    __slots__ = ("status", "identified_date", "remediation_date", "deadline", "cause", "responsible_unit")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    IDENTIFIED_DATE_FIELD_NUMBER: _ClassVar[int]
    REMEDIATION_DATE_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    CAUSE_FIELD_NUMBER: _ClassVar[int]
    RESPONSIBLE_UNIT_FIELD_NUMBER: _ClassVar[int]
    status: WaterloggingStatus
    identified_date: _date_pb2.Date
    remediation_date: _date_pb2.Date
    deadline: _date_pb2.Date
    cause: str
    responsible_unit: str
    def __init__(self, status: _Optional[_Union[WaterloggingStatus, str]] = ..., identified_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., remediation_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., deadline: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., cause: _Optional[str] = ..., responsible_unit: _Optional[str] = ...) -> None: ...

class ChangeLog(_message.Message):
    __slots__ = ("name", "registry_id", "epoch", "head_revision")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REGISTRY_ID_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    HEAD_REVISION_FIELD_NUMBER: _ClassVar[int]
    name: str
    registry_id: str
    epoch: int
    head_revision: int
    def __init__(self, name: _Optional[str] = ..., registry_id: _Optional[str] = ..., epoch: _Optional[int] = ..., head_revision: _Optional[int] = ...) -> None: ...

class AssetChange(_message.Message):
    __slots__ = ("revision", "event_id", "type", "asset_name", "before", "after", "commit_time", "actor", "request_id", "asset_version")
    REVISION_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ASSET_NAME_FIELD_NUMBER: _ClassVar[int]
    BEFORE_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    COMMIT_TIME_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ASSET_VERSION_FIELD_NUMBER: _ClassVar[int]
    revision: int
    event_id: str
    type: ChangeType
    asset_name: str
    before: Asset
    after: Asset
    commit_time: _timestamp_pb2.Timestamp
    actor: str
    request_id: str
    asset_version: int
    def __init__(self, revision: _Optional[int] = ..., event_id: _Optional[str] = ..., type: _Optional[_Union[ChangeType, str]] = ..., asset_name: _Optional[str] = ..., before: _Optional[_Union[Asset, _Mapping]] = ..., after: _Optional[_Union[Asset, _Mapping]] = ..., commit_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., actor: _Optional[str] = ..., request_id: _Optional[str] = ..., asset_version: _Optional[int] = ...) -> None: ...
