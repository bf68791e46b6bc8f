import type { InputArtifact } from '../../toolkit/artifacts-read.js';
import { ALLOW_LIST_FILE, parseAllowList } from './allow-list.js';
import { DEFAULT_ENTROPY_THRESHOLDS, scanText, type EntropyThresholds, type Finding } from './rules.js';

/** Files larger than this are not scanned (reported as skipped): committed secrets live in small text files. */
export const MAX_SCANNED_FILE_BYTES = 2 * 1024 * 1024;
const BINARY_SNIFF_BYTES = 8000;

/** What a scan found. */
export interface ScanResult {
  readonly filesScanned: number;
  /** Files not scanned: allow-listed, binary or too large. */
  readonly filesSkipped: number;
  readonly findings: readonly Finding[];
  /** Findings that the allow-list let through. */
  readonly allowed: number;
  /** Lines of the allow-list that could not be read. */
  readonly allowListProblems: readonly string[];
}

/** The part of an opened artifact the scan reads. */
export type ScannableArtifact = Pick<InputArtifact, 'entries' | 'entry' | 'readFile'>;

/**
 * Scans every text file of an artifact for committed secrets, honouring the artifact's `.secret-scan-allow`.
 *
 * @example
 * const source = await openInputArtifact(job, 'SourceArtifact');
 * const { findings, filesScanned } = await scanArtifact(source);
 */
export async function scanArtifact(
  artifact: ScannableArtifact,
  thresholds: EntropyThresholds = DEFAULT_ENTROPY_THRESHOLDS,
): Promise<ScanResult> {
  const allowEntry = artifact.entry(ALLOW_LIST_FILE);
  const allow = parseAllowList(
    allowEntry && !allowEntry.isDirectory ? (await artifact.readFile(allowEntry)).toString('utf8') : '',
  );
  let filesScanned = 0;
  let filesSkipped = 0;
  let allowed = 0;
  const findings: Finding[] = [];
  for (const entry of artifact.entries) {
    if (entry.isDirectory || entry.path === ALLOW_LIST_FILE) continue;
    if (allow.skipsFile(entry.path) || entry.size > MAX_SCANNED_FILE_BYTES) {
      filesSkipped++;
      continue;
    }
    const bytes = await artifact.readFile(entry);
    if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) {
      filesSkipped++;
      continue;
    }
    filesScanned++;
    for (const finding of scanText(bytes.toString('utf8'), entry.path, thresholds)) {
      if (allow.allows(finding)) allowed++;
      else findings.push(finding);
    }
  }
  return { filesScanned, filesSkipped, findings, allowed, allowListProblems: allow.problems };
}

/** One finding as `file:line: rule value (fingerprint)`, the value masked. */
export function formatFinding(f: Finding): string {
  return `${f.file}:${f.line}: ${f.rule} ${f.masked} [${f.fingerprint}]`;
}
