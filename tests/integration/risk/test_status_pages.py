"""The status pages' routes, in process (werkzeug's test client) and over HTTP (waitress)."""

import json
import re
import urllib.error
import urllib.request

import pytest
from google.protobuf import json_format
from werkzeug.test import Client

from services.common.config import Address
from services.risk.web.formatting import figure
from services.risk.web.server import WebServer
from tests.integration.risk.pages import (
    ASSETS,
    NOW,
    SECRET,
    XIHU,
    YUHANG,
    filled,
    hangzhou_breakdown,
    pages_for,
    reference_cities,
    servicer_for,
)
from tests.unit.risk.builders import HANGZHOU, JIAXING
from urban.risk.v1 import risk_service_pb2 as pb

PAGES = ["/", f"/cities/{HANGZHOU}", f"/cities/{JIAXING}", "/progress.json",
         f"/cities/{HANGZHOU}/progress.json", f"/cities/{HANGZHOU}/districts.json"]


@pytest.fixture
def filled_model(read_model):
    filled(read_model)
    return read_model


@pytest.fixture
def client(filled_model) -> Client:
    return Client(pages_for(filled_model))


def grpc_progress(read_model, city: str = "") -> pb.PlanProgress:
    return servicer_for(read_model).GetPlanProgress(pb.GetPlanProgressRequest(city=city), None)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_without_a_token(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == ("application/json" if path.endswith(".json") else "text/html")


@pytest.mark.parametrize(
    "path",
    ["/cities/999999", "/cities/999999/progress.json", "/cities/hangzhou", "/nowhere",
     "/cities/330100/assets", "/metrics"],
)
def test_unknown_cities_and_paths_get_the_404_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "404" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_503_until_the_service_is_ready(filled_model, path):
    ready = False
    client = Client(pages_for(filled_model, ready=lambda: ready))
    chinese, english = client.get(path), client.get(path, headers={"Accept-Language": "en"})
    assert chinese.status_code == english.status_code == 503
    assert chinese.mimetype == "text/html" and chinese.headers["Retry-After"] == "5"
    assert "正在启动" in chinese.get_data(as_text=True)
    assert "Starting" in english.get_data(as_text=True)
    assert SECRET not in chinese.get_data(as_text=True)
    assert client.get("/nowhere").status_code == 404
    ready = True
    assert client.get(path).status_code == 200


def test_other_methods_are_refused(client):
    assert client.post("/").status_code == 405


@pytest.mark.parametrize("city", ["", f"cities/{HANGZHOU}", f"cities/{JIAXING}"])
def test_json_equals_get_plan_progress(client, filled_model, city):
    path = f"/{city}/progress.json" if city else "/progress.json"
    body = client.get(path).get_data(as_text=True)
    served = json_format.Parse(body, pb.PlanProgress())
    assert served == grpc_progress(filled_model, city)


def test_json_is_proto3_json_with_defaults_and_int64_strings(client):
    body = json.loads(client.get(f"/cities/{JIAXING}/progress.json").get_data(as_text=True))
    assert body["appliedRevision"] == str(len(ASSETS))
    villages = next(t for t in body["targets"] if t["key"] == "urban_villages_completed")
    # Jiaxing has no villages: the zeros are written, not left out.
    assert villages["achieved"] == 0 and villages["numerator"] == 0
    assert villages["schedule"]["status"] == "SCHEDULE_STATUS_NOT_APPLICABLE"
    assert "progressRatio" in villages and "expectedProgressRatio" in villages


@pytest.mark.parametrize("path", PAGES + [p + "?lang=en" for p in PAGES])
def test_no_page_shows_an_asset_name_or_geometry(client, path):
    text = client.get(path).get_data(as_text=True)
    assert SECRET not in text
    assert "/assets/" not in text
    assert "coordinates" not in text.lower()


def test_province_page_shows_every_target_flag_versions_and_cities(client, filled_model):
    html = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    progress = grpc_progress(filled_model)
    assert 'lang="en"' in html
    assert progress.plan_version in html and progress.rules_version in html
    for target in progress.targets:
        assert f'data-target="{target.key}"' in html
        assert f'data-achieved="{target.achieved}"' in html
    compounds = next(t for t in progress.targets if t.key == "old_compounds_started")
    assert compounds.schedule.status == pb.SCHEDULE_STATUS_BEHIND
    shortfall = f"{compounds.schedule.shortfall * 100:.1f}"
    assert f"Behind schedule — by {shortfall} percentage points" in html
    assert html.count("<svg") == len(progress.targets)  # one burn-up chart each
    assert html.count('class="history"') == len(progress.targets)  # and its table
    assert f'data-city="{HANGZHOU}"' in html and f'data-city="{JIAXING}"' in html
    assert "<script" not in html and "src=" not in html and "@import" not in html


def test_freshness_marks_a_city_unchanged_for_longer_than_the_setting(filled_model):
    html = Client(pages_for(filled_model, now=NOW)).get("/?lang=en").get_data(as_text=True)
    rows = {code: html.split(f'data-city="{code}"')[1].split("</tr>")[0]
            for code in (HANGZHOU, JIAXING)}
    assert "stale" not in rows[HANGZHOU] and "current" in rows[HANGZHOU]
    assert '"nowrap stale">stale<' in rows[JIAXING]
    assert "2025-06-30" in rows[HANGZHOU]  # its last change's time
    later = Client(pages_for(filled_model, now=NOW + 30 * 86400.0))
    html = later.get(f"/cities/{HANGZHOU}?lang=en").get_data(as_text=True)
    assert "stale" in html.split('id="freshness"')[1].split("</p>")[0]


def test_city_page_shows_contribution_and_flags_only_where_the_plan_judges(client, filled_model):
    html = client.get(f"/cities/{HANGZHOU}?lang=en").get_data(as_text=True)
    progress = grpc_progress(filled_model, f"cities/{HANGZHOU}")
    sections = {t.key: html.split(f'data-target="{t.key}"')[1].split("</section>")[0]
                for t in progress.targets}
    # Count and length targets: the city's contribution and share, no verdict.
    pipes = sections["pipes_renovated"]
    assert 'data-status="not_applicable"' in pipes and "share of the provincial target" in pipes
    assert "300 m" in pipes
    # A ratio target the city is counted in keeps its verdict.
    assert 'data-status="on_track"' in sections["urban_villages_completed"]


def test_language_follows_accept_language_and_the_switch_overrides(client):
    chinese = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert 'lang="zh-CN"' in chinese.get_data(as_text=True)
    assert "滞后于进度" in chinese.get_data(as_text=True)
    english = client.get("/?lang=en", headers={"Accept-Language": "zh-CN"})
    assert "Behind schedule" in english.get_data(as_text=True)
    assert english.headers["Content-Language"] == "en"
    assert ">中文</a>" in english.get_data(as_text=True)
    assert ">English</a>" in chinese.get_data(as_text=True)
    assert 'lang="zh-CN"' in client.get("/").get_data(as_text=True)  # the default


def test_served_over_http_by_a_real_server(filled_model):
    server = WebServer(Address("127.0.0.1", 0), pages_for(filled_model))
    port = server.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/progress.json") as response:
            served = json_format.Parse(response.read(), pb.PlanProgress())
        assert served == grpc_progress(filled_model)
        with pytest.raises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/cities/999999")
        assert raised.value.code == 404
    finally:
        server.stop()


@pytest.fixture
def reference_client(filled_model) -> Client:
    filled_model.updates.set_cities(reference_cities())
    return Client(pages_for(filled_model))


def district_rows(html: str) -> dict[str, str]:
    table = html.split('id="districts-table"')[1].split("</table>")[0]
    return {
        row.split('"')[0]: row.split("</tr>")[0] for row in table.split('<tr data-district="')[1:]
    }


def map_areas(html: str) -> dict[str, tuple[int, str]]:
    """Each district's shade and title on the map."""
    drawing = html.split('id="district-map"')[1].split("</svg>")[0]
    paths = re.findall(
        r'<path class="district shade-(\d)" data-district="(\d{6})".*?<title>(.*?)</title>',
        drawing,
        re.S,
    )
    return {code: (int(shade), title) for shade, code, title in paths}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_city_page_lists_every_district_with_its_figures(reference_client, filled_model, lang):
    html = reference_client.get(f"/cities/{HANGZHOU}?lang={lang}").get_data(as_text=True)
    served = hangzhou_breakdown(filled_model)
    rows = district_rows(html)
    assert list(rows) == [figures.district for figures in served.districts]
    for figures in served.districts:
        row = rows[figures.district]
        assert f'"must-renovate">{figure(figures.must_renovate_length_m, "metres")}<' in row
        assert f'"pipe-length">{figure(figures.pipe_length_m, "metres")}<' in row
    xihu = rows[XIHU]
    assert ("Xihu District" if lang == "en" else "西湖区") in xihu
    assert 'data-kind="old_compound" title="' in xihu  # its counts by status
    assert ("No district given" if lang == "en" else "未标注区县") in rows[""]
    heading = html.split("<h1>")[1].split("</h1>")[0]
    assert ("Hangzhou" if lang == "en" else "杭州市") in heading


def test_the_map_draws_every_district_shaded_by_must_renovate_length(reference_client):
    html = reference_client.get(f"/cities/{HANGZHOU}?lang=en").get_data(as_text=True)
    areas = map_areas(html)
    assert len(areas) == 13  # Hangzhou's divisions; assets without a district have no place
    shade_of = {code: shade for code, (shade, _) in areas.items()}
    assert shade_of[YUHANG] == 4  # the most
    assert shade_of[XIHU] == 2 and shade_of["330109"] == 2  # 1,200 m and 800 m of 2,600 m
    assert shade_of["330102"] == 1  # 450 m
    assert shade_of["330127"] == 0  # Chun'an: none
    assert areas[YUHANG][1] == f"Yuhang District: {figure(2600.0, 'metres')}"
    assert ">Yuhang</text>" in html  # the label, without "District"
    assert "<script" not in html and "src=" not in html


def test_the_province_page_names_the_cities_in_the_pages_language(reference_client):
    english = reference_client.get("/?lang=en").get_data(as_text=True)
    chinese = reference_client.get("/?lang=zh").get_data(as_text=True)
    assert ">Hangzhou</a>" in english and ">Wenzhou</a>" in english
    assert ">杭州市</a>" in chinese


def test_districts_json_equals_get_district_breakdown(reference_client, filled_model):
    body = reference_client.get(f"/cities/{HANGZHOU}/districts.json").get_data(as_text=True)
    served = json_format.Parse(body, pb.DistrictBreakdown())
    assert served == hangzhou_breakdown(filled_model)
    assert reference_client.get("/cities/999999/districts.json").status_code == 404
