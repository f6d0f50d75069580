from django.urls import path

from . import views

school = "schools/<slug:slug>/subject-access/"

urlpatterns = [
    path(school, views.sar_list, name="sar-list"),
    path(school + "new/", views.sar_add, name="sar-add"),
    path(school + "<int:pk>/", views.sar_detail, name="sar-detail"),
    path(school + "<int:pk>/handler/", views.sar_handler, name="sar-handler"),
    path(school + "<int:pk>/identity/", views.sar_identity, name="sar-identity"),
    path(school + "<int:pk>/extend/", views.sar_extend, name="sar-extend"),
    path(school + "<int:pk>/search/", views.sar_search, name="sar-search"),
    path(school + "<int:pk>/disclosure.pdf", views.sar_pdf, name="sar-pdf"),
    path(school + "<int:pk>/sent/", views.sar_sent, name="sar-sent"),
    path(school + "<int:pk>/close/", views.sar_close, name="sar-close"),
]
