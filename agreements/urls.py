from django.urls import include, path

# Two halves, built separately: signing (everyone) and managing (leads, trustees, office).
urlpatterns = [
    path("", include("agreements.urls_sign")),
    path("", include("agreements.urls_manage")),
]
