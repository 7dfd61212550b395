"""A person's account, the second factor, password resets, and the administrators' pages.

The steps of signing in (second factor, enrolment, password reset) are under
``/accounts/``, which a session whose second factor is not yet checked may
reach (accounts.middleware.SecondFactorMiddleware).
"""

from django.urls import path

from halluxpath.sites.views import account, password_reset, people, site_settings

app_name = "people"

urlpatterns = [
    path("account/", account.account, name="account"),
    path("account/password/", account.password_change, name="password_change"),
    path("account/recovery-codes/", account.new_recovery_codes, name="recovery_codes"),
    path("accounts/second-factor/", account.verify, name="second_factor"),
    path("accounts/second-factor/set-up/", account.enrol, name="enrol"),
    path(
        "accounts/password-reset/",
        password_reset.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        password_reset.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        password_reset.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/done/",
        password_reset.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("site/people/", people.users, name="users"),
    path("site/people/new/", people.user_create, name="user_create"),
    path("site/people/<int:pk>/", people.user_edit, name="user_edit"),
    path("site/people/<int:pk>/deactivate/", people.user_deactivate, name="user_deactivate"),
    path("site/people/<int:pk>/reactivate/", people.user_reactivate, name="user_reactivate"),
    path(
        "site/people/<int:pk>/reset-second-factor/",
        people.user_reset_second_factor,
        name="user_reset_second_factor",
    ),
    path("site/settings/", site_settings.site_settings, name="site_settings"),
]
