from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    # The notification centre (消息提醒): one row per person and event, written by every module
    # through oa.notifications.api.notify(); pushed live over WebSocket (docs/notifications.md).
    name = "oa.notifications"
    label = "notifications"
    verbose_name = "Notifications (消息提醒)"
