"""Sign-in and sign-out at the root ("login", "logout": LOGIN_URL and the templates use
these names), and the admin's sign-in page pointed at ours."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/verify/", views.sign_in_verify, name="login_verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Must come before admin.site.urls: the admin's own form would skip the second step.
    path("admin/login/", views.admin_login, name="admin_login"),
]
