# Notifications in headless Chromium (issue #14): follow a creator from the
# watch page; the creator publishes (the video service's own MarkReady,
# relayed by bus-probe); the bell's unread count goes up without a reload
# (EventSource with a stream ticket); the notifications page lists it and
# "Mark all read" clears the bell.
import uuid

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from reeltest.host import new_database

PASSWORD = "a long browser passphrase"


def wait(driver, condition, timeout=30, what="condition"):
    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(condition, message=f"timed out waiting for {what}")


def register(host, name):
    email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:8]}@example.com"
    response = requests.post(host.url("/api/v1/auth/register"), timeout=30,
                             json={"email": email, "password": PASSWORD, "displayName": name})
    assert response.status_code == 201, response.text
    return email, response.json()["user"]["id"]


@pytest.fixture(scope="module")
def notify_host(reel_env, tmp_path_factory):
    with new_database(reel_env, tmp_path_factory.mktemp("notification-web-host")) as (starter, url):
        host = starter(plugins=("auth", "video", "notification", "web"), fixtures=("bus-probe",), database_url=url)
        _, host.creator = register(host, "Ada Creator")  # the first account: admin, may publish
        host.viewer_email, _ = register(host, "Vic Viewer")
        host.first = reel_env.psql(
            "INSERT INTO video.videos (id, owner_id, title, visibility, state, duration_seconds, published_at) "
            f"VALUES (gen_random_uuid(), '{host.creator}', 'First clip', 'public', 'ready', 42, now()) RETURNING id",
            url).splitlines()[0].strip()
        host.database_url = url
        yield host


def sign_in(host, driver, email):
    driver.get(host.url("/signin"))
    wait(driver, lambda d: d.find_elements(By.ID, "email"), what="the sign-in form")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.auth-form button[type=submit]").click()
    wait(driver, lambda d: "Sign out" in d.find_element(By.ID, "account-nav").text, what="signed in")


def publish(host, reel_env, title):
    video = reel_env.psql(
        "INSERT INTO video.videos (id, owner_id, title, visibility, state, duration_seconds) "
        f"VALUES (gen_random_uuid(), '{host.creator}', '{title}', 'public', 'processing', 42) RETURNING id",
        host.database_url).splitlines()[0].strip()
    ready = reel_env.protos.message("reel.video.v1.MarkReadyRequest")(
        id=video, hls_key=f"videos/{video}/hls/master.m3u8", dash_key=f"videos/{video}/dash/manifest.mpd")
    response = requests.post(host.url("/test/call/reel.video.v1.VideoService/MarkReady"),
                             data=ready.SerializeToString(), timeout=30)
    assert response.status_code == 200 and response.headers["Reel-Bus-Status"] == "0", response.headers
    return video


def test_follow_then_the_bell_updates_live_without_a_reload(notify_host, reel_env, browser):
    sign_in(notify_host, browser, notify_host.viewer_email)
    browser.get(notify_host.url(f"/watch/{notify_host.first}"))
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "button.follow-toggle"), what="the Follow button")
    follow = browser.find_element(By.CSS_SELECTOR, "button.follow-toggle")
    assert follow.get_attribute("aria-pressed") == "false"
    follow.click()
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "button.follow-toggle").get_attribute("aria-pressed") == "true",
         what="following")
    assert browser.find_element(By.ID, "bell-count").get_attribute("hidden") is not None, "no unread yet"
    # Mark the page: a reload would lose this.
    browser.execute_script("window.__noReload = true")

    video = publish(notify_host, reel_env, "Fresh upload")
    wait(browser, lambda d: d.find_element(By.ID, "bell-count").text == "1" and
         d.find_element(By.ID, "bell-count").get_attribute("hidden") is None, what="the bell to show 1")
    assert browser.execute_script("return window.__noReload === true"), "the page was reloaded"

    browser.find_element(By.ID, "bell").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "li.notification"), what="the notifications page")
    first = browser.find_element(By.CSS_SELECTOR, "li.notification")
    assert "Ada Creator published" in first.text and "Fresh upload" in first.text
    assert first.get_attribute("data-read") == "false"
    assert first.find_element(By.CSS_SELECTOR, "a").get_attribute("href").endswith(f"/watch/{video}")
    browser.find_element(By.XPATH, "//button[text()='Mark all read']").click()
    wait(browser, lambda d: d.find_element(By.ID, "bell-count").get_attribute("hidden") is not None, what="the bell cleared")
    assert browser.find_element(By.CSS_SELECTOR, "li.notification").get_attribute("data-read") == "true"

    # Home: the "From creators you follow" row holds the new video.
    browser.find_element(By.CSS_SELECTOR, "a.brand").click()
    wait(browser, lambda d: d.find_elements(By.ID, "following-title"), what="the following row")
    ids = [c.get_attribute("data-video-id") for c in browser.find_elements(By.CSS_SELECTOR, ".following-row a.card-link")]
    assert ids[0] == video

    # The creator's name on the card leads to the channel page: name, followers, Following, videos.
    browser.find_element(By.CSS_SELECTOR, ".following-row a.creator-link").click()
    wait(browser, lambda d: d.find_elements(By.ID, "channel-title"), what="the channel page")
    assert browser.find_element(By.ID, "channel-title").text == "Ada Creator"
    assert browser.find_element(By.CSS_SELECTOR, ".follower-count").text == "1 follower"
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".channel-head button.follow-toggle")
         .get_attribute("aria-pressed") == "true", what="Following on the channel page")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".channel-videos a.card-link"), what="the channel's videos")
    assert browser.find_elements(By.CSS_SELECTOR, ".channel-videos a.card-link")[0].get_attribute("data-video-id") == video


def test_the_unsubscribe_link_of_an_email_turns_that_email_off(notify_host, browser):
    sign_in(notify_host, browser, notify_host.viewer_email)
    browser.get(notify_host.url("/settings/notifications?unsubscribe=video.ready"))
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "input[data-type=videoReady][data-channel=email]"),
         what="the settings page")
    box = browser.find_element(By.CSS_SELECTOR, "input[data-type=videoReady][data-channel=email]")
    assert not box.is_selected()
    assert browser.find_element(By.CSS_SELECTOR, "input[data-type=videoReady][data-channel=web]").is_selected()
    assert browser.find_element(By.CSS_SELECTOR, "input[data-type=videoFailed][data-channel=email]").is_selected()


def follow_the_creator(host):
    """The viewer follows the creator (idempotent), through the API."""
    login = requests.post(host.url("/api/v1/auth/login"), timeout=30, json={"email": host.viewer_email, "password": PASSWORD})
    follow = requests.put(host.url(f"/api/v1/me/subscriptions/{host.creator}"), timeout=30,
                          headers={"Authorization": f"Bearer {login.json()['accessToken']}"})
    assert follow.status_code in (200, 204), follow.text


def bell_state(driver) -> str | None:
    """The bell's data-live: "stream" (this tab holds it), "shared" (another tab does), "false"."""
    return driver.execute_script("const b = document.getElementById('bell'); return b ? b.dataset.live || null : null")


def unread(driver) -> int:
    return int(driver.find_element(By.ID, "bell-count").get_attribute("textContent"))


PAGES = ["/", "/notifications", "/settings/notifications", "/my-list", "/studio", "/upload", "/", "/notifications", "/"]


def test_the_bell_lets_go_of_its_stream_when_the_page_is_left(notify_host, reel_env, browser):
    # Chromium keeps the pages a tab left alive in its back/forward cache; a
    # cached page that kept its EventSource held one of the six connections a
    # browser opens to a host, and the seventh full page load never loaded
    # ("Timed out receiving message from renderer"). Every one loads now,
    # and a page shown again from the cache goes live again.
    follow_the_creator(notify_host)
    sign_in(notify_host, browser, notify_host.viewer_email)
    for number, path in enumerate(PAGES):
        browser.get(notify_host.url(path))  # fails on a page load timeout (30 s)
        wait(browser, lambda d: bell_state(d) == "stream", what=f"page {number + 1} ({path}): the bell's stream")
        browser.execute_script("window.__page = arguments[0];"
                               "addEventListener('pageshow', (e) => { window.__restored = e.persisted; });", number)
    browser.back()
    wait(browser, lambda d: d.execute_script("return window.__page") == len(PAGES) - 2, what="the previous page")
    assert browser.execute_script("return window.__restored") is True, "not shown from the back/forward cache"
    wait(browser, lambda d: bell_state(d) == "stream", what="the bell live again")
    before = unread(browser)
    publish(notify_host, reel_env, "While you were back")
    wait(browser, lambda d: unread(d) == before + 1, what="the bell to count the new video")


def holders(driver, tabs) -> dict:
    states = {}
    for tab in tabs:
        driver.switch_to.window(tab)
        states[tab] = bell_state(driver)
    return states


def test_many_tabs_share_one_stream(notify_host, reel_env, browser):
    # One stream per tab held one of the browser's six connections to the
    # host each: the seventh tab of the site never loaded. Now the tab
    # holding a Web Lock has the stream and passes notifications on to the
    # others; when it leaves, another takes over without missing any.
    follow_the_creator(notify_host)
    sign_in(notify_host, browser, notify_host.viewer_email)
    first = browser.current_window_handle
    tabs = [first]
    try:
        for number in range(8):
            browser.switch_to.new_window("tab")
            browser.get(notify_host.url("/" if number % 2 else "/notifications"))  # fails on a page load timeout (30 s)
            wait(browser, lambda d: bell_state(d) in ("stream", "shared"), what=f"tab {number + 2}: the bell")
            tabs.append(browser.current_window_handle)
        states = wait(browser, lambda d: (h := holders(d, tabs)) and list(h.values()).count("stream") == 1 and h,
                      what="exactly one tab holding the stream")
        assert set(states.values()) == {"stream", "shared"}, states
        counts = {tab: (browser.switch_to.window(tab), unread(browser))[1] for tab in tabs}
        publish(notify_host, reel_env, "Seen in every tab")
        for tab in tabs:
            browser.switch_to.window(tab)
            wait(browser, lambda d: unread(d) == counts[tab] + 1, what="every tab's bell to count it")

        # The tab with the stream leaves the site: another one takes it over.
        holder = next(tab for tab, state in states.items() if state == "stream")
        browser.switch_to.window(holder)
        browser.get("about:blank")
        tabs.remove(holder)
        wait(browser, lambda d: list(holders(d, tabs).values()).count("stream") == 1, what="another tab taking the stream")
        publish(notify_host, reel_env, "After the handover")
        for tab in tabs:
            browser.switch_to.window(tab)
            wait(browser, lambda d: unread(d) == counts[tab] + 2, what="every tab's bell to count the second one")
    finally:
        for tab in browser.window_handles:
            if tab != first:
                browser.switch_to.window(tab)
                browser.close()
        browser.switch_to.window(first)
