"""The admin, a page of reverse()d links, and a page that tells which Python runs the app."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

from djangosite import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("links/", views.links, name="links"),
    path("python/", views.python, name="python"),
]
