import { readFileSync } from 'node:fs';
import os from 'node:os';

export const DOC_HEADING = '## Database (npm run bench:db)';

export interface MachineInfo {
  cores: number;
  cpu: string;
  ramGiB: number;
  postgres: string;
  node: string;
  date: string;
}

export function machineInfo(postgresVersion: string, now = new Date()): MachineInfo {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // Not Linux: keep os.cpus().
  }
  return {
    cores: os.availableParallelism(),
    cpu,
    ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    postgres: postgresVersion,
    node: process.version,
    date: now.toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  };
}

export function machineLine(m: MachineInfo): string {
  return `${m.date} · ${m.cores} cores (nproc), ${m.cpu} · ${m.ramGiB} GiB RAM · ${m.postgres} · Node ${m.node}`;
}
