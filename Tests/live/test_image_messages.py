"""Each built image links only the generated protobuf-c messages it uses
(issue #11): the host only reel/host/v1, a plugin its own package and those it
calls, and none the test-only reel/test/v1 (no image may hold "test"). Read from the symbol
tables (`nm`) of the images `tools/dev test` built: the `reel` binary and the
plugins in REEL_TEST_PLUGINS."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

# image -> the proto packages (proto/reel/<name>) whose messages it may hold;
# the first one must be there (a check that the symbol table is readable).
ALLOWED = {
    "reel": ["host"],
    "auth.so": ["auth", "host"],
    "video.so": ["video", "transcoder", "auth"],  # enqueues jobs; owners' display names
    "transcoder.so": ["transcoder", "video"],  # reports progress to video
    "comment.so": ["comment", "video", "auth"],  # video access and events; authors' names
    "notification.so": ["notification", "video", "auth"],
    "hello.so": ["hello", "helloc"],
    "hello-c.so": ["helloc", "hello"],
    "watchlist.so": ["watchlist", "video"],
}

MESSAGE_SYMBOL = re.compile(r"^\S*\s*[A-Za-z]\s+reel__([a-z0-9]+)__", re.MULTILINE)


def image_path(image: str) -> Path:
    variable = "REEL_TEST_BIN" if image == "reel" else "REEL_TEST_PLUGINS"
    value = os.environ.get(variable)
    if not value:
        pytest.skip(f"{variable} is not set (run the live tests through `tools/dev test`)")
    path = Path(value) if image == "reel" else Path(value) / image
    if not path.exists():
        pytest.fail(f"{path} does not exist")
    return path


def symbols(path: Path) -> str:
    """`nm`'s list of the symbols defined in `path`."""
    if shutil.which("nm") is None:
        pytest.fail("nm is not on PATH (binutils)")
    result = subprocess.run(["nm", "--defined-only", str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def packages_in(path: Path) -> set[str]:
    """The proto packages with generated message symbols (reel__<name>__...) defined in `path`."""
    return set(MESSAGE_SYMBOL.findall(symbols(path)))


@pytest.mark.parametrize("image", sorted(ALLOWED))
def test_image_links_only_the_messages_it_uses(image):
    found = packages_in(image_path(image))
    allowed = ALLOWED[image]
    assert allowed[0] in found, f"{image}: no reel__{allowed[0]}__ symbols (is it stripped?): {sorted(found)}"
    extra = found - set(allowed)
    assert not extra, f"{image} links the messages of {sorted(extra)}; it may only link {allowed}"


@pytest.mark.parametrize("image", ["auth.so", "video.so", "transcoder.so", "comment.so", "notification.so", "hello.so"])
def test_a_swift_plugin_keeps_its_message_registry(image):
    """Proto.unpack finds descriptors by name in the image's reel_proto_packages
    section (Sources/CReelProtoRegistry); the linker must have kept it."""
    assert re.search(r"\s__start_reel_proto_packages$", symbols(image_path(image)), re.MULTILINE), \
        f"{image} has no reel_proto_packages section"
