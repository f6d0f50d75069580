from django.urls import path

from . import views

urlpatterns = [
    path("schools/<slug:slug>/self-review/", views.school_reviews, name="selfreview-school"),
    path("schools/<slug:slug>/self-review/start/", views.start, name="selfreview-start"),
    path("self-reviews/<int:pk>/", views.detail, name="selfreview-detail"),
    path("self-reviews/<int:pk>/summary/", views.summary, name="selfreview-summary"),
    path("self-reviews/<int:pk>/rate/<slug:aspect>/", views.rate, name="selfreview-rate"),
    path("self-reviews/<int:pk>/sign/<slug:step>/", views.sign, name="selfreview-sign"),
    path("self-reviews/<int:pk>/actions/add/", views.action_add, name="selfreview-action-add"),
    path("self-reviews/<int:pk>/pdf/", views.pdf, name="selfreview-pdf"),
    path("self-review-actions/<int:pk>/", views.action, name="selfreview-action"),
    path("trust/self-reviews/", views.trust, name="selfreview-trust"),
]
