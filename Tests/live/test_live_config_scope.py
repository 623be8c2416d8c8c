"""config_get is scoped: a plugin reads its own REEL_<NAME>_* keys, the
shared ones (README), and a secret only when REEL_CONFIG_GRANTS grants it.
The bus-probe fixture (plugin name bus-probe: own prefix REEL_BUS_PROBE_)
reports what config_get gives it."""
import pytest

from reeltest.host import msg

SECRET = "s3-secret-for-the-scope-test"


def config(host, key: str):
    response = host.get(f"/test/config/{key}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["key"] == key
    return body["value"]


def test_a_plugin_reads_only_its_own_shared_and_granted_keys(start_host):
    host = start_host(plugins=(), fixtures=("bus-probe",), env={
        "REEL_S3_SECRET_KEY": SECRET, "REEL_S3_ACCESS_KEY": "access", "REEL_S3_BUCKET": "media",
        "REEL_BUS_PROBE_COLOUR": 'blue "quoted"', "REEL_AUTH_ACCESS_TTL_SECONDS": "60",
        "REEL_MEDIA_SIGNING_KEY": "signing", "REEL_UNLISTED_THING": "x"})
    # The secret is NULL, and the host says why (once).
    assert config(host, "REEL_S3_SECRET_KEY") is None
    assert config(host, "REEL_S3_SECRET_KEY") is None
    warnings = host.find_logs(lambda e: "REEL_S3_SECRET_KEY is set but not granted" in msg(e))
    assert len(warnings) == 1 and SECRET not in host.log_text()
    for key in ("REEL_S3_ACCESS_KEY", "REEL_MEDIA_SIGNING_KEY", "REEL_AUTH_ACCESS_TTL_SECONDS",
                "REEL_UNLISTED_THING", "REEL_CONFIG_GRANTS", "PATH", "HOME"):
        assert config(host, key) is None, key
    # Its own keys and the shared ones.
    assert config(host, "REEL_BUS_PROBE_COLOUR") == 'blue "quoted"'
    assert config(host, "REEL_S3_BUCKET") == "media"
    assert config(host, "REEL_DATA_DIR") == str(host.data_dir)
    assert config(host, "REEL_DATABASE_URL") == host.database_url


def test_the_operator_grants_a_secret_to_one_plugin(start_host):
    host = start_host(plugins=(), fixtures=("bus-probe",), env={
        "REEL_S3_SECRET_KEY": SECRET, "REEL_S3_ACCESS_KEY": "access",
        "REEL_CONFIG_GRANTS": "video:REEL_S3_* bus-probe:REEL_S3_SECRET_KEY"})
    assert config(host, "REEL_S3_SECRET_KEY") == SECRET
    assert config(host, "REEL_S3_ACCESS_KEY") is None


@pytest.mark.parametrize("variable,value", [
    ("REEL_CONFIG_GRANTS", "video=REEL_S3_SECRET_KEY"),
    ("REEL_MAX_BODY_BYTES", "1MB"),
    ("REEL_SHUTDOWN_GRACE_SECONDS", "soon"),
    ("REEL_ADMIN_ADDR", "0.0.0.0:9999"),
])
def test_a_bad_host_setting_stops_the_host_at_start(start_host, variable, value):
    host = start_host(plugins=(), env={variable: value}, start=False)
    with pytest.raises(AssertionError):
        host.start()
    assert host.process.wait(timeout=30) == 2
    assert f"reel: {variable}='{value}' is not usable: expected" in host.log_text()
    host.exit_code = 2  # refused as it should be: nothing left to stop
