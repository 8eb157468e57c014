import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Latencies of one kind of interaction, with the callback types the bot answered with. */
export class Samples {
  readonly values: number[] = [];
  readonly callbackTypes = new Map<number, number>();

  add(latencyMs: number, callbackType: number): void {
    this.values.push(latencyMs);
    this.callbackTypes.set(callbackType, (this.callbackTypes.get(callbackType) ?? 0) + 1);
  }

  get count(): number {
    return this.values.length;
  }

  /** Nearest-rank percentile (p in 0–100). */
  percentile(p: number): number {
    if (this.values.length === 0) return Number.NaN;
    const sorted = [...this.values].sort((a, b) => a - b);
    const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
    return sorted[rank - 1] as number;
  }

  max(): number {
    return this.values.length === 0 ? Number.NaN : this.values.reduce((m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY);
  }

  /** Answers that were a deferral (5 deferReply, 6 deferUpdate). */
  deferred(): number {
    return (this.callbackTypes.get(5) ?? 0) + (this.callbackTypes.get(6) ?? 0);
  }

  /** "4×1000" or "7×999, 4×1". */
  typesText(): string {
    return [...this.callbackTypes.entries()].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t}×${n}`).join(', ');
  }
}

/** Fields of /proc/<pid>/status given in kB, read in one go, in MiB. */
function statusMiB(pid: number, fields: readonly string[]): number[] {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return fields.map((field) => {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
    return Number(match[1]) / 1024;
  });
}

/** A process's resident memory (VmRSS) in MiB, from /proc. */
export function rssMiB(pid: number): number {
  return statusMiB(pid, ['VmRSS'])[0] as number;
}

/** Resident memory split as /proc reports it: anonymous (heaps, buffers) and file-backed (code, mapped files), in MiB. */
export function rssParts(pid: number): { anon: number; file: number } {
  const [anon, file, shmem] = statusMiB(pid, ['RssAnon', 'RssFile', 'RssShmem']) as [number, number, number];
  return { anon, file: file + shmem };
}

/** The machine, for the record: cores, CPU model, RAM, Node version. */
export function machine(): { cores: number; cpu: string; ramGiB: number; node: string } {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // Not Linux: keep os.cpus().
  }
  return { cores: os.availableParallelism(), cpu, ramGiB: os.totalmem() / 1024 ** 3, node: process.version };
}

export const fmt = (ms: number): string => (Number.isFinite(ms) ? (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)) : '—');

/** The 1-minute load average: other work on the machine skews latencies, so it is recorded with them. */
export function loadAverage(): number {
  return os.loadavg()[0] ?? Number.NaN;
}
