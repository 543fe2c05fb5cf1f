export interface SandboxStatus {
  /** The npm-shipped PostgreSQL binaries are installed (a development checkout). */
  readonly available: boolean;
  readonly running: boolean;
  readonly folder: string;
  readonly reason?: string;
}

export interface SandboxProgress {
  readonly step: string;
  readonly done: number;
  readonly total: number;
  readonly message: string;
}
