from django.urls import include, path

# Signing (everyone), managing (leads, trustees) and registers (leads, technicians, trustees).
urlpatterns = [
    path("", include("agreements.urls_sign")),
    path("", include("agreements.urls_manage")),
    path("", include("agreements.urls_registers")),
]
