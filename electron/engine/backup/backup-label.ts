/** What Tidemark reads from a backup_label (PostgreSQL's own text format). */
export interface LabelFacts {
  readonly startLsn?: string;
  readonly startWal?: string;
  readonly timeline?: number;
  readonly label?: string;
}

export function parseBackupLabel(text: string): LabelFacts {
  const start = /^START WAL LOCATION: ([0-9A-F]+\/[0-9A-F]+) \(file ([0-9A-F]{24})\)$/im.exec(text);
  const tli = /^START TIMELINE: (\d+)$/im.exec(text);
  const label = /^LABEL: (.*)$/im.exec(text);
  return {
    ...(start && { startLsn: start[1], startWal: start[2] }),
    // Before PG 11 there is no START TIMELINE line; the WAL file name carries it.
    ...(tli ? { timeline: Number(tli[1]) } : start ? { timeline: parseInt(start[2].slice(0, 8), 16) } : {}),
    ...(label && { label: label[1] }),
  };
}
