from django.urls import path

from . import views

app_name = "calendar"
urlpatterns = [
    path("", views.schedules, name="schedules"),
    path("<int:year>/", views.year, name="year"),
]
