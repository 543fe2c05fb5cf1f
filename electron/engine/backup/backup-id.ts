/** Sortable ids from the start time in UTC: 20261123T191500, then -2, -3… within one second. */
export function newBackupId(now: Date, taken: (id: string) => boolean): string {
  const base = now.toISOString().slice(0, 19).replace(/[-:]/g, '');
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const id = `${base}-${n}`;
    if (!taken(id)) return id;
  }
}

export const backupLabel = (id: string): string => `tidemark ${id}`;

/** Replication slot names allow [a-z0-9_] only. */
export const slotName = (id: string): string => `tidemark_${id.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
