"""`{% countdown perf_form %}`: "距截止还有 N 天" / "已逾期 N 天" beside a form still to be submitted."""

from django import template

from ..deadlines import Countdown, deadline_for

register = template.Library()

# A list sets perf_form.countdown for its whole page at once (deadlines.attach_countdowns);
# a single form's page (editor, detail) asks here.
NOT_SET = object()


@register.inclusion_tag("season/_countdown.html")
def countdown(perf_form):
    found = getattr(perf_form, "countdown", NOT_SET)
    if found is NOT_SET:
        found = None
        if perf_form.pk and perf_form.is_editable:
            found = Countdown.of(deadline_for(perf_form.unit, perf_form.year))
    return {"countdown": found}
