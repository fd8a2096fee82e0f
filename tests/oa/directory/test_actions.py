from django.contrib.auth import get_user_model

from oa.core.actions import check_password_policy
from oa.directory.actions import generate_password


def test_generated_passwords_satisfy_the_policy_and_differ(db):
    passwords = {generate_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        check_password_policy(password, user=get_user_model()(username="someone"))
