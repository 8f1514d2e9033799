"""The web UI under ``/ui``: server-rendered pages over the same public library calls as the
API. A browser signs in with a token and keeps a signed session cookie; every form carries a
CSRF token bound to the session; refusals of the library show as a readable page."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from heredity.errors import BadCredentials, BadInput, HeredityError, NotFound
from heredity.govern import (
    INCIDENT_KINDS,
    approvals_for,
    audit,
    decide,
    distillation_rights,
    incident_view,
    list_incidents,
    open_incident,
    pending_approvals,
)
from heredity.identity import authenticate, get_actor, require_permission
from heredity.records import DistillationDocument
from heredity.registry import Registry
from heredity.rights import RightsAssessment, effective, review
from heredity.server._errors import status_for
from heredity.server._service import Service, service
from heredity.server._session import PRESESSION_COOKIE, SESSION_COOKIE, SESSION_SECONDS, Session
from heredity.server._svg import BOX_H, BOX_W, PLOT_W, draw, scorecard
from heredity.transfer import TransferAssessmentRecord

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
MAX_FORM = 64 * 1024

templates = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
)
router = APIRouter(prefix="/ui", include_in_schema=False)


class SignIn(Exception):
    """No valid session: send the browser to the sign-in page."""


def _session(request: Request) -> tuple[Service, Session, Registry]:
    svc = service(request)
    sess = svc.sessions.read(request.cookies.get(SESSION_COOKIE), svc.registry)
    if sess is None:
        raise SignIn()
    return svc, sess, Registry(svc.registry.engine, actor=sess.actor)


def _render(request: Request, name: str, ctx: dict[str, Any], *, status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, name, ctx, status_code=status)


def _page(
    request: Request, name: str, build: Callable[[Registry, Session], dict[str, Any]]
) -> Response:
    try:
        svc, sess, reg = _session(request)
    except SignIn:
        return RedirectResponse("/ui/signin", status_code=303)
    held = get_actor(reg, sess.actor)
    base = {
        "me": sess.actor,
        "roles": held.roles if held else [],
        "csrf": svc.sessions.csrf(sess.value),
    }
    try:
        return _render(request, name, base | build(reg, sess))
    except HeredityError as exc:
        return _error(request, exc, base)


def _error(request: Request, exc: HeredityError, base: dict[str, Any]) -> HTMLResponse:
    status = status_for(exc)
    title = {401: "Not signed in", 403: "Not allowed", 404: "Not found", 409: "Refused"}
    return _render(
        request,
        "error.html",
        base
        | {
            "title": title.get(status, "Bad input"),
            "message": str(exc),
            "details": list(getattr(exc, "details", []) or []),
        },
        status=status,
    )


async def _form(request: Request) -> dict[str, str]:
    raw = await request.body()
    if len(raw) > MAX_FORM:
        raise BadInput("form: too large", param="form")
    parsed = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
    return {k: v[-1] for k, v in parsed.items()}


async def _post(request: Request, act: Callable[[Registry, dict[str, str]], str]) -> Response:
    """A form post: a valid session and its CSRF token, then ``act`` (which answers where to go
    next); a refusal of the library is a readable page with its status."""
    try:
        svc, sess, reg = await run_in_threadpool(_session, request)
    except SignIn:
        return RedirectResponse("/ui/signin", status_code=303)
    base = {"me": sess.actor, "roles": [], "csrf": svc.sessions.csrf(sess.value)}
    try:
        form = await _form(request)
        if not svc.sessions.csrf_ok(sess.value, form.get("csrf")):
            return _render(
                request,
                "error.html",
                base
                | {
                    "title": "Not allowed",
                    "message": "csrf: this form is stale or did not come from this site; "
                    "reload the page and submit it again",
                    "details": [],
                },
                status=403,
            )
        where = await run_in_threadpool(act, reg, form)
    except HeredityError as exc:
        return _error(request, exc, base)
    return RedirectResponse(where, status_code=303)


def _need(form: dict[str, str], name: str) -> str:
    value = form.get(name, "").strip()
    if not value:
        raise BadInput(f"{name}: required; fill it in and submit again", param=name)
    return value


# -- sign-in ---------------------------------------------------------------------------------
@router.get("/signin")
def signin_page(request: Request) -> Response:
    svc = service(request)
    pre = request.cookies.get(PRESESSION_COOKIE) or secrets.token_urlsafe(24)
    resp = _render(request, "signin.html", {"csrf": svc.sessions.csrf(pre), "error": None})
    svc.sessions.cookie(resp, PRESESSION_COOKIE, pre, 3600)
    return resp


@router.post("/signin")
async def signin(request: Request) -> Response:
    svc = service(request)
    pre = request.cookies.get(PRESESSION_COOKIE)
    form = await _form(request)
    if not svc.sessions.csrf_ok(pre, form.get("csrf")):
        return _render(
            request,
            "error.html",
            {
                "title": "Not allowed",
                "message": "csrf: the sign-in form is stale or did not come from this site; "
                "reload the sign-in page",
                "details": [],
            },
            status=403,
        )
    secret = form.get("token", "").strip()
    try:
        actor = await run_in_threadpool(authenticate, svc.registry, secret)
    except BadCredentials as exc:
        assert pre is not None
        return _render(
            request, "signin.html", {"csrf": svc.sessions.csrf(pre), "error": str(exc)}, status=401
        )
    token_id = secret.split("_", 2)[1]
    resp = RedirectResponse("/ui/", status_code=303)
    svc.sessions.cookie(
        resp, SESSION_COOKIE, svc.sessions.issue(actor.name, token_id), SESSION_SECONDS
    )
    resp.delete_cookie(PRESESSION_COOKIE, path="/")
    return resp


@router.post("/signout")
async def signout(request: Request) -> Response:
    svc = service(request)
    value = request.cookies.get(SESSION_COOKIE)
    form = await _form(request)
    if not svc.sessions.csrf_ok(value, form.get("csrf")):
        return Response("csrf: reload the page and sign out again", status_code=403)
    resp = RedirectResponse("/ui/signin", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


# -- inventory -------------------------------------------------------------------------------
@router.get("/")
def inventory(request: Request, q: str = "", status: str = "", offset: int = 0) -> Response:
    def build(reg: Registry, _: Session) -> dict[str, Any]:
        limit = 200
        start = max(offset, 0)
        needle = q.strip().lower()
        if needle:
            found = reg.list_models(status=status or None)
            found = [m for m in found if needle in f"{m.name}@{m.version}".lower()]
            more = len(found) > start + limit
            shown = found[start : start + limit]
        else:
            # Without a name filter only one page is read (a large registry stays fast).
            shown = reg.list_models(status=status or None, limit=limit + 1, offset=start)
            more = len(shown) > limit
            shown = shown[:limit]
        open_by: dict[str, int] = {}
        for inc in list_incidents(reg, status="open"):
            for ref in {inc.model, *inc.affected_models}:
                open_by[ref] = open_by.get(ref, 0) + 1
        rows = []
        for m in shown:
            ref = f"{m.name}@{m.version}"
            states = approvals_for(reg, ref)
            rows.append(
                {
                    "ref": ref,
                    "status": m.status,
                    "owner": m.owner,
                    "approval": states[0].status if states else "none",
                    "incidents": open_by.get(ref, 0),
                }
            )
        return {
            "rows": rows,
            "q": q,
            "status": status,
            "offset": start,
            "next": start + limit if more else None,
            "statuses": ["registered", "approved", "deployed", "suspended", "retired"],
        }

    return _page(request, "inventory.html", build)


# -- model -----------------------------------------------------------------------------------
@router.get("/models/{ref:path}")
def model_page(request: Request, ref: str) -> Response:
    def build(reg: Registry, _: Session) -> dict[str, Any]:
        m = reg.get_model(ref)
        stored = reg.distillation_for(ref, DistillationDocument)
        provenance = rights = None
        if stored is not None:
            provenance = json.dumps(stored.body.dump(), indent=2, default=str)
            rights = distillation_rights(reg, ref, stored.body)
        assessment = None
        if rights is not None and rights.assessment:
            try:
                a = reg.get(rights.assessment, RightsAssessment).body
                assessment = {"teachers": a.teachers, "obligations": a.obligations}
            except NotFound:
                assessment = None
        drawing = draw(ref, reg.lineage(ref, "up", depth=4), reg.lineage(ref, "down", depth=4))
        incidents = [i for i in list_incidents(reg) if i.model == ref or ref in i.affected_models]
        scorecards = [
            {"id": t.id, "t": t.body, "rows": scorecard(t.body.assessment)}
            for t in reg.find(TransferAssessmentRecord, subject=ref)
        ]
        return {
            "model": m,
            "ref": ref,
            "scorecards": scorecards,
            "plot_w": PLOT_W,
            "record_id": stored.id if stored else None,
            "provenance": provenance,
            "rights": rights,
            "assessment": assessment,
            "drawing": drawing,
            "box_w": BOX_W,
            "box_h": BOX_H,
            "approvals": approvals_for(reg, ref),
            "incidents": incidents,
            "events": reg.ledger_events(entity=f"model:{ref}", limit=100, newest_first=True),
        }

    return _page(request, "model.html", build)


# -- queues ----------------------------------------------------------------------------------
@router.get("/queues")
def queues(request: Request) -> Response:
    def build(reg: Registry, sess: Session) -> dict[str, Any]:
        held = get_actor(reg, sess.actor)
        roles = held.roles if held else []
        reviews = []
        if "legal" in roles:
            for s in reg.find(RightsAssessment):
                eff = effective(reg, s.id)
                waiting = eff.state == "needs_review" or (
                    eff.state == "blocked" and eff.needs_authorization
                )
                if waiting:
                    reviews.append({"id": s.id, "a": s.body, "eff": eff})
        approvals = pending_approvals(reg, roles=roles) if roles else []
        return {"reviews": reviews, "pending": approvals}

    return _page(request, "queues.html", build)


@router.post("/rights/{assessment_id}/review")
async def review_form(request: Request, assessment_id: str) -> Response:
    def act(reg: Registry, form: dict[str, str]) -> str:
        require_permission(reg, "rights.review")
        decision = _need(form, "decision")
        review(reg, assessment_id, decision, _need(form, "basis"))
        return "/ui/queues"

    return await _post(request, act)


@router.post("/approvals/{request_id}/decide")
async def decide_form(request: Request, request_id: str) -> Response:
    def act(reg: Registry, form: dict[str, str]) -> str:
        require_permission(reg, "approval.decide")
        choice = _need(form, "decision")
        if choice not in ("approve", "reject"):
            raise BadInput("decision: approve or reject", param="decision")
        decide(
            reg,
            request_id,
            approve=choice == "approve",
            reason=_need(form, "reason"),
            role=form.get("role", "").strip() or None,
        )
        return "/ui/queues"

    return await _post(request, act)


# -- incidents -----------------------------------------------------------------------------
@router.get("/incidents")
def incidents_page(request: Request) -> Response:
    def build(reg: Registry, _: Session) -> dict[str, Any]:
        return {"incidents": list_incidents(reg)}

    return _page(request, "incidents.html", build)


@router.get("/incidents/new")
def incident_new(request: Request, model: str = "") -> Response:
    """The impact of an incident on ``model`` first (every affected model and owner), then a
    form to confirm it."""

    def build(reg: Registry, _: Session) -> dict[str, Any]:
        ref = model.strip()
        if not ref:
            raise BadInput(
                "model: give the model the incident is about (name@version)", param="model"
            )
        reg.get_model(ref)
        return {"ref": ref, "impact": reg.impact(ref), "kinds": INCIDENT_KINDS}

    return _page(request, "incident_new.html", build)


@router.post("/incidents")
async def incident_open_form(request: Request) -> Response:
    def act(reg: Registry, form: dict[str, str]) -> str:
        require_permission(reg, "incident.open")
        view = open_incident(
            reg, _need(form, "model"), kind=_need(form, "kind"), summary=_need(form, "summary")
        )
        return f"/ui/incidents/{view.id}"

    return await _post(request, act)


@router.get("/incidents/{incident_id}")
def incident_page(request: Request, incident_id: str) -> Response:
    def build(reg: Registry, _: Session) -> dict[str, Any]:
        return {"i": incident_view(reg, incident_id)}

    return _page(request, "incident.html", build)


# -- audit -----------------------------------------------------------------------------------
@router.get("/audit")
def audit_page(request: Request, model: str = "") -> Response:
    def build(reg: Registry, _: Session) -> dict[str, Any]:
        report = audit(reg, model.strip() or None)
        return {"report": report, "maturity": report.maturity_detail, "model": model}

    return _page(request, "audit.html", build)
