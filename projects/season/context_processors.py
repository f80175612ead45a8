"""The season's navigation links ("填报进度", "年度设置"), decided in permissions.py, as booleans."""

from ..permissions import can_manage_season, can_view_progress


def season_nav(request) -> dict[str, bool]:
    user = getattr(request, "user", None)
    if user is None:
        return {"can_view_progress": False, "can_manage_season": False}
    return {"can_view_progress": can_view_progress(user), "can_manage_season": can_manage_season(user)}
