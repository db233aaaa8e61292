from django.urls import path

from . import views as v

app_name = "simulator"
W = "wechat/cgi-bin/"
urlpatterns = [
    path("", v.index, name="index"),
    path("control", v.control, name="control"),
    path("<str:platform>/item/<str:key>/", v.item, name="item"),
    path(W + "token", v.wechat_token, name="wechat_token"),
    path(W + "material/add_material", v.wechat_add_material),
    path(W + "draft/add", v.wechat_draft_add),
    path(W + "freepublish/submit", v.wechat_submit),
    path(W + "freepublish/get", v.wechat_publish_get),
    path(W + "freepublish/getarticle", v.wechat_get_article),
    path(W + "message/mass/sendall", v.wechat_mass_send),
    path(W + "message/custom/send", v.wechat_custom_send),
    path(W + "comment/list", v.wechat_comments),
    path("wechat/material/<str:media_id>", v.wechat_material, name="wechat_material"),
    path("weibo/2/statuses/share.json", v.weibo_share),
    path("weibo/2/statuses/show.json", v.weibo_show),
    path("weibo/2/comments/reply.json", v.weibo_reply),
    path("weibo/2/comments/show.json", v.weibo_comments),
]
