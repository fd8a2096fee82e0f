/**
 * API types. Almost all are aliases of the generated OpenAPI schemas
 * (`npm run gen:types` writes schema-console.d.ts / schema-unit.d.ts from
 * ../api/openapi/*.yaml); the views only import the names from this file.
 *
 * Hand-written, because the schema has nothing (or only `unknown`) for them:
 * - ApiErrorBody / ApiErrorItem: the backend's error body ({code, detail, field, errors?})
 *   is produced by its exception handler and not declared in the OpenAPI files.
 * - Paginated<T>: one generic for the Paginated*List schemas (structurally the same).
 * - JobError / JobResult: Job.errors is `unknown` and Job.results a free-form map in the schema.
 * - GeneratedPassword: ImportResult.generated_passwords is a free-form map in the schema.
 * - Unit.modules and Role.permissions are `unknown` in the schema (JSON fields); narrowed to string[].
 */
import type { components as ConsoleComponents, operations as ConsoleOps } from './schema-console'
import type { components as UnitComponents, operations as UnitOps } from './schema-unit'

type C = ConsoleComponents['schemas']
type U = UnitComponents['schemas']

export type Id = number
export type JobId = C['Job']['id']

// ---------------------------------------------------------------- errors (not in the schema)

export interface ApiErrorItem {
  field: string | null
  code?: string
  detail: string
  row?: number | null
}

export interface ApiErrorBody {
  code: string
  detail: string
  field: string | null
  errors?: ApiErrorItem[]
}

/** Same shape as every `Paginated<X>List` schema. */
export interface Paginated<T> {
  count: number
  next?: string | null
  previous?: string | null
  results: T[]
  /** The document lists, registers and search only: false when `count` is an estimate or a cap. */
  count_exact?: boolean
}

export type PageQuery = Pick<
  NonNullable<ConsoleOps['audit_events_list']['parameters']['query']>,
  'page' | 'page_size'
>

export type NamedRef = U['IdName']

// ---------------------------------------------------------------- context & auth

export type SiteKind = C['HostKindEnum']
export type UnitStatus = C['UnitStatusEnum']
export type ModuleRef = U['Module']
export type ContextUnit = U['ContextUnit']
export type SiteContext = U['Context']
export type Me = U['Me']
export type LoginInput = U['LoginInputRequest']
export type PasswordChangeInput = U['PasswordChangeInputRequest']
export type ApiToken = U['Token']
export type ApiTokenCreated = U['TokenCreated']

// ---------------------------------------------------------------- console

/** `modules` is a JSON field (list of module codes) that the schema leaves as `unknown`. */
export type Unit = Omit<C['Unit'], 'modules'> & { modules?: string[] }
export type UnitAdmins = C['UnitAdmins']
export type UnitAdmin = C['UnitAdmin']
export type UnitAdminChange = C['AdminChangeInputRequest']
export type ConsoleAdminRoleRequest = C['AdminRoleRequest']
export type ConsoleOneTimePassword = C['OneTimePassword']
export type UnitCreated = Omit<C['UnitCreated'], 'modules'> & { modules?: string[] }
export type UnitCreateInput = C['UnitCreateInputRequest']
export type UnitPatchInput = C['PatchedUnitUpdateInputRequest']
export type UnitListQuery = NonNullable<ConsoleOps['units_list']['parameters']['query']>
export type UnitKindCode = C['UnitKindEnum']
export type ModuleCode = C['ModulesEnum']
export type UnitKind = C['CatalogueEntry']
export type PlatformModule = C['CatalogueEntry']

export type JobStatus = C['JobStatusEnum']

/** One entry of Job.errors (free-form in the schema). */
export interface JobError {
  row: number | null
  field?: string | null
  detail: string
}

/** One entry of Job.results: what happened to a row of a bulk provisioning job. */
export interface JobResult {
  row: number | null
  code: string
  status: 'created' | 'existing' | 'failed'
  admin_username?: string
  /** Generated password of a created unit's admin; only while the job is kept, shown once. */
  admin_password?: string | null
  detail?: string
}

export type Job = Omit<C['Job'], 'errors' | 'results'> & {
  errors?: JobError[]
  results: JobResult[]
}

export type ProviderAccount = C['ProviderAccount']
export type ProviderAccountCreateInput = C['ProviderAccountInputRequest']
export type ProviderAccountPatchInput = C['PatchedProviderAccountUpdateInputRequest']

export type AuditEvent = U['AuditEvent']

// ---------------------------------------------------------------- unit portal

export type PortalModule = U['Module']
export type PortalHome = U['Home']
export type HomeSection = U['HomeSection']
export type HomeItem = U['HomeItem']

// ---------------------------------------------------------------- notifications (消息提醒)

export type Notification = U['Notification']
export type NotificationPreference = U['Preference']
export type NotificationListQuery = NonNullable<UnitOps['notifications_list']['parameters']['query']>

export type Department = U['Department']
export type DepartmentInput = U['DepartmentInputRequest']
export type DepartmentPatchInput = U['PatchedDepartmentUpdateInputRequest']

export type Position = U['Position']
export type PositionInput = U['PositionInputRequest']
export type PositionPatchInput = U['PatchedPositionUpdateInputRequest']

export type Staff = U['Staff']
export type OneTimePassword = U['OneTimePassword']
export type AdminRoleRequest = U['AdminRoleRequest']
export type AdminRoleRequestInput = U['AdminRoleRequestInputRequest']
export type StaffCreateInput = U['StaffInputRequest']
export type StaffPatchInput = U['PatchedStaffUpdateInputRequest']
export type StaffListQuery = NonNullable<UnitOps['directory_staff_list']['parameters']['query']>

/** `permissions` is a JSON field (list of permission codes) that the schema leaves as `unknown`. */
export type Role = Omit<U['Role'], 'permissions'> & { permissions: string[] }
export type RoleInput = U['RoleInputRequest']
export type RolePatchInput = U['PatchedRoleUpdateInputRequest']
export type Permission = U['Permission']

export interface GeneratedPassword {
  username: string
  password: string
}

export type StaffImportResult = Omit<U['ImportResult'], 'generated_passwords'> & {
  generated_passwords: GeneratedPassword[]
}

// ---------------------------------------------------------------- workflow (unit host)

export type TaskListItem = U['TaskListItem']
export type TaskDetail = U['TaskDetail']
export type TaskAction = U['TaskActionEnum']
export type TaskEvent = U['TaskEvent']
export type TaskAllowed = U['Allowed']
export type ReturnTarget = U['ReturnTarget']
export type Urgency = U['UrgencyEnum']
export type FlowDefinition = U['Definition']
/** A flow the user may start, with its start form (GET /api/workflow/startable/). */
export type StartableFlow = U['StartableFlow']
export type InstanceDetail = U['InstanceDetail']
export type Circulation = U['Circulation']
export type StartInput = U['StartInputRequest']
export type TaskListQuery = NonNullable<UnitOps['workflow_tasks_list']['parameters']['query']>
export type CirculationListQuery = NonNullable<UnitOps['workflow_circulations_list']['parameters']['query']>

/** The task actions' bodies (POST /api/workflow/tasks/{id}/<action>/). */
export type CompleteInput = U['CompleteInputRequest']
export type ReturnInput = U['ReturnInputRequest']
export type WithdrawInput = U['WithdrawInputRequest']
export type TransferInput = U['TransferInputRequest']
export type AddSignerInput = U['AddSignerInputRequest']
export type RemindInput = U['RemindInputRequest']

// ---------------------------------------------------------------- templates in a unit

export type UnitTemplate = U['UnitTemplate']
export type UnitTemplateDetail = U['UnitTemplateDetail']
export type TemplateKind = NonNullable<NonNullable<UnitOps['templates_list']['parameters']['query']>['kind']>

// ---------------------------------------------------------------- template library (console)

export type LibraryTemplate = C['Template']
export type LibraryTemplateDetail = C['TemplateDetail']
export type TemplateVersion = C['VersionSummary']
export type TemplateVersionDetail = C['VersionDetail']
export type TemplateDiff = C['Diff']
export type TemplateChange = C['Change']
export type StarterKit = C['StarterKit']
export type LibraryTemplateKind = C['TemplateKindEnum']
export type UpgradePreview = U['UpgradePreview']
export type MergeConflict = U['Conflict']
export type Resolution = 'ours' | 'theirs'

// ---------------------------------------------------------------- 公文交换 (exchange)

export type ExchangeParty = U['Party']
export type ExchangeGroup = U['PartyGroup']
export type Envelope = U['Envelope']
export type EnvelopeDetail = U['EnvelopeDetail']
export type TrackedDelivery = U['TrackedDelivery']
export type DeliveryState = U['DeliveryStateEnum']
export type DeliveryEvent = U['DeliveryEvent']
export type SendResult = U['SendResult']
export type InboxItem = U['InboxItem']
export type InboxDetail = U['InboxDetail']
export type PackageFile = U['PackageFile']
export type InboxQuery = NonNullable<UnitOps['exchange_inbox_list']['parameters']['query']>
export type EnvelopeListQuery = NonNullable<UnitOps['exchange_envelopes_list']['parameters']['query']>
export type HubMonitor = C['Monitor']
export type HubDelivery = C['HubDelivery']
export type HubDeliveryQuery = NonNullable<ConsoleOps['exchange_deliveries_list']['parameters']['query']>
export type PackageRefusal = C['Refusal']
export type PartyCreateInput = C['PartyCreateInputRequest']
export type PartyPatchInput = C['PatchedPartyUpdateInputRequest']
export type GroupInput = C['PartyGroupInputRequest']
export type SendableDocument = U['SendableDocument']
export type SendableMeeting = U['SendableMeeting']
export type MeetingNoticeInput = U['MeetingNoticeSendInputRequest']
export type MeetingInfo = U['Meeting']
// ---------------------------------------------------------------- documents (办文, unit host)

export type DocumentListItem = U['DocumentListItem']
export type DocumentDetail = U['DocumentDetail']
export type DocumentFile = U['DocumentFile']
export type DocumentTrailRow = U['TrailRow']
export type DocumentCurrentTask = U['CurrentTask']
export type DocumentSearchResult = U['SearchResult']
export type DocumentSearchHits = U['SearchHits']
export type DocType = U['DocTypeEnum']
export type Classification = U['ClassificationEnum']
export type Direction = U['DirectionEnum']
export type DocumentState = U['DocumentStateEnum']
export type Retention = U['RetentionEnum']
export type PublishLevel = U['PublishLevelEnum']
export type ElementsInput = U['ElementsInputRequest']
/** 收文登记's fields; the files go in the same multipart body (see api/documents.ts). */
export type IncomingInput = Omit<U['IncomingInputRequest'], 'files'>
export type DocumentListQuery = NonNullable<UnitOps['documents_list']['parameters']['query']>
export type RegisterQuery = NonNullable<UnitOps['documents_registers_outgoing_list']['parameters']['query']>

// ---------------------------------------------------------------- legacy import (历史数据导入)

export type ImportRun = U['Run']
export type ImportRunDetail = U['RunDetail']
export type ImportRunState = U['ImportRunStateEnum']
export type ImportFormReport = U['FormReport']
export type QuarantineItem = U['QuarantineItem']
export type QuarantineDetail = U['QuarantineDetail']
export type QuarantineReason = U['QuarantineReasonEnum']
export type ImportedDocument = U['ImportedDocument']
export type ImporterOptions = U['Options']
export type ImporterFieldOption = U['FieldOption']
export type QuarantineRetryInput = U['RetryInputRequest']

// ---------------------------------------------------------------- 档案 (archive)

export type CatalogueItem = U['CatalogueItem']
export type CatalogueDetail = U['CatalogueDetail']
export type CatalogueFacets = U['Facets']
export type CatalogueQuery = NonNullable<UnitOps['archive_catalogue_list']['parameters']['query']>
export type Loan = U['Loan']
export type LoanDetail = U['LoanDetail']
export type LoanInput = U['LoanInputRequest']
export type LoanState = U['LoanStateEnum']
export type AccessRecord = U['AccessRecord']
export type DueItem = U['DueItem']
export type Appraisal = U['Appraisal']
export type AppraisalInput = U['AppraisalInputRequest']
export type DestructionRecord = U['Destruction']
export type ArchiveTransfer = U['ArchiveTransfer']
export type TransferVerification = U['Verification']
// ---------------------------------------------------------------- 信息发布 (notices)
export type NoticeColumn = U['NoticeColumn']
export type NoticeColumnInput = U['NoticeColumnInputRequest']
export type NoticeListItem = U['NoticeListItem']
export type NoticeDetail = U['NoticeDetail']
export type NoticeInput = U['NoticeInputRequest']
export type NoticeReceipts = U['NoticeReceipts']
export type NoticeReceipt = U['NoticeReceipt']
export type NoticeListQuery = NonNullable<UnitOps['notices_list']['parameters']['query']>
export type NoticeManagedQuery = NonNullable<UnitOps['notices_manage_list']['parameters']['query']>
// ---------------------------------------------------------------- 平台统计
export type StatsPlatformOverview = C['PlatformOverview']
export type StatsUnitOverview = U['UnitOverview']
export type StatsPeriod = C['StatsPeriod']
export type StatsKind = C['StatsKind']
export type StatsUnitRow = C['StatsUnitRow']
export type StatsPeriodName = 'week' | 'month'
export interface StatsQuery {
  period?: StatsPeriodName
  date_from?: string
  date_to?: string
  kind?: string
}
export interface StatsUnitQuery extends StatsQuery {
  ordering?: string
  search?: string
  page?: number
  page_size?: number
}
