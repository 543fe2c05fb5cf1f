import { failed, ok, type Check } from './check';
import { grantsNeeded } from './privilege-grants';

export const privilegesCheck: Check = {
  id: 'privileges',
  title: 'Backup privileges',
  critical: true,
  timeoutMs: 3000,
  needs: ['pg'],
  async run(ctx) {
    const { versionNum } = await ctx.facts();
    const needs = grantsNeeded(versionNum);
    const { rows } = await (await ctx.pg()).query<Record<string, unknown>>(
      `SELECT current_user AS role, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
              ${needs.map((n, i) => `${n.probe} AS g${i}`).join(',\n              ')}`,
    );
    const row = rows[0];
    const role = String(row.role);
    if (row.superuser === true) return ok(`Role ${role} is a superuser.`);
    const missing = needs.filter((_, i) => row[`g${i}`] !== true);
    if (missing.length === 0) {
      return ok(`Role ${role} is not a superuser but has every grant a backup needs: ${needs.map((n) => n.what).join(', ')}.`);
    }
    return failed(
      `Role ${role} is not a superuser and lacks ${missing.map((n) => `${n.what} (${n.why})`).join('; ')}.`,
      `As a superuser, run:\n${missing.map((n) => n.grant(role)).join('\n')}`,
    );
  },
};
