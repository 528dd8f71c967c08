"""Driving ``shadow serve`` from a real headless Chromium (selenium), for the browser tests
and the session benchmark.

The terminal in the page is drawn on a canvas, so the page's text is not in the DOM.
A script added before the page loads keeps every byte the app sends over the websocket;
:meth:`Browser.screen_text` is that stream with the terminal's escape sequences removed,
so "the other session sees the note" means the other app drew it in that browser.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

CHROMIUM = (
    shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
)
CHROMEDRIVER = shutil.which("chromedriver")

CAPTURE = r"""
(() => {
  const Original = window.WebSocket;
  const decoder = new TextDecoder();
  window.__shadowText = "";
  window.__shadowFirstByte = null;
  function Capturing(url, protocols) {
    const ws = protocols === undefined ? new Original(url) : new Original(url, protocols);
    ws.addEventListener("message", (event) => {
      if (typeof event.data !== "string") {
        if (window.__shadowFirstByte === null) window.__shadowFirstByte = performance.now();
        window.__shadowText += decoder.decode(new Uint8Array(event.data), {stream: true});
      }
    });
    return ws;
  }
  Capturing.prototype = Original.prototype;
  for (const k of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) Capturing[k] = Original[k];
  window.WebSocket = Capturing;
})();
"""

_ESCAPES = re.compile(
    r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]"
)


def plain(text: str) -> str:
    return _ESCAPES.sub("", text)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check: Callable[[], object], what: str, timeout: float = 90.0, every: float = 0.2):
    """Poll ``check`` until it returns something true (a guard against hanging, not a speed test)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(every)


class Served:
    """``shadow serve`` on 127.0.0.1 in a child process."""

    def __init__(self, db: Path, *extra: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        for key in ("SHADOW_USER", "SHADOW_DB"):
            env.pop(key, None)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "shadow",
                "--db",
                str(db),
                "serve",
                "--port",
                str(self.port),
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
        )
        wait_for(self._listening, "shadow serve to listen")

    def _listening(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"shadow serve exited: {self.process.stdout.read().decode()}")
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) == 0

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover
            self.process.kill()


class Browser:
    """One headless Chromium window: one browser session."""

    def __init__(self, downloads: Path, size: tuple[int, int] = (1500, 950)):
        from selenium import webdriver

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    f"--window-size={size[0]},{size[1]}"):  # fmt: skip
            options.add_argument(arg)
        downloads.mkdir(parents=True, exist_ok=True)
        options.add_experimental_option(
            "prefs",
            {"download.default_directory": str(downloads), "download.prompt_for_download": False},
        )
        self.downloads = downloads
        self.driver = webdriver.Chrome(
            options=options, service=webdriver.ChromeService(CHROMEDRIVER)
        )
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CAPTURE})
        self.driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )

    def sign_in(self, base: str, name: str, password: str) -> None:
        from selenium.webdriver.common.by import By

        self.driver.get(f"{base}/login")
        self.driver.find_element(By.ID, "name").send_keys(name)
        self.driver.find_element(By.ID, "password").send_keys(password)
        self.driver.find_element(By.ID, "submit").click()

    def screen_text(self) -> str:
        return plain(self.driver.execute_script("return window.__shadowText || ''"))

    def clear_screen_text(self) -> None:
        self.driver.execute_script("window.__shadowText = ''")

    def wait_text(self, text: str, timeout: float = 90.0) -> None:
        squeeze = re.compile(r"\s+")
        wanted = squeeze.sub("", text)
        wait_for(
            lambda: wanted in squeeze.sub("", self.screen_text()), f"{text!r} on screen", timeout
        )

    def _focus(self) -> None:
        self.driver.execute_script("document.querySelector('.xterm-helper-textarea').focus()")

    def keys(self, *keys: str) -> None:
        """Press keys (selenium's Keys values; a modifier applies to the key after it)."""
        from selenium.webdriver.common.action_chains import ActionChains

        self._focus()
        for key in keys:
            ActionChains(self.driver).send_keys(key).perform()
            time.sleep(0.15)  # one key at a time, as a person types

    def ctrl(self, key: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        self._focus()
        ActionChains(self.driver).key_down(Keys.CONTROL).send_keys(key).key_up(
            Keys.CONTROL
        ).perform()
        time.sleep(0.15)

    def type_text(self, text: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        self._focus()
        ActionChains(self.driver).send_keys(text).perform()

    def quit(self) -> None:
        self.driver.quit()
