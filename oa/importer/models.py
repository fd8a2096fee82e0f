"""Import runs, their quarantine, and the ledger of what has been imported (in a unit's schema).

A run reads one file (a Domino DXL export or a spreadsheet register) with one mapping. A dry run
maps every record and reports, by form, what would be created, updated or left unchanged and
every problem, writing no document; a real run writes the documents. A record that cannot be
imported whole lands in the quarantine (QuarantineItem) with its reason and its raw content,
where the admin can fix its fields and retry it. ImportedRecord remembers, per legacy key
(the Domino UNID), which document it became and a fingerprint of what it held, so a re-run
imports nothing twice and updates only what changed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from oa.importer.errors import Reason


class ImportRun(models.Model):
    class Kind(models.TextChoices):
        DXL = "dxl", "Domino DXL"
        XLSX = "xlsx", "Excel 登记簿"
        CSV = "csv", "CSV 登记簿"

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        REFUSED = "refused", "文件被拒绝"  # malformed XML, not DXL, unreadable sheet: nothing imported
        FAILED = "failed", "出错中止"

    class Outcome(models.TextChoices):
        CREATED = "created", "新建"
        UPDATED = "updated", "更新"
        UNCHANGED = "unchanged", "未变化"
        QUARANTINED = "quarantined", "隔离"

    source_name = models.CharField(max_length=200)  # the file's name as uploaded or given
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # An upload is kept under MEDIA_ROOT/units/<schema>/imports/ (the path relative to
    # MEDIA_ROOT); the command line reads the file where it is (an absolute path).
    file_path = models.CharField(max_length=500)
    file_size = models.PositiveBigIntegerField(default=0)
    file_sha256 = models.CharField(max_length=64, blank=True)
    mapping_code = models.CharField(max_length=40)
    # The mapping as it was when the run was made, so the report and the quarantine's retries
    # read records exactly as this run did, whatever the template became since.
    mapping = models.JSONField(default=dict)
    mapping_checksum = models.CharField(max_length=64, blank=True)
    dry_run = models.BooleanField(default=True)
    # The dry run a real run follows (the admin read its report before starting this one).
    preview = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    # Why the file was refused: {"code", "detail", "line", "column"}.
    refusal = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    total = models.PositiveIntegerField(null=True, blank=True)  # records in the file, once checked
    done = models.PositiveIntegerField(default=0)
    # {form rule: {outcome: n}}: the report by form.
    counts = models.JSONField(default=dict, blank=True)
    # What the source saw: design notes skipped, database title, encoding, sheets.
    summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{'试导入' if self.dry_run else '导入'} {self.source_name} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.REFUSED, self.State.FAILED)

    def outcome_totals(self) -> dict[str, int]:
        totals = dict.fromkeys(self.Outcome.values, 0)
        for outcomes in (self.counts or {}).values():
            for outcome, n in outcomes.items():
                totals[outcome] = totals.get(outcome, 0) + n
        return totals


class QuarantineItem(models.Model):
    """A record of a run that was not imported, with why and what it held."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="quarantine")
    index = models.PositiveIntegerField()  # its position in the file (1-based)
    key = models.CharField(max_length=64, blank=True)  # the UNID or the register key
    form = models.CharField(max_length=100, blank=True)  # the source's form name
    rule = models.CharField(max_length=60, blank=True)  # the mapping's form rule it fell under
    location = models.CharField(max_length=120, blank=True)
    title = models.CharField(max_length=200, blank=True)  # what its title would have been, if known
    reason = models.CharField(max_length=32, choices=Reason.choices)
    message = models.TextField()
    field = models.CharField(max_length=40, blank=True)
    # Every problem found: [{"reason", "message", "field", "item"}].
    problems = models.JSONField(default=list)
    # The record as read (oa/importer/records.py SourceRecord JSON); its large bytes are in
    # the unit's store, named by digest.
    record = models.JSONField(default=dict)
    # What the admin changed before retrying (mapping.Fixes JSON).
    fixes = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    resolved = models.BooleanField(default=False)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["run", "index"]
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="quarantine_unique_position")]
        indexes = [models.Index(fields=["run", "resolved", "reason"], name="quarantine_run_reason")]

    def __str__(self) -> str:
        return f"{self.location}: {self.get_reason_display()}"


class ImportedRecord(models.Model):
    """The ledger: legacy key → the document it became, and the fingerprint of its content."""

    legacy_id = models.CharField(max_length=64, unique=True)
    document = models.OneToOneField("documents.Document", on_delete=models.PROTECT, related_name="+")
    fingerprint = models.CharField(max_length=64)
    first_run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")
    last_run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")
    # What the last run did with it; a run resumed after a crash counts its own work again.
    last_outcome = models.CharField(max_length=16, choices=ImportRun.Outcome.choices)
    # The admin's fixes that got it out of quarantine (mapping.Fixes JSON): later runs of the
    # same export apply them again, so a fixed record does not fall back into quarantine.
    fixes = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["last_run"], name="imported_last_run")]

    def __str__(self) -> str:
        return self.legacy_id
