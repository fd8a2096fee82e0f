from django.urls import path

from api.directory import views

urlpatterns = [
    path("directory/departments/", views.DepartmentListView.as_view(), name="departments"),
    path("directory/departments/<int:pk>/", views.DepartmentDetailView.as_view(), name="department-detail"),
    path("directory/positions/", views.PositionListView.as_view(), name="positions"),
    path("directory/positions/<int:pk>/", views.PositionDetailView.as_view(), name="position-detail"),
    path("directory/roles/", views.RoleListView.as_view(), name="roles"),
    path("directory/roles/<int:pk>/", views.RoleDetailView.as_view(), name="role-detail"),
    path("directory/permissions/", views.PermissionListView.as_view(), name="permissions"),
    path("directory/staff/", views.StaffListView.as_view(), name="staff"),
    path("directory/staff/import/", views.StaffImportView.as_view(), name="staff-import"),
    path("directory/staff/<int:pk>/", views.StaffDetailView.as_view(), name="staff-detail"),
    path(
        "directory/staff/<int:pk>/reset-password/",
        views.StaffResetPasswordView.as_view(),
        name="staff-reset-password",
    ),
    path(
        "directory/admin-role-requests/", views.AdminRoleRequestListView.as_view(), name="admin-role-requests"
    ),
    path("directory/staff/<int:pk>/unlock/", views.StaffUnlockView.as_view(), name="staff-unlock"),
]
