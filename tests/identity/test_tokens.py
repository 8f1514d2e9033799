"""API tokens in the library: issued by an admin, shown once, stored only as a hash, expiring,
revocable; and the identity rules they rest on (bootstrap once, NFKC name folding)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import sqlalchemy as sa

from heredity.errors import ApprovalRefused, BadCredentials, BadInput, Conflict, NotFound
from heredity.identity import (
    AdminBootstrap,
    ApiToken,
    Party,
    add_actor,
    authenticate,
    bootstrap_admin,
    credential_links,
    establish_identity,
    identity_key,
    issue_token,
    list_tokens,
    os_user,
    revoke_token,
    same_person,
)
from heredity.registry import Registry


def _as(reg: Registry, name: str) -> Registry:
    return Registry(reg.engine, actor=name)


@pytest.fixture
def admin(registry: Registry) -> Registry:
    root = _as(registry, "root")
    bootstrap_admin(root)
    add_actor(root, "priya", ["engineer"], email="priya@acme.example")
    return root


def _all_text(reg: Registry) -> str:
    with reg.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT body FROM records")).all()
        events = conn.execute(sa.text("SELECT * FROM ledger")).all()
    return " ".join(str(r) for r in [*rows, *events])


def test_a_token_authenticates_its_actor_and_only_its_hash_is_stored(admin: Registry) -> None:
    token_id, secret = issue_token(admin, "priya")
    assert secret.startswith(f"heredity_{token_id}_") and len(secret) > 50
    assert authenticate(admin, secret).name == "priya"
    assert authenticate(admin, f"  {secret}\n").name == "priya"  # as read from a file
    stored = admin.find(ApiToken, key=token_id)[0]
    assert stored.body.sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert stored.actor == "root" and stored.body.actor == "priya"
    assert stored.body.os_user == os_user()
    assert secret not in _all_text(admin) and secret.split("_", 2)[2] not in _all_text(admin)
    (info,) = list_tokens(admin, "priya")
    assert (info.id, info.issued_by, info.status) == (token_id, "root", "active")
    assert any(e.action == "api_token.put" for e in admin.ledger_events(limit=5, newest_first=True))


@pytest.mark.parametrize(
    "secret, reason",
    [
        ("", "not a Heredity token"),
        ("priya", "not a Heredity token"),
        ("heredity_", "not a Heredity token"),
        ("heredity_tok0_", "not a Heredity token"),
        ("heredity_tok00000000000000_abc", "no such token"),
    ],
    ids=["empty", "a-name", "prefix-only", "no-secret", "unknown-id"],
)
def test_garbled_or_unknown_secrets_are_refused(admin: Registry, secret: str, reason: str) -> None:
    with pytest.raises(BadCredentials, match=reason) as err:
        authenticate(admin, secret)
    assert err.value.exit_code == 2 and err.value.param == "token"


def test_a_wrong_secret_for_a_real_id_is_refused(admin: Registry) -> None:
    token_id, secret = issue_token(admin, "priya")
    wrong = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    with pytest.raises(BadCredentials, match="no such token"):
        authenticate(admin, wrong)


def test_revoked_and_expired_tokens_authenticate_nobody(admin: Registry) -> None:
    token_id, secret = issue_token(admin, "priya")
    with pytest.raises(ApprovalRefused, match="not an admin"):
        revoke_token(_as(admin, "priya"), token_id)
    assert revoke_token(admin, token_id, reason="left").status == "revoked"
    with pytest.raises(BadCredentials, match="revoked by root"):
        authenticate(admin, secret)
    with pytest.raises(Conflict, match="already revoked"):
        revoke_token(admin, token_id)
    with pytest.raises(NotFound):
        revoke_token(admin, "tok-nope")
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    expiring_id, expiring = issue_token(admin, "priya", tomorrow.isoformat())
    assert authenticate(admin, expiring).name == "priya"
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    with pytest.raises(BadCredentials, match="expired"):
        authenticate(admin, expiring, now=later)
    with pytest.raises(BadInput, match="not in the future") as err:
        issue_token(admin, "priya", "2020-01-01")
    assert err.value.param == "expires"
    with pytest.raises(BadInput, match="not a date"):
        issue_token(admin, "priya", "soon")


def test_only_an_admin_issues_and_only_to_a_recorded_actor(admin: Registry) -> None:
    with pytest.raises(ApprovalRefused, match="not an admin"):
        issue_token(_as(admin, "priya"), "priya")
    with pytest.raises(NotFound, match="not a recorded actor"):
        issue_token(admin, "nobody")
    token_id, _ = issue_token(admin, "PRIYA")  # the recorded actor, written differently
    assert list_tokens(admin)[0].actor == "priya"


def test_the_first_admin_is_bootstrapped_once(registry: Registry) -> None:
    with pytest.raises(ApprovalRefused, match="no admin yet"):
        add_actor(_as(registry, "puppet"), "dana-admin", ["admin"])
    first = bootstrap_admin(_as(registry, "ada"))
    assert first.roles == ["admin"] and first.granted_by == "ada"
    (boot,) = registry.find(AdminBootstrap)
    assert boot.actor == "ada" and boot.body.name == "ada"
    assert any(
        e.action == "admin_bootstrap.put"
        for e in registry.ledger_events(limit=5, newest_first=True)
    )
    for who, name in [("ada", None), ("mallory", "mallory"), ("mallory", None)]:
        with pytest.raises(ApprovalRefused, match="already created"):
            bootstrap_admin(_as(registry, who), name)
    assert len(registry.find(AdminBootstrap)) == 1


def test_roles_are_granted_by_an_admin_never_to_themselves(admin: Registry) -> None:
    with pytest.raises(ApprovalRefused, match="their own roles"):
        add_actor(admin, "ROOT", ["model_risk"])
    with pytest.raises(ApprovalRefused, match="not an admin"):
        add_actor(_as(admin, "priya"), "mallory", ["model_risk"])
    add_actor(admin, "alice", ["model_risk"])
    demoted = add_actor(admin, "alice", ["engineer"], replace=True)  # a recorded admin action
    assert demoted.roles == ["engineer"] and demoted.granted_by == "root"


@pytest.mark.parametrize(
    "name",
    [
        "Dana  Smith",
        "Dana\u00a0Smith",
        "ＤＡＮＡ Ｓｍｉｔｈ",
        "dana smith",
        " Dana Smith\t",
        "Dana\u2003Smith",
    ],
    ids=["two-spaces", "nbsp", "fullwidth", "case", "padding-tab", "em-space"],
)
def test_names_folding_to_one_identity_are_one_person(admin: Registry, name: str) -> None:
    assert identity_key(name) == identity_key("Dana Smith")
    assert same_person(name, None, Party(name="Dana Smith", relation="x"))
    add_actor(admin, "Dana Smith", ["legal"])
    if name.strip() == "Dana Smith":
        return  # the same name: an update, not a new actor
    with pytest.raises(BadInput, match="same identity as the recorded actor 'Dana Smith'"):
        add_actor(admin, name, ["model_risk"])


def test_an_email_names_one_identity(admin: Registry) -> None:
    with pytest.raises(BadInput, match="already the email of actor 'priya'") as err:
        add_actor(admin, "p2", ["model_risk"], email="PRIYA@acme.example")
    assert err.value.param == "email"


def test_names_with_control_characters_or_too_long_are_refused(admin: Registry) -> None:
    for bad in ["a\x00b", "a\x1bb", "x" * 101, "   ", "\u200b"]:
        with pytest.raises(BadInput) as err:
            add_actor(admin, bad, ["engineer"])
        assert err.value.param == "name"


def test_establish_identity_from_a_token_or_the_os_user(admin: Registry) -> None:
    _, secret = issue_token(admin, "priya")
    reg = _as(admin, "whoever")
    ident = establish_identity(reg, secret=secret, claimed="Priya")
    assert (ident.name, ident.how, reg.actor) == ("priya", "token", "priya")
    with pytest.raises(BadCredentials, match="says 'lee' but your credentials establish 'priya'"):
        establish_identity(reg, secret=secret, claimed="lee")
    ident = establish_identity(reg)
    assert (ident.name, ident.how) == (os_user(), "local-os-user")
    with pytest.raises(BadCredentials, match="says 'dana-risk'"):
        establish_identity(reg, claimed="dana-risk")


def test_credential_links_follow_the_chain_of_issuers(admin: Registry) -> None:
    add_actor(admin, "ada", ["admin"])
    issue_token(admin, "ada")
    add_actor(admin, "kim", ["model_risk"])
    ada = _as(admin, "ada")
    kim_token, _ = issue_token(ada, "kim")
    assert {(link.actor, link.issuer) for link in credential_links(admin, "kim")} == {
        ("kim", "ada"),
        ("ada", "root"),
    }
    revoke_token(admin, kim_token)
    assert credential_links(admin, "kim") == []  # a revoked token lets nobody act as kim
    assert credential_links(admin, "kim", current=False)[0].issuer == "ada"
