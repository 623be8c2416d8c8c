# The admin console (/admin, alias /console) in headless Chromium (issue #20).
# The public listener serves exactly GET /admin as the page and answers 404
# for every /admin/... path (the operator's loopback listener owns them). An admin sees users and
# transcoder jobs, finds a user by search, changes a role and disables a
# user, who is then refused; a viewer opening the page sees a refusal and no
# admin data, and the API refuses them too.
import uuid

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from reeltest.web import PASSWORD, layout_problems, open_page, phone, desktop, register, sign_in, wait
from reeltest.host import new_database


@pytest.fixture(scope="module")
def console_host(reel_env, tmp_path_factory):
    with new_database(reel_env, tmp_path_factory.mktemp("console-host")) as (starter, url):
        host = starter(plugins=("auth", "video", "transcoder", "web"), database_url=url)
        host.admin = register(host, "Console Admin")
        assert host.admin["role"] == "admin"
        host.viewer = register(host, "Plain Viewer")
        host.other = register(host, "Soon Creator")
        # A failed job, written with psql (no transcoding needed to show one).
        host.job_video = str(uuid.uuid4())
        reel_env.psql("INSERT INTO transcoder.jobs (id, video_id, source_key, state, attempts, max_attempts, failure_reason) "
                      f"VALUES (gen_random_uuid(), '{host.job_video}', 'uploads/x', 'failed', 3, 3, 'the source has no video stream')",
                      url)
        yield host


def disabled_state(driver, user_id: str):
    """The row's data-disabled (read in the page: the rows are redrawn after each change)."""
    return driver.execute_script(
        "const r = document.querySelector(`#users-body tr[data-user-id='${arguments[0]}']`); return r && r.dataset.disabled", user_id)


def test_the_public_listener_serves_the_console_page_but_refuses_admin_paths(console_host):
    # (The host reads "/admin/" as "/admin": the same page.)
    for path in ("/admin", "/admin/", "/console"):
        page = requests.get(console_host.url(path), timeout=10)
        assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html"), path
        assert console_host.admin["email"] not in page.text
    for method, path in (("GET", "/admin/plugins"), ("POST", "/admin/plugins/reload"), ("POST", "/admin")):
        response = requests.request(method, console_host.url(path), timeout=10)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["error"]["code"] == "not_found" and "plugins" not in response.json(), (method, path)


def test_a_viewer_opening_admin_is_refused(console_host, browser):
    sign_in(console_host, browser, console_host.viewer["email"])
    open_page(console_host, browser, "/admin", "#console-refused")
    assert "administrators only" in browser.find_element(By.ID, "console-refused").text
    assert browser.find_elements(By.ID, "users-table") == [] and browser.find_elements(By.ID, "jobs-table") == []
    assert console_host.admin["email"] not in browser.page_source
    assert browser.find_elements(By.CSS_SELECTOR, "#account-nav a[href='/admin']") == []
    called = browser.execute_script("return performance.getEntriesByType('resource').map((e) => e.name)")
    assert [u for u in called if "/api/v1/users?" in u or "/transcoder/" in u or "/host/" in u] == [], called
    browser.execute_script("localStorage.clear()")


def test_an_admin_opening_admin_sees_users(console_host, browser):
    sign_in(console_host, browser, console_host.admin["email"])
    open_page(console_host, browser, "/admin", "#users-body tr")
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#users-body tr")) == 3, what="three users")
    assert console_host.viewer["email"] in browser.find_element(By.ID, "users-body").text
    browser.execute_script("localStorage.clear()")


def test_a_viewer_is_refused(console_host, browser):
    sign_in(console_host, browser, console_host.viewer["email"])
    open_page(console_host, browser, "/console", "#console-refused")
    assert "administrators only" in browser.find_element(By.ID, "console-refused").text
    assert browser.find_elements(By.ID, "users-table") == [] and browser.find_elements(By.ID, "jobs-table") == []
    assert console_host.admin["email"] not in browser.page_source
    assert browser.find_elements(By.CSS_SELECTOR, "#account-nav a[href='/admin']") == []
    # No admin call was even made by the page.
    called = browser.execute_script("return performance.getEntriesByType('resource').map((e) => e.name)")
    assert [u for u in called if "/api/v1/users?" in u or "/transcoder/" in u or "/host/" in u] == [], called
    # And the API refuses the viewer's token anyway.
    auth = {"Authorization": f"Bearer {console_host.viewer['token']}"}
    assert requests.get(console_host.url("/api/v1/users"), headers=auth, timeout=10).status_code == 403
    assert requests.get(console_host.url("/api/v1/transcoder/jobs"), headers=auth, timeout=10).status_code == 403
    assert requests.get(console_host.url("/api/v1/host/plugins"), headers=auth, timeout=10).status_code == 403
    assert requests.get(console_host.url("/api/v1/host/plugins"), timeout=10).status_code == 401
    browser.execute_script("localStorage.clear()")


def test_an_admin_manages_users_and_sees_jobs(console_host, browser, artifacts):
    desktop(browser)
    sign_in(console_host, browser, console_host.admin["email"])
    browser.find_element(By.CSS_SELECTOR, "#account-nav a[href='/admin']").click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#users-body tr")) == 3, what="three users")
    # Jobs: state, attempts and the failure reason.
    text = wait(browser, lambda d: d.execute_script(
        "const r = document.querySelector('#jobs-body tr[data-state=failed]'); return r && r.textContent"), what="the failed job")
    assert console_host.job_video in text and "3 of 3" in text and "the source has no video stream" in text, text
    # Loaded plugins, from the host's admin-only list.
    plugins = wait(browser, lambda d: d.execute_script(
        "return [...document.querySelectorAll('#plugins-body tr[data-plugin]')].map((r) => r.dataset.plugin)"), what="the plugins")
    assert {"auth", "video", "transcoder", "web"} <= set(plugins), plugins
    browser.save_screenshot(str(artifacts / "console-page-desktop.png"))

    # Search narrows the list.
    browser.find_element(By.ID, "user-search").send_keys("soon creator")
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#users-body tr")) == 1, what="one match")
    other = console_host.other["id"]
    Select(browser.find_element(By.CSS_SELECTOR, f"select[data-user-id='{other}']")).select_by_value("creator")
    wait(browser, lambda d: "is now creator" in d.find_element(By.ID, "notice").text, what="the role change")
    auth = {"Authorization": f"Bearer {console_host.admin['token']}"}
    users = requests.get(console_host.url("/api/v1/users?limit=200"), headers=auth, timeout=10).json()["users"]
    assert {u["id"]: u["role"] for u in users}[other] == "creator"

    # Disable the viewer: their sign-in is refused from then on; enable again.
    search = browser.find_element(By.ID, "user-search")
    search.clear()
    search.send_keys("plain viewer")
    viewer = console_host.viewer["id"]
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#users-body tr")) == 1, what="the viewer's row")
    session = {"Authorization": f"Bearer {console_host.viewer['token']}"}
    assert requests.get(console_host.url("/api/v1/users/me"), headers=session, timeout=10).status_code == 200
    browser.find_element(By.CSS_SELECTOR, f"button.disable-toggle[data-user-id='{viewer}']").click()
    wait(browser, lambda d: disabled_state(d, viewer) == "true", what="the viewer disabled")
    # Refused at once: the session they hold (its access token is revoked) and any new sign-in.
    me = requests.get(console_host.url("/api/v1/users/me"), headers=session, timeout=10)
    assert me.status_code == 401, me.text
    login = requests.post(console_host.url("/api/v1/auth/login"), timeout=10,
                          json={"email": console_host.viewer["email"], "password": PASSWORD})
    assert login.status_code in (401, 403), login.text
    browser.find_element(By.CSS_SELECTOR, f"button.disable-toggle[data-user-id='{viewer}']").click()
    wait(browser, lambda d: disabled_state(d, viewer) == "false", what="the viewer enabled")
    login = requests.post(console_host.url("/api/v1/auth/login"), timeout=10,
                          json={"email": console_host.viewer["email"], "password": PASSWORD})
    assert login.status_code == 200, login.text

    # The admin cannot lock themselves out from the page.
    me = browser.find_element(By.CSS_SELECTOR, f"button.disable-toggle[data-user-id='{console_host.admin['id']}']") \
        if browser.find_elements(By.CSS_SELECTOR, f"button.disable-toggle[data-user-id='{console_host.admin['id']}']") else None
    assert me is None or not me.is_enabled()


def test_the_console_at_phone_width(console_host, browser, artifacts):
    phone(browser)
    open_page(console_host, browser, "/console", "#users-body tr")
    problems = layout_problems(browser)
    assert problems["scrollWidth"] <= problems["innerWidth"] and problems["viewportWidth"] == 390, problems
    assert problems["small"] == [], problems["small"]
    browser.save_screenshot(str(artifacts / "console-page-phone.png"))
    desktop(browser)
