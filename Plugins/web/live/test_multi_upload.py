# Several uploads at once from the upload page (issue #20): two files picked
# together upload side by side, each with its own progress, and both are
# transcoded and listed. A real host with auth, video, transcoder and web.
import pytest
from selenium.webdriver.common.by import By

from reeltest.web import FAST_TRANSCODES, PASSWORD, open_page, register, sign_in, wait
from reeltest.host import new_database


@pytest.fixture(scope="module")
def upload_host(reel_env, tmp_path_factory):
    with new_database(reel_env, tmp_path_factory.mktemp("multi-upload-host")) as (starter, url):
        host = starter(plugins=("auth", "video", "transcoder", "web"), database_url=url, env=FAST_TRANSCODES)
        host.owner = register(host, "Busy Uploader")
        yield host


def test_two_files_upload_at_once(upload_host, browser, more_clips):
    sign_in(upload_host, browser, upload_host.owner["email"])
    open_page(upload_host, browser, "/upload", "#dropzone")
    # Count the rows uploading at the same moment.
    browser.execute_script("""
        window.__maxUploading = 0;
        new MutationObserver(() => {
            const n = document.querySelectorAll('li.batch-item[data-state=uploading]').length;
            window.__maxUploading = Math.max(window.__maxUploading, n);
        }).observe(document.getElementById('main'), {subtree: true, childList: true, attributes: true, attributeFilter: ['data-state']});""")
    paths = [str(path) for _, path in more_clips[:2]]
    browser.find_element(By.ID, "file-input").send_keys("\n".join(paths))
    assert browser.find_element(By.ID, "chosen-file").text.startswith("2 files:")
    browser.find_element(By.ID, "upload-button").click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#upload-batch li.batch-item")) == 2, what="two rows")
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#upload-batch li[data-state=ready]")) == 2, timeout=120,
         what=f"both ready (rows: {[r.text for r in browser.find_elements(By.CSS_SELECTOR, '#upload-batch li')]})")
    assert browser.execute_script("return window.__maxUploading") == 2
    bars = browser.execute_script(
        "return [...document.querySelectorAll('#upload-batch progress')].map((p) => [p.getAttribute('aria-label'), p.value])")
    assert len(bars) == 4 and all(value == 100 for _, value in bars), bars
    ids = [r.get_attribute("data-video-id") for r in browser.find_elements(By.CSS_SELECTOR, "#upload-batch li.batch-item")]
    assert len(set(ids)) == 2 and all(ids)
    # Both are in My videos, titled by their file names.
    open_page(upload_host, browser, "/my-videos", "li.my-video")
    listed = {r.get_attribute("data-video-id") for r in browser.find_elements(By.CSS_SELECTOR, "li.my-video")}
    assert set(ids) <= listed
    titles = browser.find_element(By.ID, "my-videos").text
    assert "more 0" in titles and "more 1" in titles, titles


def test_two_uploads_resume_after_a_reload(upload_host, browser, more_clips):
    """Both files half sent before (as by this page before a reload: the
    upload URLs remembered per file); picked again together, each resumes its
    own upload (HEAD for the offset) and finishes it."""
    import base64

    import requests
    token = requests.post(upload_host.url("/api/v1/auth/login"), timeout=30,
                          json={"email": upload_host.owner["email"], "password": PASSWORD}).json()["accessToken"]
    tus = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
    locations = []
    for title, path in more_clips[1:3]:
        data = path.read_bytes()
        meta = f"filename {base64.b64encode(path.name.encode()).decode()},title {base64.b64encode(title.encode()).decode()}"
        created = requests.post(upload_host.url("/api/v1/uploads"), timeout=30,
                                headers={**tus, "Upload-Length": str(len(data)), "Upload-Metadata": meta})
        assert created.status_code == 201, created.text
        half = len(data) // 2
        patched = requests.patch(upload_host.url(created.headers["Location"]), data=data[:half], timeout=30,
                                 headers={**tus, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
        assert patched.status_code == 204 and patched.headers["Upload-Offset"] == str(half)
        locations.append(created.headers["Location"])

    open_page(upload_host, browser, "/upload", "#dropzone")
    browser.find_element(By.ID, "file-input").send_keys("\n".join(str(p) for _, p in more_clips[1:3]))
    browser.execute_script("""
        const files = document.getElementById('file-input').files;
        arguments[0].forEach((url, i) => localStorage.setItem(`reel.tus.${files[i].name}|${files[i].size}|${files[i].lastModified}`, url));""",
                           locations)
    browser.find_element(By.ID, "upload-button").click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#upload-batch li[data-state=ready]")) == 2, timeout=120,
         what=f"both ready (rows: {[r.text for r in browser.find_elements(By.CSS_SELECTOR, '#upload-batch li')]})")
    ids = [r.get_attribute("data-video-id") for r in browser.find_elements(By.CSS_SELECTOR, "#upload-batch li.batch-item")]
    for location, video_id in zip(locations, ids):
        head = requests.head(upload_host.url(location), headers=tus, timeout=30)
        assert head.headers.get("Reel-Video-Id") == video_id, (location, video_id, head.headers)
    assert browser.execute_script("return Object.keys(localStorage).filter(k => k.startsWith('reel.tus.'))") == []



def test_a_private_videos_signed_link_plays_signed_out(upload_host, browser):
    """One of the uploaded videos made private: its studio share link (signed
    media URLs in the fragment) plays in a signed-out browser; the plain watch
    link does not."""
    import requests
    token = requests.post(upload_host.url("/api/v1/auth/login"), timeout=30,
                          json={"email": upload_host.owner["email"], "password": PASSWORD}).json()["accessToken"]
    auth = {"Authorization": f"Bearer {token}"}
    mine = requests.get(upload_host.url("/api/v1/users/me/videos?limit=100"), headers=auth, timeout=30).json()["items"]
    video = next(v for v in mine if v["state"] == "ready")
    r = requests.patch(upload_host.url(f"/api/v1/videos/{video['id']}"), headers=auth, json={"visibility": "private"}, timeout=30)
    assert r.status_code == 200, r.text

    open_page(upload_host, browser, "/my-videos", f"input.share-url[data-video-id='{video['id']}']")
    link = browser.find_element(By.CSS_SELECTOR, f"input.share-url[data-video-id='{video['id']}']").get_attribute("value")
    assert "#share=" in link
    browser.execute_script("localStorage.clear()")
    browser.get(upload_host.url("/"))
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#account-nav a[href='/signin']"), what="signed out")
    # Without the signature: unavailable.
    open_page(upload_host, browser, f"/watch/{video['id']}", "#main h1")
    assert browser.find_element(By.CSS_SELECTOR, "#main h1").text == "Video unavailable"
    # With it: the player plays.
    browser.get(link)
    wait(browser, lambda d: d.find_elements(By.ID, "share-note"), what="the shared watch page")
    assert browser.find_element(By.ID, "video-title").text == video["title"]
    wait(browser, lambda d: d.execute_script("const v = document.getElementById('player-video'); return v && v.readyState >= 2"),
         what="media loaded from the signed URLs")
    browser.execute_script("document.getElementById('player-video').play()")
    wait(browser, lambda d: d.execute_script(
        "const v = document.getElementById('player-video'); return !v.error && v.currentTime > 1"), what="playback")
