import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { ZipFile } from 'yazl';
import type { ActionRunRow } from '../../store/action-run-repo.js';
import { describeError, type ActionRunner, type RunnerContext } from './runner.js';

/** A source provider (optionally one action of it) mapped to a local folder by `--source-dir`. */
export interface SourceDirMapping {
  readonly provider: string;
  /** Only this action name; omitted: every action of the provider. */
  readonly actionName?: string;
  /** Absolute path of the folder. */
  readonly dir: string;
}

/**
 * Parses `--source-dir` values `Provider=DIR` or `Provider:ActionName=DIR` (repeatable), resolving DIR against
 * `baseDir`. Throws an Error naming the value when the syntax is wrong or DIR is not a folder.
 *
 * @example
 * parseSourceDirs(['CodeStarSourceConnection=./repo', 'CodeCommit:App=../app']);
 */
export function parseSourceDirs(values: readonly string[], baseDir = process.cwd()): SourceDirMapping[] {
  return values.map((value) => {
    const m = /^([A-Za-z0-9_-]+)(?::([A-Za-z0-9.@_-]+))?=(.+)$/.exec(value.trim());
    if (!m) throw new Error(`--source-dir: expected Provider=DIR or Provider:ActionName=DIR, got "${value}"`);
    const dir = resolve(baseDir, m[3]);
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      // reported below
    }
    if (!isDir) throw new Error(`--source-dir ${value}: ${dir} is not a folder`);
    return { provider: m[1], ...(m[2] ? { actionName: m[2] } : {}), dir };
  });
}

/** The mapping of a source action: one for its name wins over one for its whole provider. */
export function findSourceDir(
  mappings: readonly SourceDirMapping[],
  provider: string,
  actionName: string,
): SourceDirMapping | undefined {
  const ofProvider = mappings.filter((m) => m.provider === provider);
  return ofProvider.find((m) => m.actionName === actionName) ?? ofProvider.find((m) => !m.actionName);
}

/** The files of a folder (recursively, `.git` and symbolic links left out), sorted by their relative path. */
function listFiles(dir: string): { path: string; abs: string; mode: number; mtime: Date }[] {
  const out: { path: string; abs: string; mode: number; mtime: Date }[] = [];
  const walk = (current: string): void => {
    for (const name of readdirSync(current)) {
      if (name === '.git') continue;
      const abs = join(current, name);
      const st = lstatSync(abs);
      if (st.isDirectory()) walk(abs);
      else if (st.isFile())
        out.push({ path: relative(dir, abs).split(sep).join('/'), abs, mode: st.mode, mtime: st.mtime });
    }
  };
  walk(dir);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Zips a folder deterministically (sorted entries, fixed dates) and names its content: the revision is the
 * SHA-256 of every relative path and file content, so the same files give the same revision id.
 *
 * @example
 * const { zip, revision } = await zipFolder('/work/repo');
 */
export async function zipFolder(
  dir: string,
): Promise<{ zip: Buffer; revision: string; fileCount: number; newest?: Date }> {
  const files = listFiles(dir);
  const hash = createHash('sha256');
  const zip = new ZipFile();
  const mtime = new Date('1980-01-01T00:00:00Z');
  let newest: Date | undefined;
  for (const f of files) {
    const body = readFileSync(f.abs);
    hash.update(f.path).update('\0').update(body).update('\0');
    zip.addBuffer(body, f.path, { mtime, mode: f.mode });
    if (!newest || f.mtime > newest) newest = f.mtime;
  }
  zip.end();
  const buffer = await new Promise<Buffer>((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolvePromise(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
  return { zip: buffer, revision: hash.digest('hex'), fileCount: files.length, newest };
}

/**
 * Runs source actions of providers mapped to a local folder (`--source-dir`, e.g. GitHub, CodeCommit,
 * CodeStarSourceConnection): zips the folder as every output artifact, with the content's SHA-256 as the
 * revision id, and publishes the provider's usual output variables (CommitId = the revision).
 *
 * @example
 * new LocalFolderSourceRunner(ctx, [{ provider: 'CodeStarSourceConnection', dir: '/work/repo' }]).start(run);
 */
export class LocalFolderSourceRunner implements ActionRunner {
  constructor(
    private readonly ctx: RunnerContext,
    private readonly mappings: readonly SourceDirMapping[],
  ) {}

  /** Whether an action run's provider (or the action itself) is mapped to a folder. */
  handles(run: Pick<ActionRunRow, 'category' | 'provider' | 'actionName'>): boolean {
    return run.category === 'Source' && !!findSourceDir(this.mappings, run.provider, run.actionName);
  }

  start(run: ActionRunRow): void {
    void this.run(run);
  }

  resume(run: ActionRunRow): void {
    void this.run(run);
  }

  private async run(run: ActionRunRow): Promise<void> {
    const mapping = findSourceDir(this.mappings, run.provider, run.actionName)!;
    const config = run.resolvedConfiguration ?? {};
    try {
      const { zip, revision, fileCount, newest } = await zipFolder(mapping.dir);
      for (const output of run.outputArtifacts)
        await this.ctx.artifacts.writeObject(output.bucket, output.key, zip);
      const summary = `Local folder ${mapping.dir} (${fileCount} files, --source-dir ${run.provider})`;
      const repository = config.FullRepositoryId ?? config.RepositoryName ?? config.Repo;
      this.ctx.commit(() => {
        this.ctx.complete(run.id, {
          status: 'Succeeded',
          summary,
          externalExecutionId: revision,
          outputVariables: {
            CommitId: revision,
            CommitMessage: summary,
            AuthorDate: (newest ?? new Date(this.ctx.clock.now())).toISOString(),
            BranchName: config.BranchName ?? '',
            ...(repository ? { FullRepositoryName: repository, RepositoryName: repository } : {}),
            ...(config.ConnectionArn ? { ConnectionArn: config.ConnectionArn } : {}),
          },
          outputArtifactRevisions: Object.fromEntries(run.outputArtifacts.map((a) => [a.name, revision])),
          sourceRevision: { actionName: run.actionName, revisionId: revision, revisionSummary: summary },
        });
      });
    } catch (err) {
      const message = `Zipping the local folder ${mapping.dir} failed: ${describeError(err)}`;
      this.ctx.commit(() => {
        this.ctx.complete(run.id, {
          status: 'Failed',
          errorCode: 'JobFailed',
          errorMessage: message,
          summary: message,
        });
      });
    }
  }
}
