# Every page at phone width (issue #20): 390 × 844 with touch emulation in
# headless Chromium. On each page no horizontal scroll, every control at
# least 44 × 44 CSS pixels, and on the watch page a player as wide as the
# screen. Screenshots (phone and desktop) go to $REEL_DATA_DIR/artifacts.
import pytest
from selenium.webdriver.common.by import By

from reeltest.web import desktop, layout_problems, open_page, phone, ready_video, register, sign_in, wait
from reeltest.host import HostStarter

state: dict = {}


@pytest.fixture(scope="module")
def phone_host(reel_env, tmp_path_factory):
    """Every plugin with a part in the web client; an admin (first account,
    may upload) with one public, ready video that has a comment."""
    name, url = reel_env.create_database()
    starter = HostStarter(reel_env, tmp_path_factory.mktemp("phone-host"))
    try:
        host = starter(plugins=("auth", "video", "comment", "watchlist", "web"), database_url=url)
        host.owner = register(host, "Phone Owner")
        host.video = ready_video(reel_env, url, host.owner["id"], "A video with a rather long title to wrap on a phone screen")
        import requests
        r = requests.post(host.url(f"/api/v1/videos/{host.video}/comments"), timeout=30,
                          headers={"Authorization": f"Bearer {host.owner['token']}"},
                          json={"text": "A first comment, long enough to wrap on a narrow phone screen without scrolling sideways."})
        assert r.status_code in (200, 201), r.text
        yield host
    finally:
        starter.stop_all()
        reel_env.drop_database(name)


SIGNED_OUT = [("/signin", "form.auth-form"), ("/register", "form.auth-form"), ("/", "#newest-title")]
SIGNED_IN = [("/", "#newest-title"), ("watch", "#comments .comment, #player-video"), ("/upload", "#dropzone"),
             ("/my-videos", "li.my-video"), ("/my-list", "#main h1")]


def check(host, driver, path, selector, artifacts=None, shot=None):
    target = f"/watch/{host.video}" if path == "watch" else path
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
        name = {"/": "home", "watch": "watch"}.get(path, path.strip("/"))
        check(phone_host, browser, path, selector, artifacts, f"{name}-page-phone.png")


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
                                 ("/my-videos", "li.my-video", "studio-page-desktop.png")):
        open_page(phone_host, browser, path, selector)
        assert browser.execute_script("return document.documentElement.scrollWidth <= innerWidth")
        browser.save_screenshot(str(artifacts / shot))
