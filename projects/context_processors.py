"""What every page's navigation may show, decided in permissions.py and handed over as booleans."""

from .permissions import can_administer, can_view_review_stats, is_filler, is_reviewer


def perfgoals_nav(request) -> dict[str, bool]:
    # An error page raised before the authentication middleware ran has no user yet.
    user = getattr(request, "user", None)
    if user is None:
        return {"is_filler": False, "is_reviewer": False, "can_administer": False, "can_view_review_stats": False}
    return {
        "is_filler": is_filler(user),
        "is_reviewer": is_reviewer(user),
        "can_administer": can_administer(user),
        "can_view_review_stats": can_view_review_stats(user),
    }
