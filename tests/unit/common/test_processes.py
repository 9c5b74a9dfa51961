"""URBAN_REGISTRY_PROCESSES: a number, or `auto` from the container's CPU limit."""

import os

import pytest

from services.common.processes import process_count


def _cgroup_v2(tmp_path, text: str):
    (tmp_path / "cpu.max").write_text(text)
    return tmp_path


def test_unset_is_one_process(tmp_path):
    assert process_count("", tmp_path) == 1


def test_a_number_is_that_many():
    assert process_count("3") == 3


@pytest.mark.parametrize("text", ["0", "-1", "two", "1.5"])
def test_anything_else_is_refused(text):
    with pytest.raises(ValueError, match="URBAN_REGISTRY_PROCESSES"):
        process_count(text)


@pytest.mark.parametrize(("cpu_max", "expected"), [("200000 100000", 2), ("150000 100000", 2),
                                                    ("50000 100000", 1)])
def test_auto_follows_the_cgroup_quota_rounded_up(tmp_path, cpu_max, expected):
    cgroup = _cgroup_v2(tmp_path, cpu_max)
    assert process_count("auto", cgroup) == expected


def test_auto_without_a_quota_takes_the_cores_it_may_use(tmp_path):
    cgroup = _cgroup_v2(tmp_path, "max 100000")
    assert process_count("auto", cgroup) == len(
        os.sched_getaffinity(0)
    )


def test_auto_under_cgroup_v1(tmp_path):
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("300000\n")
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert process_count("auto", tmp_path) == 3
