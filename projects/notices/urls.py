from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("announcements/", views.announcements, name="announcements"),
    path("announcements/<int:pk>/withdraw/", views.announcement_withdraw, name="announcement_withdraw"),
    path("audit/", views.audit_log, name="audit"),
]
