"""Daily roll-ups (日统计) per unit, in the public schema: what the dashboards read, so that no
request scans the units' schemas. Written only by stats/rollup.py, which recomputes a whole row
from its sources (idempotent: running it twice for a day changes nothing)."""

from __future__ import annotations

from django.db import models


class UnitDay(models.Model):
    """One unit's figures for one day (Asia/Shanghai). Counts are the day's own events; `users`
    is the number of active accounts at the end of the day (a level, not a flow)."""

    unit = models.ForeignKey("tenants.Unit", on_delete=models.CASCADE, related_name="stat_days")
    day = models.DateField()
    # 登录次数: successful sign-ins.
    logins = models.PositiveIntegerField(default=0)
    # 用户数: active accounts (a level).
    users = models.PositiveIntegerField(default=0)
    # 收文 registered and 发文 issued (成文日期) in the unit's 办文, imported history included.
    documents_received = models.PositiveIntegerField(default=0)
    documents_sent = models.PositiveIntegerField(default=0)
    # 公文交换: envelopes the unit sent (not refused), deliveries it was sent, 会议通知 it sent.
    exchange_sent = models.PositiveIntegerField(default=0)
    exchange_received = models.PositiveIntegerField(default=0)
    meeting_notices = models.PositiveIntegerField(default=0)
    # 信息发布: items published (0 until the unit has the notices module).
    notices = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="stats_unit_day")]
        indexes = [models.Index(fields=["day", "unit"], name="stats_day_unit")]
        ordering = ["day", "unit_id"]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"


# The flows summed over a period, and the levels taken at its last day.
FLOWS = (
    "logins",
    "documents_received",
    "documents_sent",
    "exchange_sent",
    "exchange_received",
    "meeting_notices",
    "notices",
)
LEVELS = ("users",)
FIGURES = FLOWS + LEVELS

# Labels (zh-CN, en) of every figure: the dashboards, the XLSX export and the API's docs.
LABELS = {
    "logins": ("登录次数", "Sign-ins"),
    "users": ("用户数", "Users"),
    "documents_received": ("收文", "Documents received"),
    "documents_sent": ("发文", "Documents sent"),
    "exchange_sent": ("交换发送", "Exchange sends"),
    "exchange_received": ("交换接收", "Exchange deliveries received"),
    "meeting_notices": ("会议通知", "Meeting notices"),
    "notices": ("信息发布", "Notices published"),
}
