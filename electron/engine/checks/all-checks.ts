import type { Check } from './check';
import { backupInProgressCheck, backupLabelCheck } from './backup-label-checks';
import { backupAgeCheck, catalogSystemIdCheck, failedBackupsCheck, minimumBackupsCheck } from './catalog-checks';
import { postgresqlCheck, versionCheck } from './connection-checks';
import { privilegesCheck } from './privilege-checks';
import { modeCheck, roleCheck } from './replication-checks';
import { fullPageWritesCheck, replicationSlotCheck, walLevelCheck } from './settings-checks';
import {
  pgdataReadableCheck,
  sshHostKeyCheck,
  sshLoginCheck,
  sshReachableCheck,
  systemIdentifierCheck,
  toolsCheck,
} from './ssh-checks';
import { backupRootCheck, freeSpaceCheck } from './storage-checks';

/** Every check, in the order results are shown (they run in parallel). */
export const ALL_CHECKS: readonly Check[] = [
  postgresqlCheck,
  versionCheck,
  roleCheck,
  modeCheck,
  privilegesCheck,
  walLevelCheck,
  fullPageWritesCheck,
  replicationSlotCheck,
  backupInProgressCheck,
  backupLabelCheck,
  sshReachableCheck,
  sshHostKeyCheck,
  sshLoginCheck,
  toolsCheck,
  pgdataReadableCheck,
  systemIdentifierCheck,
  backupRootCheck,
  freeSpaceCheck,
  catalogSystemIdCheck,
  backupAgeCheck,
  failedBackupsCheck,
  minimumBackupsCheck,
];
