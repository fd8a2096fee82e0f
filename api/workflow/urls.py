from django.urls import path

from api.workflow import views

urlpatterns = [
    path("workflow/tasks/", views.TaskListView.as_view(), name="workflow-tasks"),
    path("workflow/tasks/<int:pk>/", views.TaskDetailView.as_view(), name="workflow-task"),
    path(
        "workflow/tasks/<int:pk>/complete/", views.TaskCompleteView.as_view(), name="workflow-task-complete"
    ),
    path("workflow/tasks/<int:pk>/return/", views.TaskReturnView.as_view(), name="workflow-task-return"),
    path(
        "workflow/tasks/<int:pk>/withdraw/", views.TaskWithdrawView.as_view(), name="workflow-task-withdraw"
    ),
    path(
        "workflow/tasks/<int:pk>/transfer/", views.TaskTransferView.as_view(), name="workflow-task-transfer"
    ),
    path(
        "workflow/tasks/<int:pk>/add-signer/",
        views.TaskAddSignerView.as_view(),
        name="workflow-task-add-signer",
    ),
    path("workflow/tasks/<int:pk>/remind/", views.TaskRemindView.as_view(), name="workflow-task-remind"),
    path("workflow/definitions/", views.DefinitionListView.as_view(), name="workflow-definitions"),
    path("workflow/startable/", views.StartableFlowListView.as_view(), name="workflow-startable"),
    path("workflow/instances/", views.InstanceListView.as_view(), name="workflow-instances"),
    path("workflow/instances/<int:pk>/", views.InstanceDetailView.as_view(), name="workflow-instance"),
    path(
        "workflow/instances/<int:pk>/circulate/",
        views.InstanceCirculateView.as_view(),
        name="workflow-instance-circulate",
    ),
    path("workflow/circulations/", views.CirculationListView.as_view(), name="workflow-circulations"),
    path(
        "workflow/circulations/<int:pk>/read/",
        views.CirculationReadView.as_view(),
        name="workflow-circulation-read",
    ),
]
