from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    # Each unit's flows (BPMN 2.0 run by SpiffWorkflow) and its to-do lists: docs/workflow.md.
    name = "oa.workflow"
    label = "workflow"
    verbose_name = "Workflow (流程)"
