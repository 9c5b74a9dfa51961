"""The status pages in headless Chromium (Debian's chromium and chromium-driver, driven by
Selenium): both languages, no console errors, the figures GetPlanProgress gives, screenshots.

Screenshots go to the test's tmp path (printed), and also to URBAN_TEST_SCREENSHOTS_DIR when
set (`URBAN_TEST_SCREENSHOTS_DIR=docs/screenshots` refreshes the README's).
"""

import os
import shutil
from pathlib import Path

import pytest

from services.common.config import Address
from services.risk.web.formatting import figure
from services.risk.web.server import WebServer
from tests.conftest import services_required
from tests.integration.risk.pages import (
    filled,
    hangzhou_breakdown,
    pages_for,
    reference_cities,
    servicer_for,
)
from tests.unit.risk.builders import HANGZHOU
from urban.risk.v1 import risk_service_pb2 as pb

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-dev-shm-usage")
WIDTH = 1280

webdriver = pytest.importorskip("selenium.webdriver")


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        message = "chromium and chromium-driver are not installed (.ci/run installs them)"
        if services_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={WIDTH},900")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture
def site(sqlite_url):
    from services.risk.app.read_model import ReadModel
    from tests.integration.risk.pages import TODAY

    model = ReadModel.open(sqlite_url, clock=lambda: TODAY)
    model.updates.set_cities(reference_cities())
    filled(model)
    server = WebServer(Address("127.0.0.1", 0), pages_for(model))
    port = server.start()
    yield f"http://127.0.0.1:{port}", model
    server.stop()
    model.close()


@pytest.fixture
def screenshots(tmp_path) -> Path:
    directory = tmp_path / "screenshots"
    directory.mkdir()
    yield directory
    print(f"screenshots in {directory}")
    if wanted := os.environ.get("URBAN_TEST_SCREENSHOTS_DIR"):
        Path(wanted).mkdir(parents=True, exist_ok=True)
        for shot in directory.glob("*.png"):
            shutil.copy(shot, Path(wanted) / shot.name)


def console_errors(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def whole_page(driver, path: Path) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(WIDTH, height + 100)
    driver.save_screenshot(str(path))
    driver.set_window_size(WIDTH, 900)


def parts_shown(driver, selector: str, key: str, texts: dict, attributes: dict) -> dict:
    """For each element `selector` finds, keyed by its attribute `key`: the text of each part
    `texts` names (by a CSS selector within it), and each attribute `attributes` names."""
    from selenium.webdriver.common.by import By

    return {
        element.get_attribute(key): {
            name: element.find_element(By.CSS_SELECTOR, part).text for name, part in texts.items()
        }
        | {name: element.get_attribute(attribute) for name, attribute in attributes.items()}
        for element in driver.find_elements(By.CSS_SELECTOR, selector)
    }


def shown_targets(driver) -> dict[str, dict[str, str]]:
    texts = {"achieved": ".achieved", "target": ".target-value", "flag": ".flag"}
    return parts_shown(driver, "section.target", "data-target", texts, {"status": "data-status"})


_STATUS = {pb.SCHEDULE_STATUS_ON_TRACK: "on_track", pb.SCHEDULE_STATUS_BEHIND: "behind"}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("city", ["", HANGZHOU])
def test_pages_in_chromium_show_get_plan_progress(browser, site, screenshots, lang, city):
    base, model = site
    browser.get_log("browser")  # drop what earlier pages logged
    browser.get(f"{base}/{'cities/' + city if city else ''}?lang={lang}")
    assert browser.execute_script("return document.documentElement.lang").startswith(lang)
    name = f"{'city-' + city if city else 'province'}-{lang}.png"
    whole_page(browser, screenshots / name)
    progress = servicer_for(model).GetPlanProgress(
        pb.GetPlanProgressRequest(city=f"cities/{city}" if city else ""), None
    )
    shown = shown_targets(browser)
    assert list(shown) == [t.key for t in progress.targets]
    for target in progress.targets:
        assert shown[target.key]["achieved"] == figure(target.achieved, target.unit)
        assert shown[target.key]["target"] == figure(target.target_value, target.unit)
        assert shown[target.key]["status"] == _STATUS.get(target.schedule.status, "not_applicable")
        if target.schedule.status == pb.SCHEDULE_STATUS_BEHIND:
            assert f"{target.schedule.shortfall * 100:.1f}" in shown[target.key]["flag"]
    assert console_errors(browser) == []
    assert (screenshots / name).stat().st_size > 10_000


def shown_districts(driver) -> dict[str, dict[str, str]]:
    texts = {"name": "td", "must_renovate": ".must-renovate", "pipe_length": ".pipe-length"}
    return parts_shown(driver, "#districts-table tbody tr", "data-district", texts, {})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_city_page_shows_its_districts_table_and_map(browser, site, screenshots, lang):
    from selenium.webdriver.common.by import By

    base, model = site
    browser.get_log("browser")
    browser.get(f"{base}/cities/{HANGZHOU}?lang={lang}")
    served = hangzhou_breakdown(model)
    shown = shown_districts(browser)
    assert list(shown) == [figures.district for figures in served.districts]
    for figures in served.districts:
        row = shown[figures.district]
        assert row["must_renovate"] == figure(figures.must_renovate_length_m, "metres")
        assert row["pipe_length"] == figure(figures.pipe_length_m, "metres")
        if figures.district:
            name = figures.english_name if lang == "en" else figures.display_name
            assert row["name"] == f"{name} {figures.district}"
    drawing = browser.find_element(By.CSS_SELECTOR, "#district-map > svg")
    assert drawing.is_displayed() and drawing.size["width"] > 500
    areas = browser.find_elements(By.CSS_SELECTOR, "#district-map path.district")
    assert len(areas) == 13
    fills = {area.get_attribute("data-district"): area.value_of_css_property("fill")
             for area in areas}  # fmt: skip
    assert fills["330110"] != fills["330127"]  # Yuhang's 2,600 m against Chun'an's none
    labels = [label.text for label in browser.find_elements(By.CSS_SELECTOR, "#district-map text")]
    assert ("Yuhang" if lang == "en" else "余杭区") in labels
    assert console_errors(browser) == []
    section_shot(browser, "districts", screenshots / f"city-{HANGZHOU}-districts-{lang}.png")


def section_shot(driver, element_id: str, path: Path) -> None:
    """A screenshot of one element, in a window tall enough to hold all of it."""
    from selenium.webdriver.common.by import By

    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(WIDTH, height + 100)
    driver.find_element(By.ID, element_id).screenshot(str(path))
    driver.set_window_size(WIDTH, 900)
    assert path.stat().st_size > 10_000


def test_the_switch_changes_the_language_without_javascript(browser, site):
    from selenium.webdriver.common.by import By

    base, _ = site
    browser.get(f"{base}/?lang=zh")
    browser.find_element(By.ID, "language-switch").click()
    assert browser.execute_script("return document.documentElement.lang") == "en"
    assert "Behind schedule" in browser.page_source
    browser.find_element(By.CSS_SELECTOR, f'tr[data-city="{HANGZHOU}"] a').click()
    assert browser.current_url.endswith(f"/cities/{HANGZHOU}?lang=en")
    assert console_errors(browser) == []


def test_a_city_page_prints_on_a4_without_navigation(browser, site, screenshots):
    from selenium.webdriver.common.by import By

    base, _ = site
    browser.get(f"{base}/cities/{HANGZHOU}?lang=zh")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not browser.find_element(By.TAG_NAME, "nav").is_displayed()
        assert browser.find_element(By.CSS_SELECTOR, ".chart svg").is_displayed()
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(794, height + 100)  # A4's width at 96 dpi
        browser.save_screenshot(str(screenshots / f"city-{HANGZHOU}-print.png"))
        pdf = browser.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69})
        assert len(pdf["data"]) > 10_000
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        browser.set_window_size(WIDTH, 900)
