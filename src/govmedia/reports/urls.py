from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report, name="index"),
    path("print/", views.print_report, name="print"),
    path("inspection/", views.inspection, name="inspection"),
    path("overview/", views.overview_page, name="overview"),
]
