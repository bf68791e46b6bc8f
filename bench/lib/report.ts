/** What bench/run.mjs needs from the shared library (bundled by it with esbuild). */
export { describeMachine, formatMachine, type MachineDescription } from './machine.js';
export { formatTable } from './table.js';
export { benchRow, type BenchRow } from './results.js';
