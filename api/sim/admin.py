"""The simulated cloud's organisation calls: printer shares, new printers, workgroups and users."""

from __future__ import annotations

import re
from typing import Any

from . import realistic
from .envelope import Params, handles
from .farm import Farm, SimError
from .generate import new_printer
from .realistic import ident
from .records import Project, Share, User


@handles("get_printer_shares")
def _shares(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    printer = farm.printer_for(user, p.req_int("printer_id"))
    return [
        {
            "id": ident(farm, s.id),
            "email": farm.users[s.user_id].email,
            "number_of_prints": s.number_of_prints,
            "printer_ownership_id": s.ownership_id,
            "role_id": s.role_id,
        }
        for s in farm.shares.values()
        if s.printer_id == printer.id
    ]


@handles("share_printer")
def _share(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    farm.require_admin(user)
    printer = farm.printer_for(user, p.req_int("printer_id"))
    role = p.req_int("role_id")
    if role not in (2, 5):
        raise SimError("role_id must be 2 (can print) or 5 (can queue)", 400)
    email = (p.text("user_email") or "").strip().lower()
    target = next((u for u in farm.users.values() if u.email.lower() == email), None)
    if target is None:
        raise SimError(f"No user with email {email}", 404)
    share = Share(farm.next_id("share", 900), printer.id, target.id, role, p.int("number_of_prints"))
    farm.shares[share.id] = share
    return {"id": ident(farm, share.id)}


@handles("unshare_printer")
def _unshare(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    farm.require_admin(user)
    share_id = p.req_int("share_id")
    if farm.shares.pop(share_id, None) is None:
        raise SimError(f"Share {share_id} not found", 404)
    return []


@handles("add_printer_by_registration_code")
def _add_printer(farm: Farm, p: Params, user: User | None) -> Any:

    code = (p.text("registration_code") or "").strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{6,12}", code):
        raise SimError("Invalid registration code", 400)
    if any(pr.registration_code == code for pr in farm.printers.values()):
        raise SimError("Registration code already used", 409)
    ptype = farm.printer_types[81] if 81 in farm.printer_types else next(iter(farm.printer_types.values()))
    printer = new_printer(farm, f"New-Printer-{code[:4]}", ptype, [])
    printer.registration_code = code
    return {"printer_id": printer.id}


# --- workgroups, users, reports -----------------------------------------------------------------


@handles("get_workgroups_simple_list")
def _workgroups(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    return [
        {"id": ident(farm, w.id), "name": w.name, "rights": w.rights}
        for w in farm.workgroups.values()
        if user.is_admin or user.id in w.user_ids
    ]


def _workgroup(farm: Farm, p: Params) -> Any:
    wg = farm.workgroups.get(p.req_int("workgroup_id"))
    if wg is None:
        raise SimError("Workgroup not found", 404)
    return wg


@handles("get_workgroup_users")
def _wg_users(farm: Farm, p: Params, user: User | None) -> Any:
    assert user
    wg = _workgroup(farm, p)
    if not user.is_admin and user.id not in wg.user_ids:
        raise SimError("Permission denied", 403)
    return [
        {
            "id": str(u.id),
            "email": u.email,
            "name": (u.name or None) if realistic.on(farm) else u.name,  # public callers see null for no name
            "monthly_quota": u.monthly_quota,
            "balance": u.balance,
        }
        for u in (farm.users[i] for i in sorted(wg.user_ids))
    ]


@handles("add_user_to_workgroup")
def _wg_add(farm: Farm, p: Params, user: User | None) -> Any:
    wg = _workgroup(farm, p)
    email = (p.text("email") or "").strip().lower()
    target = next((u for u in farm.users.values() if u.email.lower() == email), None)
    if target is None:
        raise SimError(f"No user with email {email}", 404)
    wg.user_ids.add(target.id)
    return {"user_id": target.id}


@handles("delete_user_from_workgroup")
def _wg_delete(farm: Farm, p: Params, user: User | None) -> Any:
    wg = _workgroup(farm, p)
    user_id = p.req_int("user_id")
    if user_id not in wg.user_ids:
        raise SimError("User is not in this workgroup", 404)
    wg.user_ids.discard(user_id)
    return []


@handles("create_organization_user")
def _create_user(farm: Farm, p: Params, user: User | None) -> Any:
    email = (p.text("email") or "").strip()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise SimError("Parameter email is not a valid email address", 400)
    if any(u.email.lower() == email.lower() for u in farm.users.values()):
        raise SimError("User with this email already exists", 409)
    gdpr = p.req_int("gdpr")
    if gdpr not in (1, 3):
        raise SimError("Parameter gdpr must be 1 or 3", 400)
    role = p.int("access_role", 0)
    if role not in (0, 1, 2):
        raise SimError("access_role must be 0, 1 or 2", 400)
    new = User(
        farm.next_id("user"),
        email,
        "",
        p.text("firstname", "") or "",
        p.text("lastname", "") or "",
        access_role=role or 0,
        company=p.text("company", "") or "",
    )
    farm.users[new.id] = new
    project_id = farm.next_id("project")
    farm.projects[project_id] = Project(project_id, new.id, "Default", "#2e86de")
    return {}


@handles("update_user_settings")
def _user_settings(farm: Farm, p: Params, user: User | None) -> Any:
    target = farm.users.get(p.req_int("user_id"))
    if target is None:
        raise SimError("User not found", 404)
    if p.has("balance"):
        target.balance = float(p.req_int("balance"))
    if p.has("quota"):
        target.monthly_quota = p.req_int("quota")
    return "Ok"
