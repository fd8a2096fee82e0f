import type { DeliveryState } from '@/api/types'

type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger'

/** The tag colour of a delivery state: waiting is warning, done is success, refused is danger. */
export function stateTagType(state: DeliveryState | string): TagType {
  switch (state) {
    case 'delivered':
      return 'warning'
    case 'signed_for':
      return 'success'
    case 'returned':
      return 'danger'
    case 'recalled':
      return 'info'
    default:
      return 'primary'
  }
}

export function urgencyTagType(urgency: string | undefined): TagType | null {
  if (urgency === 'very_urgent') return 'danger'
  if (urgency === 'urgent') return 'warning'
  return null
}
