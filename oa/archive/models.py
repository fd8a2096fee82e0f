"""档案 (the unit's archive) on top of archived documents: lending (借阅) with its access
records, appraisal (鉴定) decisions and the destruction register (销毁清册), transfers (移交).

The archived item (件, DA/T 22-2015) is an oa.documents Document with `archived_at` set; this
app never copies it. The catalogue is a read of those rows (queries.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Loan(models.Model):
    """借阅: a staff member's request to view (and perhaps download) archived items for a
    number of days; approved through the unit's `jieyue` flow; access ends at `expires_at`."""

    class State(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "借阅中"
        REJECTED = "rejected", "未批准"
        EXPIRED = "expired", "已到期"
        CANCELLED = "cancelled", "已撤销"

    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    documents = models.ManyToManyField("documents.Document", related_name="+")
    purpose = models.CharField(max_length=300)
    allow_download = models.BooleanField(default=False)
    days = models.PositiveIntegerField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    process_instance = models.OneToOneField(
        "workflow.ProcessInstance",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="archive_loan",
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opinion = models.CharField(max_length=300, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["requester", "-requested_at"], name="loan_requester"),
            # The expiry sweep reads only loans still running.
            models.Index(fields=["expires_at"], name="loan_running", condition=Q(state="approved")),
        ]

    def __str__(self) -> str:
        return f"借阅 {self.pk}"


class AccessRecord(models.Model):
    """Every view and download of an archived item through a loan (利用登记), for the archivist."""

    class Action(models.TextChoices):
        VIEW = "view", "查阅"
        DOWNLOAD = "download", "下载"

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="accesses")
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    file_name = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["loan", "-at"], name="access_loan")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.document_id}"


class Appraisal(models.Model):
    """鉴定: the archivist's proposal for an item whose retention has run out (keep for more
    years, or destroy), and the decision of a holder of `archive.approve` on it."""

    class Proposal(models.TextChoices):
        KEEP = "keep", "继续保存"
        DESTROY = "destroy", "销毁"

    class State(models.TextChoices):
        PROPOSED = "proposed", "待审批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "未批准"
        DONE = "done", "已执行"

    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")
    proposal = models.CharField(max_length=16, choices=Proposal.choices)
    # 继续保存: how many more years before the item is due again.
    keep_years = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=500)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    opinion = models.CharField(max_length=300, blank=True)
    # 继续保存 approved: the item is due for appraisal again from this year.
    review_year = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # One open proposal per item at a time.
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(state__in=["proposed", "approved"]),
                name="appraisal_open_once",
            )
        ]

    def __str__(self) -> str:
        return f"鉴定 {self.pk}"


class DestructionRecord(models.Model):
    """销毁清册: what was destroyed stays on record (档号, 题名, 文号, files and their digests),
    by whose approved decision, when and by whom; the content itself is gone."""

    document = models.OneToOneField("documents.Document", on_delete=models.PROTECT, related_name="+")
    appraisal = models.OneToOneField(Appraisal, on_delete=models.PROTECT, related_name="destruction")
    archive_code = models.CharField(max_length=80)
    title = models.CharField(max_length=200)
    doc_number = models.CharField(max_length=60, blank=True)
    retention = models.CharField(max_length=4)
    year = models.PositiveIntegerField()
    files = models.JSONField(default=list)  # [{name, sha256, size}]
    destroyed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    destroyed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-destroyed_at", "-id"]

    def __str__(self) -> str:
        return self.archive_code


class Transfer(models.Model):
    """移交: a year's archive packed for the archives (档案馆), and the re-import check of it."""

    class State(models.TextChoices):
        EXPORTED = "exported", "已导出"
        VERIFIED = "verified", "已校验"

    year = models.PositiveIntegerField()
    fonds = models.CharField(max_length=40)  # 全宗号
    identifier = models.CharField(max_length=64, unique=True)
    documents = models.ManyToManyField("documents.Document", related_name="+")
    item_count = models.PositiveIntegerField()
    package_sha256 = models.CharField(max_length=64)
    package_size = models.PositiveBigIntegerField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.EXPORTED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"移交 {self.fonds} {self.year}"
