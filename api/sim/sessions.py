"""The simulated cloud's session calls: login, logout, check_session, Google login and GDPR."""

from __future__ import annotations

from typing import Any

from .envelope import Params, handles
from .farm import Farm, SimError
from .records import User

# --- sessions -------------------------------------------------------------------------------------


@handles("login")
def _login(farm: Farm, p: Params, user: User | None) -> Any:
    username = (p.text("username") or "").strip().lower()
    found = next((u for u in farm.users.values() if u.email.lower() == username), None)
    if found is None or found.password != p.text("password"):
        raise SimError("Wrong username or password", 401)
    return {"session": farm.new_session(found)}


@handles("loginout")
def _logout(farm: Farm, p: Params, user: User | None) -> Any:
    farm.sessions.pop(p.text("session") or "", None)
    return []


@handles("check_session")
def _check(farm: Farm, p: Params, user: User | None) -> Any:
    return "Session is valid"


@handles("google_login")
def _google(farm: Farm, p: Params, user: User | None) -> Any:
    token = p.text("token") or ""
    email = farm.google_tokens.get(token)
    if email is None:
        if not token.startswith("new-user:"):
            raise SimError("Invalid Google token", 401)
        email = token.split(":", 1)[1]
        new = User(farm.next_id("user"), email, "", access_role=0)
        farm.users[new.id] = new
        return {"session": farm.new_session(new, gdpr_needed=True), "gdpr_needed": True}
    found = next(u for u in farm.users.values() if u.email == email)
    return {"session": farm.new_session(found), "email": found.email}


@handles("gdpr_registration")
def _gdpr(farm: Farm, p: Params, user: User | None) -> Any:
    assert user is not None
    session = farm.sessions[p.text("session") or ""]
    if p.has("cancel"):
        session.gdpr_needed = False
        return {"session": session.token, "email": user.email}
    if (p.text("gdpr1") or "").lower() != "on":
        raise SimError("gdpr1 must be 'on' to register", 400)
    session.gdpr_needed = False
    return {"session": session.token, "email": user.email}
