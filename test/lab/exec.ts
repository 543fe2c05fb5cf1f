// The lab runs commands exactly as the product's sandbox does (as the postgres user when root,
// errors carrying stderr): one implementation, under the lab's names.
export {
  runCommand as exec,
  runCommandSync as execSyncQuiet,
  type RunOptions as ExecOptions,
} from '../../electron/engine/sandbox/run-command';

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
}
