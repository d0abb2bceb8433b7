import { z } from 'zod';
import { request } from './define';

export interface BackupInfo {
  name: string;
  createdAt: string;
  files: number;
  bytes: number;
  /** The newest change of the data files it copied (their mtime, ms); absent in older backups. */
  dataChangedAt?: number;
}

export interface ExportResult {
  /** The folder the export was written to. */
  folder: string;
  files: string[];
}

export const dataRequests = {
  'data.backups': request<{ folder: string; backups: BackupInfo[]; retentionDays: number }>()(z.object({}).strict(), 'Lists the backups of the data folder'),
  'data.backupNow': request<BackupInfo>()(z.object({}).strict(), 'Backs up the data folder now'),
  'data.exportAll': request<ExportResult>()(z.object({}).strict(), 'Exports everything as JSON and CSV into a new folder'),
};

export const dataEvents = {};
