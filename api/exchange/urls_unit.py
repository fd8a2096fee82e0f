"""公文交换 on a unit's host."""

from django.urls import path

from api.exchange import views_unit as views

urlpatterns = [
    path("exchange/directory/", views.DirectoryView.as_view(), name="exchange-directory"),
    path("exchange/directory/groups/", views.GroupListView.as_view(), name="exchange-directory-groups"),
    path("exchange/sendable/", views.SendableView.as_view(), name="exchange-sendable"),
    path(
        "exchange/sendable/meetings/", views.SendableMeetingsView.as_view(), name="exchange-sendable-meetings"
    ),
    path("exchange/meeting-notices/", views.MeetingNoticeView.as_view(), name="exchange-meeting-notices"),
    path("exchange/envelopes/", views.EnvelopeListView.as_view(), name="exchange-envelopes"),
    path("exchange/envelopes/<int:pk>/", views.EnvelopeDetailView.as_view(), name="exchange-envelope"),
    path("exchange/envelopes/<int:pk>/recall/", views.EnvelopeRecallView.as_view(), name="exchange-recall"),
    path("exchange/envelopes/<int:pk>/urge/", views.EnvelopeUrgeView.as_view(), name="exchange-urge"),
    path("exchange/inbox/", views.InboxView.as_view(), name="exchange-inbox"),
    path("exchange/inbox/<int:pk>/", views.InboxDetailView.as_view(), name="exchange-inbox-item"),
    path(
        "exchange/inbox/<int:pk>/files/<int:index>/",
        views.InboxFileView.as_view(),
        name="exchange-inbox-file",
    ),
    path("exchange/inbox/<int:pk>/package/", views.InboxPackageView.as_view(), name="exchange-inbox-package"),
    path("exchange/inbox/<int:pk>/sign/", views.InboxSignView.as_view(), name="exchange-sign"),
    path("exchange/inbox/<int:pk>/return/", views.InboxReturnView.as_view(), name="exchange-return"),
    path("exchange/packages/", views.PackageSubmitView.as_view(), name="exchange-packages"),
]
