"""What every page's navigation may show, decided in permissions.py and handed over as booleans."""

from .permissions import can_administer, can_exchange, is_filler, is_reviewer


def perfgoals_nav(request) -> dict[str, bool]:
    # An error page raised before the authentication middleware ran has no user yet.
    user = getattr(request, "user", None)
    if user is None:
        return {"is_filler": False, "is_reviewer": False, "can_administer": False, "can_exchange": False}
    return {
        "is_filler": is_filler(user),
        "is_reviewer": is_reviewer(user),
        "can_administer": can_administer(user),
        "can_exchange": can_exchange(user),
    }
