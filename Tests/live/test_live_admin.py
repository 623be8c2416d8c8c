"""The operator surface (/admin/...: plugin list, reload) answers only on its
own loopback listener (REEL_ADMIN_ADDR). The public listener answers 404 for
it (only the exact GET /admin passes, to the web console's page), so a reverse proxy on the same machine — where every client looks local —
cannot reach it."""
import shutil
import signal
import subprocess

import pytest
import requests

from reeltest.host import free_port, msg, raw_get, wait_until


def nginx_proxy(work, upstream_port: int) -> tuple[subprocess.Popen, int]:
    """Debian's nginx on loopback, proxying everything to `upstream_port`."""
    port = free_port()
    for name in ("tmp", "logs"):
        (work / name).mkdir(parents=True, exist_ok=True)
    config = work / "nginx.conf"
    config.write_text(f"""
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/logs/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {work}/logs/access.log;
    client_body_temp_path {work}/tmp/body;
    proxy_temp_path {work}/tmp/proxy;
    fastcgi_temp_path {work}/tmp/fastcgi;
    uwsgi_temp_path {work}/tmp/uwsgi;
    scgi_temp_path {work}/tmp/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream_port};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
        }}
    }}
}}
""")
    process = subprocess.Popen(["nginx", "-p", str(work), "-c", str(config), "-g", "daemon off;"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return process, port


def test_admin_routes_answer_on_the_admin_listener_only(start_host):
    host = start_host()
    # The admin listener: list and reload.
    assert {p["name"] for p in host.admin_plugins()} == {"hello", "hello-c"}
    assert host.reload_plugins().status_code == 200
    assert requests.get(host.admin_url("/api/v1/echo/stats"), timeout=10).status_code == 404
    # The public listener: 404, whatever the method or spelling.
    for method, path in (("GET", "/admin/plugins"), ("POST", "/admin/plugins/reload"), ("GET", "/admin/"),
                         ("POST", "/admin"), ("POST", "/admin/plugins/reload?file=hello.so")):
        response = host.public_request(method, path)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["error"]["code"] == "not_found"
    for target in ("/admin/plugins", "/rpc/../admin/plugins", "/x/../admin/plugins", "/%61dmin/plugins"):
        response = raw_get(host.port, target)
        assert response.status in (400, 404, 405) and b"sha256" not in response.body, (target, response)
    # The host logs where each listener is.
    admin = host.wait_for_log(lambda e: msg(e) == "admin listening")
    assert admin["address"] == f"127.0.0.1:{host.admin_port}"


def test_nginx_in_front_cannot_reach_admin(start_host, tmp_path):
    if shutil.which("nginx") is None:
        pytest.fail("nginx is not installed (tools/dev deps installs it)")
    host = start_host(plugins=("hello", "hello-c", "web"))
    nginx, port = nginx_proxy(tmp_path / "nginx", host.port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _answers(base + "/healthz"), timeout=15, what="nginx to proxy /healthz")
        # The proxy works for the public API...
        echo = requests.post(base + "/api/v1/echo", json={"text": "via nginx"}, timeout=10)
        assert echo.status_code == 200 and echo.json()["text"] == "hello-c 1.0.0: via nginx"
        # ... and never reaches the operator surface.
        generations = {p["name"]: p["generation"] for p in host.admin_plugins()}
        for method, path in (("GET", "/admin/plugins"), ("POST", "/admin/plugins/reload"),
                             ("POST", "/admin/plugins/reload?file=hello.so")):
            response = requests.request(method, base + path, timeout=10)
            assert response.status_code == 404, (method, path, response.text)
            assert "plugins" not in response.json() and "outcomes" not in response.json()
        assert {p["name"]: p["generation"] for p in host.admin_plugins()} == generations
        # Exactly GET /admin is the web console's page: HTML, no admin data
        # (the page asks the API, which checks the caller's role).
        page = requests.get(base + "/admin", timeout=10)
        assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html"), page.text
        assert "sha256" not in page.text and "generation" not in page.text and "hello-c" not in page.text
    finally:
        nginx.send_signal(signal.SIGQUIT)
        try:
            nginx.wait(timeout=15)
        except subprocess.TimeoutExpired:
            nginx.kill()
            nginx.wait()


def test_admin_listener_can_be_turned_off(start_host):
    host = start_host(env={"REEL_ADMIN_ADDR": "off"})
    with pytest.raises(requests.ConnectionError):
        requests.get(host.admin_url("/admin/plugins"), timeout=5)
    assert host.public_request("GET", "/admin/plugins").status_code == 404


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.ConnectionError:
        return False
