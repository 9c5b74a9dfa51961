from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.type import date_pb2 as _date_pb2
from urban.registry.v1 import resources_pb2 as _resources_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RiskLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RISK_LEVEL_UNSPECIFIED: _ClassVar[RiskLevel]
    RISK_LEVEL_LOW: _ClassVar[RiskLevel]
    RISK_LEVEL_MODERATE: _ClassVar[RiskLevel]
    RISK_LEVEL_SIGNIFICANT: _ClassVar[RiskLevel]
    RISK_LEVEL_MAJOR: _ClassVar[RiskLevel]

class ScheduleStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SCHEDULE_STATUS_UNSPECIFIED: _ClassVar[ScheduleStatus]
    SCHEDULE_STATUS_ON_TRACK: _ClassVar[ScheduleStatus]
    SCHEDULE_STATUS_BEHIND: _ClassVar[ScheduleStatus]
    SCHEDULE_STATUS_NOT_APPLICABLE: _ClassVar[ScheduleStatus]
RISK_LEVEL_UNSPECIFIED: RiskLevel
RISK_LEVEL_LOW: RiskLevel
RISK_LEVEL_MODERATE: RiskLevel
RISK_LEVEL_SIGNIFICANT: RiskLevel
RISK_LEVEL_MAJOR: RiskLevel
SCHEDULE_STATUS_UNSPECIFIED: ScheduleStatus
SCHEDULE_STATUS_ON_TRACK: ScheduleStatus
SCHEDULE_STATUS_BEHIND: ScheduleStatus
SCHEDULE_STATUS_NOT_APPLICABLE: ScheduleStatus

class GetPlanProgressRequest(_message.Message):
    __slots__ = ("as_of", "city")
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    as_of: _date_pb2.Date
    city: str
    def __init__(self, as_of: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., city: _Optional[str] = ...) -> None: ...

class PlanProgress(_message.Message):
    __slots__ = ("plan_version", "period_start", "period_end", "targets", "applied_revision", "rules_version")
    PLAN_VERSION_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    APPLIED_REVISION_FIELD_NUMBER: _ClassVar[int]
    RULES_VERSION_FIELD_NUMBER: _ClassVar[int]
    plan_version: str
    period_start: _date_pb2.Date
    period_end: _date_pb2.Date
    targets: _containers.RepeatedCompositeFieldContainer[TargetProgress]
    applied_revision: int
    rules_version: str
    def __init__(self, plan_version: _Optional[str] = ..., period_start: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., period_end: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., targets: _Optional[_Iterable[_Union[TargetProgress, _Mapping]]] = ..., applied_revision: _Optional[int] = ..., rules_version: _Optional[str] = ...) -> None: ...

class TargetProgress(_message.Message):
    __slots__ = ("key", "description", "unit", "target_value", "achieved", "progress_ratio", "expected", "expected_progress_ratio", "deadline", "cities", "numerator", "denominator", "schedule")
    KEY_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    TARGET_VALUE_FIELD_NUMBER: _ClassVar[int]
    ACHIEVED_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_RATIO_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_PROGRESS_RATIO_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    CITIES_FIELD_NUMBER: _ClassVar[int]
    NUMERATOR_FIELD_NUMBER: _ClassVar[int]
    DENOMINATOR_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    key: str
    description: str
    unit: str
    target_value: float
    achieved: float
    progress_ratio: float
    expected: float
    expected_progress_ratio: float
    deadline: _date_pb2.Date
    cities: _containers.RepeatedCompositeFieldContainer[CityProgress]
    numerator: float
    denominator: float
    schedule: Schedule
    def __init__(self, key: _Optional[str] = ..., description: _Optional[str] = ..., unit: _Optional[str] = ..., target_value: _Optional[float] = ..., achieved: _Optional[float] = ..., progress_ratio: _Optional[float] = ..., expected: _Optional[float] = ..., expected_progress_ratio: _Optional[float] = ..., deadline: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., cities: _Optional[_Iterable[_Union[CityProgress, _Mapping]]] = ..., numerator: _Optional[float] = ..., denominator: _Optional[float] = ..., schedule: _Optional[_Union[Schedule, _Mapping]] = ...) -> None: ...

class CityProgress(_message.Message):
    __slots__ = ("city", "achieved", "numerator", "denominator", "schedule")
    CITY_FIELD_NUMBER: _ClassVar[int]
    ACHIEVED_FIELD_NUMBER: _ClassVar[int]
    NUMERATOR_FIELD_NUMBER: _ClassVar[int]
    DENOMINATOR_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    city: str
    achieved: float
    numerator: float
    denominator: float
    schedule: Schedule
    def __init__(self, city: _Optional[str] = ..., achieved: _Optional[float] = ..., numerator: _Optional[float] = ..., denominator: _Optional[float] = ..., schedule: _Optional[_Union[Schedule, _Mapping]] = ...) -> None: ...

class Schedule(_message.Message):
    __slots__ = ("status", "basis", "progress_ratio", "expected_progress_ratio", "shortfall")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    BASIS_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_RATIO_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_PROGRESS_RATIO_FIELD_NUMBER: _ClassVar[int]
    SHORTFALL_FIELD_NUMBER: _ClassVar[int]
    status: ScheduleStatus
    basis: float
    progress_ratio: float
    expected_progress_ratio: float
    shortfall: float
    def __init__(self, status: _Optional[_Union[ScheduleStatus, str]] = ..., basis: _Optional[float] = ..., progress_ratio: _Optional[float] = ..., expected_progress_ratio: _Optional[float] = ..., shortfall: _Optional[float] = ...) -> None: ...

class GetPlanProgressHistoryRequest(_message.Message):
    __slots__ = ("city",)
    CITY_FIELD_NUMBER: _ClassVar[int]
    city: str
    def __init__(self, city: _Optional[str] = ...) -> None: ...

class PlanProgressHistory(_message.Message):
    __slots__ = ("plan_version", "rules_version", "applied_revision", "city", "targets")
    PLAN_VERSION_FIELD_NUMBER: _ClassVar[int]
    RULES_VERSION_FIELD_NUMBER: _ClassVar[int]
    APPLIED_REVISION_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    plan_version: str
    rules_version: str
    applied_revision: int
    city: str
    targets: _containers.RepeatedCompositeFieldContainer[TargetHistory]
    def __init__(self, plan_version: _Optional[str] = ..., rules_version: _Optional[str] = ..., applied_revision: _Optional[int] = ..., city: _Optional[str] = ..., targets: _Optional[_Iterable[_Union[TargetHistory, _Mapping]]] = ...) -> None: ...

class TargetHistory(_message.Message):
    __slots__ = ("key", "description", "unit", "target_value", "deadline", "points")
    KEY_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    TARGET_VALUE_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    key: str
    description: str
    unit: str
    target_value: float
    deadline: _date_pb2.Date
    points: _containers.RepeatedCompositeFieldContainer[ProgressPoint]
    def __init__(self, key: _Optional[str] = ..., description: _Optional[str] = ..., unit: _Optional[str] = ..., target_value: _Optional[float] = ..., deadline: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., points: _Optional[_Iterable[_Union[ProgressPoint, _Mapping]]] = ...) -> None: ...

class ProgressPoint(_message.Message):
    __slots__ = ("as_of", "achieved", "progress_ratio", "expected", "expected_progress_ratio", "numerator", "denominator", "schedule")
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    ACHIEVED_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_RATIO_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_PROGRESS_RATIO_FIELD_NUMBER: _ClassVar[int]
    NUMERATOR_FIELD_NUMBER: _ClassVar[int]
    DENOMINATOR_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    as_of: _date_pb2.Date
    achieved: float
    progress_ratio: float
    expected: float
    expected_progress_ratio: float
    numerator: float
    denominator: float
    schedule: Schedule
    def __init__(self, as_of: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., achieved: _Optional[float] = ..., progress_ratio: _Optional[float] = ..., expected: _Optional[float] = ..., expected_progress_ratio: _Optional[float] = ..., numerator: _Optional[float] = ..., denominator: _Optional[float] = ..., schedule: _Optional[_Union[Schedule, _Mapping]] = ...) -> None: ...

class GetDistrictBreakdownRequest(_message.Message):
    __slots__ = ("city",)
    CITY_FIELD_NUMBER: _ClassVar[int]
    city: str
    def __init__(self, city: _Optional[str] = ...) -> None: ...

class DistrictBreakdown(_message.Message):
    __slots__ = ("city", "applied_revision", "rules_version", "districts")
    CITY_FIELD_NUMBER: _ClassVar[int]
    APPLIED_REVISION_FIELD_NUMBER: _ClassVar[int]
    RULES_VERSION_FIELD_NUMBER: _ClassVar[int]
    DISTRICTS_FIELD_NUMBER: _ClassVar[int]
    city: str
    applied_revision: int
    rules_version: str
    districts: _containers.RepeatedCompositeFieldContainer[DistrictFigures]
    def __init__(self, city: _Optional[str] = ..., applied_revision: _Optional[int] = ..., rules_version: _Optional[str] = ..., districts: _Optional[_Iterable[_Union[DistrictFigures, _Mapping]]] = ...) -> None: ...

class DistrictFigures(_message.Message):
    __slots__ = ("district", "display_name", "english_name", "asset_counts", "pipe_lengths", "must_renovate_lengths", "pipe_length_m", "must_renovate_length_m")
    DISTRICT_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ENGLISH_NAME_FIELD_NUMBER: _ClassVar[int]
    ASSET_COUNTS_FIELD_NUMBER: _ClassVar[int]
    PIPE_LENGTHS_FIELD_NUMBER: _ClassVar[int]
    MUST_RENOVATE_LENGTHS_FIELD_NUMBER: _ClassVar[int]
    PIPE_LENGTH_M_FIELD_NUMBER: _ClassVar[int]
    MUST_RENOVATE_LENGTH_M_FIELD_NUMBER: _ClassVar[int]
    district: str
    display_name: str
    english_name: str
    asset_counts: _containers.RepeatedCompositeFieldContainer[AssetCount]
    pipe_lengths: _containers.RepeatedCompositeFieldContainer[PipeLength]
    must_renovate_lengths: _containers.RepeatedCompositeFieldContainer[PipeLength]
    pipe_length_m: float
    must_renovate_length_m: float
    def __init__(self, district: _Optional[str] = ..., display_name: _Optional[str] = ..., english_name: _Optional[str] = ..., asset_counts: _Optional[_Iterable[_Union[AssetCount, _Mapping]]] = ..., pipe_lengths: _Optional[_Iterable[_Union[PipeLength, _Mapping]]] = ..., must_renovate_lengths: _Optional[_Iterable[_Union[PipeLength, _Mapping]]] = ..., pipe_length_m: _Optional[float] = ..., must_renovate_length_m: _Optional[float] = ...) -> None: ...

class AssetCount(_message.Message):
    __slots__ = ("kind", "status", "count")
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    kind: str
    status: str
    count: int
    def __init__(self, kind: _Optional[str] = ..., status: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class PipeLength(_message.Message):
    __slots__ = ("network", "status", "length_m")
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    LENGTH_M_FIELD_NUMBER: _ClassVar[int]
    network: str
    status: str
    length_m: float
    def __init__(self, network: _Optional[str] = ..., status: _Optional[str] = ..., length_m: _Optional[float] = ...) -> None: ...

class ListRenovationCandidatesRequest(_message.Message):
    __slots__ = ("parent", "network", "min_level", "must_renovate_only", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    MIN_LEVEL_FIELD_NUMBER: _ClassVar[int]
    MUST_RENOVATE_ONLY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    network: _resources_pb2.PipeNetwork
    min_level: RiskLevel
    must_renovate_only: bool
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., network: _Optional[_Union[_resources_pb2.PipeNetwork, str]] = ..., min_level: _Optional[_Union[RiskLevel, str]] = ..., must_renovate_only: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class GetRenovationCandidateRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListRenovationCandidatesResponse(_message.Message):
    __slots__ = ("candidates", "next_page_token", "rules_version")
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    RULES_VERSION_FIELD_NUMBER: _ClassVar[int]
    candidates: _containers.RepeatedCompositeFieldContainer[RenovationCandidate]
    next_page_token: str
    rules_version: str
    def __init__(self, candidates: _Optional[_Iterable[_Union[RenovationCandidate, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., rules_version: _Optional[str] = ...) -> None: ...

class RenovationCandidate(_message.Message):
    __slots__ = ("asset", "network", "material", "length_m", "age_years", "risk_level", "likelihood", "consequence", "score", "must_renovate", "reasons", "status")
    ASSET_FIELD_NUMBER: _ClassVar[int]
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    MATERIAL_FIELD_NUMBER: _ClassVar[int]
    LENGTH_M_FIELD_NUMBER: _ClassVar[int]
    AGE_YEARS_FIELD_NUMBER: _ClassVar[int]
    RISK_LEVEL_FIELD_NUMBER: _ClassVar[int]
    LIKELIHOOD_FIELD_NUMBER: _ClassVar[int]
    CONSEQUENCE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    MUST_RENOVATE_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    asset: str
    network: _resources_pb2.PipeNetwork
    material: _resources_pb2.PipeMaterial
    length_m: float
    age_years: int
    risk_level: RiskLevel
    likelihood: int
    consequence: int
    score: int
    must_renovate: bool
    reasons: _containers.RepeatedCompositeFieldContainer[RuleFinding]
    status: _resources_pb2.PipeStatus
    def __init__(self, asset: _Optional[str] = ..., network: _Optional[_Union[_resources_pb2.PipeNetwork, str]] = ..., material: _Optional[_Union[_resources_pb2.PipeMaterial, str]] = ..., length_m: _Optional[float] = ..., age_years: _Optional[int] = ..., risk_level: _Optional[_Union[RiskLevel, str]] = ..., likelihood: _Optional[int] = ..., consequence: _Optional[int] = ..., score: _Optional[int] = ..., must_renovate: _Optional[bool] = ..., reasons: _Optional[_Iterable[_Union[RuleFinding, _Mapping]]] = ..., status: _Optional[_Union[_resources_pb2.PipeStatus, str]] = ...) -> None: ...

class RuleFinding(_message.Message):
    __slots__ = ("rule_id", "description", "mandatory")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    MANDATORY_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    description: str
    mandatory: bool
    def __init__(self, rule_id: _Optional[str] = ..., description: _Optional[str] = ..., mandatory: _Optional[bool] = ...) -> None: ...

class VerifyReadModelRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class VerifyReadModelResponse(_message.Message):
    __slots__ = ("consistent", "rollups_checked", "assets_checked", "differences")
    CONSISTENT_FIELD_NUMBER: _ClassVar[int]
    ROLLUPS_CHECKED_FIELD_NUMBER: _ClassVar[int]
    ASSETS_CHECKED_FIELD_NUMBER: _ClassVar[int]
    DIFFERENCES_FIELD_NUMBER: _ClassVar[int]
    consistent: bool
    rollups_checked: int
    assets_checked: int
    differences: _containers.RepeatedCompositeFieldContainer[RollupDifference]
    def __init__(self, consistent: _Optional[bool] = ..., rollups_checked: _Optional[int] = ..., assets_checked: _Optional[int] = ..., differences: _Optional[_Iterable[_Union[RollupDifference, _Mapping]]] = ...) -> None: ...

class RollupDifference(_message.Message):
    __slots__ = ("key", "stored", "recomputed")
    KEY_FIELD_NUMBER: _ClassVar[int]
    STORED_FIELD_NUMBER: _ClassVar[int]
    RECOMPUTED_FIELD_NUMBER: _ClassVar[int]
    key: str
    stored: float
    recomputed: float
    def __init__(self, key: _Optional[str] = ..., stored: _Optional[float] = ..., recomputed: _Optional[float] = ...) -> None: ...
