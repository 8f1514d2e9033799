"""Segregation of duties under attack, through the CLI on both backends: the probe's attempts to
act as someone else (a puppet admin, self-grants, demoting the approver, stand-in actors that
waive, approve and deploy their own model, authorizations without the legal role or by the
responsible party, names that differ only by Unicode form or spacing, forged --actor, and
expired, revoked or garbled tokens). Each is refused with the reason named, and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from hostile_cli import Runner, assert_refused, table_counts

from heredity.cli import main
from heredity.identity import ApiToken, add_actor, issue_token, os_user, revoke_token
from heredity.registry import Registry
from heredity.rights import RightsAssessment
from heredity.transfer import TransferAssessmentRecord

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PG_URL = os.environ.get("HEREDITY_TEST_PG_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])

STUDENT = "acme/support-1b@3"
TEACHER = "meta-llama/Llama-3.1-70B-Instruct@1"
ME = os_user()


@dataclass
class World:
    db: str
    tokens: dict[str, str]
    values: dict[str, str]

    def args(self, who: str | None, args: list[str]) -> list[str]:
        head = ["--token-file", self.tokens[who]] if who else []
        return head + [a.format(**self.values) for a in args]


def _tokens(db: str, tmp: Path, actors: dict[str, list[str]]) -> dict[str, str]:
    files: dict[str, str] = {}
    with Registry.open(db, actor=ME) as admin:
        for name, roles in actors.items():
            add_actor(admin, name, roles)
            _, secret = issue_token(admin, name)
            path = tmp / f"token-{len(files)}.txt"
            path.write_text(secret + "\n", encoding="utf-8")
            files[name] = str(path)
    return files


def _run(db: str, *args: str, code: int = 0) -> None:
    assert main(["--db", db, *args]) == code, args


def _assess(db: str, head: list[str]) -> str:
    results = EXAMPLES / "results"
    _run(
        db,
        *head,
        "assess",
        "--teacher",
        TEACHER,
        "--student",
        STUDENT,
        "--teacher-results",
        str(results / "teacher.jsonl"),
        "--student-results",
        str(results / "student.jsonl"),
        code=1,  # a breach, stored
    )
    with Registry.open(db) as reg:
        return reg.find(TransferAssessmentRecord, subject=STUDENT)[0].id


def build_solo(db: str, tmp: Path) -> World:
    """One OS user (the probe's): admin, distiller and requester, with stand-in actors."""
    _run(db, "init")
    _run(db, "admin", "init")
    _run(db, "record", str(EXAMPLES / "standard-kd.yaml"))
    transfer = _assess(db, [])
    _run(db, "approval", "request", STUDENT)
    tokens = _tokens(db, tmp, {"dana-risk": ["model_risk"], "dana-safety": ["safety"]})
    with Registry.open(db) as reg:
        [safety_token] = [t.body.token_id for t in reg.find(ApiToken, subject="dana-safety")]
    values = {"student": STUDENT, "transfer": transfer, "tok_safety": safety_token}
    return World(db, tokens, values)


def build_org(db: str, tmp: Path) -> World:
    """An organisation: the OS user is only its admin; priya distils; others decide."""
    _run(db, "init")
    _run(db, "admin", "init")
    tokens = _tokens(
        db,
        tmp,
        {
            "priya": ["engineer"],
            "pat": ["engineer"],
            "lee": ["legal"],
            "sam": ["safety"],
            "alice": ["model_risk"],
            "ada": ["admin", "legal", "model_risk"],
            "Ｄａｎａ Ｓｍｉｔｈ": ["legal", "safety"],  # the responsible party, in fullwidth
        },
    )
    priya = ["--token-file", tokens["priya"]]
    _run(db, *priya, "record", str(EXAMPLES / "standard-kd.yaml"))
    plan = yaml.safe_load((EXAMPLES / "standard-kd.yaml").read_text(encoding="utf-8"))
    plan["student"]["version"] = "4"
    plan["teachers"][0] |= {
        "model": "xai/grok-2@1",
        "licence": "grok2-community",
        "provider": "xai",
    }
    plan["student"].pop("init_from")
    path = tmp / "blocked.yaml"
    path.write_text(yaml.safe_dump(plan), encoding="utf-8")
    _run(db, *priya, "rights", "check", str(path), "--record", code=1)
    with Registry.open(db) as reg:
        rights = reg.find(RightsAssessment, subject="acme/support-1b@4")[0].id
    transfer = _assess(db, priya)
    _run(db, *priya, "approval", "request", STUDENT)
    letter = tmp / "permission.pdf"
    letter.write_bytes(b"written permission")
    values = {"student": STUDENT, "transfer": transfer, "rights": rights, "letter": str(letter)}
    return World(db, tokens, values)


@contextmanager
def _database(backend: str, tmp: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp / 'registry.db'}"
        return
    assert PG_URL
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


# The refusal cases write nothing (each asserts it), so each world is built once per backend.
@pytest.fixture(scope="module", params=BACKENDS)
def solo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("solo")
    with _database(request.param, tmp) as db:
        yield build_solo(db, tmp)


@pytest.fixture(scope="module", params=BACKENDS)
def shared_org(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("org")
    with _database(request.param, tmp) as db:
        yield build_org(db, tmp)


@pytest.fixture
def org(db_url: str, tmp_path: Path) -> World:
    """An organisation of its own, for a test that writes."""
    return build_org(db_url, tmp_path)


APPROVE = ["approval", "decide", "{student}", "--approve", "--reason", "fine"]
WAIVE = ["approval", "waive", "{transfer}", "--justification", "edge filter blocks it"]
AUTHORIZE = ["rights", "authorize", "{rights}", "--evidence", "{letter}", "--basis", "letter"]
SOLO = [
    # (id, acting token or None for the OS user, arguments, exit code, what the message names)
    ("puppet-admin", None, ["--actor", "puppet", "actor", "add", "dana-admin", "--role", "admin"],
     2, ["--actor", "puppet", ME]),
    ("second-bootstrap", None, ["admin", "init"], 1, ["already created"]),
    ("second-bootstrap-named", None, ["admin", "init", "mallory"], 1, ["already created"]),
    ("self-grant", None, ["actor", "add", ME, "--role", "model_risk"], 1, ["own roles"]),
    ("self-replace", None, ["actor", "add", ME, "--role", "engineer", "--replace"], 1,
     ["own roles"]),
    ("stand-in-grants", "dana-risk", ["actor", "add", "dana-safety", "--role", "model_risk"], 1,
     ["dana-risk is not an admin"]),
    ("stand-in-demotes-approver", "dana-risk",
     ["actor", "add", "dana-safety", "--role", "engineer", "--replace"], 1, ["not an admin"]),
    ("stand-in-issues-token", "dana-risk", ["token", "issue", "dana-safety"], 1,
     ["not an admin"]),
    ("stand-in-revokes-token", "dana-risk", ["token", "revoke", "{tok_safety}"], 1,
     ["not an admin"]),
    ("stand-in-approves", "dana-risk", APPROVE, 1,
     ["dana-risk", f"issued by {ME}", "segregation of duties"]),
    ("stand-in-safety-approves", "dana-safety", APPROVE, 1,
     ["dana-safety", f"issued by {ME}", "segregation of duties"]),
    ("stand-in-waives", "dana-safety", WAIVE, 1, [f"issued by {ME}", "segregation of duties"]),
    ("stand-in-deploys", "dana-risk", ["deploy", "{student}"], 1, ["no valid approval"]),
    ("owner-approves", None, APPROVE, 1, ["recorded the distillation"]),
    ("forged-actor-with-token", "dana-risk", ["--actor", "dana-safety", *APPROVE], 2,
     ["--actor", "'dana-safety'", "'dana-risk'"]),
]  # fmt: skip
ORG = [
    ("authorize-without-legal", "pat", AUTHORIZE, 1, ["pat holds engineer", "legal role"]),
    ("authorize-by-requester", "priya", AUTHORIZE, 1, ["requested this rights check"]),
    ("authorize-by-responsible-fullwidth", "Ｄａｎａ Ｓｍｉｔｈ", AUTHORIZE, 1,
     ["responsible party"]),
    ("authorize-by-admin", "ada", AUTHORIZE, 1, ["admin role"]),
    ("approve-by-admin", "ada", APPROVE, 1, ["admin role"]),
    ("approve-by-responsible-fullwidth", "Ｄａｎａ Ｓｍｉｔｈ", APPROVE, 1, ["responsible party"]),
    ("waive-by-distiller-and-requester", "priya", WAIVE, 1,
     ["priya recorded the distillation"]),
    ("waive-by-responsible-fullwidth", "Ｄａｎａ Ｓｍｉｔｈ", WAIVE, 1, ["responsible party"]),
    ("waive-without-its-role", "lee", WAIVE, 1, ["takes the safety or model_risk role"]),
    ("collide-two-spaces", None, ["actor", "add", "Dana  Smith", "--role", "legal"], 2,
     ["NAME", "same identity"]),
    ("collide-nbsp", None, ["actor", "add", "Dana\u00a0Smith", "--role", "legal"], 2,
     ["same identity"]),
    ("collide-case", None, ["actor", "add", "dana smith", "--role", "legal"], 2,
     ["same identity"]),
    ("collide-fullwidth-lee", None, ["actor", "add", "ＬＥＥ", "--role", "safety"], 2,
     ["same identity", "'lee'"]),
    ("forged-actor-as-os-user", None, ["--actor", "lee", *AUTHORIZE], 2,
     ["--actor", "'lee'", f"OS user {ME}"]),
    ("token-issue-past-expiry", None, ["token", "issue", "lee", "--expires", "2020-01-01"], 2,
     ["--expires", "not in the future"]),
    ("token-issue-unknown-actor", None, ["token", "issue", "nobody"], 2,
     ["'nobody' is not a recorded actor"]),
]  # fmt: skip


def _attempt(world: World, cli: Runner, who: str | None, args: list[str], code: int,
             names: list[str]) -> None:  # fmt: skip
    before = table_counts(world.db)
    assert_refused(cli(world.db, *world.args(who, args)), *names, code=code)
    assert table_counts(world.db) == before


@pytest.mark.parametrize("who, args, code, names", [c[1:] for c in SOLO], ids=[c[0] for c in SOLO])
def test_a_single_user_with_stand_ins_is_refused(
    solo: World, cli: Runner, who: str | None, args: list[str], code: int, names: list[str]
) -> None:
    _attempt(solo, cli, who, args, code, names)


@pytest.mark.parametrize("who, args, code, names", [c[1:] for c in ORG], ids=[c[0] for c in ORG])
def test_the_wrong_person_is_refused(
    shared_org: World, cli: Runner, who: str | None, args: list[str], code: int, names: list[str]
) -> None:
    _attempt(shared_org, cli, who, args, code, names)


def _plant_token(db: str, actor: str, expires: dt.datetime | None) -> str:
    """A token of ``actor`` as the registry would hold it (an expiry in the past included)."""
    token_id = "tok" + uuid.uuid4().hex[:16]
    secret = f"heredity_{token_id}_planted-secret-of-the-test"
    body = ApiToken(
        token_id=token_id,
        actor=actor,
        sha256=hashlib.sha256(secret.encode()).hexdigest(),
        expires=expires.isoformat() if expires else None,
        os_user=ME,
    )
    with Registry.open(db, actor=ME) as reg:
        reg.put(body, subject=actor, key=token_id)
    return secret


@pytest.mark.parametrize(
    "case",
    ["expired", "revoked", "garbled", "wrong-secret", "empty-env", "missing-file", "empty-file",
     "forged-env-actor"],
)  # fmt: skip
def test_bad_credentials_establish_nobody(
    shared_org: World, cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    org = shared_org
    token = tmp_path / "given.token"
    names: list[str]
    if case == "expired":
        past = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        token.write_text(_plant_token(org.db, "lee", past), encoding="utf-8")
        names = ["expired"]
    elif case == "revoked":
        secret = _plant_token(org.db, "lee", None)
        with Registry.open(org.db, actor=ME) as reg:
            revoke_token(reg, secret.split("_")[1])
        token.write_text(secret, encoding="utf-8")
        names = ["revoked by", ME]
    elif case == "garbled":
        token.write_bytes(b"lee\n")
        names = ["HEREDITY_TOKEN/--token-file", "not a Heredity token"]
    elif case == "wrong-secret":
        real = Path(org.tokens["lee"]).read_text().strip()
        token.write_text(real[:-6] + "xxxxxx", encoding="utf-8")
        names = ["no such token"]
    elif case == "empty-env":
        monkeypatch.setenv("HEREDITY_TOKEN", "")
        names = ["HEREDITY_TOKEN is set but empty"]
    elif case == "missing-file":
        names = ["--token-file", "given.token"]
    elif case == "empty-file":
        token.write_text("\n", encoding="utf-8")
        names = ["--token-file", "empty"]
    else:
        monkeypatch.setenv("HEREDITY_ACTOR", "lee")
        names = ["--actor/HEREDITY_ACTOR", "'lee'"]
    head = [] if case in ("empty-env", "forged-env-actor") else ["--token-file", str(token)]
    before = table_counts(org.db)
    args = [a.format(**org.values) for a in AUTHORIZE]
    assert_refused(cli(org.db, *head, *args), *names, code=2)
    assert table_counts(org.db) == before


def test_the_right_people_decide_and_the_ledger_shows_who_issued_their_tokens(
    org: World, cli: Runner
) -> None:
    auth = [a.format(**org.values) for a in AUTHORIZE]
    assert cli(org.db, "--token-file", org.tokens["lee"], *auth).rc == 0
    waive = [a.format(**org.values) for a in WAIVE]
    out = cli(org.db, "--token-file", org.tokens["sam"], "--actor", "SAM", *waive)
    assert out.rc == 0, out.text
    # an admin changes another's roles only as a recorded action of their own
    assert cli(org.db, "actor", "add", "pat", "--role", "auditor", "--replace").rc == 0
    listed = cli(org.db, "token", "list", "--format", "json")
    assert listed.rc == 0
    issued = {(t["actor"], t["issued_by"], t["os_user"]) for t in json.loads(listed.out)}
    assert ("lee", ME, ME) in issued and ("sam", ME, ME) in issued
    log = cli(org.db, "ledger", "log", "--format", "json", "--limit", "500")
    actions = [e["action"] for e in json.loads(log.out)]
    assert "admin_bootstrap.put" in actions and actions.count("api_token.put") == 7
