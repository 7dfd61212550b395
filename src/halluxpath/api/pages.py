"""The token pages' addresses (included by site.urls; the API itself is api.urls)."""

from django.urls import path

from halluxpath.api import views

app_name = "tokens"

urlpatterns = [
    path("account/api-tokens/", views.my_tokens, name="mine"),
    path("site/api-tokens/", views.site_tokens, name="site"),
    path("api-tokens/<int:pk>/revoke/", views.revoke, name="revoke"),
]
