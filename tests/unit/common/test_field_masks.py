import pytest

from services.common.field_masks import proto_name_paths
from urban.registry.v1 import resources_pb2 as r

ASSET = r.Asset.DESCRIPTOR


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("displayName", "display_name"),
        ("display_name", "display_name"),
        ("pipeSegment.lengthM", "pipe_segment.length_m"),
        ("pipe_segment.lengthM", "pipe_segment.length_m"),
        ("waterloggingPoint", "waterlogging_point"),
        ("createTime.seconds", "create_time.seconds"),
    ],
)
def test_json_names_become_proto_names(given, expected):
    assert proto_name_paths([given], ASSET) == [expected]


def test_map_keys_keep_their_spelling():
    assert proto_name_paths(["labels.surveyTeam", "labels.a.b"], ASSET) == [
        "labels.surveyTeam",
        "labels.a.b",
    ]


def test_unknown_segments_and_the_wildcard_are_left_for_validation_to_refuse():
    given = ["*", "displayNom", "pipeSegment.widthM", "displayName.x"]
    expected = ["*", "displayNom", "pipe_segment.widthM", "display_name.x"]
    assert proto_name_paths(given, ASSET) == expected
