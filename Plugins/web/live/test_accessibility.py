# Accessibility of the web client (issue #20) in headless Chromium: on every
# page Chromium's own accessibility tree (DevTools protocol) has no control
# without a name and every form field has a label; Tab reaches every control
# and each one shows a visible focus ring; the main colour pairs meet WCAG AA
# (4.5:1), computed from the styles the browser applied; the player takes
# caption <track>s.
import pytest
import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from reeltest.web import ROUTE_OF, comment_notification, desktop, open_page, page_path, page_routes, ready_video, register, sign_in
from reeltest.host import new_database

CONTROL_ROLES = {"button", "link", "textbox", "searchbox", "combobox", "checkbox", "radio", "slider", "spinbutton",
                 "switch", "tab", "menuitem", "listbox", "option"}


@pytest.fixture(scope="module")
def a11y_host(reel_env, tmp_path_factory):
    with new_database(reel_env, tmp_path_factory.mktemp("a11y-host")) as (starter, url):
        host = starter(plugins=("auth", "video", "comment", "watchlist", "notification", "web"), database_url=url)
        host.owner = register(host, "Keyboard User")
        host.video = ready_video(reel_env, url, host.owner["id"], "Keyboard and screen reader")
        comment = requests.post(host.url(f"/api/v1/videos/{host.video}/comments"), timeout=30,
                                headers={"Authorization": f"Bearer {host.owner['token']}"}, json={"text": "Reachable by keyboard?"})
        assert comment.status_code == 201, comment.text
        comment_notification(host, "Keyboard Friend")
        yield host


SIGNED_OUT = [("/signin", "form.auth-form"), ("/register", "form.auth-form")]
# Every page the web plugin serves ("watch" and "channel": the owner's video
# and channel; the owner is the first account, an admin).
SIGNED_IN = [("/", "#newest-title"), ("watch", "#comments .comment-actions button"), ("/upload", "#dropzone"),
             ("/studio", "li.my-video .share-url"), ("/my-videos", "li.my-video .share-url"), ("/my-list", "#main h1"),
             ("/notifications", "ul.notification-list li.notification .mark-read"),
             ("/settings/notifications", "table.settings input"), ("channel", ".channel-videos li"),
             ("/admin", "#users-body tr"), ("/console", "#users-body tr")]


def test_every_page_gets_the_accessibility_pass():
    checked = {ROUTE_OF.get(path, path) for path, _ in SIGNED_OUT + SIGNED_IN}
    assert page_routes() - checked == set(), "pages the web plugin serves but the accessibility pass never opens"


def unlabeled_controls(driver) -> list[str]:
    """Controls in Chromium's accessibility tree that have no accessible name."""
    tree = driver.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]
    bad = []
    for node in tree:
        if node.get("ignored"):
            continue
        role = (node.get("role") or {}).get("value")
        name = ((node.get("name") or {}).get("value") or "").strip()
        if role in CONTROL_ROLES and not name:
            bad.append(f"{role} (backend node {node.get('backendDOMNodeId')})")
    return bad


def unlabeled_fields(driver) -> list[str]:
    return driver.execute_script("""
        return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
          .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
          .map((e) => e.outerHTML.slice(0, 80));""")


def tab_walk(driver, steps: int = 60) -> tuple[list[str], list[str]]:
    """Presses Tab `steps` times from the top; returns the controls reached
    and those reached without a visible focus indicator."""
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);")
    driver.execute_script("""
        window.__tabbed = new Map(); let n = 0;
        for (const e of document.querySelectorAll('*')) e.dataset.a11yId = String(n++);""")
    reached, unringed = [], []
    for _ in range(steps):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        info = driver.execute_script("""
            const e = document.activeElement;
            if (!e || e === document.body) return null;
            const s = getComputedStyle(e);
            const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || (s.boxShadow && s.boxShadow !== 'none');
            return {id: e.dataset.a11yId, ring, what: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + (e.textContent || '').trim().slice(0, 20)};""")
        if info is None:
            continue
        if info["id"] in reached:
            break  # wrapped around
        reached.append(info["id"])
        if not info["ring"]:
            unringed.append(info["what"])
    return reached, unringed


def focusable_ids(driver) -> list[str]:
    return driver.execute_script("""
        const sel = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), ' +
                    'textarea:not([disabled]), summary, video[controls], [tabindex]';
        return [...document.querySelectorAll(sel)].filter((e) => {
            const r = e.getBoundingClientRect();
            return e.tabIndex >= 0 && r.width > 0 && r.height > 0 && !e.closest('[hidden], details:not([open]) > :not(summary)')
                   && !e.classList.contains('skip-link');
        }).map((e) => e.dataset.a11yId + ' ' + e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + (e.textContent || '').trim().slice(0, 20));""")


def check_page(host, driver, path, selector):
    target = page_path(host, path)
    open_page(host, driver, target, selector)
    assert unlabeled_controls(driver) == [], target
    assert unlabeled_fields(driver) == [], target
    reached, unringed = tab_walk(driver)
    assert unringed == [], (target, unringed)
    missing = [f for f in focusable_ids(driver) if f.split(" ")[0] not in reached]
    assert missing == [], (target, "not reachable with Tab", missing)


def test_signed_out_pages(a11y_host, browser):
    desktop(browser)
    for path, selector in SIGNED_OUT:
        check_page(a11y_host, browser, path, selector)


def test_signed_in_pages(a11y_host, browser):
    sign_in(a11y_host, browser, a11y_host.owner["email"])
    for path, selector in SIGNED_IN:
        check_page(a11y_host, browser, path, selector)


def contrast_of(driver, selector: str) -> float | None:
    """WCAG contrast of `selector`'s text colour against the first opaque
    background behind it, from the computed styles."""
    return driver.execute_script("""
        const e = document.querySelector(arguments[0]);
        if (!e) return null;
        const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
        let bg = null;
        for (let n = e; n; n = n.parentElement) {
            const c = rgb(getComputedStyle(n).backgroundColor);
            if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) { bg = c.slice(0, 3); break; }
        }
        bg = bg || [255, 255, 255];
        const lum = (c) => { const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                             return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        const a = lum(rgb(getComputedStyle(e).color).slice(0, 3)), b = lum(bg);
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);""", selector)


def test_text_colours_meet_wcag_aa(a11y_host, browser):
    desktop(browser)
    open_page(a11y_host, browser, f"/watch/{a11y_host.video}", "#comments")
    pairs = {sel: contrast_of(browser, sel) for sel in (
        "body", "#video-title", ".watch-meta", ".nav-link", "#account-nav .button-primary", "a.brand",
        ".search input", ".search button", "#quality-select", ".player-bar label", ".comments h2")}
    open_page(a11y_host, browser, "/", "#newest-title")
    pairs.update({sel: contrast_of(browser, sel) for sel in (".card-title", ".card-meta", ".card .watchlist-toggle")})
    open_page(a11y_host, browser, "/my-videos", "li.my-video")
    pairs.update({sel: contrast_of(browser, sel) for sel in (".state-ready", ".my-video .watch-meta", ".edit summary", ".button-danger")})
    browser.execute_script("localStorage.clear()")
    open_page(a11y_host, browser, "/signin", "form.auth-form")
    pairs.update({sel: contrast_of(browser, sel) for sel in (".field label", ".field input", ".auth-page a", ".auth-page .button-primary")})
    missing = [sel for sel, ratio in pairs.items() if ratio is None]
    assert missing == [], missing
    low = {sel: round(ratio, 2) for sel, ratio in pairs.items() if ratio < 4.5}
    assert low == {}, low


def test_the_player_takes_caption_tracks(a11y_host, browser):
    open_page(a11y_host, browser, "/", "#main")
    tracks = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        import('/web/js/player.js').then(({Player}) => {
            const p = new Player({title: 'x', hlsUrl: '/nothing.m3u8',
                                  captions: [{src: '/web/captions.vtt', srclang: 'en', label: 'English', default: true},
                                             {src: '/web/captions-fr.vtt', srclang: 'fr', label: 'Français'}]});
            const out = [...p.video.querySelectorAll('track')].map((t) => [t.kind, t.srclang, t.label, t.default]);
            const textTracks = p.video.textTracks.length;
            p.destroy();
            done({out, textTracks});
        }, (e) => done({error: String(e)}));""")
    assert tracks == {"out": [["captions", "en", "English", True], ["captions", "fr", "Français", False]], "textTracks": 2}, tracks
