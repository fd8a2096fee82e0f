"""Account actions: the only code that writes accounts, passwords and tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from oa.core.audit import record_event
from oa.core.errors import ActionError, ErrorCode
from oa.core.models import Account, ApiToken, LoginThrottle, PasswordHistory
from oa.core.security import generate_password

User = get_user_model()
USERNAME_MAX = 150


def check_password_policy(password: str, *, user=None, field: str = "password") -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ActionError(ErrorCode.WEAK_PASSWORD, " ".join(exc.messages), field=field) from exc


def validate_username(username: str, *, field: str = "username") -> str:
    username = (username or "").strip()
    if not username:
        raise ActionError(ErrorCode.REQUIRED, "用户名不能为空。", field=field)
    if len(username) > USERNAME_MAX or not all(c.isalnum() or c in "._-@" for c in username):
        raise ActionError(
            ErrorCode.INVALID, "用户名只能包含字母、数字和 . _ - @，且不超过 150 个字符。", field=field
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ActionError(ErrorCode.DUPLICATE, f"用户名“{username}”已存在。", field=field)
    return username


def create_user_account(
    username: str,
    *,
    display_name: str,
    password: str,
    email: str = "",
    is_staff: bool = False,
    must_change_password: bool = False,
) -> User:
    """Create a user and its Account in the current schema. Callers audit and hold the transaction."""
    username = validate_username(username)
    display_name = (display_name or "").strip()
    if not display_name:
        raise ActionError(ErrorCode.REQUIRED, "姓名不能为空。", field="display_name")
    candidate = User(username=username, email=email, first_name=display_name[:150])
    check_password_policy(password, user=candidate)
    user = User.objects.create_user(username=username, password=password, email=email, is_staff=is_staff)
    user.first_name = display_name[:150]
    user.save(update_fields=["first_name"])
    Account.objects.create(
        user=user,
        display_name=display_name,
        must_change_password=must_change_password,
        password_changed_at=timezone.now(),
    )
    return user


def get_account(user) -> Account:
    account, _ = Account.objects.get_or_create(user=user, defaults={"display_name": user.username})
    return account


_DUMMY_HASHES: dict[str, str] = {}


def _check_against_dummy(password: str) -> None:
    """Spend the time a real password check takes, so an unknown username answers no faster
    than a wrong password (no username discovery by timing). One dummy per hasher in use."""
    algorithm = get_hasher().algorithm
    if algorithm not in _DUMMY_HASHES:
        _DUMMY_HASHES[algorithm] = make_password(secrets.token_urlsafe(16))
    check_password(password, _DUMMY_HASHES[algorithm])


def _throttle_rows(username_key: str, ip: str | None) -> tuple[LoginThrottle, LoginThrottle]:
    """(this username from this IP, this username from every IP), locked for this attempt."""
    rows = []
    for ip_key in (ip or "unknown", ""):
        LoginThrottle.objects.get_or_create(username=username_key, ip=ip_key)
        rows.append(LoginThrottle.objects.select_for_update().get(username=username_key, ip=ip_key))
    return rows[0], rows[1]


def backoff_seconds(failures: int) -> int:
    """Per-username delay once failures from every IP pass OA_LOGIN_BACKOFF_AFTER: doubling, capped."""
    over = failures - settings.OA_LOGIN_BACKOFF_AFTER
    if over < 0:
        return 0
    return min(settings.OA_LOGIN_BACKOFF_MAX_SECONDS, 2 ** min(over, 16))


def authenticate_credentials(username: str, password: str, *, ip: str | None = None) -> User:
    """Check a login. Failures are throttled per (username, IP) and audited even though we refuse;
    an unknown username is treated exactly like a wrong password (same answer, same time, audited).
    """
    if not username or not password:
        raise ActionError(
            ErrorCode.REQUIRED, "请输入用户名和密码。", field="username" if not username else "password"
        )
    typed = username.strip()
    key = typed.lower()[:150]
    now = timezone.now()
    with transaction.atomic():
        pair, everywhere = _throttle_rows(key, ip)
        user = User.objects.filter(username__iexact=typed).first()
        target = {"target": user} if user else {"target_type": "auth.user", "target_id": ""}
        wait = 0
        if everywhere.failures and everywhere.last_failure_at:
            wait = backoff_seconds(everywhere.failures) - int(
                (now - everywhere.last_failure_at).total_seconds()
            )
        if pair.locked_until and pair.locked_until > now:
            minutes = max(1, int((pair.locked_until - now).total_seconds() // 60) + 1)
            record_event(
                "auth.login_refused_locked",
                acting_user=None,
                summary=f"已锁定账户尝试登录：{key}",
                detail={"username": key},
                ip=ip,
                **target,
            )
            error = ActionError(
                ErrorCode.ACCOUNT_LOCKED,
                f"登录失败次数过多，账户已锁定，请 {minutes} 分钟后再试。",
                status=423,
            )
        elif wait > 0:
            record_event(
                "auth.login_throttled",
                acting_user=None,
                summary=f"登录尝试过于频繁，暂缓 {wait} 秒：{key}",
                detail={"username": key, "failures": everywhere.failures},
                ip=ip,
                **target,
            )
            error = ActionError(ErrorCode.THROTTLED, f"登录尝试过于频繁，请 {wait} 秒后再试。", status=429)
        elif user is None or not user.check_password(password):
            if user is None:
                _check_against_dummy(password)
            pair.failures += 1
            everywhere.failures += 1
            pair.last_failure_at = everywhere.last_failure_at = now
            summary = f"登录失败：{key}（第 {pair.failures} 次）"
            if pair.failures >= settings.OA_LOCKOUT_THRESHOLD:
                pair.locked_until = now + timedelta(minutes=settings.OA_LOCKOUT_MINUTES)
                pair.failures = 0
                summary = f"连续登录失败，账户在该地址锁定 {settings.OA_LOCKOUT_MINUTES} 分钟：{key}"
                if user is not None:
                    # Shown on the staff list ("locked from at least one address").
                    Account.objects.filter(user=user).update(locked_until=pair.locked_until)
            pair.save()
            everywhere.save()
            record_event(
                "auth.login_failed",
                acting_user=None,
                summary=summary,
                detail={"username": key, "known": user is not None},
                ip=ip,
                **target,
            )
            error = ActionError(ErrorCode.INVALID_CREDENTIALS, "用户名或密码错误。", status=400)
        elif not user.is_active:
            record_event(
                "auth.login_refused_disabled",
                acting_user=None,
                target=user,
                summary=f"停用账户尝试登录：{user.username}",
                ip=ip,
            )
            error = ActionError(ErrorCode.ACCOUNT_DISABLED, "账户已停用，请联系管理员。", status=403)
        else:
            LoginThrottle.objects.filter(pk__in=[pair.pk, everywhere.pk]).delete()
            account = get_account(user)
            if account.failed_logins or account.locked_until:
                still_locked = LoginThrottle.objects.filter(username=key, locked_until__gt=now).exists()
                account.failed_logins = 0
                account.locked_until = account.locked_until if still_locked else None
                account.save(update_fields=["failed_logins", "locked_until"])
            user.last_login = now
            user.save(update_fields=["last_login"])
            record_event("auth.login", acting_user=user, target=user, summary=f"登录：{user.username}", ip=ip)
            return user
    # Raised after the transaction commits, so the failure count and audit row persist.
    raise error


@transaction.atomic
def do_logout(user, *, ip: str | None = None) -> None:
    record_event("auth.logout", acting_user=user, target=user, summary=f"退出登录：{user.username}", ip=ip)


def _store_new_password(user, new_password: str) -> int:
    """Set the password and revoke the user's API tokens; returns how many were revoked.

    Other sessions end by themselves: Django checks each session's password hash.
    """
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    revoked, _ = ApiToken.objects.filter(user=user).delete()
    return revoked


@transaction.atomic
def do_change_password(user, *, old_password: str, new_password: str, ip: str | None = None) -> None:
    if not user.check_password(old_password or ""):
        raise ActionError(ErrorCode.WRONG_PASSWORD, "原密码不正确。", field="old_password")
    check_password_policy(new_password, user=user, field="new_password")
    revoked = _store_new_password(user, new_password)
    account = get_account(user)
    account.must_change_password = False
    account.password_changed_at = timezone.now()
    account.save(update_fields=["must_change_password", "password_changed_at"])
    record_event(
        "auth.password_changed",
        acting_user=user,
        target=user,
        summary=f"修改密码：{user.username}",
        detail={"tokens_revoked": revoked},
        ip=ip,
    )


@transaction.atomic
def do_reset_password(user, *, acting_user, ip: str | None = None) -> str:
    """Give the user a generated one-time password (never one the resetter chooses), returned
    to be shown once; the user must change it at next login. Tokens and sessions are revoked."""
    new_password = generate_password()
    check_password_policy(new_password, user=user, field="password")
    revoked = _store_new_password(user, new_password)
    account = get_account(user)
    account.must_change_password = True
    account.password_changed_at = timezone.now()
    account.failed_logins = 0
    account.locked_until = None
    account.save()
    LoginThrottle.objects.filter(username=user.username.lower()).delete()
    record_event(
        "auth.password_reset",
        acting_user=acting_user,
        target=user,
        summary=f"重置密码（一次性密码）：{user.username}",
        detail={"tokens_revoked": revoked},
        ip=ip,
    )
    return new_password


@transaction.atomic
def do_unlock_account(user, *, acting_user, ip: str | None = None) -> None:
    account = get_account(user)
    account.failed_logins = 0
    account.locked_until = None
    account.save(update_fields=["failed_logins", "locked_until"])
    LoginThrottle.objects.filter(username=user.username.lower()).delete()
    record_event(
        "auth.unlocked", acting_user=acting_user, target=user, summary=f"解锁账户：{user.username}", ip=ip
    )


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def do_create_api_token(user, *, name: str, ip: str | None = None) -> tuple[ApiToken, str]:
    name = (name or "").strip()
    if not name:
        raise ActionError(ErrorCode.REQUIRED, "令牌名称不能为空。", field="name")
    if len(name) > 64:
        raise ActionError(ErrorCode.INVALID, "令牌名称不超过 64 个字符。", field="name")
    plaintext = "oa_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=plaintext[:10], digest=token_digest(plaintext)
    )
    record_event(
        "auth.token_created", acting_user=user, target=token, summary=f"创建 API 令牌：{name}", ip=ip
    )
    return token, plaintext


@transaction.atomic
def do_revoke_api_token(token: ApiToken, *, acting_user, ip: str | None = None) -> None:
    record_event(
        "auth.token_revoked",
        acting_user=acting_user,
        target=token,
        summary=f"撤销 API 令牌：{token.name}",
        ip=ip,
    )
    token.delete()
