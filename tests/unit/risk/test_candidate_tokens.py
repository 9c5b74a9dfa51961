"""ListRenovationCandidates' page tokens: the rank key where the last page stopped."""

import pytest

from services.common.errors import InvalidArgument
from services.risk.api import candidate_tokens

PIPE_NAME = "cities/330100/assets/gas-0001"


def test_page_tokens_round_trip_and_refuse_other_filters_or_garbage():
    token = candidate_tokens.encode((4, 20, 125.5, PIPE_NAME), "330100|gas|None|False")
    assert candidate_tokens.decode(token, "330100|gas|None|False") == (4, 20, 125.5, PIPE_NAME)
    assert candidate_tokens.encode(None, "anything") == ""
    assert candidate_tokens.decode("", "anything") is None
    for bad, query in ((token, "330100|None|None|False"), ("not-a-token", "q")):
        with pytest.raises(InvalidArgument) as raised:
            candidate_tokens.decode(bad, query)
        assert raised.value.violations[0].field == "page_token"
