from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.entries, name="entries"),
    path("export.xlsx", views.export, name="export"),
    path("verify/", views.verify_now, name="verify"),
]
