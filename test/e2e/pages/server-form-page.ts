import type { Locator, Page } from 'playwright';
import type { LabCluster } from '../../lab/cluster';
import type { LabSshdInfo } from '../../lab/sshd';
import { describedBy } from './wait';

export interface ServerFormInput {
  readonly name?: string;
  readonly host?: string;
  readonly port?: string;
  readonly user?: string;
  readonly database?: string;
  readonly password?: string;
  readonly ssh?: { readonly host: string; readonly port: string; readonly user: string; readonly keyPath: string };
}

/** What a DBA types to add a lab cluster (its files over the given sshd, if any). */
export function labFormInput(name: string, pg: LabCluster, ssh?: LabSshdInfo): ServerFormInput {
  return {
    name,
    host: pg.host,
    port: String(pg.port),
    user: pg.superuser,
    password: pg.password,
    ...(ssh && { ssh: { host: ssh.host, port: String(ssh.port), user: ssh.user, keyPath: ssh.clientKeyPath } }),
  };
}

/** The add/edit server form, by labels. */
export class ServerFormPage {
  readonly form: Locator;
  readonly submit: Locator;
  readonly cancel: Locator;

  constructor(readonly page: Page) {
    this.form = page.getByRole('region', { name: /^(Add a server|Edit )/ });
    this.submit = this.form.getByRole('button', { name: /^(Add server|Save changes)$/ });
    this.cancel = this.form.getByRole('button', { name: 'Cancel' });
  }

  field(label: string): Locator {
    return this.form.getByLabel(label, { exact: true });
  }

  async fill(input: ServerFormInput): Promise<void> {
    if (input.name !== undefined) await this.field('Name').fill(input.name);
    if (input.host !== undefined) await this.field('Host').fill(input.host);
    if (input.port !== undefined) await this.field('Port').fill(input.port);
    if (input.user !== undefined) await this.field('User').fill(input.user);
    if (input.database !== undefined) await this.field('Database').fill(input.database);
    if (input.password !== undefined) await this.field('Password').fill(input.password);
    if (input.ssh) {
      await this.form.getByRole('radio', { name: 'SSH', exact: true }).check();
      await this.field('SSH host').fill(input.ssh.host);
      await this.field('SSH port').fill(input.ssh.port);
      await this.field('SSH user').fill(input.ssh.user);
      await this.form.getByRole('radio', { name: 'Private key file' }).check();
      await this.field('Key path').fill(input.ssh.keyPath);
    }
  }

  /** The validation message and help text screen readers announce for a field. */
  errorOf(label: string): Promise<string> {
    return describedBy(this.field(label));
  }

  async isInvalid(label: string): Promise<boolean> {
    return (await this.field(label).getAttribute('aria-invalid')) === 'true';
  }
}
