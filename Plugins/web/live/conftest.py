# The web client's browser tests: a real host (auth, video, transcoder, web)
# on a database of its own, driven by headless Chromium through selenium and
# Debian's chromedriver. tools/dev deps installs chromium and chromium-driver:
# when they are missing the tests fail, they are never skipped.
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from reeltest.host import new_database
from reeltest.transcode import TEST_ENV as FAST_TRANSCODES

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

# Fast transcodes, and short-lived access tokens: the page refreshes them
# during the run.
TEST_ENV = {**FAST_TRANSCODES, "REEL_AUTH_ACCESS_TTL_SECONDS": "20"}


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory) -> Path:
    """Where screenshots go: $REEL_DATA_DIR/artifacts (tools/dev test), else pytest's tmp."""
    base = os.environ.get("REEL_DATA_DIR")
    path = Path(base) / "artifacts" if base else tmp_path_factory.mktemp("artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def clip(tmp_path_factory) -> Path:
    """12 s of 720p H.264 + AAC with moving content (ffmpeg CLI, tests only)."""
    if shutil.which("ffmpeg") is None:
        pytest.fail("ffmpeg is not on PATH (tools/dev deps installs it)")
    path = tmp_path_factory.mktemp("web-media") / "browser-clip.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25:duration=12",
                    "-f", "lavfi", "-i", "sine=frequency=440:duration=12",
                    "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-movflags", "+faststart", "-shortest", str(path)],
                   check=True, timeout=120)
    return path


@pytest.fixture(scope="module")
def web_host(reel_env, tmp_path_factory):
    """A host with auth, video, transcoder and web on an empty database (so
    the first account registered through the page becomes admin)."""
    with new_database(reel_env, tmp_path_factory.mktemp("web-host")) as (starter, url):
        yield starter(plugins=("auth", "video", "transcoder", "web"), database_url=url, env=TEST_ENV)


@pytest.fixture(scope="module")
def browser():
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            pytest.fail(f"{path} is missing (tools/dev deps installs the Debian packages chromium and chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is not installed (tools/requirements-test.txt; tools/dev test installs it)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,900",
                     "--autoplay-policy=no-user-gesture-required", "--mute-audio", "--disable-gpu"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def more_clips(tmp_path_factory) -> list[tuple[str, Path]]:
    """A few short clips that look different, for a catalog worth a screenshot."""
    folder = tmp_path_factory.mktemp("web-more-media")
    sources = [("Mandelbrot zoom", "mandelbrot=size=640x360:rate=25"),
               ("Colour bars", "smptehdbars=size=640x360:rate=25"),
               ("Game of life", "life=size=640x360:rate=25:mold=10:ratio=0.5:life_color=#44ccff:death_color=#202040")]
    clips = []
    for index, (title, source) in enumerate(sources):
        path = folder / f"more-{index}.mp4"
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source, "-f", "lavfi", "-i", "sine=frequency=220:duration=4", "-t", "4",
                        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
                        str(path)], check=True, timeout=120)
        clips.append((title, path))
    return clips
