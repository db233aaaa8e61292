from django.urls import path

from . import views

app_name = "deliveries"
urlpatterns = [
    path("", views.delivery_list, name="list"),
    path("posts/<int:post_pk>/schedule/", views.schedule, name="schedule"),
    path("posts/<int:post_pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/retry/", views.retry, name="retry"),
    path("accounts/<int:account_pk>/credential/", views.credential, name="credential"),
]
