from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("units/", views.units, name="units"),
    path("units/new/", views.unit_edit, name="unit_new"),
    path("units/county/", views.county_settings, name="county"),
    path("units/<int:pk>/", views.unit_edit, name="unit_edit"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_edit, name="person_new"),
    path("people/<int:pk>/", views.person_edit, name="person_edit"),
]
