import { startLab, writeLabJson } from './lab';
async function main() {
  const t0 = Date.now();
  const lab = await startLab();
  console.log('startLab ms', Date.now() - t0);
  console.log(writeLabJson(lab));
  for (const c of lab.all()) console.log(c.name, c.port, await c.sql("select version(), pg_is_in_recovery(), (select count(*) from lab_ts_rows)"));
  console.log(lab.ssh?.hostKeyFingerprint, lab.ssh?.port);
  const t1 = Date.now();
  await lab.stop();
  console.log('stop ms', Date.now() - t1);
}
main().catch((e) => { console.error(e); process.exit(1); });
