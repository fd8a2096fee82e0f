"""Flows (流程) in a unit's schema: definitions, running instances, human tasks, the trail.

SpiffWorkflow's serialized state is the truth about where an instance stands; every human
task is also a `HumanTask` row, so to-do lists are plain indexed queries (ARCHITECTURE §5).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ProcessDefinition(models.Model):
    """One version of a flow: its BPMN, immutable once an instance has started on it."""

    key = models.SlugField(max_length=64)
    name = models.CharField(max_length=128)
    version = models.PositiveIntegerField()
    bpmn_xml = models.TextField()
    # The id of the executable <bpmn:process> in bpmn_xml.
    process_id = models.CharField(max_length=128)
    # The process's camunda:candidateStarterGroups (who may start it); empty: any staff.
    starter_groups = models.CharField(max_length=500, blank=True)
    # Which module starts it (documents, affairs, meetings...): the to-do list's ?module= filter.
    module = models.CharField(max_length=32, blank=True)
    # Where it came from in the template library (templates_lib), as plain values: the
    # library lives in the public schema and its rows are never joined from here.
    template_code = models.CharField(max_length=64, blank=True)
    template_version = models.IntegerField(null=True, blank=True)
    # The start event's camunda:formKey: the unit's form template the starter fills in.
    form_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="workflow_definition_key_version")
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    def save(self, *args, **kwargs):
        # Running instances are restored with this BPMN: once used, a version never changes
        # (a changed flow is deployed as the next version).
        if self.pk and ProcessInstance.objects.filter(definition_id=self.pk).exists():
            raise ValueError(f"process definition {self} is in use and cannot be changed")
        super().save(*args, **kwargs)


class ProcessInstance(models.Model):
    class State(models.TextChoices):
        RUNNING = "running", "办理中"
        COMPLETED = "completed", "已办结"
        CANCELLED = "cancelled", "已终止"

    class Urgency(models.TextChoices):
        # 紧急程度 (GB/T 9704-2012 §7.2.3): 特急 / 加急; most items are neither.
        NORMAL = "normal", "普通"
        URGENT = "urgent", "加急"
        VERY_URGENT = "very_urgent", "特急"

    definition = models.ForeignKey(ProcessDefinition, on_delete=models.PROTECT, related_name="instances")
    title = models.CharField(max_length=200)
    # What the flow is about, in the owning module's terms (e.g. "documents.document:42").
    business_key = models.CharField(max_length=100, blank=True, db_index=True)
    module = models.CharField(max_length=32, blank=True)
    urgency = models.CharField(max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    starter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=16, choices=State.choices, default=State.RUNNING)
    # SpiffWorkflow's serialized workflow, without the spec (oa/workflow/bpmn.py).
    spiff_state = models.JSONField(default=dict)
    # The business data: what the starter gave plus what each step's form added.
    data = models.JSONField(default=dict, blank=True)
    # The earliest pending BPMN timer, so the deadline sweep finds due instances by index.
    next_timer_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["next_timer_at"], name="wf_instance_timer", condition=Q(state="running")),
            models.Index(fields=["starter", "-started_at"], name="wf_instance_starter"),
        ]

    def __str__(self) -> str:
        return self.title


class HumanTask(models.Model):
    """One person's (or one pool's) share of a user task in the BPMN.

    Invariant: a row with an assignee has no candidates, so "my open tasks" is the OR of four
    conditions, each served by its own partial index.
    """

    class State(models.TextChoices):
        OPEN = "open", "待办"
        COMPLETED = "completed", "已办"
        RETURNED = "returned", "已退回"
        TRANSFERRED = "transferred", "已转办"
        WITHDRAWN = "withdrawn", "已撤回"
        CANCELLED = "cancelled", "已取消"

    class Kind(models.TextChoices):
        SINGLE = "single", "办理"
        # One signer of a multi-instance step (会签/或签/依次审批).
        SIGNER = "signer", "会签"
        # A signer added (加签) to a single step: the step waits for them too.
        ADDED = "added", "加签"

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="tasks")
    spiff_task_id = models.UUIDField()
    element_id = models.CharField(max_length=128)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SINGLE)
    form_key = models.CharField(max_length=128, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    candidate_users = ArrayField(models.BigIntegerField(), default=list, blank=True)
    candidate_roles = ArrayField(models.BigIntegerField(), default=list, blank=True)
    candidate_departments = ArrayField(models.BigIntegerField(), default=list, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    due_at = models.DateTimeField(null=True, blank=True)
    overdue = models.BooleanField(default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)
    remind_count = models.PositiveIntegerField(default=0)
    # When the automatic "due soon" reminder went out (once per task).
    auto_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=32, blank=True)
    opinion = models.TextField(blank=True)
    transferred_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["assignee", "-created_at"], name="wf_task_open_assignee", condition=Q(state="open")
            ),
            GinIndex(fields=["candidate_users"], name="wf_task_open_users", condition=Q(state="open")),
            GinIndex(fields=["candidate_roles"], name="wf_task_open_roles", condition=Q(state="open")),
            GinIndex(
                fields=["candidate_departments"], name="wf_task_open_departments", condition=Q(state="open")
            ),
            models.Index(fields=["completed_by", "-completed_at"], name="wf_task_done"),
            models.Index(
                fields=["due_at"], name="wf_task_open_due", condition=Q(state="open", due_at__isnull=False)
            ),
            models.Index(fields=["instance", "spiff_task_id"], name="wf_task_instance_spiff"),
        ]
        constraints = [
            # One open row per engine task, except signers added to a single step.
            models.UniqueConstraint(
                fields=["spiff_task_id"],
                condition=Q(state="open") & ~Q(kind="added"),
                name="wf_task_one_open_row",
            ),
            models.CheckConstraint(
                condition=Q(assignee__isnull=True)
                | Q(candidate_users=[], candidate_roles=[], candidate_departments=[]),
                name="wf_task_assignee_xor_candidates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_state_display()})"


class TaskEvent(models.Model):
    """The trail (流转记录): who did what to an instance, when, with what opinion."""

    class Action(models.TextChoices):
        START = "start", "发起"
        COMPLETE = "complete", "办理"
        RETURN = "return", "退回"
        WITHDRAW = "withdraw", "撤回"
        TRANSFER = "transfer", "转办"
        ADD_SIGNER = "add_signer", "加签"
        REMIND = "remind", "催办"
        AUTO_REMIND = "auto_remind", "自动催办"
        OVERDUE = "overdue", "超期"
        TIMER = "timer", "定时触发"
        CIRCULATE = "circulate", "传阅"
        READ = "read", "已阅"
        END = "end", "办结"
        CANCEL = "cancel", "终止"

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="events")
    task = models.ForeignKey(
        HumanTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept as text too, so the trail reads the same after an account is renamed.
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    step = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=32, blank=True)
    opinion = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["instance", "at"], name="wf_event_instance")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"


class CirculationRecord(models.Model):
    """传阅: one recipient of a circulated item, and when they read it (the receipt)."""

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="circulations")
    task = models.ForeignKey(HumanTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "recipient"], name="wf_circulation_once_per_recipient"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="wf_circulation_recipient")]

    def __str__(self) -> str:
        return f"{self.instance} → {self.recipient_id}"
