"""Password policy and lockout (等保 2.0 level 3 hygiene, GB/T 22239-2019 §8.1.4.1)."""

from __future__ import annotations

import secrets
import string

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a message of our own: Django 5.2's zh_Hans catalogue no longer matches
    the English message id, so its text came out in English."""

    def get_error_message(self) -> str:
        return f"密码长度太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"至少 {self.min_length} 个字符。"


class CharacterClassValidator:
    """At least `min_classes` of: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        classes = [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c in string.digits for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                f"密码须至少包含大写字母、小写字母、数字、符号中的 {self.min_classes} 类。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"至少包含大写字母、小写字母、数字、符号中的 {self.min_classes} 类。"


class PasswordHistoryValidator:
    """The new password may not be the current one or one of the last `remember`."""

    def __init__(self, remember: int = 5):
        self.remember = remember

    def validate(self, password: str, user=None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        from oa.core.models import PasswordHistory

        previous = [
            user.password,
            *list(
                PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: self.remember]
            ),
        ]
        if any(encoded and check_password(password, encoded) for encoded in previous):
            raise ValidationError(
                f"新密码不能与最近 {self.remember} 次使用过的密码相同。", code="password_reused"
            )

    def get_help_text(self) -> str:
        return f"不能与最近 {self.remember} 次使用过的密码相同。"


def generate_password(length: int = 14) -> str:
    """A random password that satisfies the policy (shown once, changed at first login)."""
    classes = [string.ascii_lowercase, string.ascii_uppercase, string.digits, "#@%+=-"]
    chars = [secrets.choice(c) for c in classes]
    chars += [secrets.choice("".join(classes)) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)
