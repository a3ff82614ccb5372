"""The password rules: complexity, personal information, history of the last five."""

from __future__ import annotations

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import PasswordHistory
from core.errors import DomainError
from core.testing.factories import UserFactory
from orgs.services import person_create, person_set_password


def codes(password: str, user=None) -> set[str]:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


class TestComplexity:
    @pytest.mark.parametrize(
        "password",
        ["Abcdef1!", "abcdefg1!", "ABCDEFG1!", "Hanzhong88", "Hanzhong!!", "甲乙丙丁Ab1!", "Zz9#zz9#"],
    )
    def test_three_kinds_of_eight_characters_pass(self, password):
        assert codes(password) == set()

    @pytest.mark.parametrize("password", ["Ab1!xyz", "A1!"])
    def test_shorter_than_eight_is_refused(self, password):
        assert "password_too_short" in codes(password)

    @pytest.mark.parametrize("password", ["abcdefghij", "abcdefgh12", "ABCDEFGH!!", "12345678!!", "abcdEFGHij"])
    def test_fewer_than_three_kinds_is_refused(self, password):
        assert "password_too_simple" in codes(password)

    def test_messages_are_chinese(self):
        with pytest.raises(ValidationError) as caught:
            password_validation.validate_password("abc")
        assert any("至少" in message for message in caught.value.messages)


@pytest.mark.django_db
class TestPersonalInformation:
    @pytest.fixture
    def person(self):
        return UserFactory(username="wangfang", real_name="王芳", mobile="13812345678")

    def test_user_name_in_any_case(self, person):
        assert "password_has_username" in codes("WangFang@2026", person)

    def test_real_name(self, person):
        assert "password_has_name" in codes("王芳Abc@2026", person)

    def test_mobile(self, person):
        assert "password_has_mobile" in codes("Ab!13812345678", person)

    def test_unrelated_password_passes(self, person):
        assert codes("Qingshan@2026", person) == set()


@pytest.mark.django_db
class TestHistory:
    PASSWORDS = ["First@2026a", "Second@2026b", "Third@2026c", "Fourth@2026d", "Fifth@2026e", "Sixth@2026f"]

    def test_none_of_the_last_five_may_return(self, people):
        person = people.clerk_a
        for password in self.PASSWORDS:
            services.password_change(user=person, new_password=password)
        # The last five (the current one included) are refused…
        for password in self.PASSWORDS[1:]:
            with pytest.raises(DomainError) as caught:
                services.password_change(user=person, new_password=password)
            assert caught.value.field == "password"
        # …the sixth-last is allowed again.
        services.password_change(user=person, new_password=self.PASSWORDS[0])
        assert person.check_password(self.PASSWORDS[0])

    def test_history_keeps_five_hashes_not_passwords(self, people):
        person = people.clerk_a
        for password in self.PASSWORDS:
            services.password_change(user=person, new_password=password)
        hashes = list(PasswordHistory.objects.filter(user=person).values_list("password", flat=True))
        assert len(hashes) == 5
        assert not any(password in encoded for encoded in hashes for password in self.PASSWORDS)

    def test_the_current_password_without_history_is_refused(self, people):
        # The factory's password predates any history row.
        with pytest.raises(DomainError):
            services.password_change(user=people.clerk_a, new_password="Taizhang@2026")

    def test_a_password_set_by_an_administrator_is_recorded(self, people):
        person_set_password(person=people.clerk_a, password="Admin-set@2026", acting_user=people.admin)
        with pytest.raises(DomainError):
            services.password_change(user=people.clerk_a, new_password="Admin-set@2026")


@pytest.mark.django_db
class TestServicesRunTheRules:
    def test_person_create_refuses_a_weak_password(self, tree, people):
        with pytest.raises(DomainError) as caught:
            person_create(
                acting_user=people.admin, username="weak", real_name="李弱", home_org=tree.street, password="abcdefgh"
            )
        assert caught.value.field == "password"

    def test_person_create_refuses_the_mobile_as_password(self, tree, people):
        with pytest.raises(DomainError):
            person_create(
                acting_user=people.admin,
                username="lazy",
                real_name="李懒",
                home_org=tree.street,
                mobile="13987654321",
                password="Tel13987654321",
            )

    def test_person_set_password_refuses_the_user_name(self, people):
        with pytest.raises(DomainError) as caught:
            person_set_password(person=people.clerk_a, password="Clerk_A@2026", acting_user=people.admin)
        assert caught.value.field == "password"
