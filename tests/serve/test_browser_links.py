"""A real headless Chromium answers a department's pulse form: no sign-in, no cookie, the
browser's own Origin header accepted, the answer stored without anyone's name."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from shadow.cli import main
from shadow.core import access, pulse
from shadow.core.models import SURVEY_DIMENSIONS
from shadow.core.store import Store

from .browser import CHROMEDRIVER, CHROMIUM, Browser, Served, wait_for

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs a real browser: apt-get install chromium chromium-driver",
)
pytest.importorskip("selenium", reason="needs selenium (pip install -e '.[test]')")

COORD = "Siobhán O'Connell"


def test_a_browser_answers_the_pulse_without_signing_in(tmp_path):
    from selenium.webdriver.common.by import By

    db = tmp_path / "shadow.json"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["--db", str(db), "demo"]) == 0
    with Store(db) as store:
        access.add_account(store, COORD, COORD, "coordinator", "a good long password")
        token = pulse.issue_link(store, COORD, "Makerspace")
    server = Served(db)
    browser = Browser(tmp_path / "downloads")
    try:
        browser.driver.get(f"{server.url}/pulse/{token}")
        assert "How is IT doing? (Makerspace)" in browser.driver.page_source
        assert browser.driver.get_cookies() == []
        for side in "ep":
            for i in range(len(SURVEY_DIMENSIONS)):
                browser.driver.find_element(
                    By.CSS_SELECTOR, f"input[name='{side}{i}'][value='{4 if side == 'e' else 2}']"
                ).click()
        browser.driver.find_element(By.ID, "comment").send_keys("Tell us before, not after.")
        browser.driver.find_element(By.ID, "submit").click()
        wait_for(lambda: "Thank you" in browser.driver.page_source, "the thank-you page")
        assert browser.driver.get_cookies() == []
    finally:
        browser.quit()
        server.stop()
    with Store(db) as store:
        dept = store.find("departments", name="Makerspace")[0]
        (doc,) = store.find(pulse.ANSWERS, department_id=dept["id"])
    assert doc["comment"] == "Tell us before, not after."
    assert doc["perception"] == dict.fromkeys(SURVEY_DIMENSIONS, 2)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00\+00:00", doc["created"])
    assert doc["created_by"] == "anonymous pulse"
