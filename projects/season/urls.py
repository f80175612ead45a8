from django.urls import path

from . import views

app_name = "season"

urlpatterns = [
    path("", views.progress, name="progress"),
    path("units/", views.progress_units, name="progress_units"),
    path("units/<int:unit_pk>/expected/", views.expected_list, name="expected_list"),
    path("urge/", views.urge, name="urge"),
    path("export/", views.progress_export, name="progress_export"),
    path("reopen/", views.reopen, name="reopen"),
    path("years/", views.years, name="years"),
    path("years/<int:pk>/", views.year_detail, name="year"),
    path("years/<int:pk>/window/", views.year_window, name="year_window"),
    path("years/<int:pk>/deadlines/", views.year_deadlines, name="year_deadlines"),
    path("years/<int:pk>/expect-last-year/", views.year_expect_last, name="year_expect_last"),
    path("years/<int:pk>/expected/upload/", views.expected_upload, name="expected_upload"),
    path("years/<int:pk>/expected/confirm/", views.expected_confirm, name="expected_confirm"),
    path("expected/template/", views.expected_template, name="expected_template"),
]
