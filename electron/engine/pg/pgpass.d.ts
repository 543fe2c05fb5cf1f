// The `pgpass` package (pg's own ~/.pgpass reader) ships no types.
declare module 'pgpass' {
  interface PgPassConnInfo {
    host?: string;
    port?: number | string;
    database?: string;
    user?: string;
  }
  function pgpass(connInfo: PgPassConnInfo, cb: (password: string | undefined) => void): void;
  export = pgpass;
}
