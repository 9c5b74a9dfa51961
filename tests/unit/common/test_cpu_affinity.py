import os

import pytest

from services.common import cpu_affinity
from services.common.cpu_affinity import keep_to_one_cpu, parse_cpus
from tests.unit.common.every_thread import called_beside_threads

ALLOWED = (0, 1, 2, 3)


@pytest.mark.parametrize("text", ["", "none", " None "])
def test_none_keeps_no_process_to_a_cpu(text):
    assert parse_cpus(text, ALLOWED) == ()


def test_auto_takes_every_cpu_the_process_may_run_on_in_order():
    assert parse_cpus("auto", ALLOWED) == ALLOWED


def test_listed_cpus_are_taken_in_the_order_given():
    assert parse_cpus("3,1", ALLOWED) == (3, 1)


@pytest.mark.parametrize("text", ["0;1", "first", "1,", "1.5"])
def test_anything_else_is_refused_with_the_setting_named(text):
    with pytest.raises(ValueError, match="URBAN_REGISTRY_CPU_AFFINITY must be none, auto or"):
        parse_cpus(text, ALLOWED)


def test_a_cpu_the_process_may_not_run_on_is_refused():
    with pytest.raises(ValueError, match=r"CPU 4, 9 is not one this process may run on \(0, 1"):
        parse_cpus("0,9,4", ALLOWED)


def test_where_the_system_keeps_no_cpus_apart_auto_keeps_to_none_and_a_list_is_refused(
    monkeypatch,
):
    monkeypatch.delattr(os, "sched_getaffinity")
    monkeypatch.delattr(os, "sched_setaffinity")
    allowed = cpu_affinity.allowed_cpus()
    assert allowed == () and parse_cpus("auto", allowed) == ()
    with pytest.raises(ValueError, match="this system cannot keep a process to given CPUs"):
        parse_cpus("0", allowed)
    assert keep_to_one_cpu((0,), 1) is None


def test_no_cpus_leaves_the_process_as_it_was():
    before = os.sched_getaffinity(0)
    assert keep_to_one_cpu((), 1) is None
    assert os.sched_getaffinity(0) == before


def _kept(cpus: tuple[int, ...], number: int) -> str:
    result, readings = called_beside_threads(
        "from services.common.cpu_affinity import keep_to_one_cpu",
        "keep_to_one_cpu(tuple(int(cpu) for cpu in sys.argv[1].split(',')), int(sys.argv[2]))",
        "sorted(os.sched_getaffinity(0))",
        ",".join(map(str, cpus)), str(number),
    )
    return " ".join([result, *readings])


def test_every_thread_and_every_later_one_keeps_to_the_process_cpu():
    last = max(os.sched_getaffinity(0))
    assert _kept((last,), 1) == f"{last} [{last}] [{last}] [{last}]"


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs")
def test_the_processes_take_the_cpus_in_turn():
    first, second = sorted(os.sched_getaffinity(0))[:2]
    assert _kept((first, second), 2).split()[0] == str(second)
    assert _kept((first, second), 3).split()[0] == str(first)
