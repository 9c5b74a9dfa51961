"""The shipped reference divisions: current, complete, and generated from the package."""

import subprocess
import sys
from pathlib import Path

from services.registry.domain.places import zhejiang

ROOT = Path(__file__).resolve().parents[3]


def test_the_90_current_divisions_and_none_abolished():
    codes = set(zhejiang().divisions)
    assert len(codes) == 90
    assert {"330113", "330114", "330383", "330282", "330782"} <= codes  # 临平, 钱塘, 龙港
    assert not {"330103", "330104", "330183", "330185"} & codes  # 下城, 江干, 富阳市, 临安市


def test_every_division_has_names_and_a_valid_boundary():
    for division in zhejiang().divisions.values():
        assert division.display_name[-1] in "区县市" and division.english_name
        assert division.geometry.is_valid and not division.geometry.is_empty


def test_the_files_are_what_the_script_generates():
    script = ROOT / "scripts" / "gen_divisions.py"
    check = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
