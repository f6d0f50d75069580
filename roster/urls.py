from django.urls import path

from . import views

school = "schools/<slug:slug>/"

urlpatterns = [
    path(school + "mis-sync/", views.overview, name="roster"),
    path(school + "mis-sync/settings/", views.settings, name="roster-settings"),
    path(school + "mis-sync/sync-now/", views.sync_now, name="roster-sync-now"),
    path("mis-sync/runs/<int:pk>/", views.run_detail, name="roster-run"),
    path("mis-sync/runs/<int:pk>/approve/", views.run_approve, name="roster-run-approve"),
    path("mis-sync/runs/<int:pk>/discard/", views.run_discard, name="roster-run-discard"),
]
