import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
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

/**
 * Replaces this benchmark's section of docs/BENCHMARKS.md (from its heading to the next `## `
 * heading), or appends it. The file is read right before writing: other benchmarks own other sections.
 */
export async function writeSection(file: string, body: string): Promise<void> {
  const section = `${DOC_HEADING}\n\n${body.trim()}\n`;
  if (!existsSync(file)) {
    await writeFile(file, `# Benchmarks\n\nResults of the \`npm run bench:*\` scripts, newest run of each. Machine and date are given per section.\n\n${section}`);
    return;
  }
  const text = await readFile(file, 'utf8');
  const start = text.indexOf(`${DOC_HEADING}\n`);
  if (start === -1) {
    await writeFile(file, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const rest = text.slice(start + DOC_HEADING.length);
  const next = rest.search(/\n## /);
  const after = next === -1 ? '' : rest.slice(next + 1);
  await writeFile(file, `${text.slice(0, start)}${section}${after ? `\n${after}` : ''}`);
}
