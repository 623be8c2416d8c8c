# The web client end to end in headless Chromium: register, upload through
# the page (tus), follow processing, play (native HLS or MSE), switch
# quality, keyboard shortcuts, search; screenshots of home and watch pages.
# The steps run in order and share one browser and one host.
import base64
import time
import uuid

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

state: dict = {}
WORD = f"zebra{uuid.uuid4().hex[:6]}"


def wait(driver, condition, timeout=45, what="condition"):
    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(condition, message=f"timed out waiting for {what}")


def click(driver, selector, what="an element"):
    """Clicks the element `selector` names, finding it again if the page redrew it."""
    from selenium.common.exceptions import StaleElementReferenceException

    def attempt(d):
        try:
            d.find_element(By.CSS_SELECTOR, selector).click()
            return True
        except StaleElementReferenceException:
            return False
    wait(driver, attempt, what=f"a click on {what}")


def video_state(driver) -> dict:
    return driver.execute_script("""
        const v = document.getElementById('player-video');
        const f = document.querySelector('figure.player');
        return v && {time: v.currentTime, audioBytes: v.webkitAudioDecodedByteCount, paused: v.paused, error: v.error && (v.error.code + ' ' + v.error.message),
                     height: v.videoHeight, ready: v.readyState, mode: f.dataset.mode, quality: f.dataset.quality,
                     note: document.getElementById('quality-note').textContent};""")


def assert_advances(driver, seconds=1.5, timeout=30):
    """currentTime moves forward by `seconds` while playing, with no media error."""
    start = wait(driver, lambda d: (s := video_state(d)) and s["ready"] >= 2 and s, timeout, "playable media")
    assert start["error"] is None, start
    wait(driver, lambda d: (s := video_state(d))["error"] is not None or s["time"] >= start["time"] + seconds,
         timeout, f"currentTime to advance past {start['time'] + seconds:.1f} (state: {video_state(driver)})")
    # The separate audio rendition may start decoding a moment after the
    # video (a loaded machine, a fresh source after a quality switch): wait
    # for it as for the video, rather than at the instant the video moved.
    wait(driver, lambda d: (s := video_state(d))["error"] is not None or s["audioBytes"] > 0,
         timeout, f"audio to be decoded (state: {video_state(driver)})")
    end = video_state(driver)
    assert end["error"] is None, end
    assert end["audioBytes"] > 0, f"no audio decoded (the separate audio rendition): {end}"
    return end


def severe_script_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser")
            if e["level"] == "SEVERE" and ("Uncaught" in e["message"] or "/web/" in e["message"])]


def test_pages_are_served(web_host):
    for path in ("/", "/watch/00000000-0000-0000-0000-000000000000", "/upload", "/my-videos", "/signin", "/register"):
        r = requests.get(web_host.url(path), timeout=10)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html"), path
        assert '<script type="module" src="/web/js/app.js">' in r.text
    r = requests.get(web_host.url("/web/js/app.js"), timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/javascript")
    # Never outside the web folder, never hidden files; the API is untouched.
    for path in ("/web/../../etc/passwd", "/web/%2e%2e/%2e%2e/etc/passwd", "/web/..%2f..%2fetc/passwd", "/web/.git/config",
                 "/web/js", "/web/nothing.js"):
        r = requests.get(web_host.url(path), timeout=10)
        assert r.status_code in (400, 404), (path, r.status_code)
        assert "root:" not in r.text
    assert requests.get(web_host.url("/api/v1/videos"), timeout=10).json()["items"] == []


def test_register_through_the_page(web_host, browser):
    browser.get(web_host.url("/"))
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#account-nav a[href='/register']"), what="the nav")
    click(browser, "#account-nav a[href='/register']", "Register")
    wait(browser, lambda d: d.find_elements(By.ID, "displayName"), what="the register form")
    email = f"browser-{uuid.uuid4().hex[:8]}@example.com"
    browser.find_element(By.ID, "displayName").send_keys("Browser Tester")
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys("a long browser passphrase")
    browser.find_element(By.CSS_SELECTOR, "form.auth-form button[type=submit]").click()
    # The first account of an empty instance is admin, so it may upload.
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#account-nav a[href='/upload']"), what="signed-in nav")
    assert "Browser Tester" in browser.find_element(By.ID, "account-nav").text
    state["email"] = email


def test_wrong_password_is_explained(web_host, browser):
    # A second tab-less check: the sign-in page shows the API's message in words.
    requests.post(web_host.url("/api/v1/auth/register"), json={
        "email": "someone@example.com", "password": "another long passphrase", "displayName": "Someone"}, timeout=30)
    driver = browser
    driver.execute_script("window.open('about:blank')")
    driver.switch_to.window(driver.window_handles[-1])
    try:
        driver.get(web_host.url("/signin"))
        wait(driver, lambda d: d.find_elements(By.ID, "email"), what="the sign-in form")
        driver.find_element(By.ID, "email").send_keys("someone@example.com")
        driver.find_element(By.ID, "password").send_keys("not the right passphrase")
        driver.find_element(By.CSS_SELECTOR, "form.auth-form button[type=submit]").click()
        error = wait(driver, lambda d: (e := d.find_element(By.ID, "form-error")).is_displayed() and e, what="an error")
        assert error.text and "{" not in error.text
    finally:
        driver.close()
        driver.switch_to.window(driver.window_handles[0])


def test_upload_through_the_page(web_host, browser, clip):
    click(browser, "#account-nav a[href='/upload']", "Upload")
    file_input = wait(browser, lambda d: d.find_element(By.ID, "file-input"), what="the upload form")
    file_input.send_keys(str(clip))
    title = browser.find_element(By.ID, "title")
    assert title.get_attribute("value") == "browser clip"  # from the file name
    title.clear()
    title.send_keys(f"Browser clip {WORD}")
    browser.find_element(By.ID, "description").send_keys("Uploaded by the browser test.")
    browser.find_element(By.ID, "tags").send_keys("browsertest, Demo")
    browser.find_element(By.ID, "upload-button").click()
    link = wait(browser, lambda d: d.find_elements(By.ID, "watch-link") or
                (d.find_elements(By.CSS_SELECTOR, ".upload-form .form-error") and
                 d.find_element(By.CSS_SELECTOR, ".upload-form .form-error").is_displayed() and
                 pytest.fail(d.find_element(By.CSS_SELECTOR, ".upload-form .form-error").text)),
                timeout=240, what="the video to be ready")[0]
    status = browser.find_element(By.ID, "upload-status").text
    assert " of " in status and "done" in status, status
    video_id = link.get_attribute("href").rsplit("/", 1)[1]
    video = requests.get(web_host.url(f"/api/v1/videos/{video_id}"), timeout=10).json()
    assert video["state"] == "ready" and video["title"] == f"Browser clip {WORD}"
    assert video["description"] == "Uploaded by the browser test."
    assert sorted(video["tags"]) == ["browsertest", "demo"]
    state["video_id"] = video_id
    state["watch_link"] = link


def test_play_it(web_host, browser, artifacts):
    assert "video_id" in state, "the upload step failed"
    state["watch_link"].click()
    wait(browser, lambda d: video_state(d) is not None, what="the player")
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#quality-select option")) > 2, what="the quality menu")
    assert browser.find_element(By.ID, "video-title").text == f"Browser clip {WORD}"
    # Space starts playback (the keyboard shortcut).
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.SPACE)
    end = assert_advances(browser)
    assert end["mode"] in ("native", "mse") and end["quality"] == "auto", end
    print(f"Auto plays with {end['mode']} at {end['height']}p")
    path = artifacts / "watch-page.png"
    browser.save_screenshot(str(path))
    print(f"watch page screenshot: {path}")
    # Arrow keys seek.
    before = video_state(browser)["time"]
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_LEFT)
    wait(browser, lambda d: video_state(d)["time"] < before - 0.5 or before < 1, what="a seek back")


def test_switch_quality(browser):
    options = [o.text for o in browser.find_elements(By.CSS_SELECTOR, "#quality-select option")]
    assert options[0] == "Auto" and "360p" in options, options
    Select(browser.find_element(By.ID, "quality-select")).select_by_visible_text("360p")
    wait(browser, lambda d: (s := video_state(d))["mode"] == "mse" and s["quality"] == "360p", what="MSE at 360p")
    wait(browser, lambda d: video_state(d)["height"] == 360, timeout=30, what="360p frames")
    state_now = video_state(browser)
    if state_now["paused"]:
        browser.execute_script("document.getElementById('player-video').play()")
    assert_advances(browser)
    # Seeking through MSE: back to the start, and it plays on from there.
    browser.execute_script("document.getElementById('player-video').currentTime = 0.5")
    wait(browser, lambda d: video_state(d)["time"] < 2, what="a seek to the start")
    assert_advances(browser)
    # Back to Auto, and it still plays.
    Select(browser.find_element(By.ID, "quality-select")).select_by_visible_text("Auto")
    wait(browser, lambda d: video_state(d)["quality"] == "auto", what="Auto")
    browser.execute_script("document.getElementById('player-video').play()")
    assert_advances(browser, seconds=1)
    # Auto through MSE (as in a browser without native HLS): rungs by throughput.
    browser.execute_script("localStorage.setItem('reel.player.mse', '1')")
    try:
        browser.refresh()
        wait(browser, lambda d: (s := video_state(d)) and s["mode"] == "mse", what="Auto through MSE")
        browser.execute_script("document.getElementById('player-video').play()")
        end = assert_advances(browser)
        print(f"Auto through MSE plays at {end['height']}p")
    finally:
        browser.execute_script("localStorage.removeItem('reel.player.mse')")
    # Pausing reports the position (continue-watching).
    browser.execute_script("document.getElementById('player-video').pause()")
    time.sleep(1)


def upload_with_api(host, token: str, path, title: str) -> str:
    """One tus upload from Python (POST, one PATCH); the new video's id."""
    data = path.read_bytes()
    tus = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
    name = base64.b64encode(path.name.encode()).decode()
    created = requests.post(host.url("/api/v1/uploads"), timeout=30, headers={
        **tus, "Upload-Length": str(len(data)),
        "Upload-Metadata": f"filename {name},title {base64.b64encode(title.encode()).decode()}"})
    assert created.status_code == 201, created.text
    done = requests.patch(host.url(created.headers["Location"]), data=data, timeout=60, headers={
        **tus, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
    assert done.status_code == 204, done.text
    return done.headers["Reel-Video-Id"]


def test_search_and_home(web_host, browser, artifacts, more_clips):
    assert "video_id" in state, "the upload step failed"
    # A few more videos, so that the home page is a catalog.
    token = requests.post(web_host.url("/api/v1/auth/login"), timeout=30, json={
        "email": state["email"], "password": "a long browser passphrase"}).json()["accessToken"]
    ids = [upload_with_api(web_host, token, path, title) for title, path in more_clips]
    deadline = time.monotonic() + 240
    while not all(requests.get(web_host.url(f"/api/v1/videos/{i}"), timeout=10, headers={
            "Authorization": f"Bearer {token}"}).json().get("state") == "ready" for i in ids):
        assert time.monotonic() < deadline, "the extra videos did not become ready"
        time.sleep(1)
    box = browser.find_element(By.ID, "search-input")
    box.clear()
    box.send_keys(WORD)
    box.send_keys(Keys.ENTER)
    selector = f"a.card-link[data-video-id='{state['video_id']}']"
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, selector), what="the search result")
    assert WORD in browser.current_url
    # Nothing for words that are not there, said in words.
    box = browser.find_element(By.ID, "search-input")
    box.clear()
    box.send_keys("nothingmatchesthis")
    box.send_keys(Keys.ENTER)
    wait(browser, lambda d: "No videos match" in d.find_element(By.ID, "main").text, what="an empty result")
    # Home: newest and most viewed rows with the poster loaded, and the continue-watching row.
    browser.find_element(By.CSS_SELECTOR, "a.brand").click()
    wait(browser, lambda d: d.find_elements(By.ID, "newest-title"), what="the home page")
    wait(browser, lambda d: d.execute_script(
        "const imgs = [...document.querySelectorAll('#newest-title ~ ul .card img')];"
        "return imgs.length >= 4 && imgs.every(i => i.complete && i.naturalWidth > 0)"), what="the posters")
    headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "main h2")]
    assert "Newest" in headings and "Most viewed" in headings and "Continue watching" in headings, headings
    path = artifacts / "home-page.png"
    browser.save_screenshot(str(path))
    print(f"home page screenshot: {path}")
    # A phone-sized window still lays out (no horizontal scroll).
    browser.set_window_size(390, 844)
    try:
        overflow = browser.execute_script("return document.documentElement.scrollWidth > window.innerWidth + 1")
        assert not overflow
        browser.save_screenshot(str(artifacts / "home-page-phone.png"))
    finally:
        browser.set_window_size(1366, 900)
    assert severe_script_errors(browser) == []


def test_my_videos_edit(web_host, browser):
    assert "video_id" in state, "the upload step failed"
    click(browser, "#account-nav a[href='/studio']", "Studio")
    item = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, f"li.my-video[data-video-id='{state['video_id']}']"),
                what="my video")
    assert "Ready" in item.text
    item.find_element(By.TAG_NAME, "summary").click()
    title = item.find_element(By.CSS_SELECTOR, "input[id$='-title']")
    title.clear()
    title.send_keys(f"Renamed {WORD}")
    item.find_element(By.CSS_SELECTOR, "form.edit-form button[type=submit]").click()
    wait(browser, lambda d: requests.get(web_host.url(f"/api/v1/videos/{state['video_id']}"), timeout=10)
         .json()["title"] == f"Renamed {WORD}", what="the new title")


def test_upload_resumes(web_host, browser, clip):
    """Half the file sent by another client, the rest by the page: it asks
    the server for the offset (HEAD) and finishes the same upload."""
    assert "email" in state, "the register step failed"
    token = requests.post(web_host.url("/api/v1/auth/login"), timeout=30, json={
        "email": state["email"], "password": "a long browser passphrase"}).json()["accessToken"]
    data = clip.read_bytes()
    tus = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
    created = requests.post(web_host.url("/api/v1/uploads"), timeout=30, headers={
        **tus, "Upload-Length": str(len(data)), "Upload-Metadata": "filename YnJvd3Nlci1jbGlwLm1wNA==,title UmVzdW1lZA=="})
    assert created.status_code == 201, created.text
    location = created.headers["Location"]
    half = len(data) // 2
    patched = requests.patch(web_host.url(location), data=data[:half], timeout=30, headers={
        **tus, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
    assert patched.status_code == 204 and patched.headers["Upload-Offset"] == str(half)

    browser.get(web_host.url("/upload"))
    file_input = wait(browser, lambda d: d.find_element(By.ID, "file-input"), what="the upload form")
    file_input.send_keys(str(clip))
    # The file arrives by drag and drop (a drop event carrying it), and the
    # page knows the upload already started for it.
    browser.execute_script("""
        const input = document.getElementById('file-input'), f = input.files[0];
        localStorage.setItem(`reel.tus.${f.name}|${f.size}|${f.lastModified}`, arguments[0]);
        document.getElementById('title').value = '';
        const dt = new DataTransfer();
        dt.items.add(f);
        input.value = '';
        document.getElementById('dropzone').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));""", location)
    assert "browser-clip.mp4" in browser.find_element(By.ID, "chosen-file").text
    assert browser.find_element(By.ID, "title").get_attribute("value") == "browser clip"
    browser.find_element(By.ID, "upload-button").click()
    wait(browser, lambda d: d.find_elements(By.ID, "watch-link"), timeout=240, what="the resumed video to be ready")
    video_id = browser.find_element(By.ID, "watch-link").get_attribute("href").rsplit("/", 1)[1]
    head = requests.head(web_host.url(location), headers=tus, timeout=30)
    assert head.headers.get("Reel-Video-Id") == video_id
    assert browser.execute_script("return Object.keys(localStorage).filter(k => k.startsWith('reel.tus.'))") == []


def test_resume_from_continue_watching(web_host, browser):
    """The position reported on pause comes back: the continue-watching card
    opens the watch page there."""
    assert "video_id" in state, "the upload step failed"
    browser.get(web_host.url("/"))
    card = wait(browser, lambda d: d.find_element(
        By.CSS_SELECTOR, f"section[aria-labelledby='continue-title'] a.card-link[data-video-id='{state['video_id']}']"),
        what="the continue-watching card")
    href = card.get_attribute("href")
    assert "?t=" in href, href
    position = int(href.split("?t=")[1])
    print(f"continue watching at {position} s")
    card.click()
    wait(browser, lambda d: (s := video_state(d)) and s["ready"] >= 1, what="the player")
    assert position >= 1, "the pause in test_switch_quality reported a position"
    wait(browser, lambda d: abs(video_state(d)["time"] - position) < 1.5, what=f"a resume at {position} s")
    assert video_state(browser)["error"] is None


def test_delete_from_my_videos(web_host, browser):
    """Deleting asks first, then the video is gone from the page and the API."""
    browser.get(web_host.url("/my-videos"))
    items = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "li.my-video"), what="my videos")
    doomed = next(i for i in items if i.get_attribute("data-video-id") != state.get("video_id"))
    doomed_id = doomed.get_attribute("data-video-id")
    doomed.find_element(By.CSS_SELECTOR, "button.button-danger").click()
    wait(browser, lambda d: d.switch_to.alert, what="the confirmation").accept()
    wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, f"li.my-video[data-video-id='{doomed_id}']"),
         what="the video to leave the list")
    assert requests.get(web_host.url(f"/api/v1/videos/{doomed_id}"), timeout=10).status_code == 404
    assert browser.find_elements(By.CSS_SELECTOR, f"li.my-video[data-video-id='{state['video_id']}']")


def test_session_outlives_the_access_token(web_host, browser):
    """Access tokens live 20 s here: after that the page refreshes (rotating
    the refresh token) instead of failing or signing out."""
    browser.get(web_host.url("/my-videos"))
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "li.my-video"), what="my videos")
    time.sleep(21)
    browser.find_element(By.CSS_SELECTOR, "a.brand").click()
    wait(browser, lambda d: d.find_elements(By.ID, "continue-title"), what="the signed-in home page")
    click(browser, "#account-nav a[href='/studio']", "Studio")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "li.my-video"), what="my videos after the token expired")
    assert browser.find_element(By.ID, "notice").get_attribute("hidden") is not None
    assert "Sign out" in browser.find_element(By.ID, "account-nav").text
