from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home),
    path("claims/", views.claims),
    path("public/", views.public),
]
