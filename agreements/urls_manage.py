from django.urls import path

from . import views_manage as views

school = "schools/<slug:slug>/agreements/"

urlpatterns = [
    path(school + "documents/", views.documents, name="agreements-documents"),
    path(school + "documents/add/", views.document_add, name="agreements-document-add"),
    path(school + "documents/standard/", views.set_up_standard, name="agreements-set-up-standard"),
    path(school + "reviews/", views.review_list, name="agreements-reviews"),
    path(school + "reviews/open/", views.review_open, name="agreements-review-open"),
    path("agreements/documents/<int:pk>/", views.document_detail, name="agreements-document"),
    path(
        "agreements/documents/<int:pk>/edit/", views.document_edit, name="agreements-document-edit"
    ),
    path(
        "agreements/documents/<int:pk>/new-version/",
        views.version_add,
        name="agreements-version-add",
    ),
    path(
        "agreements/documents/<int:pk>/current.pdf",
        views.current_pdf,
        name="agreements-current-pdf",
    ),
    path("agreements/versions/<int:pk>/", views.version_detail, name="agreements-version"),
    path("agreements/versions/<int:pk>/edit/", views.version_edit, name="agreements-version-edit"),
    path(
        "agreements/versions/<int:pk>/version.pdf", views.version_pdf, name="agreements-version-pdf"
    ),
    path(
        "agreements/versions/<int:pk>/<slug:action>/",
        views.version_action,
        name="agreements-version-action",
    ),
    path("agreements/approvals/", views.approvals, name="agreements-approvals"),
    path("agreements/reviews/<int:pk>/", views.review_detail, name="agreements-review"),
    path(
        "agreements/reviews/<int:pk>/<slug:action>/",
        views.review_action,
        name="agreements-review-action",
    ),
]
