/**
 * The one contract between the main process and the renderer. Everything that crosses the
 * boundary is declared here once: the preload's window.api, the main-side registration, the
 * browser-mode bridge and the CLI are all derived from it. Adding a channel means adding it here
 * and writing one handler.
 */
import type { Result } from './result';
import type { BackupDetails, BackupRecord } from './models/backup';
import type { CheckResult } from './models/check';
import type { JobDone, JobLog, JobProgress, JobView } from './models/job';
import type { SandboxProgress, SandboxStatus } from './models/sandbox';
import type { BackupMode, ServerInput, ServerTestReport, ServerView } from './models/server';
import type { AppInfo, AppSettings, SettingsView } from './models/settings';

/** Renderer → main calls, named `domain:verb`. */
export interface Requests {
  'app:info': { req: void; res: AppInfo };
  'settings:get': { req: void; res: SettingsView };
  'settings:update': { req: Partial<AppSettings>; res: SettingsView };
  'servers:list': { req: void; res: readonly ServerView[] };
  'servers:save': { req: ServerInput; res: ServerView };
  'servers:delete': { req: { readonly id: string }; res: null };
  'servers:test': { req: { readonly id: string }; res: ServerTestReport };
  'servers:trust-host-key': {
    req: { readonly id: string; readonly fingerprint: string; readonly keyType: string };
    res: ServerView;
  };
  'backup:start': {
    req: { readonly serverId: string; readonly mode?: BackupMode };
    res: { readonly jobId: string; readonly backupId: string };
  };
  'backup:cancel': { req: { readonly jobId: string }; res: null };
  'jobs:list': { req: void; res: readonly JobView[] };
  'backups:list': { req: { readonly serverId: string }; res: readonly BackupRecord[] };
  'backups:get': { req: { readonly serverId: string; readonly backupId: string }; res: BackupDetails };
  'backups:delete': { req: { readonly serverId: string; readonly backupId: string }; res: null };
  'checks:run': { req: { readonly serverId: string; readonly mode?: BackupMode }; res: readonly CheckResult[] };
  'checks:fix': {
    req: { readonly serverId: string; readonly checkId: string; readonly actionId: string };
    res: readonly CheckResult[];
  };
  'dialog:open-file': { req: { readonly title: string }; res: string | null };
  'dialog:open-folder': { req: { readonly title: string }; res: string | null };
  'sandbox:status': { req: void; res: SandboxStatus };
  'sandbox:start': { req: void; res: SandboxStatus };
}

/** Main → renderer broadcasts. */
export interface Events {
  'job:progress': JobProgress;
  'job:log': JobLog;
  'job:done': JobDone;
  'sandbox:progress': SandboxProgress;
}

export type RequestChannel = keyof Requests;
export type EventChannel = keyof Events;
export type Req<C extends RequestChannel> = Requests[C]['req'];
export type Res<C extends RequestChannel> = Requests[C]['res'];

// Records, not arrays, so the compiler insists every channel is listed (the allow-lists).
const requestChannelSet: { readonly [C in RequestChannel]: true } = {
  'app:info': true,
  'settings:get': true,
  'settings:update': true,
  'servers:list': true,
  'servers:save': true,
  'servers:delete': true,
  'servers:test': true,
  'servers:trust-host-key': true,
  'backup:start': true,
  'backup:cancel': true,
  'jobs:list': true,
  'backups:list': true,
  'backups:get': true,
  'backups:delete': true,
  'checks:run': true,
  'checks:fix': true,
  'dialog:open-file': true,
  'dialog:open-folder': true,
  'sandbox:status': true,
  'sandbox:start': true,
};
const eventChannelSet: { readonly [E in EventChannel]: true } = {
  'job:progress': true,
  'job:log': true,
  'job:done': true,
  'sandbox:progress': true,
};
export const REQUEST_CHANNELS = Object.freeze(Object.keys(requestChannelSet) as RequestChannel[]);
export const EVENT_CHANNELS = Object.freeze(Object.keys(eventChannelSet) as EventChannel[]);

export const isRequestChannel = (c: unknown): c is RequestChannel =>
  typeof c === 'string' && Object.prototype.hasOwnProperty.call(requestChannelSet, c);
export const isEventChannel = (c: unknown): c is EventChannel =>
  typeof c === 'string' && Object.prototype.hasOwnProperty.call(eventChannelSet, c);

/** What the preload exposes as window.api, and what the browser bridge implements. */
export interface Api {
  invoke<C extends RequestChannel>(channel: C, req: Req<C>): Promise<Result<Res<C>>>;
  on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** What the main side implements: one handler per channel; thrown errors become error values. */
export type Handlers = { readonly [C in RequestChannel]: (req: Req<C>) => Promise<Res<C>> };

/** The browser bridge's wire format (WebSocket, JSON). */
export type WireMessage =
  | { readonly type: 'invoke'; readonly id: number; readonly channel: RequestChannel; readonly req: unknown }
  | { readonly type: 'result'; readonly id: number; readonly result: Result<unknown> }
  | { readonly type: 'event'; readonly event: EventChannel; readonly payload: unknown };
