"""Bad input to the tool itself: one line on stderr, a non-zero exit, never a traceback."""

import pytest

from tests.integration.cli.files import pipe_row, pipes_csv, write_csv

HANGZHOU_PIPES = ("--city", "330100", "--kind", "pipe_segment", "--quiet")


def assert_one_line(outcome, code: int, text: str) -> None:
    assert outcome.code == code, outcome.err
    assert len(outcome.err_lines) == 1, outcome.err
    assert outcome.err.startswith("urban: ") and text in outcome.err
    assert "Traceback" not in outcome.err + outcome.out


def test_a_missing_file(urban, tmp_path):
    outcome = urban("import", str(tmp_path / "absent.csv"), *HANGZHOU_PIPES)
    assert_one_line(outcome, 2, "absent.csv does not exist")


def test_a_gbk_file_read_as_utf8(urban, tmp_path):
    path = write_csv(tmp_path / "gbk.csv", [{**pipe_row(0), "display_name": "燃气管"}],
                     encoding="gbk")
    outcome = urban("import", str(path), *HANGZHOU_PIPES)
    assert_one_line(outcome, 1, "is not UTF-8 text; if it was saved as GBK")
    assert "--encoding gbk" in outcome.err


def test_an_unknown_column(urban, tmp_path):
    path = write_csv(tmp_path / "p.csv", [{**pipe_row(0), "colour": "red"}])
    assert_one_line(urban("import", str(path), *HANGZHOU_PIPES), 1, "unknown column 'colour'")


def test_an_unreachable_registry(urban, tmp_path, free_port):
    urban.registry_target = f"127.0.0.1:{free_port}"
    outcome = urban("import", str(pipes_csv(tmp_path / "p.csv", 2)), *HANGZHOU_PIPES)
    assert_one_line(outcome, 1, f"the registry at 127.0.0.1:{free_port} is unreachable")


def test_no_token(urban, tmp_path, monkeypatch):
    monkeypatch.delenv("URBAN_TOKEN", raising=False)
    outcome = urban("import", str(pipes_csv(tmp_path / "p.csv", 2)), *HANGZHOU_PIPES, token="")
    assert_one_line(outcome, 2, "no token: pass --token or set URBAN_TOKEN")


def test_an_unknown_token(urban):
    assert_one_line(urban("list", token="urt_wrong"), 1, "rejected the token: unknown token")


@pytest.mark.parametrize(
    ("options", "code", "text"),
    [
        (("--city", "339999"), 2, "unknown city 339999"),
        (("--city", "hangzhou"), 2, "'hangzhou' is not a city"),
        (("--encoding", "klingon"), 2, "unknown encoding 'klingon'"),
        (("--mapping", "absent.yaml"), 2, "mapping file absent.yaml does not exist"),
        (("--format", "geojson"), 1, "is not valid JSON"),
    ],
)
def test_bad_options(urban, tmp_path, options, code, text):
    path = pipes_csv(tmp_path / "p.csv", 2)
    outcome = urban("import", str(path), "--kind", "pipe_segment", "--quiet", *options)
    assert_one_line(outcome, code, text)


def test_a_file_without_rows(urban, tmp_path):
    (tmp_path / "empty.csv").write_text("asset_id,length_m\n", encoding="utf-8")
    assert_one_line(urban("import", str(tmp_path / "empty.csv"), *HANGZHOU_PIPES), 1, "no rows")


def test_usage_errors_exit_2_and_help_exits_0(urban):
    outcome = urban("import")
    assert outcome.code == 2 and "Traceback" not in outcome.err
    assert urban("--help").code == 0


@pytest.mark.parametrize("day", ["2026-13-01", "yesterday", "2026-02-30"])
def test_a_bad_as_of_date_names_the_option_and_the_format(urban, day):
    outcome = urban("progress", "--as-of", day)
    assert outcome.code == 2 and "Traceback" not in outcome.err
    [message] = [line for line in outcome.err_lines if "error:" in line]
    assert f"argument --as-of: {day!r} is not a date: give YYYY-MM-DD" in message
    assert "fromisoformat" not in outcome.err


@pytest.mark.parametrize(
    ("options", "text"),
    [
        (("--kind", "pipe_segment"), "the rows have no city: add --city CODE"),
        (("--city", "330100"), "the rows have no kind: add --kind KIND"),
        ((), "the rows have no city and kind: add --city CODE (e.g. --city 330100) and --kind"),
    ],
)
def test_a_missing_city_or_kind_option_is_one_line_not_one_per_row(urban, admin, tmp_path,
                                                                   options, text):
    outcome = urban("import", str(pipes_csv(tmp_path / "p.csv", 20)), *options, "--quiet")
    assert_one_line(outcome, 2, text)
    assert "--skip-invalid" not in outcome.err
