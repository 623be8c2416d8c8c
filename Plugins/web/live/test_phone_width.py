# Every page at phone width (issue #20): 390 × 844 with touch emulation in
# headless Chromium. On each page no horizontal scroll, every control at
# least 44 × 44 CSS pixels, and on the watch page a player as wide as the
# screen. Screenshots (phone and desktop) go to $REEL_DATA_DIR/artifacts.
import pytest
from selenium.webdriver.common.by import By

from reeltest.web import (ROUTE_OF, comment_notification, desktop, layout_problems, open_page, page_path, page_routes, phone,
                       ready_video, register, sign_in, wait)
from reeltest.host import new_database

state: dict = {}


@pytest.fixture(scope="module")
def phone_host(reel_env, tmp_path_factory):
    """Every plugin with a part in the web client; an admin (first account,
    may upload) with one public, ready video that has a comment, and a
    notification (another account's comment on it)."""
    with new_database(reel_env, tmp_path_factory.mktemp("phone-host")) as (starter, url):
        host = starter(plugins=("auth", "video", "comment", "watchlist", "notification", "web"), database_url=url)
        host.owner = register(host, "Phone Owner")
        host.video = ready_video(reel_env, url, host.owner["id"], "A video with a rather long title to wrap on a phone screen")
        import requests
        r = requests.post(host.url(f"/api/v1/videos/{host.video}/comments"), timeout=30,
                          headers={"Authorization": f"Bearer {host.owner['token']}"},
                          json={"text": "A first comment, long enough to wrap on a narrow phone screen without scrolling sideways."})
        assert r.status_code in (200, 201), r.text
        comment_notification(host, "Phone Friend")
        yield host


SIGNED_OUT = [("/signin", "form.auth-form"), ("/register", "form.auth-form"), ("/", "#newest-title")]
# Every page the web plugin serves, signed in as an admin (so the console
# shows its tables); "watch" and "channel" are the owner's video and channel.
SIGNED_IN = [("/", "#newest-title"), ("watch", "#comments .comment, #player-video"), ("/upload", "#dropzone"),
             ("/studio", "li.my-video"), ("/my-videos", "li.my-video"), ("/my-list", "#main h1"),
             ("/notifications", "ul.notification-list li.notification .mark-read"),
             ("/settings/notifications", "table.settings input"), ("channel", ".channel-videos li"),
             ("/admin", "#users-body tr"), ("/console", "#users-body tr")]
# Screenshot names (test_admin_console.py takes the console's, with its jobs).
SHOT_NAMES = {"/": "home", "watch": "watch", "/studio": "studio", "/my-videos": None, "/admin": "admin", "/console": None}


def test_every_page_is_checked_at_phone_width():
    checked = {ROUTE_OF.get(path, path) for path, _ in SIGNED_OUT + SIGNED_IN}
    assert page_routes() - checked == set(), "pages the web plugin serves but no phone-width check opens"


def check(host, driver, path, selector, artifacts=None, shot=None):
    target = page_path(host, path)
    open_page(host, driver, target, selector)
    problems = layout_problems(driver)
    assert problems["innerWidth"] == 390 and driver.execute_script("return navigator.maxTouchPoints") > 0, problems
    assert problems["scrollWidth"] <= problems["innerWidth"] and problems["viewportWidth"] == 390, (target, problems["wide"], problems)
    assert problems["wide"] == [], f"{target}: " + " | ".join(problems["wide"])
    assert problems["small"] == [], (target, problems)
    if artifacts is not None and shot:
        driver.save_screenshot(str(artifacts / shot))
    return problems


def test_signed_out_pages_at_phone_width(phone_host, browser, artifacts):
    phone(browser)
    for path, selector in SIGNED_OUT:
        check(phone_host, browser, path, selector, artifacts, f"signed-out-{path.strip('/') or 'home'}-phone.png")


def test_signed_in_pages_at_phone_width(phone_host, browser, artifacts):
    phone(browser)
    sign_in(phone_host, browser, phone_host.owner["email"])
    for path, selector in SIGNED_IN:
        name = SHOT_NAMES.get(path, path.strip("/").replace("/", "-"))
        check(phone_host, browser, path, selector, artifacts, name and f"{name}-page-phone.png")


def test_the_player_fills_the_phone_width(phone_host, browser):
    phone(browser)
    open_page(phone_host, browser, f"/watch/{phone_host.video}", ".video-frame video")
    frame = browser.execute_script(
        "const r = document.querySelector('.video-frame').getBoundingClientRect(); return {left: r.left, width: r.width, inner: screen.width};")
    assert abs(frame["left"]) < 1 and abs(frame["width"] - frame["inner"]) < 1, frame
    # The comment section's composer fits too (the signed-in owner sees it).
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#comments textarea.comment-input"), what="the comment composer")
    box = browser.execute_script("return document.querySelector('#comments textarea.comment-input').getBoundingClientRect().right")
    assert box <= 390


def test_desktop_screenshots(phone_host, browser, artifacts):
    desktop(browser)
    for path, selector, shot in (("/", "#newest-title", "home-page-desktop.png"),
                                 (f"/watch/{phone_host.video}", "#comments .comment", "watch-page-desktop.png"),
                                 ("/studio", "li.my-video", "studio-page-desktop.png"),
                                 ("/admin", "#users-body tr", "admin-page-desktop.png"),
                                 ("/notifications", "li.notification", "notifications-page-desktop.png"),
                                 (f"/c/{phone_host.owner['id']}", ".channel-videos li", "channel-page-desktop.png")):
        open_page(phone_host, browser, path, selector)
        assert browser.execute_script("return document.documentElement.scrollWidth <= innerWidth")
        browser.save_screenshot(str(artifacts / shot))
