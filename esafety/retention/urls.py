from django.urls import path

from . import views

school = "schools/<slug:slug>/retention/"

urlpatterns = [
    path(school, views.review, name="retention-review"),
    path(school + "destroyed/", views.tombstones, name="retention-tombstones"),
    path(school + "holds/", views.holds, name="retention-holds"),
    path(school + "holds/<int:pk>/lift/", views.hold_lift, name="retention-hold-lift"),
    path(school + "schedule/", views.schedule, name="retention-schedule"),
    path(school + "schedule/<str:key>/", views.lengthen, name="retention-lengthen"),
]
