"""What every page's navigation may show, decided in permissions.py and handed over as booleans."""

from .permissions import (
    can_administer,
    can_carry_over_year,
    can_exchange,
    can_view_review_stats,
    is_filler,
    is_reviewer,
)

NAV_CHECKS = {
    "is_filler": is_filler,
    "is_reviewer": is_reviewer,
    "can_administer": can_administer,
    "can_carry_over_year": can_carry_over_year,
    "can_view_review_stats": can_view_review_stats,
    "can_exchange": can_exchange,
}


def perfgoals_nav(request) -> dict[str, bool]:
    # An error page raised before the authentication middleware ran has no user yet.
    user = getattr(request, "user", None)
    return {name: user is not None and check(user) for name, check in NAV_CHECKS.items()}
