# My List in headless Chromium (issue #13): add a video from the watch page,
# find it in the home screen's My List row and on the My List page, remove it.
# Videos are catalog rows written with psql (ready, public): no transcoding.
import uuid

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from reeltest.host import new_database

PASSWORD = "a long browser passphrase"


def wait(driver, condition, timeout=30, what="condition"):
    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(condition, message=f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def list_host(reel_env, tmp_path_factory):
    """auth, video, watchlist and web on a database of their own; a signed-up
    viewer and two public, ready videos."""
    with new_database(reel_env, tmp_path_factory.mktemp("watchlist-web-host")) as (starter, url):
        host = starter(plugins=("auth", "video", "watchlist", "web"), database_url=url)
        email = f"list-{uuid.uuid4().hex[:8]}@example.com"
        registered = requests.post(host.url("/api/v1/auth/register"), timeout=30,
                                   json={"email": email, "password": PASSWORD, "displayName": "List Tester"})
        assert registered.status_code == 201, registered.text
        owner = registered.json()["user"]["id"]
        videos = {}
        for title in ("Saved for later", "Something else"):
            videos[title] = reel_env.psql(
                "INSERT INTO video.videos (id, owner_id, title, visibility, state, duration_seconds, published_at) "
                f"VALUES (gen_random_uuid(), '{owner}', '{title}', 'public', 'ready', 42, now()) RETURNING id",
                url).splitlines()[0].strip()
        host.email, host.videos = email, videos
        yield host


def sign_in(host, driver):
    """Signs in through the page's own form."""
    driver.get(host.url("/signin"))
    wait(driver, lambda d: d.find_elements(By.ID, "email"), what="the sign-in form")
    driver.find_element(By.ID, "email").send_keys(host.email)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.auth-form button[type=submit]").click()
    wait(driver, lambda d: "Sign out" in d.find_element(By.ID, "account-nav").text, what="signed in")


def toggle(driver, scope: str):
    return driver.find_element(By.CSS_SELECTOR, f"{scope} button.watchlist-toggle")


def test_add_from_the_watch_page_see_it_at_home_remove_it(list_host, browser):
    saved = list_host.videos["Saved for later"]
    sign_in(list_host, browser)

    # The watch page: the toggle starts "not in the list" (from contains), a click adds.
    browser.get(list_host.url(f"/watch/{saved}"))
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".watch-details button.watchlist-toggle"),
         what="the My List toggle on the watch page")
    button = toggle(browser, ".watch-details")
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    wait(browser, lambda d: toggle(d, ".watch-details").get_attribute("aria-pressed") == "true", what="added")
    assert "In My List" in toggle(browser, ".watch-details").text

    # Home: the My List row holds it, its card's toggle says so (from contains), the other video's does not.
    browser.find_element(By.CSS_SELECTOR, "a.brand").click()
    wait(browser, lambda d: d.find_elements(By.ID, "my-list-title"), what="the My List row")
    row_cards = browser.find_elements(By.CSS_SELECTOR, ".my-list-row a.card-link")
    assert [c.get_attribute("data-video-id") for c in row_cards] == [saved]
    other = list_host.videos["Something else"]
    wait(browser, lambda d: d.find_element(
        By.CSS_SELECTOR, f"#newest-title ~ ul li.card:has(a[data-video-id='{saved}']) button.watchlist-toggle"
    ).get_attribute("aria-pressed") == "true", what="the newest row's card marked as saved")
    assert browser.find_element(
        By.CSS_SELECTOR, f"li.card:has(a[data-video-id='{other}']) button.watchlist-toggle"
    ).get_attribute("aria-pressed") == "false"

    # The My List page, then remove it there.
    browser.find_element(By.CSS_SELECTOR, "#account-nav a[href='/my-list']").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "ul.my-list li.card"), what="the My List page")
    card = browser.find_element(By.CSS_SELECTOR, "ul.my-list li.card")
    assert card.find_element(By.CSS_SELECTOR, "a.card-link").get_attribute("data-video-id") == saved
    card.find_element(By.CSS_SELECTOR, "button.watchlist-toggle").click()
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "ul.my-list button.watchlist-toggle")
         .get_attribute("aria-pressed") == "false", what="removed")

    # Home again: no My List row any more (the list is empty).
    browser.find_element(By.CSS_SELECTOR, "a.brand").click()
    wait(browser, lambda d: d.find_elements(By.ID, "newest-title"), what="the home page")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "li.card button.watchlist-toggle"), what="card toggles")
    assert browser.find_elements(By.ID, "my-list-title") == []
    errors = [e["message"] for e in browser.get_log("browser")
              if e["level"] == "SEVERE" and ("Uncaught" in e["message"] or "/web/" in e["message"])]
    assert errors == []
