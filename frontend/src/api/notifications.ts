import { api, call, compact } from './client'
import type { Id, Notification, NotificationListQuery, NotificationPreference, Paginated } from './types'

export function listNotifications(
  query: NotificationListQuery & { page?: number; page_size?: number },
  silent = false,
): Promise<Paginated<Notification>> {
  return call(() => api.GET('/api/notifications/', { params: { query: compact(query) } }), { silent })
}

export function fetchUnreadCount(): Promise<{ unread: number }> {
  return call(() => api.GET('/api/notifications/unread-count/'), { silent: true })
}

export function markNotificationRead(id: Id): Promise<Notification> {
  return call(() => api.POST('/api/notifications/{id}/read/', { params: { path: { id } } }), { silent: true })
}

export function markAllNotificationsRead(kind = ''): Promise<{ marked: number; unread: number }> {
  return call(() => api.POST('/api/notifications/read-all/', { body: { kind } }))
}

export function listNotificationPreferences(): Promise<NotificationPreference[]> {
  return call(() => api.GET('/api/notifications/preferences/'))
}

export function saveNotificationPreferences(
  preferences: { kind: string; enabled: boolean }[],
): Promise<NotificationPreference[]> {
  return call(() => api.PUT('/api/notifications/preferences/', { body: { preferences } }), { silent: true })
}
