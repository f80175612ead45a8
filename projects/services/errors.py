"""What the services refuse, each with its reason in Chinese for the person who asked."""

from django.utils.translation import gettext as _

from indicators.warnings import FormWarning

from ..models import PerformanceForm


class ConcurrentEditError(Exception):
    """Someone else saved the form since this editor loaded it."""

    def __init__(self, current_version: int):
        self.current_version = current_version
        super().__init__(
            _("这张表已被他人保存（当前版本 %(version)s），您的修改尚未保存。请核对后再保存。")
            % {"version": current_version}
        )


class NotEditableError(Exception):
    """The form is in review or approved: its content cannot change; `perf_form` is the form as it is."""

    def __init__(self, message: str, *, perf_form: PerformanceForm | None = None):
        self.perf_form = perf_form
        super().__init__(message)


class DuplicateFormError(Exception):
    """The unit already has a form of that name in that year."""


class TransitionError(Exception):
    """A workflow step that is not allowed now; the message says why, in Chinese."""


class CannotCreateError(TransitionError):
    """This user may not create this form now (role, unit, kind, year closed, no framework)."""


class SubmitBlocked(TransitionError):
    def __init__(self, errors: list[FormWarning]):
        self.errors = errors
        super().__init__(_("还有 %(n)s 个错误未改正，不能提交。请先按检查结果修改并保存。") % {"n": len(errors)})
