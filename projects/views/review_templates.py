"""The 审核评分模板, read-only: what a form is scored on, per year and form kind."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from ..permissions import can_administer
from ..reviews.models import ReviewTemplate


@login_required
def template_list(request):
    templates = ReviewTemplate.objects.select_related("year").annotate(
        item_count=Count("items"), points=Sum("items__max_points")
    )
    return render(
        request,
        "reviews/template_list.html",
        {"templates": templates, "can_administer": can_administer(request.user)},
    )


@login_required
def template_detail(request, template_pk):
    try:
        template = ReviewTemplate.objects.select_related("year").get(pk=template_pk)
    except ReviewTemplate.DoesNotExist:
        raise Http404(_("没有找到这个审核评分模板。")) from None
    items = list(template.items.all())
    return render(
        request,
        "reviews/template_detail.html",
        {
            "template": template,
            "items": items,
            "points": sum((i.max_points for i in items), 0),
            "can_administer": can_administer(request.user),
        },
    )
