from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.forms import PhoneLoginForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", authentication_form=PhoneLoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("login/sms/", views.login_by_code, name="login_sms"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("profile/", views.profile, name="profile"),
    path("security/", views.security, name="security"),
    path("security/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("security/end-sessions/", views.end_sessions, name="end_sessions"),
]
