from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from projects.views import lists

urlpatterns = [
    path("", lists.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
    path("forms/", include("projects.urls")),
    path("library/", include("projects.library.urls")),
]

handler400 = "projects.views.errors.bad_request"
