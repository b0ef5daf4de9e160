"""Accounts and units (股室) of the office, in the same register as the review log.

Once an office has an account, the register records only authenticated people: the web desk
signs in with a password (argon2id) and passes the account's name and roles to the gate, and
the CLI's free-text ``--by`` is refused for every review write (``Store.require_sign_in``).
The roles of the accounts replace the config's ``[roster]``: the gate reads who holds which
role from here.

argon2-cffi is part of the ``web`` extra; it is imported only when a password is hashed or
checked, so ``gongkai review status`` on a register with accounts does not need it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, select

from ..review.checklist import ACCOUNT_ROLES
from .database import Store, StoreError
from .schema import accounts, units

MIN_PASSWORD = 10


class AccountError(ValueError):
    """A refused account operation: one line for the person who asked."""


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    username: str
    name: str
    roles: frozenset[str]
    unit_id: int | None
    unit: str | None
    active: bool = True

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    @property
    def role_text(self) -> str:
        return "、".join(r for r in ACCOUNT_ROLES if r in self.roles)


def _hasher():
    try:
        from argon2 import PasswordHasher
    except ImportError:  # pragma: no cover - the web extra is missing
        raise StoreError("账户密码需要 argon2-cffi（pip install 'gongkai[web]'）") from None
    return PasswordHasher()  # argon2id with the library's current defaults


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符")
    return _hasher().hash(password)


#: A hash to verify against when the user does not exist, so both answers take as long.
_DUMMY: list[str] = []


def check_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (an argon2 PHC string); constant work when ``stored`` is None."""
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    hasher = _hasher()
    if stored is None:
        if not _DUMMY:
            _DUMMY.append(hasher.hash("gongkai-dummy-password"))
        stored, password = _DUMMY[0], password + "\0"
    try:
        return hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _roles(raw) -> frozenset[str]:
    roles = frozenset(r.strip() for r in raw if r and r.strip())
    bad = sorted(roles - set(ACCOUNT_ROLES))
    if bad:
        raise AccountError(f"未知角色 {'、'.join(bad)}（应为 {'、'.join(ACCOUNT_ROLES)}）")
    if not roles:
        raise AccountError("账户至少要有一个角色")
    return roles


def _account(row) -> Account:
    m = row._mapping
    return Account(m["id"], m["username"], m["name"], frozenset(json.loads(m["roles"])), m["unit_id"],
                   m.get("unit_name"), bool(m["active"]))


class Accounts:
    """The accounts and units of one register."""

    def __init__(self, store: Store):
        self.store = store

    def _query(self):
        return select(accounts, units.c.name.label("unit_name")).select_from(
            accounts.outerjoin(units, accounts.c.unit_id == units.c.id))

    def any(self) -> bool:
        return self.store.has_accounts()

    def unit(self, name: str) -> int:
        """The id of the unit ``name``, created when new."""
        name = name.strip()
        if not name:
            raise AccountError("股室名称不能为空")
        with self.store._guard(), self.store.engine.begin() as conn:
            row = conn.execute(select(units.c.id).where(units.c.name == name)).first()
            if row:
                return row.id
            return conn.execute(units.insert().values(name=name, created_at=self.store.clock())).inserted_primary_key[0]

    def units(self) -> list[tuple[int, str]]:
        with self.store._guard(), self.store.engine.connect() as conn:
            return [(r.id, r.name) for r in conn.execute(select(units).order_by(units.c.id))]

    def create(self, username: str, name: str, password: str, roles, unit: str | None = None) -> Account:
        """A new account; refused when the username or the name is taken."""
        username, name = username.strip(), name.strip()
        if not username or not name:
            raise AccountError("用户名和姓名不能为空")
        roles = _roles(roles)
        digest = hash_password(password)
        unit_id = self.unit(unit) if unit and unit.strip() else None
        with self.store._guard(), self.store.engine.begin() as conn:
            taken = conn.execute(select(accounts.c.username, accounts.c.name).where(
                (accounts.c.username == username) | (accounts.c.name == name))).first()
            if taken:
                what = f"用户名 {username}" if taken.username == username else f"姓名 {name}"
                raise AccountError(f"{what} 已被使用（登记簿以姓名记录签署人，姓名须唯一）")
            conn.execute(accounts.insert().values(
                username=username, name=name, password_hash=digest, roles=json.dumps(sorted(roles), ensure_ascii=False),
                unit_id=unit_id, active=True, created_at=self.store.clock()))
        return self.by_username(username)

    def by_username(self, username: str) -> Account | None:
        with self.store._guard(), self.store.engine.connect() as conn:
            row = conn.execute(self._query().where(accounts.c.username == username.strip())).first()
        return _account(row) if row else None

    def by_id(self, account_id: int) -> Account | None:
        with self.store._guard(), self.store.engine.connect() as conn:
            row = conn.execute(self._query().where(accounts.c.id == account_id)).first()
        return _account(row) if row else None

    def all(self) -> list[Account]:
        with self.store._guard(), self.store.engine.connect() as conn:
            return [_account(r) for r in conn.execute(self._query().order_by(accounts.c.id))]

    def authenticate(self, username: str, password: str) -> Account | None:
        """The active account whose password matches, else None (same work whether or not it exists)."""
        with self.store._guard(), self.store.engine.connect() as conn:
            row = conn.execute(select(accounts).where(accounts.c.username == username.strip())).first()
        ok = check_password(row.password_hash if row else None, password)
        if not ok or row is None or not row.active:
            return None
        return self.by_id(row.id)

    def update(self, account_id: int, *, roles=None, unit: str | None = None, active: bool | None = None,
               password: str | None = None) -> Account:
        """Change an account's roles, unit, state or password (the log keeps what was signed)."""
        values: dict = {}
        if roles is not None:
            values["roles"] = json.dumps(sorted(_roles(roles)), ensure_ascii=False)
        if unit is not None:
            values["unit_id"] = self.unit(unit) if unit.strip() else None
        if active is not None:
            values["active"] = active
        if password is not None:
            values["password_hash"] = hash_password(password)
        if values:
            with self.store._guard(), self.store.engine.begin() as conn:
                conn.execute(accounts.update().where(accounts.c.id == account_id).values(**values))
        account = self.by_id(account_id)
        if account is None:
            raise AccountError(f"账户 #{account_id} 不存在")
        return account

    def count(self) -> int:
        with self.store._guard(), self.store.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(accounts)).scalar() or 0
