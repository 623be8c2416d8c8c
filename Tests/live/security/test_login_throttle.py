"""Login hardening (issue #19): long emails, an atomic lockout, and per-account
and per-address throttles that do not reset each other."""
from __future__ import annotations

import threading

from reeltest.auth import PASSWORD, unique_email

# Lockouts long enough that "before the lockout ends" holds for a whole test.
LONG_LOCKOUT = {"REEL_AUTH_LOCKOUT_BASE_SECONDS": "120", "REEL_AUTH_LOCKOUT_MAX_SECONDS": "120"}


def error_code(response) -> str:
    return response.json()["error"]["code"]


def test_a_3000_character_email_is_refused_with_4xx_and_counted_against_the_address(fresh):
    api = fresh()
    response = api.login("a" * 2990 + "@example.com", "whatever password")
    assert 400 <= response.status_code < 500, response.text
    assert error_code(response) == "invalid_argument", response.text
    # Counted against the address (no account key was built from it).
    assert api.psql("SELECT key || '=' || failures FROM auth.login_throttle") == "address:127.0.0.1=1"


def test_long_emails_still_lock_the_address(fresh):
    api = fresh(env=LONG_LOCKOUT)
    account = api.account(unique_email("bystander"))
    for _ in range(5):
        assert api.login("x" * 300 + "@example.com", "whatever password").status_code == 400
    response = api.login(account.email)
    assert response.status_code == 429, response.text


def test_simultaneous_guesses_cannot_outrun_the_lockout(fresh):
    api = fresh(env=LONG_LOCKOUT)
    account = api.account(unique_email("target"))
    passwords = ["wrong password!"] * 29 + [PASSWORD]
    results: list[int | None] = [None] * len(passwords)
    barrier = threading.Barrier(len(passwords))

    def attempt(index: int) -> None:
        import requests
        barrier.wait()
        response = requests.post(api.host.url("/api/v1/auth/login"),
                                 json={"email": account.email, "password": passwords[index]}, timeout=60)
        results[index] = response.status_code

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(passwords))]
    for thread in threads[:-1]:
        thread.start()
    threads[-1].start()  # the right password last
    for thread in threads:
        thread.join()
    wrong = results[:-1]
    assert 429 in results, results
    # At most `threshold` (5) guesses reached the password check.
    assert wrong.count(401) <= 5, results
    assert set(results) <= {200, 401, 429}, results
    if results[-1] != 200:
        # Locked out: the right password does not get in before the lockout ends.
        assert results[-1] == 429, results
        response = api.login(account.email)
        assert response.status_code == 429, response.text


def test_signing_into_ones_own_account_does_not_reset_the_address_counter(fresh):
    api = fresh(env=LONG_LOCKOUT)
    own = api.account(unique_email("attacker"))
    victims = [api.account(unique_email(f"victim{i}")) for i in range(8)]
    statuses = []
    for victim in victims:
        statuses.append(api.login(victim.email, "guess guess guess").status_code)
        api.login(own.email)  # a success between guesses
    assert statuses[:5] == [401] * 5, statuses
    assert 429 in statuses, statuses
    # The success cleared its own account's counter only.
    keys = api.psql("SELECT key FROM auth.login_throttle ORDER BY key").split()
    assert f"account:{own.email}" not in keys, keys
    assert "address:127.0.0.1" in keys, keys


def test_a_success_takes_back_only_its_own_attempt(fresh):
    api = fresh(env=LONG_LOCKOUT)
    victim = api.account(unique_email("victim"))
    bystander = api.account(unique_email("bystander"))
    for _ in range(4):
        assert api.login(victim.email, "guess guess guess").status_code == 401
    assert api.login(bystander.email).status_code == 200
    assert api.login(victim.email, "guess guess guess").status_code == 401  # the fifth: the account locks
    assert api.login(victim.email).status_code == 429
    # Five failures from the address: the bystander's success did not count, nor clear them.
    assert api.psql("SELECT failures FROM auth.login_throttle WHERE key = 'address:127.0.0.1'") == "5"
