# Several uploads at once from the upload page (issue #20): two files picked
# together upload side by side, each with its own progress, and both are
# transcoded and listed. A real host with auth, video, transcoder and web.
import pytest
from selenium.webdriver.common.by import By

from conftest import TEST_ENV
from pagecheck import open_page, register, sign_in, wait
from reelhost import HostStarter


@pytest.fixture(scope="module")
def upload_host(reel_env, tmp_path_factory):
    name, url = reel_env.create_database()
    starter = HostStarter(reel_env, tmp_path_factory.mktemp("multi-upload-host"))
    try:
        host = starter(plugins=("auth", "video", "transcoder", "web"), database_url=url, env=TEST_ENV)
        host.owner = register(host, "Busy Uploader")
        yield host
    finally:
        starter.stop_all()
        reel_env.drop_database(name)


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
