from django.urls import path

from govmedia.inquiries import wechat

app_name = "platforms"
urlpatterns = [
    path("wechat/<int:account_id>/callback", wechat.callback, name="wechat_callback"),
]
