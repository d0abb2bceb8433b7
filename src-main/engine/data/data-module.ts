import path from 'node:path';
import type { EngineContext, EngineModule } from '../module';
import type { SettingsService } from '../settings/settings-module';
import { BackupService } from './backup';

/** Backups and exports of the data folder (app role only). */
export function createDataModule(ctx: EngineContext, settings: SettingsService): EngineModule & { backups: BackupService } {
  const store = ctx.store;
  if (!store) throw new Error('the data module runs only in the app role');
  const backups = new BackupService({
    dataDir: store.dir,
    backupsDir: path.join(ctx.dataDir, 'backups'),
    exportsDir: path.join(ctx.dataDir, 'exports'),
    clock: ctx.clock,
    log: ctx.log.child({ part: 'backup' }),
    retentionDays: () => settings.backupRetentionDays(),
    flush: () => store.flush(),
  });
  return {
    name: 'data',
    backups,
    handlers: {
      'data.backups': async () => ({ folder: path.join(ctx.dataDir, 'backups'), backups: await backups.list(), retentionDays: settings.backupRetentionDays() }),
      'data.backupNow': async () => backups.backupNow(),
      'data.exportAll': async () => backups.exportAll(),
    },
    start: () => backups.start(),
    stop: async () => backups.stop(),
  };
}
