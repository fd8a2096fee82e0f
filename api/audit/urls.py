from django.urls import path

from api.audit import views

urlpatterns = [path("audit-events/", views.AuditEventListView.as_view(), name="audit-events")]
