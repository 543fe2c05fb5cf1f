import Conf from 'conf';
import type { ConfFactory } from './settings-store';

/** The CLI's, browser mode's and the tests' writer; the Electron shell passes electron-store instead. */
export const confFactory: ConfFactory = (options) =>
  new Conf({ ...options, projectName: 'tidemark' }) as unknown as { store: Record<string, unknown> };
