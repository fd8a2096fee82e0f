"""Official documents (公文) in a unit's schema: the document, its files, body versions, its
own trail, number counters.

The elements are those of 《党政机关公文处理工作条例》(2012) 第九条 and GB/T 9704-2012, plus
the GB/T 33480 metadata 公文标识 (identifier) and 发布层次 (publish level); docs/documents.md
maps each element to its field. The flow that drives a document is an oa.workflow
ProcessInstance (module "documents"); what a step does to the document lives in steps.py.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Direction(models.TextChoices):
    OUTGOING = "outgoing", "发文"
    INCOMING = "incoming", "收文"


class DocType(models.TextChoices):
    """The 15 kinds (文种) of 条例 第八条; the value is the Chinese name, as forms, registers
    and imported registers write it."""

    RESOLUTION = "决议", "决议"
    DECISION = "决定", "决定"
    ORDER = "命令", "命令（令）"
    COMMUNIQUE = "公报", "公报"
    ANNOUNCEMENT = "公告", "公告"
    PUBLIC_NOTICE = "通告", "通告"
    OPINION = "意见", "意见"
    NOTICE = "通知", "通知"
    CIRCULAR = "通报", "通报"
    REPORT = "报告", "报告"
    REQUEST = "请示", "请示"
    REPLY = "批复", "批复"
    MOTION = "议案", "议案"
    LETTER = "函", "函"
    MINUTES = "纪要", "纪要"


class Classification(models.TextChoices):
    # 密级 (GB/T 9704-2012 §7.2.2); ordered by LEVELS below.
    NONE = "none", "无"
    SECRET = "secret", "秘密"
    CONFIDENTIAL = "confidential", "机密"
    TOP_SECRET = "top_secret", "绝密"


CLASSIFICATION_LEVELS = {
    Classification.NONE: 0,
    Classification.SECRET: 1,
    Classification.CONFIDENTIAL: 2,
    Classification.TOP_SECRET: 3,
}


class Urgency(models.TextChoices):
    # 紧急程度 (§7.2.3): same values as ProcessInstance.Urgency.
    NORMAL = "normal", "普通"
    URGENT = "urgent", "加急"
    VERY_URGENT = "very_urgent", "特急"


class PublishLevel(models.TextChoices):
    # 发布层次 / 公开属性 (GB/T 33480): how far the document may be published.
    PUBLIC = "public", "主动公开"
    ON_REQUEST = "on_request", "依申请公开"
    NOT_PUBLIC = "not_public", "不予公开"


class Retention(models.TextChoices):
    # 保管期限 (DA/T 22-2015 §6.1); the code is the one in the 档号.
    PERMANENT = "Y", "永久"
    YEARS_30 = "D30", "定期30年"
    YEARS_10 = "D10", "定期10年"


class Document(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", "办理中"
        # The flow ended normally: 已发文 (outgoing) or 已办结 (incoming).
        DONE = "done", "已办结"
        # 收文 refused at 初审 and returned to the sender (退文).
        RETURNED = "returned", "已退文"
        CANCELLED = "cancelled", "已终止"
        ARCHIVED = "archived", "已归档"

    direction = models.CharField(max_length=8, choices=Direction.choices)
    # 公文标识 (GB/T 33480 §4.1): stays with the document across units and networks.
    identifier = models.CharField(max_length=64, unique=True, default="")
    doc_type = models.CharField(max_length=4, choices=DocType.choices)
    title = models.CharField(max_length=200)
    publish_level = models.CharField(
        max_length=16, choices=PublishLevel.choices, default=PublishLevel.NOT_PUBLIC
    )

    copy_number = models.CharField(max_length=6, blank=True)  # 份号
    classification = models.CharField(
        max_length=16, choices=Classification.choices, default=Classification.NONE
    )
    secrecy_period = models.CharField(max_length=20, blank=True)  # 保密期限, e.g. "1年"
    urgency = models.CharField(max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)

    agency_name = models.CharField(max_length=100, blank=True)  # 发文机关
    agency_mark = models.CharField(max_length=100, blank=True)  # 发文机关标志
    doc_number = models.CharField(max_length=60, blank=True, db_index=True)  # 发文字号 / 来文字号
    number_rule = models.CharField(max_length=40, blank=True)
    number_year = models.PositiveIntegerField(null=True, blank=True)
    number_seq = models.PositiveIntegerField(null=True, blank=True)

    signer_name = models.CharField(max_length=60, blank=True)  # 签发人
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    sign_opinion = models.TextField(blank=True)

    main_recipients = models.CharField(max_length=500, blank=True)  # 主送机关
    copy_to = models.CharField(max_length=500, blank=True)  # 抄送机关
    body_html = models.TextField(blank=True)  # 正文, sanitised
    body_text = models.TextField(blank=True)
    body_file = models.ForeignKey(
        "DocumentFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signature_agency = models.CharField(max_length=100, blank=True)  # 发文机关署名
    issued_date = models.DateField(null=True, blank=True)  # 成文日期
    sealed_at = models.DateTimeField(null=True, blank=True)  # 印章
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)  # 附注
    printing_agency = models.CharField(max_length=100, blank=True)  # 印发机关
    printing_date = models.DateField(null=True, blank=True)  # 印发日期

    # 收文: where it came from and how it is handled.
    source_agency = models.CharField(max_length=100, blank=True)  # 来文单位
    received_on = models.DateField(null=True, blank=True)
    copies = models.PositiveIntegerField(default=1)
    lead_department = models.ForeignKey(
        "directory.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    helper_departments = models.ManyToManyField("directory.Department", blank=True, related_name="+")
    deadline = models.DateField(null=True, blank=True)

    drafter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "directory.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    process_instance = models.OneToOneField(
        "workflow.ProcessInstance", null=True, blank=True, on_delete=models.PROTECT, related_name="document"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE)
    # The current step's name(s) (e.g. "核稿", "会签"), kept for lists and registers.
    step = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    # 归档 (DA/T 22-2015): once archived_at is set the row and its files are immutable (a
    # trigger refuses every change; migration 0002).
    archive_code = models.CharField(max_length=80, blank=True)  # 档号
    retention = models.CharField(max_length=4, choices=Retention.choices, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Imported history (the Domino importer): the source's key and the items we have no field for.
    legacy_id = models.CharField(max_length=64, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["direction", "-created_at", "-id"], name="doc_register"),
            models.Index(fields=["direction", "state", "-created_at"], name="doc_state"),
            # A register filtered by 文种 is paged and counted from the index alone.
            models.Index(fields=["direction", "doc_type", "-created_at", "-id"], name="doc_type_register"),
            # Lists across both directions, and a search's newest matches for a common word.
            models.Index(fields=["-created_at", "-id"], name="doc_created"),
            models.Index(fields=["drafter", "-created_at"], name="doc_drafter"),
            models.Index(fields=["legacy_id"], name="doc_legacy", condition=~Q(legacy_id="")),
            GinIndex(fields=["search_vector"], name="doc_search"),
        ]
        constraints = [
            # 不重号: one number per (rule, year, sequence)...
            models.UniqueConstraint(
                fields=["number_rule", "number_year", "number_seq"],
                condition=Q(number_seq__isnull=False),
                name="doc_number_unique_seq",
            ),
            # ...and one document per 发文字号 text, whichever rule made it.
            models.UniqueConstraint(
                fields=["doc_number"],
                condition=Q(direction="outgoing") & ~Q(doc_number=""),
                name="doc_outgoing_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.doc_number or '（未编号）'} {self.title}"

    def save(self, *args, **kwargs):
        if not self.identifier:
            self.identifier = uuid.uuid4().hex
        # The search vector is written only by search.index_document (SQL); a plain save
        # must not overwrite it with the stale value the instance holds.
        if self.pk and not kwargs.get("update_fields") and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name != "search_vector"
            ]
        super().save(*args, **kwargs)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class DocumentFile(models.Model):
    """The document's body file (DOCX/PDF/OFD) or one attachment (附件). The bytes live in the
    unit's content-addressed store (storage.py), keyed by sha256."""

    class Role(models.TextChoices):
        BODY = "body", "正文"
        ATTACHMENT = "attachment", "附件"
        # The rendered GB/T 9704 PDF kept once sealed (what is distributed and archived).
        RENDERED = "rendered", "版式文件"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="files")
    role = models.CharField(max_length=16, choices=Role.choices)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    order = models.PositiveIntegerField(default=0)
    # Extracted text (bounded), for search; empty when the file has none.
    text = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["role", "order", "id"]
        indexes = [models.Index(fields=["document", "role", "order"], name="docfile_document")]

    def __str__(self) -> str:
        return self.name


class BodyVersion(models.Model):
    """Each saved state of the body (正文版本): who changed it at which step."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="body_versions")
    number = models.PositiveIntegerField()
    body_html = models.TextField(blank=True)
    body_file = models.ForeignKey(
        DocumentFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    step = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="bodyversion_unique")]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class DocumentEvent(models.Model):
    """The document's own trail rows (what is not a flow step): created, edited, files,
    number allocated, signed, sealed, archived. The flow's steps and opinions are the
    instance's TaskEvents; the document page shows both in time order."""

    class Action(models.TextChoices):
        CREATED = "created", "创建"
        REGISTERED = "registered", "登记"
        EDITED = "edited", "修改"
        FILE_ADDED = "file_added", "添加附件"
        FILE_REMOVED = "file_removed", "删除附件"
        BODY_CHANGED = "body_changed", "修改正文"
        SIGNED = "signed", "签发"
        NUMBERED = "numbered", "编号"
        SEALED = "sealed", "用印"
        DISTRIBUTED = "distributed", "分发"
        RETURNED = "returned", "退文"
        COMPLETED = "completed", "办结"
        ARCHIVED = "archived", "归档"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    summary = models.CharField(max_length=300)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["document", "at"], name="docevent_document")]

    def __str__(self) -> str:
        return self.summary


class NumberCounter(models.Model):
    """The last number handed out by a numbering rule in a year (year 0: never resets).

    Allocation locks this row (SELECT ... FOR UPDATE) and increments it in the caller's
    transaction: a rolled-back sign-off gives its number back, so numbers are never skipped;
    the lock serialises concurrent allocations, so they are never duplicated."""

    rule = models.CharField(max_length=40)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "year"], name="numbercounter_unique")]

    def __str__(self) -> str:
        return f"{self.rule} {self.year}: {self.last}"
