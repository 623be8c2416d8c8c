"""The watch page's comment section in headless Chromium (Web/js/comments.js):
the signed-out state, posting, replying, deleting, the turned-off state, and a
"<script>" in a comment showing as characters. One browser, one host (auth,
video, comment, web); the steps run in order."""
import os
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from reeltest.auth import AuthAPI, unique_email
from reeltest.comment import CommentAPI
from reeltest.host import new_database

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
XSS = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"><b>bold?</b>'
state: dict = {}


@pytest.fixture(scope="module")
def web(reel_env, tmp_path_factory) -> CommentAPI:
    with new_database(reel_env, tmp_path_factory.mktemp("comment-web-host")) as (starter, url):
        host = starter(plugins=("auth", "video", "comment", "web"), database_url=url,
                       env={"REEL_DISPLAY_NAME_TTL_SECONDS": "1", "REEL_COMMENT_RATE_PER_MINUTE": "100"})
        api = CommentAPI(host, AuthAPI(host, reel_env, url))
        api.admin = api.auth.account(unique_email("admin"), display_name="The Admin")
        api.creator = api.account("creator")
        api.viewer = api.auth.account(unique_email("viewer"), display_name="Browser Viewer")
        state["video"] = api.video(title="Comments in a browser")
        yield api


@pytest.fixture(scope="module")
def browser():
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            pytest.fail(f"{path} is missing (tools/dev deps installs chromium and chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,900",
                     "--disable-gpu"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def wait(driver, condition, timeout=45, what="condition"):
    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(condition, message=f"timed out waiting for {what}")


def texts(driver, selector):
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, selector)]


def open_watch(web, browser):
    browser.get(web.host.url(f"/watch/{state['video']}"))
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "section.comments"), what="the comment section")


def test_signed_out_readers_see_comments_as_text(web, browser):
    posted = web.create(web.creator, state["video"], XSS)
    open_watch(web, browser)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"li.comment[data-comment-id='{posted['id']}']"),
         what="the comment")
    text = browser.find_element(By.CSS_SELECTOR, f"li.comment[data-comment-id='{posted['id']}'] .comment-text")
    assert text.text == XSS  # the characters, not markup
    assert text.find_elements(By.CSS_SELECTOR, "*") == []
    assert browser.execute_script("return window.__pwned === undefined")
    link = browser.find_element(By.CSS_SELECTOR, ".comments-signin a")
    assert link.text == "Sign in to comment"
    assert browser.find_elements(By.CSS_SELECTOR, ".comment-composer") == []


def test_post_a_comment(web, browser):
    browser.get(web.host.url(f"/signin?next=/watch/{state['video']}"))
    wait(browser, lambda d: d.find_elements(By.ID, "email"), what="the sign-in form")
    browser.find_element(By.ID, "email").send_keys(web.viewer.email)
    browser.find_element(By.ID, "password").send_keys(web.viewer.password)
    browser.find_element(By.CSS_SELECTOR, "form.auth-form button[type=submit]").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "section.comments .comment-composer textarea"),
         what="the comment box")
    words = f"Lovely clip {uuid.uuid4().hex[:6]} <i>not italic</i>"
    browser.find_element(By.CSS_SELECTOR, "section.comments > .comment-composer textarea").send_keys(words)
    browser.find_element(By.CSS_SELECTOR, "section.comments > .comment-composer button[type=submit]").click()
    wait(browser, lambda d: words in texts(d, ".comment-list > li.comment .comment-text"), what="the new comment")
    items = web.list(state["video"]).json()["items"]
    mine = [c for c in items if c["text"] == words]
    assert mine and mine[0]["author"]["displayName"] == "Browser Viewer"
    state["comment"] = mine[0]["id"]
    open_watch(web, browser)  # still there after a reload
    wait(browser, lambda d: words in texts(d, ".comment-list > li.comment .comment-text"), what="the comment again")


def test_reply_to_a_comment(web, browser):
    root = f"li.comment[data-comment-id='{state['comment']}']"
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"{root} > .comment-actions button"), what="the actions")
    [b for b in browser.find_elements(By.CSS_SELECTOR, f"{root} > .comment-actions button") if b.text == "Reply"][0].click()
    box = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"{root} .comment-replies textarea"), what="the reply box")
    box[0].send_keys("Replying to myself")
    browser.find_element(By.CSS_SELECTOR, f"{root} .comment-replies .comment-composer button[type=submit]").click()
    wait(browser, lambda d: "Replying to myself" in texts(d, f"{root} .reply-list .comment-text"), what="the reply")
    replies = web.replies(state["comment"]).json()["items"]
    assert [(r["text"], r["inReplyTo"]) for r in replies] == [("Replying to myself", state["comment"])]
    state["reply"] = replies[0]["id"]


def test_delete_a_comment(web, browser):
    browser.execute_script("window.confirm = () => true;")
    reply = f"li.comment[data-comment-id='{state['reply']}']"
    [b for b in browser.find_elements(By.CSS_SELECTOR, f"{reply} .comment-actions button") if b.text == "Delete"][0].click()
    wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, reply), what="the reply to go")
    assert web.replies(state["comment"]).json()["items"] == []

    # A comment with a reply stays as a placeholder.
    web.create(web.creator, state["video"], "an answer", in_reply_to=state["comment"])
    open_watch(web, browser)
    browser.execute_script("window.confirm = () => true;")
    root = f"li.comment[data-comment-id='{state['comment']}']"
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"{root} > .comment-actions button"), what="the actions")
    [b for b in browser.find_elements(By.CSS_SELECTOR, f"{root} > .comment-actions button") if b.text == "Delete"][0].click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"{root} .comment-deleted"), what="the placeholder")
    assert browser.find_element(By.CSS_SELECTOR, f"{root} .comment-author").text == "Deleted comment"


def sign_in(web, browser, account):
    browser.get(web.host.url(f"/signin?next=/watch/{state['video']}"))
    wait(browser, lambda d: d.find_elements(By.ID, "email"), what="the sign-in form")
    browser.find_element(By.ID, "email").send_keys(account.email)
    browser.find_element(By.ID, "password").send_keys(account.password)
    browser.find_element(By.CSS_SELECTOR, "form.auth-form button[type=submit]").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "section.comments .comment-composer textarea"),
         what="the comment box")


def button(browser, scope, label):
    wait(browser, lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, f"{scope} > .comment-actions button")
                             if b.text == label], what=f"the {label} button")[0].click()


def test_edit_a_comment(web, browser):
    comment = web.create(web.viewer, state["video"], "Frist")
    open_watch(web, browser)
    scope = f"li.comment[data-comment-id='{comment['id']}']"
    button(browser, scope, "Edit")
    area = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"{scope} .comment-composer textarea"), what="the editor")[0]
    area.clear()
    area.send_keys("First, properly spelled")
    browser.find_element(By.CSS_SELECTOR, f"{scope} .comment-composer button[type=submit]").click()
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, f"{scope} .comment-text").text == "First, properly spelled",
         what="the edited text")
    assert browser.find_element(By.CSS_SELECTOR, f"{scope} .comment-edited").text == "(edited)"
    assert web.list(state["video"]).json()["items"][0]["edited"] is True
    state["edited"] = comment["id"]


def test_show_more_and_the_owner_pins(web, browser):
    for i in range(21):
        web.create(web.admin, state["video"], f"filler {i}")
    sign_in(web, browser, web.creator)
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".comment-list > li.comment")) == 20, what="a page")
    more = browser.find_element(By.CSS_SELECTOR, "section.comments > button.more")
    assert more.is_displayed()
    more.click()
    total = len(web.pages(lambda **p: web.list(state["video"], **p), limit=100)[0])
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".comment-list > li.comment")) == total,
         what="the next page")
    wait(browser, lambda d: not more.is_displayed(), what="Show more to go on the last page")

    scope = f".comment-list > li.comment[data-comment-id='{state['edited']}']"
    button(browser, scope, "Pin")
    # The list is drawn again in its new order: read it in one script call.
    first = """const n = document.querySelector('.comment-list > li.comment');
               return n && [n.dataset.commentId, n.querySelector('.comment-head').textContent];"""
    wait(browser, lambda d: (f := d.execute_script(first)) and f[0] == state["edited"] and "Pinned" in f[1],
         what="the pinned comment first")
    assert web.list(state["video"]).json()["items"][0]["pinned"] is True


def test_turned_off_comments(web, browser):
    assert web.set_enabled(web.creator, state["video"], False).status_code == 200
    open_watch(web, browser)
    wait(browser, lambda d: "turned off" in d.find_element(By.CSS_SELECTOR, ".comments-state").text, what="the note")
    assert browser.find_elements(By.CSS_SELECTOR, ".comment-list > li") == []
    assert not browser.find_element(By.CSS_SELECTOR, "section.comments > .comment-composer").is_displayed()
    assert web.set_enabled(web.creator, state["video"], True).status_code == 200
