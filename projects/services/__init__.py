"""Every change to a performance form goes through a function here.

Creating, saving, importing and every workflow step: each checks its own guard, so a view's
early check is a courtesy and never the authority. tests/test_architecture.py refuses ORM
writes on forms, rows, events, submissions and row comments anywhere but here (and in the
development-data generators).
"""

from .content import (
    CONTENT_FIELDS,
    Imported,
    RowInput,
    create_form,
    form_data,
    form_warnings,
    import_form,
    match_rows,
    refresh_counts,
    save_form,
    write_content,
)
from .errors import (
    CannotCreateError,
    ConcurrentEditError,
    DuplicateFormError,
    NotEditableError,
    SubmitBlocked,
    TransitionError,
)
from .workflow import approve, return_form, snapshot, submit, withdraw

__all__ = [
    "CONTENT_FIELDS",
    "CannotCreateError",
    "ConcurrentEditError",
    "DuplicateFormError",
    "Imported",
    "NotEditableError",
    "RowInput",
    "SubmitBlocked",
    "TransitionError",
    "approve",
    "create_form",
    "form_data",
    "form_warnings",
    "import_form",
    "match_rows",
    "refresh_counts",
    "return_form",
    "save_form",
    "snapshot",
    "submit",
    "withdraw",
    "write_content",
]
