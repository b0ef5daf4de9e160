"""Sign-in for the web desk: server-side sessions behind a signed cookie, CSRF tokens, throttling.

* The session cookie holds a random token and its HMAC under the server's secret key
  (``web.key`` beside the uploads, created once, mode 0600); the table ``web_sessions`` keeps
  only the token's sha256, the account, the CSRF token and the expiry. Logout deletes the row.
* Every state-changing form carries the session's CSRF token; the login form, before there is
  a session, carries an HMAC of a pre-session cookie (double submit, signed).
* Failed logins are recorded per user name and per address; five within fifteen minutes lock
  that key out for the rest of the window. A success clears the user name's failures.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select

from ..store import Store
from ..store.accounts import Account, Accounts
from ..store.schema import login_failures, sessions

SESSION_COOKIE = "gongkai_session"
PRE_COOKIE = "gongkai_pre"
SESSION_HOURS = 8
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)


def load_secret(folder: Path) -> bytes:
    """The server's signing key, created on first use (readable by its owner only)."""
    path = Path(folder) / "web.key"
    try:
        key = path.read_bytes().strip()
        if len(key) >= 32:
            return key
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(t: datetime) -> str:
    return t.isoformat(timespec="seconds")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class SignedIn:
    account: Account
    session_id: str  # sha256 of the token
    csrf: str


class Auth:
    def __init__(self, store: Store, secret: bytes):
        self.store = store
        self.secret = secret
        self.accounts = Accounts(store)

    # -- cookies ----------------------------------------------------------------------------

    def sign(self, value: str) -> str:
        mac = hmac.new(self.secret, value.encode(), hashlib.sha256).hexdigest()
        return f"{value}.{mac}"

    def unsign(self, cookie: str | None) -> str | None:
        if not cookie or "." not in cookie:
            return None
        value, _, mac = cookie.rpartition(".")
        good = hmac.new(self.secret, value.encode(), hashlib.sha256).hexdigest()
        return value if hmac.compare_digest(mac, good) else None

    def login_token(self, pre: str) -> str:
        """The CSRF token of the login form for the pre-session cookie ``pre``."""
        return hmac.new(self.secret, f"login:{pre}".encode(), hashlib.sha256).hexdigest()

    # -- sessions ---------------------------------------------------------------------------

    def open_session(self, account: Account) -> str:
        """A new session for ``account``; returns the cookie value."""
        token = secrets.token_urlsafe(32)
        now = _now()
        with self.store._guard(), self.store.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.expires_at < _iso(now)))
            conn.execute(sessions.insert().values(
                id=_digest(token), account_id=account.id, csrf=secrets.token_urlsafe(32),
                created_at=_iso(now), expires_at=_iso(now + timedelta(hours=SESSION_HOURS))))
        return self.sign(token)

    def session(self, cookie: str | None) -> SignedIn | None:
        token = self.unsign(cookie)
        if token is None:
            return None
        with self.store._guard(), self.store.engine.connect() as conn:
            row = conn.execute(select(sessions).where(sessions.c.id == _digest(token))).first()
        if row is None or row.expires_at <= _iso(_now()):
            return None
        account = self.accounts.by_id(row.account_id)
        if account is None or not account.active:
            return None
        return SignedIn(account, row.id, row.csrf)

    def close_session(self, signed: SignedIn) -> None:
        with self.store._guard(), self.store.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.id == signed.session_id))

    @staticmethod
    def csrf_ok(signed: SignedIn, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(str(token), signed.csrf)

    # -- throttling -------------------------------------------------------------------------

    def throttled(self, username: str, address: str) -> bool:
        since = _iso(_now() - FAILURE_WINDOW)
        keys = (f"user:{username.strip()}", f"ip:{address}")
        with self.store._guard(), self.store.engine.connect() as conn:
            for key in keys:
                n = conn.execute(select(func.count()).select_from(login_failures).where(
                    login_failures.c.key == key, login_failures.c.at >= since)).scalar()
                if n >= MAX_FAILURES:
                    return True
        return False

    def failed(self, username: str, address: str) -> None:
        at = _iso(_now())
        with self.store._guard(), self.store.engine.begin() as conn:
            conn.execute(login_failures.insert(), [
                {"key": f"user:{username.strip()}"[:200], "at": at}, {"key": f"ip:{address}"[:200], "at": at}])

    def succeeded(self, username: str) -> None:
        with self.store._guard(), self.store.engine.begin() as conn:
            conn.execute(delete(login_failures).where(login_failures.c.key == f"user:{username.strip()}"))
