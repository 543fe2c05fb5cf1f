import { useState } from 'react';
import type { BackupMode, ServerView } from '../../../shared/models/server';
import type { AppError } from '../../../shared/result';
import { ErrorMessage } from '../../components/error-message';
import { useAppStore } from '../../store';
import { selectReadOnly } from '../app/app-slice';
import { effectiveMode, exclusiveUnavailable } from './backup-mode';
import { selectActiveJob, selectFinishedJob } from './backup-slice';
import { JobOutcome } from './job-outcome';
import { JobPanel } from './job-panel';

/** The server page's backup bar: Exclusive | Concurrent, "Back up now", and the live job. */
export function BackupHeader({ server }: { readonly server: ServerView }) {
  const defaultMode = useAppStore((s) => s.settingsView?.settings.defaultMode ?? 'concurrent');
  const readOnly = useAppStore(selectReadOnly);
  const starting = useAppStore((s) => Boolean(s.starting[server.id]));
  const startError = useAppStore((s) => s.startErrors[server.id]);
  const job = useAppStore(selectActiveJob(server.id));
  const finished = useAppStore(selectFinishedJob(server.id));
  const setServerMode = useAppStore((s) => s.setServerMode);
  const startBackup = useAppStore((s) => s.startBackup);
  const runChecks = useAppStore((s) => s.runChecks);
  const [modeError, setModeError] = useState<AppError | null>(null);
  // The choice shows at once; the store follows when servers:save answers.
  const [pendingMode, setPendingMode] = useState<BackupMode | null>(null);
  const savingMode = pendingMode !== null;

  const mode = pendingMode ?? effectiveMode(server, defaultMode);
  const noExclusive = exclusiveUnavailable(server);
  const running = Boolean(job) || starting;

  const choose = async (next: BackupMode): Promise<void> => {
    if (next === mode) return;
    setPendingMode(next);
    setModeError(null);
    const r = await setServerMode(server.id, next);
    setPendingMode(null);
    if (!r.ok) setModeError(r.error);
    // Some checks judge the server for the chosen mode.
    else void runChecks(server.id);
  };

  return (
    <section className="backup-header" aria-label="Backup">
      <div className="backup-header-row">
        <fieldset className="segmented" disabled={readOnly || savingMode || running}>
          <legend>Backup mode</legend>
          <label className={mode === 'exclusive' ? 'segment segment-on' : 'segment'} title={noExclusive}>
            <input
              type="radio"
              name={`mode-${server.id}`}
              value="exclusive"
              checked={mode === 'exclusive'}
              disabled={Boolean(noExclusive)}
              aria-describedby={noExclusive ? `mode-reason-${server.id}` : undefined}
              onChange={() => void choose('exclusive')}
            />
            Exclusive
          </label>
          <label className={mode === 'concurrent' ? 'segment segment-on' : 'segment'}>
            <input type="radio" name={`mode-${server.id}`} value="concurrent" checked={mode === 'concurrent'} onChange={() => void choose('concurrent')} />
            Concurrent
          </label>
        </fieldset>
        <button
          type="button"
          className="button-primary"
          disabled={readOnly || running}
          aria-busy={starting}
          onClick={() => void startBackup(server.id, mode)}
        >
          {starting ? 'Starting…' : job ? 'Backing up…' : 'Back up now'}
        </button>
      </div>
      {noExclusive && (
        <p className="field-description" id={`mode-reason-${server.id}`}>
          Exclusive is unavailable: {noExclusive}
        </p>
      )}
      {modeError && <ErrorMessage error={modeError} title="The mode was not changed" onDismiss={() => setModeError(null)} />}
      {startError && <ErrorMessage error={startError} title="The backup did not start" />}
      {job && <JobPanel job={job} serverName={server.name} />}
      {!job && finished && <JobOutcome job={finished} />}
    </section>
  );
}
