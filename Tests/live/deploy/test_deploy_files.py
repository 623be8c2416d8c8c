"""The deployment files, checked offline: Debian's docker-compose accepts the
Compose file, kubernetes-validate the manifests, hadolint the Dockerfile; the
runtime image installs every shared library the built host and plugins need;
and every REEL_* variable the files set is one the code reads."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from reeltest.host import REPO

DEPLOY = REPO / "tools" / "deploy"
K8S = DEPLOY / "k8s"
DOCKERFILE = REPO / "Dockerfile"
VENV_BIN = Path(sys.executable).parent


def run(*command, cwd=None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=120, cwd=cwd, env=env)


def tool(name: str) -> str:
    path = shutil.which(name) or (str(VENV_BIN / name) if (VENV_BIN / name).exists() else None)
    if path is None:
        pytest.fail(f"{name} is missing (tools/dev test installs it: Debian test_packages or requirements-test.txt)")
    return path


# -- Compose ------------------------------------------------------------------

def compose_config(env_file: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not re.match(r"(REEL_|POSTGRES_|S3_|SMTP_|MINIO_|MC_|NGINX_)", k)}
    return run(tool("docker-compose"), "--env-file", env_file, "-f", DEPLOY / "docker-compose.yml", "config",
               cwd=DEPLOY, env=env)


def volume_sources(service: dict) -> set[str]:
    """Named volumes and bind sources of a service (short or long syntax)."""
    return {v["source"] if isinstance(v, dict) else v.split(":", 1)[0] for v in service.get("volumes", [])}


def test_compose_file_is_valid_with_the_documented_env():
    done = compose_config(DEPLOY / ".env.example")
    assert done.returncode == 0, done.stderr
    config = yaml.safe_load(done.stdout)
    services = config["services"]
    assert {"postgres", "minio", "bucket", "smtp", "gateway-1", "gateway-2", "worker-1", "worker-2", "nginx"} <= set(services)
    for name in ("worker-1", "worker-2"):
        assert services[name]["environment"]["REEL_PLUGINS"] == "transcoder"
    for name in ("gateway-1", "gateway-2"):
        env = services[name]["environment"]
        assert env["REEL_TRANSCODER_WORKER"] == "off" and "REEL_PLUGINS" not in env
        assert env["REEL_VIDEO_UPLOADS_DIR"] == "/var/lib/reel-uploads"
        assert "uploads" in volume_sources(services[name])
    for name in ("gateway-1", "gateway-2", "worker-1", "worker-2"):
        assert services[name]["read_only"] is True
        assert services[name]["depends_on"]["bucket"]["condition"] == "service_completed_successfully"
        assert services[name]["environment"]["REEL_STORAGE"] == "s3"
    assert "pgdata" in volume_sources(services["postgres"])


def test_compose_refuses_to_start_without_secrets(tmp_path):
    # No default password or key: a missing .env value stops `config` with its name.
    empty = tmp_path / "empty.env"
    empty.write_text("")
    done = compose_config(empty)
    assert done.returncode != 0
    assert "POSTGRES_PASSWORD" in done.stderr or "S3_ACCESS_KEY" in done.stderr, done.stderr


def test_env_example_documents_every_variable_compose_reads():
    text = (DEPLOY / "docker-compose.yml").read_text()
    used = set(re.findall(r"\$\{([A-Z0-9_]+)", text))
    documented = set(re.findall(r"^([A-Z0-9_]+)=", (DEPLOY / ".env.example").read_text(), re.M))
    assert used - documented == set()


# -- Kubernetes ---------------------------------------------------------------

def manifests() -> list[Path]:
    return sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")


def k8s_objects() -> list[dict]:
    return [doc for path in manifests() for doc in yaml.safe_load_all(path.read_text()) if doc]


@pytest.mark.parametrize("manifest", manifests(), ids=lambda p: p.name)
def test_kubernetes_manifest_validates(manifest):
    done = run(tool("kubernetes-validate"), "--strict", "--quiet", manifest)
    assert done.returncode == 0, done.stdout + done.stderr


def test_kubernetes_validate_catches_a_broken_manifest(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text((K8S / "worker.yaml").read_text().replace("minReplicas: 2", "minReplicas: two"))
    done = run(tool("kubernetes-validate"), "--strict", "--quiet", broken)
    assert done.returncode != 0


def test_kustomization_lists_every_manifest():
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    assert sorted(listed) == [p.name for p in manifests()]


def test_kubernetes_probes_roles_and_read_only_root():
    objects = k8s_objects()
    deployments = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Deployment"}
    assert set(deployments) == {"reel-gateway", "reel-worker"}
    for deployment in deployments.values():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["resources"]["requests"]["cpu"] and container["resources"]["requests"]["memory"]
        mounts = {m["mountPath"] for m in container["volumeMounts"]}
        assert {"/var/lib/reel", "/tmp"} <= mounts   # REEL_DATA_DIR and /tmp stay writable
    worker_env = {e["name"]: e.get("value") for e in deployments["reel-worker"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert worker_env["REEL_PLUGINS"] == "transcoder"
    gateway_env = {e["name"]: e.get("value") for e in deployments["reel-gateway"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert gateway_env["REEL_TRANSCODER_WORKER"] == "off"
    kinds = {(o["kind"], o["metadata"]["name"]) for o in objects}
    assert {("PodDisruptionBudget", "reel-gateway"), ("PodDisruptionBudget", "reel-worker"),
            ("HorizontalPodAutoscaler", "reel-worker"), ("Ingress", "reel"), ("Service", "reel-gateway"),
            ("ConfigMap", "reel-config"), ("Secret", "reel-secrets")} <= kinds


# -- Dockerfile ---------------------------------------------------------------

def runtime_packages() -> list[str]:
    """The packages apt-get installs in the Dockerfile's last stage."""
    last_stage = DOCKERFILE.read_text().rsplit("\nFROM ", 1)[1]
    install = re.search(r"apt-get install -y --no-install-recommends(.*?)&&", last_stage, re.S)
    assert install, "no apt-get install in the runtime stage"
    return install.group(1).replace("\\", " ").split()


def test_dockerfile_lints_clean():
    done = run(tool("hadolint"), DOCKERFILE)
    assert done.returncode == 0, done.stdout + done.stderr


def test_dockerfile_shape():
    text = DOCKERFILE.read_text()
    assert len(re.findall(r"^FROM ", text, re.M)) == 2                    # build stage + runtime
    assert re.search(r"^USER 10001", text, re.M)                         # not root
    assert re.search(r"^HEALTHCHECK .*\n?.*/livez", text, re.M)
    assert "ARG " in text and not re.search(r"(PASSWORD|SECRET|ACCESS_KEY)\s*=", text)


def test_runtime_packages_exist_in_this_debian_release():
    packages = runtime_packages()
    assert "libmicrohttpd12" in packages and not any(p.endswith("-dev") for p in packages)
    done = run("apt-cache", "show", "--no-all-versions", *packages)
    assert done.returncode == 0, done.stderr
    found = set(re.findall(r"^Package: (\S+)", done.stdout, re.M))
    assert set(packages) - found == set()


def test_runtime_packages_provide_every_library_host_and_plugins_load():
    binary, plugins = os.environ.get("REEL_TEST_BIN"), os.environ.get("REEL_TEST_PLUGINS")
    if not binary or not plugins:
        pytest.skip("REEL_TEST_BIN / REEL_TEST_PLUGINS are not set (run through tools/dev live)")
    files = [Path(binary)] + sorted(p for p in Path(plugins).glob("*.so") if not p.name.startswith("hello"))
    needed = set()
    for file in files:
        dynamic = run("readelf", "-d", file).stdout
        needed |= set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dynamic))
    swift_runtime = {n for n in needed if re.match(r"lib(swift|Foundation|_Foundation|dispatch|BlocksRuntime)", n)}
    assert swift_runtime, "expected the Swift runtime among the NEEDED libraries"
    packages = set(runtime_packages()) | {"libc6"}  # libc6 is in every Debian image
    missing = {}
    for library in sorted(needed - swift_runtime):
        owner = run("dpkg", "-S", f"*/{library}")
        assert owner.returncode == 0, f"no Debian package has {library}"
        names = {line.split(":")[0] for line in owner.stdout.splitlines()}
        if not names & packages:
            missing[library] = sorted(names)
    assert missing == {}, f"libraries the runtime stage does not install: {missing}"


# -- Every variable the files set is one the code reads ---------------------------

def code_variables() -> set[str]:
    """REEL_* names the code reads: string literals in Sources/ and Plugins/
    (not tests), plus a plugin's own REEL_<PLUGIN>_<KEY> where its code reads
    "<KEY>" under its prefix (as ConfigScope scopes them)."""
    def literals(folder: Path) -> set[str]:
        found = set()
        for path in folder.rglob("*"):
            if path.suffix in (".swift", ".c", ".h") and "Tests" not in path.parts and "tests" not in path.parts:
                found |= set(re.findall(r'"([A-Z][A-Z0-9_]+)"', path.read_text(errors="replace")))
        return found
    names = {n for n in literals(REPO / "Sources") if n.startswith("REEL_")}
    for plugin in (REPO / "Plugins").iterdir():
        if not plugin.is_dir():
            continue
        keys = literals(plugin)
        prefix = "REEL_" + plugin.name.upper().replace("-", "_") + "_"
        names |= {k for k in keys if k.startswith("REEL_")}
        names |= {prefix + k for k in keys if not k.startswith("REEL_")}
    return names


def deployment_variables() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    found["Dockerfile"] = set(re.findall(r"\b(REEL_[A-Z0-9_]+)=", DOCKERFILE.read_text()))
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    found["docker-compose.yml"] = {k for s in compose["services"].values()
                                   for k in (s.get("environment") or {}) if k.startswith("REEL_")}
    k8s = set()
    for obj in k8s_objects():
        if obj["kind"] in ("ConfigMap", "Secret"):
            k8s |= set(obj.get("data") or {}) | set(obj.get("stringData") or {})
        if obj["kind"] == "Deployment":
            for container in obj["spec"]["template"]["spec"]["containers"]:
                k8s |= {e["name"] for e in container.get("env", [])}
    found["k8s"] = k8s
    cluster = (REPO / "tools" / "cluster").read_text()
    host_env = cluster.split("host_env() {", 1)[1].split("\n}\n", 1)[0]
    found["tools/cluster"] = set(re.findall(r'"(REEL_[A-Z0-9_]+)=', host_env))
    return found


def test_every_variable_the_deployment_sets_is_read_by_the_code():
    read = code_variables()
    assert {"REEL_DATABASE_URL", "REEL_PLUGINS", "REEL_S3_BUCKET"} <= read
    unknown = {where: sorted(names - read) for where, names in deployment_variables().items() if names - read}
    assert unknown == {}, f"variables no code reads: {unknown}"


# -- nginx --------------------------------------------------------------------

def test_compose_nginx_config_is_accepted_by_nginx(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is missing (tools/dev deps installs it)")
    # The compose config as nginx will read it, with the gateways' service
    # names (resolved only inside Compose's network) on loopback instead.
    server = (DEPLOY / "nginx" / "compose.conf").read_text()
    server = re.sub(r"gateway-\d:8080", "127.0.0.1:8080", server)
    server = server.replace("/etc/nginx/reel-locations.conf", str(DEPLOY / "nginx" / "reel-locations.conf"))
    server = server.replace("listen 80;", "listen 127.0.0.1:1;")
    (tmp_path / "default.conf").write_text(server)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{\n"
        f"  client_body_temp_path {tmp_path}/body;\n  proxy_temp_path {tmp_path}/proxy;\n"
        f"  include {tmp_path}/default.conf;\n}}\n")
    done = run(nginx, "-t", "-q", "-e", tmp_path / "error.log", "-p", tmp_path, "-c", tmp_path / "nginx.conf")
    assert done.returncode == 0, done.stderr
    text = (DEPLOY / "nginx" / "reel-locations.conf").read_text()
    for directive in ("proxy_request_buffering off;", "proxy_buffering off;", "proxy_read_timeout 1h;",
                      "client_max_body_size 10g;"):
        assert directive in text
