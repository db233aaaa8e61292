from typing import Any

from django.contrib.auth.backends import ModelBackend


class PersonBackend(ModelBackend):
    """Django's backend, loading a signed-in person with their unit and its county: every page shows both
    and most of them read the unit for the person's scope (one query rather than two or three)."""

    def get_user(self, user_id: Any) -> Any:
        from .models import User

        try:
            user = User._default_manager.select_related("unit__county").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
