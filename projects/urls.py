from django.urls import path

from . import views
from .exchange import views as excel_views

app_name = "projects"

urlpatterns = [
    path("", views.my_forms, name="my_forms"),
    path("new/", views.create_form, name="create"),
    path("queue/", views.queue, name="queue"),
    path("queue/units/", views.unit_choices, name="units"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit_form, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/return/", views.return_view, name="return"),
    path("<int:pk>/xlsx/", excel_views.download, name="excel_download"),
    path("<int:pk>/xlsx/upload/", excel_views.upload, name="excel_upload"),
    path("<int:pk>/xlsx/upload/confirm/", excel_views.upload_confirm, name="excel_upload_confirm"),
    path("xlsx/new/", excel_views.upload_new, name="excel_create"),
    path("xlsx/new/confirm/", excel_views.upload_new_confirm, name="excel_create_confirm"),
    path("export/", excel_views.export_start, name="excel_export"),
    path("export/<int:job_pk>/", excel_views.export_status, name="excel_export_status"),
    path("export/<int:job_pk>/progress/", excel_views.export_progress, name="excel_export_progress"),
    path("export/<int:job_pk>/download/", excel_views.export_download, name="excel_export_download"),
]
