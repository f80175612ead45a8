from django.urls import path

from .exchange import views as excel_views
from .suggest import views as suggest_views
from .views import carryover, editor, exchange, jobs, lists, onboarding, review, review_out, review_templates

app_name = "projects"

urlpatterns = [
    path("", lists.my_forms, name="my_forms"),
    path("new/", editor.create_form, name="create"),
    path("queue/", lists.queue, name="queue"),
    path("queue/units/", lists.unit_choices, name="units"),
    path("<int:pk>/", review.detail, name="detail"),
    path("<int:pk>/edit/", editor.edit_form, name="edit"),
    path("<int:pk>/submit/", review.submit, name="submit"),
    path("<int:pk>/withdraw/", review.withdraw, name="withdraw"),
    path("<int:pk>/review/", review.review, name="review"),
    path("<int:pk>/approve/", review.approve, name="approve"),
    path("<int:pk>/return/", review.return_view, name="return"),
    path("<int:pk>/carry-over/", carryover.carry_over, name="carry_over"),
    path("carry-over/", carryover.carry_over_year, name="carry_over_year"),
    path("<int:pk>/score/", review.score, name="score"),
    path("<int:pk>/reopen/", review.reopen, name="reopen"),
    path("queue/approve/", review.batch_approve, name="batch_approve"),
    path("review-templates/", review_templates.template_list, name="review_templates"),
    path("review-templates/<int:template_pk>/", review_templates.template_detail, name="review_template"),
    path("<int:pk>/opinion/", review_out.opinion_download, name="opinion_download"),
    path("review-stats/", review_out.review_stats, name="review_stats"),
    path("review-stats/xlsx/", review_out.review_stats_xlsx, name="review_stats_xlsx"),
    path("<int:pk>/xlsx/", excel_views.download, name="excel_download"),
    path("<int:pk>/xlsx/upload/", excel_views.upload, name="excel_upload"),
    path("<int:pk>/xlsx/upload/confirm/", excel_views.upload_confirm, name="excel_upload_confirm"),
    path("xlsx/new/", excel_views.upload_new, name="excel_create"),
    path("xlsx/new/confirm/", excel_views.upload_new_confirm, name="excel_create_confirm"),
    path("export/", excel_views.export_start, name="excel_export"),
    path("export/<int:job_pk>/", excel_views.export_status, name="excel_export_status"),
    path("export/<int:job_pk>/progress/", excel_views.export_progress, name="excel_export_progress"),
    path("export/<int:job_pk>/download/", excel_views.export_download, name="excel_export_download"),
    path("suggest/", suggest_views.suggestions, name="suggest"),
    path("onboarding/", onboarding.upload, name="onboarding"),
    path("onboarding/template/<str:which>/", onboarding.template, name="onboarding_template"),
    path("onboarding/confirm/", onboarding.confirm, name="onboarding_confirm"),
    path("onboarding/done/", onboarding.result, name="onboarding_result"),
    path("onboarding/passwords.xlsx", onboarding.passwords, name="onboarding_passwords"),
    path("exchange/", exchange.exchange, name="exchange"),
    path("exchange/export/", exchange.export, name="exchange_export"),
    path("exchange/check/", exchange.check, name="exchange_check"),
    path("exchange/import/<int:job_pk>/", exchange.import_view, name="exchange_import"),
    path("jobs/<int:job_pk>/", jobs.job_status, name="job_status"),
    path("jobs/<int:job_pk>/progress/", jobs.job_progress, name="job_progress"),
    path("jobs/<int:job_pk>/download/", jobs.job_download, name="job_download"),
]
