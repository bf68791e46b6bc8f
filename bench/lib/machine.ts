import { cpus, totalmem, release, platform, arch } from 'node:os';

/** The machine a benchmark ran on (printed with every table: absolute numbers only compare on one machine). */
export interface MachineDescription {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
}

/**
 * Describes this machine: CPU model, logical cores, memory, Node version and OS.
 *
 * @example
 * const m = describeMachine();
 * console.log(formatMachine(m)); // "AMD EPYC, 2 cores, 24 GiB, Node v20.20.2, linux x64 6.1.0"
 */
export function describeMachine(): MachineDescription {
  const list = cpus();
  return {
    cpuModel: (list[0]?.model ?? 'unknown').trim(),
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    os: `${platform()} ${arch()} ${release()}`,
  };
}

/**
 * One line for a machine description.
 *
 * @example
 * formatMachine(describeMachine());
 */
export function formatMachine(m: MachineDescription): string {
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}`;
}
