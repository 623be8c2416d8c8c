# The studio (/studio; /my-videos still lands there) (issue #20) in headless Chromium: each ready
# video shows its comment count and a switch for its comments (the comment
# plugin's comment-settings), and a share link that opens the watch page for
# a signed-out browser; a private video's link is a signed one.
import pytest
import requests
from selenium.webdriver.common.by import By

from reeltest.web import open_page, ready_video, register, sign_in, wait
from reeltest.host import new_database


@pytest.fixture(scope="module")
def studio_host(reel_env, tmp_path_factory):
    with new_database(reel_env, tmp_path_factory.mktemp("studio-host")) as (starter, url):
        host = starter(plugins=("auth", "video", "comment", "web"), database_url=url)
        host.owner = register(host, "Studio Owner")
        host.public = ready_video(reel_env, url, host.owner["id"], "Shared and discussed")
        host.private = ready_video(reel_env, url, host.owner["id"], "Kept to myself", visibility="private")
        auth = {"Authorization": f"Bearer {host.owner['token']}"}
        first = requests.post(host.url(f"/api/v1/videos/{host.public}/comments"), headers=auth, timeout=30, json={"text": "First"})
        assert first.status_code == 201, first.text
        for body in ({"text": "Second"}, {"text": "A reply", "inReplyTo": first.json()["id"]}):
            r = requests.post(host.url(f"/api/v1/videos/{host.public}/comments"), headers=auth, timeout=30, json=body)
            assert r.status_code == 201, r.text
        yield host


def test_the_studio_route_nav_link_and_old_address(studio_host, browser):
    sign_in(studio_host, browser, studio_host.owner["email"])
    link = browser.find_element(By.CSS_SELECTOR, "#account-nav a[href='/studio']")
    assert link.text == "Studio"
    assert browser.find_elements(By.CSS_SELECTOR, "#account-nav a[href='/my-videos']") == []
    link.click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "li.my-video"), what="the studio's videos")
    assert browser.execute_script("return location.pathname") == "/studio"
    assert browser.find_element(By.CSS_SELECTOR, "#main h1").text == "Studio"
    # The old address still works and lands on /studio.
    open_page(studio_host, browser, "/my-videos", "li.my-video")
    assert browser.execute_script("return location.pathname") == "/studio"
    for path in ("/studio", "/my-videos"):
        page = requests.get(studio_host.url(path), timeout=10)
        assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html"), path
    browser.execute_script("localStorage.clear()")


def test_comment_count_switch_and_share_link(studio_host, browser):
    sign_in(studio_host, browser, studio_host.owner["email"])
    open_page(studio_host, browser, "/studio", "li.my-video")
    public, private = studio_host.public, studio_host.private
    count = f"li.my-video[data-video-id='{public}'] .comment-count"
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, count).text == "3 comments", what="the comment count")

    switch = f"li.my-video[data-video-id='{public}'] button.comments-switch"
    assert browser.find_element(By.CSS_SELECTOR, switch).text == "Turn comments off"
    browser.find_element(By.CSS_SELECTOR, switch).click()
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, switch).text == "Turn comments on", what="comments off")
    settings = requests.get(studio_host.url(f"/api/v1/videos/{public}/comment-settings"), timeout=10,
                            headers={"Authorization": f"Bearer {studio_host.owner['token']}"})
    assert settings.status_code == 200 and settings.json()["enabled"] is False, settings.text
    browser.find_element(By.CSS_SELECTOR, switch).click()
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, switch).text == "Turn comments off", what="comments on again")

    link = browser.find_element(By.CSS_SELECTOR, f"input.share-url[data-video-id='{public}']").get_attribute("value")
    assert link == studio_host.url(f"/watch/{public}")
    # A private video's link is signed (its signed media URLs in the fragment); the
    # test that it plays is in test_multi_upload.py (it needs real media).
    signed = browser.find_element(By.CSS_SELECTOR, f"input.share-url[data-video-id='{private}']").get_attribute("value")
    assert signed.startswith(studio_host.url(f"/watch/{private}#share=")), signed
    assert "signed link works until" in browser.find_element(By.CSS_SELECTOR, f"li.my-video[data-video-id='{private}'] .share-note").text

    # The link works for someone signed out.
    browser.execute_script("localStorage.clear()")
    browser.get(link)
    wait(browser, lambda d: d.find_elements(By.ID, "video-title"), what="the shared watch page")
    assert browser.find_element(By.ID, "video-title").text == "Shared and discussed"
