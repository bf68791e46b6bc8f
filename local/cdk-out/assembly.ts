import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CdkOutError } from '../cdk-out-dir.js';

/** A CloudFormation template as synthesized (only the parts the loader reads). */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { Value?: unknown; Export?: { Name?: unknown } }>;
  readonly Parameters?: Record<string, { Default?: unknown; Type?: string }>;
}

/** One resource of a template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly Condition?: string;
}

/** One stack of the assembly, with its template and the local directory of each file asset. */
export interface AssemblyStack {
  /** Artifact id (the stack's construct path-based id, e.g. `CpkitReleasePipeline`). */
  readonly id: string;
  /** `StackName` to deploy as (the artifact's `stackName` property, else the id). */
  readonly stackName: string;
  readonly templateFile: string;
  readonly template: CfnTemplate;
  /** Asset hash (the `S3Key` without `.zip`) -> absolute path of the staged asset. */
  readonly assetPaths: ReadonlyMap<string, string>;
  /** Directory the stack's relative paths are relative to (its assembly's directory). */
  readonly assemblyDir: string;
}

interface ManifestArtifact {
  type?: string;
  properties?: Record<string, unknown>;
}

function readJson(path: string, what: string): any {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CdkOutError(`--cdk-out: cannot read ${what} ${path}: ${(err as Error).message}`);
  }
}

/**
 * Reads a cloud assembly: every `aws:cloudformation:stack` artifact, also those of nested assemblies (CDK
 * Stages), with its template and the staged file assets of its asset manifest.
 *
 * @example
 * const stacks = readCloudAssembly('cdk.out');
 * stacks.map((s) => s.id); // ['CpkitHandlers', 'CpkitReleasePipeline', ...]
 */
export function readCloudAssembly(dir: string, seen = new Set<string>()): AssemblyStack[] {
  const root = resolve(dir);
  if (seen.has(root)) return [];
  seen.add(root);
  const manifest = readJson(join(root, 'manifest.json'), 'cloud assembly manifest');
  const artifacts = (manifest?.artifacts ?? {}) as Record<string, ManifestArtifact>;
  const assetPathsByStack = new Map<string, Map<string, string>>();
  const out: AssemblyStack[] = [];
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (artifact.type !== 'cdk:asset-manifest') continue;
    const file = String(artifact.properties?.file ?? '');
    const path = isAbsolute(file) ? file : join(root, file);
    if (!file || !existsSync(path)) continue;
    const assets = readJson(path, 'asset manifest') as {
      files?: Record<string, { source?: { path?: string } }>;
    };
    const map = new Map<string, string>();
    for (const [hash, entry] of Object.entries(assets.files ?? {})) {
      if (entry.source?.path) map.set(hash, resolve(dirname(path), entry.source.path));
    }
    assetPathsByStack.set(id.replace(/\.assets$/, ''), map);
  }
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (artifact.type === 'cdk:cloud-assembly') {
      const nested = String(artifact.properties?.directoryName ?? '');
      if (nested) out.push(...readCloudAssembly(join(root, nested), seen));
      continue;
    }
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const templateFile = String(artifact.properties?.templateFile ?? '');
    if (!templateFile) throw new CdkOutError(`--cdk-out: stack ${id} has no templateFile in ${root}`);
    const templatePath = join(root, templateFile);
    out.push({
      id,
      stackName: typeof artifact.properties?.stackName === 'string' ? artifact.properties.stackName : id,
      templateFile: templatePath,
      template: readJson(templatePath, `template of stack ${id}`) as CfnTemplate,
      assetPaths: assetPathsByStack.get(id) ?? new Map(),
      assemblyDir: root,
    });
  }
  return out;
}
