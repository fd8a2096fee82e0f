from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from stats.models import FIGURES, LEVELS
from stats.queries import ORDERINGS, PERIODS, Window
from tenants.modules import UNIT_KIND_CHOICES

MAX_DAYS = 3 * 366


class WindowQuery(serializers.Serializer):
    """?period=week|month&date_from=&date_to= (default: 26 weeks or 12 months to today)&kind="""

    period = serializers.ChoiceField(choices=sorted(PERIODS), default="week")
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    kind = serializers.ChoiceField(
        choices=[k for k, _ in UNIT_KIND_CHOICES], required=False, allow_blank=True
    )

    def validate(self, attrs):
        today = timezone.localdate()
        default = Window.default(attrs["period"])
        first = attrs.get("date_from") or default.first
        last = attrs.get("date_to") or today
        if last > today:
            raise serializers.ValidationError({"date_to": "统计截止日期不能晚于今天。"})
        if first > last:
            raise serializers.ValidationError({"date_from": "开始日期不能晚于截止日期。"})
        if (last - first).days > MAX_DAYS:
            raise serializers.ValidationError({"date_from": "统计期间最长三年。"})
        attrs["window"] = Window(first, last)
        return attrs


class UnitsQuery(WindowQuery):
    ordering = serializers.CharField(required=False, default="-exchange_sent")
    search = serializers.CharField(required=False, allow_blank=True, max_length=100)

    def validate_ordering(self, value: str) -> str:
        if value.lstrip("-") not in ORDERINGS:
            raise serializers.ValidationError(f"不能按“{value}”排序；可选：{', '.join(sorted(ORDERINGS))}。")
        return value


def _figure_fields(names) -> dict:
    return {name: serializers.IntegerField() for name in names}


HeadlineSerializer = type(
    "StatsHeadline",
    (serializers.Serializer,),
    _figure_fields(
        [
            "logins_week",
            "exchange_sent_month",
            "meeting_notices_month",
            "documents_received_total",
            "documents_sent_total",
            "notices_total",
            "exchange_sent_total",
            *LEVELS,
        ]
    ),
)
PlatformHeadlineSerializer = type(
    "StatsPlatformHeadline", (HeadlineSerializer,), _figure_fields(["units_deployed", "units_on_exchange"])
)
PeriodSerializer = type(
    "StatsPeriod", (serializers.Serializer,), {"period": serializers.DateField(), **_figure_fields(FIGURES)}
)
KindSerializer = type(
    "StatsKind", (serializers.Serializer,), {"kind": serializers.CharField(), **_figure_fields(FIGURES)}
)
UnitRowSerializer = type(
    "StatsUnitRow",
    (serializers.Serializer,),
    {
        "id": serializers.IntegerField(),
        "code": serializers.CharField(),
        "name": serializers.CharField(),
        "kind": serializers.CharField(),
        **_figure_fields(FIGURES),
    },
)


class WindowSerializer(serializers.Serializer):
    period = serializers.CharField()
    first = serializers.DateField()
    last = serializers.DateField()


class PlatformOverviewSerializer(serializers.Serializer):
    window = WindowSerializer()
    figures = PlatformHeadlineSerializer()
    series = PeriodSerializer(many=True)
    by_kind = KindSerializer(many=True)
    computed_at = serializers.DateTimeField(allow_null=True)


class UnitOverviewSerializer(serializers.Serializer):
    window = WindowSerializer()
    figures = HeadlineSerializer()
    series = PeriodSerializer(many=True)
    computed_at = serializers.DateTimeField(allow_null=True)
