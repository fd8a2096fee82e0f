from django.urls import path

from api.notices import views

urlpatterns = [
    path("notices/", views.NoticeListView.as_view(), name="notices"),
    path("notices/unread-count/", views.UnreadCountView.as_view(), name="notices-unread-count"),
    path("notices/columns/", views.ColumnListView.as_view(), name="notice-columns"),
    path("notices/columns/<int:pk>/", views.ColumnDetailView.as_view(), name="notice-column"),
    path("notices/flows/", views.ApprovalFlowsView.as_view(), name="notice-flows"),
    path("notices/manage/", views.ManagedListView.as_view(), name="notices-manage"),
    path("notices/<int:pk>/", views.NoticeDetailView.as_view(), name="notice"),
    path("notices/<int:pk>/read/", views.ReadView.as_view(), name="notice-read"),
    path("notices/<int:pk>/publish/", views.PublishView.as_view(), name="notice-publish"),
    path("notices/<int:pk>/retract/", views.RetractView.as_view(), name="notice-retract"),
    path("notices/<int:pk>/remind/", views.RemindView.as_view(), name="notice-remind"),
    path("notices/<int:pk>/receipts/", views.ReceiptsView.as_view(), name="notice-receipts"),
    path("notices/<int:pk>/send/", views.SendView.as_view(), name="notice-send"),
    path("notices/<int:pk>/files/", views.FilesView.as_view(), name="notice-files"),
    path("notices/<int:pk>/files/<int:file_pk>/", views.FileView.as_view(), name="notice-file"),
]
