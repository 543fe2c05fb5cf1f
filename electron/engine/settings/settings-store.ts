import { readFileSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import type { AppError } from '../../../shared/result';
import { TidemarkError } from '../errors';
import { emptySettingsDoc } from './defaults';
import { migrate } from './migrations';
import { settingsProperties, settingsSchema, type SettingsDoc } from './schema';

/** The part of conf / electron-store this store uses (electron-store extends conf). */
export interface ConfLike {
  store: Record<string, unknown>;
}
export interface ConfOptions {
  cwd: string;
  configName: string;
  fileExtension: string;
  schema?: typeof settingsProperties;
  clearInvalidConfig: false;
}
/** Builds the writer: conf in the CLI and tests, electron-store in the Electron shell. */
export type ConfFactory = (options: ConfOptions) => ConfLike;

const ajv = new Ajv({ allErrors: false, strict: false });
const validateDoc = ajv.compile(settingsSchema);

/**
 * The settings file. It is validated before anything else touches it: a malformed file gives one
 * clear error naming the field, the app keeps running read-only, and the file is never overwritten.
 */
export class SettingsStore {
  readonly path: string;
  private doc: SettingsDoc = emptySettingsDoc();
  private problemValue?: AppError;
  private writer?: ConfLike;

  constructor(path: string, private readonly factory: ConfFactory) {
    this.path = path;
    this.load();
  }

  get problem(): AppError | undefined {
    return this.problemValue;
  }

  get current(): SettingsDoc {
    return this.doc;
  }

  /** Re-reads the file (after a hand edit). */
  load(): void {
    this.problemValue = undefined;
    this.writer = undefined;
    let text: string | undefined;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        return this.fail(`Settings file ${this.path} cannot be read: ${(e as Error).message}`);
      }
    }
    let raw: unknown = {};
    if (text !== undefined && text.trim() !== '') {
      try {
        raw = JSON.parse(text);
      } catch (e) {
        return this.fail(`Settings file ${this.path} is not valid JSON: ${(e as Error).message}`);
      }
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return this.fail(`Settings file ${this.path} must hold a JSON object.`);
    }
    const migrated = migrate(raw as Record<string, unknown>);
    if (!validateDoc(migrated)) {
      return this.fail(`Settings file ${this.path}: ${describe(validateDoc.errors?.[0], migrated)}`);
    }
    this.doc = migrated as unknown as SettingsDoc;
    const options: ConfOptions = {
      cwd: dirname(this.path),
      configName: basename(this.path, extname(this.path)),
      fileExtension: extname(this.path).replace(/^\./, ''),
      clearInvalidConfig: false,
    };
    // conf validates the file as it opens it, so an older or hand-written file (valid only once
    // migrated) is first rewritten in its migrated form, by a writer without the schema.
    if (text !== undefined && JSON.stringify(raw) !== JSON.stringify(migrated)) this.factory(options).store = { ...migrated };
    this.writer = this.factory({ ...options, schema: settingsProperties });
  }

  /** Applies a change, validates the result and writes it atomically. */
  update(change: (doc: SettingsDoc) => SettingsDoc): SettingsDoc {
    if (!this.writer || this.problemValue) {
      throw new TidemarkError('SETTINGS_INVALID', this.problemValue?.message ?? 'Settings are read-only.', {
        hint: 'Fix the settings file by hand (or move it away) and restart; Tidemark will not overwrite it.',
      });
    }
    const next = change(this.doc);
    if (!validateDoc(next)) {
      throw new TidemarkError('VALIDATION', `Invalid settings: ${describe(validateDoc.errors?.[0], next)}`);
    }
    this.writer.store = { ...next } as Record<string, unknown>;
    this.doc = next;
    return next;
  }

  private fail(message: string): void {
    this.doc = emptySettingsDoc();
    this.problemValue = {
      code: 'SETTINGS_INVALID',
      message,
      hint: 'Tidemark is running read-only and has not touched the file. Fix it by hand (see README, "Settings file") or move it away, then restart.',
    };
  }
}

/** `servers[0] ("prod").port must be <= 65535`: a field path a DBA can find in the file. */
function describe(error: ErrorObject | undefined, doc: unknown): string {
  if (!error) return 'invalid document';
  const parts = error.instancePath.split('/').slice(1);
  let path = '';
  let node: unknown = doc;
  for (const part of parts) {
    node = (node as Record<string, unknown>)?.[part];
    if (/^\d+$/.test(part)) {
      path += `[${part}]`;
      const name = (node as { name?: unknown })?.name;
      if (typeof name === 'string') path += ` ("${name}")`;
    } else {
      path += path ? `.${part}` : part;
    }
  }
  const where = path || 'the document';
  if (error.keyword === 'additionalProperties') {
    return `${where} has an unknown field "${(error.params as { additionalProperty: string }).additionalProperty}"`;
  }
  if (error.keyword === 'required') {
    return `${where} is missing the field "${(error.params as { missingProperty: string }).missingProperty}"`;
  }
  if (error.keyword === 'enum') {
    return `${where} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (error.keyword === 'oneOf' && path.endsWith('transport')) {
    return `${where} must be {"kind":"local"} or {"kind":"ssh","host","port","user","auth":"key"|"agent","keyPath"?}`;
  }
  return `${where} ${error.message ?? 'is invalid'}`;
}
