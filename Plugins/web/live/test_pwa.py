# The installable app (issue #20) in headless Chromium: the manifest is
# linked and parses, its icons are real PNGs of the declared sizes, the
# service worker registers and controls the page, it caches the shell only
# (never /api/ or /media/ answers), and with the network cut (DevTools
# offline emulation) a reload shows the offline page while an /api/ request
# fails instead of coming from a cache. This module's last test stops its host.
import json
import struct

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from reeltest.host import new_database


def wait(driver, condition, timeout=30, what="condition"):
    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(condition, message=f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def pwa_host(reel_env, tmp_path_factory):
    with new_database(reel_env, tmp_path_factory.mktemp("pwa-host")) as (starter, url):
        yield starter(plugins=("auth", "video", "web"), database_url=url)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_manifest_worker_and_icons_are_served(pwa_host):
    r = requests.get(pwa_host.url("/web/manifest.webmanifest"), timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/manifest+json"
    manifest = json.loads(r.text)
    assert manifest["name"] == "Reel" and manifest["short_name"] == "Reel"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"].startswith("#")
    sizes = set()
    for icon in manifest["icons"]:
        got = requests.get(pwa_host.url(icon["src"]), timeout=10)
        assert got.status_code == 200 and got.headers["Content-Type"] == "image/png", icon
        width, height = png_size(got.content)
        assert icon["sizes"] == f"{width}x{height}", icon
        sizes.add(width)
    assert {192, 512} <= sizes
    worker = requests.get(pwa_host.url("/sw.js"), timeout=10)
    assert worker.status_code == 200 and worker.headers["Content-Type"].startswith("text/javascript")
    assert "Cache-Control" in worker.headers  # revalidated: a new worker is picked up at once
    offline = requests.get(pwa_host.url("/web/offline.html"), timeout=10)
    assert offline.status_code == 200 and "You are offline" in offline.text
    page = requests.get(pwa_host.url("/"), timeout=10).text
    assert '<link rel="manifest" href="/web/manifest.webmanifest">' in page


def test_worker_activates_and_the_app_opens_offline(pwa_host, browser):
    browser.get(pwa_host.url("/"))
    # The manifest the page links, as the browser resolves it.
    href = wait(browser, lambda d: d.execute_script("const l = document.querySelector('link[rel=manifest]'); return l && l.href;"),
                what="the manifest link")
    assert href == pwa_host.url("/web/manifest.webmanifest")
    script = """
        const done = arguments[arguments.length - 1];
        navigator.serviceWorker.ready.then((r) => done({scope: r.scope, state: r.active && r.active.state,
                                                         script: r.active && r.active.scriptURL}),
                                           (e) => done({error: String(e)}));"""
    state = wait(browser, lambda d: (s := d.execute_async_script(script)) and s.get("state") == "activated" and s,
                 what="the service worker to activate")
    assert state == {"scope": pwa_host.url("/"), "state": "activated", "script": pwa_host.url("/sw.js")}, state
    wait(browser, lambda d: d.execute_script("return !!navigator.serviceWorker.controller"), what="the worker to control the page")

    # The worker is not even woken for /api/, /media/ or /rpc/ (static
    # routes straight to the network): the notification stream, an /api/
    # request that never ends, never passes through it. A shell file does.
    timing = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        (async () => {
          for (const url of ['/api/v1/videos?limit=1', '/media/nothing/master.m3u8', '/web/favicon.svg?probe']) await (await fetch(url)).text();
          await new Promise((resolve) => setTimeout(resolve, 200));
          return performance.getEntriesByType('resource').filter((e) => /videos.limit=1|nothing.master|probe/.test(e.name))
            .map((e) => [new URL(e.name).pathname, e.workerMatchedSourceType]);
        })().then(done, (e) => done(String(e)));""")
    # (Resource timing names the static route a request matched: "network".)
    assert sorted(timing) == [["/api/v1/videos", "network"], ["/media/nothing/master.m3u8", "network"], ["/web/favicon.svg", ""]], timing

    # Online: an API call and a media request go out; none lands in a cache.
    browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        Promise.all([fetch('/api/v1/videos'), fetch('/media/nothing/master.m3u8')]).then(() => done(), () => done());""")
    browser.refresh()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#account-nav a[href='/signin']"), what="the page (reloaded)")
    cached = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        (async () => {
          const urls = [];
          for (const name of await caches.keys())
            for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
          return urls;
        })().then(done, (e) => done([String(e)]));""")
    assert "/web/offline.html" in cached and "/web/js/app.js" in cached and "/" in cached, cached
    assert [u for u in cached if not (u == "/" or u.startswith("/web/"))] == [], cached

    # The network cut. DevTools' offline emulation covers the page's own
    # requests but not the service worker's fetches (Chromium applies it per
    # target), so the host goes away too: nothing answers any more.
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.emulateNetworkConditions",
                            {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    pwa_host.stop()
    try:
        browser.refresh()
        wait(browser, lambda d: d.find_elements(By.ID, "offline-title"), what="the offline page on a reload")
        browser.get(pwa_host.url("/watch/anything"))
        wait(browser, lambda d: d.find_elements(By.ID, "offline-title"), what="the offline page on a new page")
        assert browser.find_element(By.ID, "offline-title").text == "You are offline"
        assert browser.title.startswith("You are offline")
        # Its stylesheet came from the cache too (the page is styled: dark background).
        background = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(15, 15, 18)", background
        # An API request is never answered from a cache (it was asked online above): offline, it fails.
        outcome = browser.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch('/api/v1/videos').then((r) => done('answered ' + r.status), (e) => done('failed'));""")
        assert outcome == "failed"
    finally:
        browser.execute_cdp_cmd("Network.emulateNetworkConditions",
                                {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
