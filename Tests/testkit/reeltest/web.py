# Helpers the second-pass browser tests share (issue #20): a host with every
# plugin the web client talks to, an account signed in through the page,
# phone emulation through the DevTools protocol, and the page checks.
import re
import uuid
from pathlib import Path

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from reeltest import REPO
from reeltest.transcode import TEST_ENV as FAST_TRANSCODES  # noqa: F401 (the browser tests' fast transcodes)

PASSWORD = "a long browser passphrase"
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True}
DESKTOP = (1366, 900)


def wait(driver, condition, timeout=30, what="condition"):
    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(condition, message=f"timed out waiting for {what}")


def register(host, name: str) -> dict:
    """An account through the API; returns {email, id, token}."""
    email = f"{name.lower().replace(' ', '-')}-{uuid.uuid4().hex[:8]}@example.com"
    r = requests.post(host.url("/api/v1/auth/register"), timeout=30,
                      json={"email": email, "password": PASSWORD, "displayName": name})
    assert r.status_code == 201, r.text
    user = r.json()["user"]
    login = requests.post(host.url("/api/v1/auth/login"), timeout=30, json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"email": email, "id": user["id"], "token": login.json()["accessToken"], "role": user["role"]}


def ready_video(reel_env, database_url: str, owner: str, title: str, visibility: str = "public") -> str:
    """A catalog row written with psql: ready, with an HLS key (so the watch
    page shows its player) but no media behind it (no transcoding)."""
    video = str(uuid.uuid4())
    reel_env.psql(
        "INSERT INTO video.videos (id, owner_id, title, visibility, state, duration_seconds, published_at, hls_key) "
        f"VALUES ('{video}', '{owner}', '{title}', '{visibility}', 'ready', 42, now(), 'videos/{video}/hls/master.m3u8')",
        database_url)
    return video


def sign_in(host, driver, email: str):
    """Signs in through the page's own form."""
    driver.get(host.url("/signin"))
    wait(driver, lambda d: d.find_elements(By.ID, "email"), what="the sign-in form")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.auth-form button[type=submit]").click()
    wait(driver, lambda d: "Sign out" in d.find_element(By.ID, "account-nav").text, what="signed in")


def sign_out(driver):
    driver.execute_script("localStorage.clear()")


def phone(driver):
    """A 390 × 844 phone with touch (DevTools device emulation)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})


def desktop(driver):
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})


def open_page(host, driver, path: str, ready_selector: str):
    """Loads `path` and waits until the client has rendered `ready_selector`."""
    driver.get(host.url(path))
    wait(driver, lambda d: d.execute_script(
        "return !document.querySelector('main[aria-busy]') && !!document.querySelector(arguments[0])", ready_selector),
        what=f"{path} to render {ready_selector}")


# Controls a finger must hit: the header, the player's own bar and every
# button or button-like link on the page (inline links in running text are
# exempt, as in WCAG 2.5.8).
TOUCH_SELECTOR = (".site-header a, .site-header button, .site-header input, .player-bar select, .player-bar button, "
                  "#main button, #main a.button, #main a.chip, #main summary, #main select, #main input:not([type=file])")


def layout_problems(driver) -> dict:
    """What breaks the phone layout: sideways scrolling and small touch targets."""
    # Measured against the screen: a mobile viewport widens itself to fit content
    # that overflows (innerWidth grows), which would hide the overflow.
    return driver.execute_script("""
        const width = Math.min(innerWidth, screen.width);
        const visible = (e) => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
                                 return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !e.closest('[hidden]'); };
        const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                            + ' "' + (e.getAttribute('aria-label') || e.textContent || e.value || '').trim().slice(0, 30) + '"';
        const small = [...document.querySelectorAll(arguments[0])].filter(visible).map((e) => [e, e.getBoundingClientRect()])
            .filter(([e, r]) => r.height < 44 - 0.5 || r.width < 44 - 0.5).map(([e, r]) => `${name(e)} ${r.width.toFixed(0)}x${r.height.toFixed(0)}`);
        // Inside a box that scrolls sideways itself and fits the screen (the
        // console's tables), wide content scrolls that box, not the page.
        const scrolled = (e) => { for (let n = e.parentElement; n && n !== document.body; n = n.parentElement) {
                                      if (['auto', 'scroll'].includes(getComputedStyle(n).overflowX)) return n.getBoundingClientRect().right <= width + 0.5; }
                                  return false; };
        let wide = [...document.querySelectorAll('body *')].filter(visible).filter((e) => e.getBoundingClientRect().right > width + 0.5 && !scrolled(e))
            .slice(0, 5).map(name);
        // Text wider than its box (a long word) overflows without widening any element.
        for (const e of document.querySelectorAll('body *')) {
            if (visible(e) && !scrolled(e) && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible' && e.clientWidth > 0
                && e.getBoundingClientRect().left + e.scrollWidth > width + 0.5)
                wide.push('text overflows ' + name(e) + ' ' + e.scrollWidth + '>' + e.clientWidth);
        }
        return {innerWidth: width, viewportWidth: innerWidth, scrollWidth: document.documentElement.scrollWidth, small, wide};""", TOUCH_SELECTOR)


WEB_PLUGIN = REPO / "Plugins" / "web" / "web.c"


def page_routes() -> set[str]:
    """Every page the web plugin serves (its route table in web.c), without
    the static files (/web/..., /sw.js): what the page checks must cover."""
    routes = set(re.findall(r'\{"GET", "(/[^"]*)"', WEB_PLUGIN.read_text()))
    assert "/" in routes and "/watch/{id}" in routes, routes  # the table was read
    return {r for r in routes if not r.startswith("/web/") and r != "/sw.js"}


# The placeholders the page lists use for paths with an id.
ROUTE_OF = {"watch": "/watch/{id}", "channel": "/c/{creatorId}"}


def page_path(host, path: str) -> str:
    """A page list's entry as a path: "watch" and "channel" name the host's video and owner."""
    return {"watch": f"/watch/{host.video}", "channel": f"/c/{host.owner['id']}"}.get(path, path)


def comment_notification(host, name: str = "A Friend") -> dict:
    """Another account comments on the owner's video: the owner has an unread
    notification (comment.on_my_video). Returns the commenter."""
    friend = register(host, name)
    r = requests.post(host.url(f"/api/v1/videos/{host.video}/comments"), timeout=30,
                      headers={"Authorization": f"Bearer {friend['token']}"}, json={"text": "Seen it on my phone, lovely."})
    assert r.status_code == 201, r.text
    feed = {"Authorization": f"Bearer {host.owner['token']}"}
    wait(None, lambda _: requests.get(host.url("/api/v1/me/notifications?limit=1"), headers=feed, timeout=30).json()["items"],
         what="the owner's notification")
    return friend
