from django.urls import path

from . import views

school = "schools/<slug:slug>/concerns/"

urlpatterns = [
    path(school, views.concern_list, name="concern-list"),
    path(school + "new/", views.concern_create, name="concern-create"),
    path(school + "sent/", views.concern_sent, name="concern-sent"),
    path(school + "people/", views.concern_patterns, name="concern-patterns"),
    path(school + "people/<int:user_pk>/", views.concern_person, name="concern-person"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern-detail"),
    path("concerns/<int:pk>/respond/", views.concern_respond, name="concern-respond"),
    path("concerns/<int:pk>/refer/", views.concern_refer, name="concern-refer"),
    path("concerns/trust/", views.trust_patterns, name="concern-trust-patterns"),
]
