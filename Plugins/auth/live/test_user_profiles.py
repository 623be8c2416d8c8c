"""AuthService/GetUserProfiles (internal): display names for names shown next
to content (video cards, comments), through the test-only bus-probe plugin."""
import uuid

import pytest

from reeltest.auth import AuthAPI, unique_email
from reeltest.host import new_database

METHOD = "reel.auth.v1.AuthService/GetUserProfiles"


@pytest.fixture(scope="module")
def profiles_api(reel_env, tmp_path_factory) -> AuthAPI:
    with new_database(reel_env, tmp_path_factory.mktemp("profiles-host")) as (starter, url):
        api = AuthAPI(starter(plugins=("auth",), fixtures=("bus-probe",), database_url=url), reel_env, url)
        api.admin = api.account(unique_email("admin"), display_name="The Admin")
        yield api


def call(api, protos, ids):
    return api.host.bus_call(METHOD, protos.message("reel.auth.v1.GetUserProfilesRequest")(ids=ids))


def test_profiles_of_known_users_without_emails(profiles_api, protos):
    api = profiles_api
    ada = api.account(unique_email("ada"), display_name="Ada")
    bob = api.account(unique_email("bob"), display_name="Bob")
    status, message, payload = call(api, protos, [ada.id, str(uuid.uuid4()), bob.id.upper(), "nonsense", ada.id])
    assert status == 0, message
    answer = protos.message("reel.auth.v1.UserProfiles").FromString(payload)
    assert {(p.id, p.display_name) for p in answer.profiles} == {(ada.id, "Ada"), (bob.id, "Bob")}
    assert ada.email.encode() not in payload

    api.psql(f"UPDATE auth.users SET display_name = 'Ada L.' WHERE id = '{ada.id}'")
    _, _, payload = call(api, protos, [ada.id])
    assert [p.display_name for p in protos.message("reel.auth.v1.UserProfiles").FromString(payload).profiles] == ["Ada L."]

    status, _, payload = call(api, protos, [])
    assert status == 0 and payload == b""


def test_at_most_500_ids(profiles_api, protos):
    status, message, _ = call(profiles_api, protos, [str(uuid.uuid4()) for _ in range(501)])
    assert status == 3 and "500" in message  # invalid_argument


def test_it_is_internal(profiles_api):
    response = profiles_api.host.post(f"/rpc/{METHOD}", json={"ids": [profiles_api.admin.id]},
                                      headers=profiles_api.admin.bearer)
    assert 400 <= response.status_code < 500
