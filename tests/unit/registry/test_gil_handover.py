"""The switch interval is short while any import stream runs, and the usual one afterwards."""

import sys

from services.registry.app.bulk.gil_handover import (
    IMPORT_SWITCH_INTERVAL_SECONDS,
    quick_gil_handover,
)
from services.registry.app.bulk.pipeline import BatchPipeline, Prepared


def test_short_while_any_stream_runs():
    usual = sys.getswitchinterval()
    with quick_gil_handover():
        assert sys.getswitchinterval() == IMPORT_SWITCH_INTERVAL_SECONDS
        with quick_gil_handover():
            pass
        assert sys.getswitchinterval() == IMPORT_SWITCH_INTERVAL_SECONDS
    assert sys.getswitchinterval() == usual


def test_a_pipeline_gives_the_interval_back_when_its_stream_ends():
    usual = sys.getswitchinterval()
    seen = []

    def prepare(request):
        seen.append(sys.getswitchinterval())
        return Prepared(lambda turn: request)

    assert list(BatchPipeline(prepare, writers=2).run([1, 2, 3])) == [1, 2, 3]
    assert seen == [IMPORT_SWITCH_INTERVAL_SECONDS] * 3
    assert sys.getswitchinterval() == usual
