import {
  CreatePipelineCommand,
  GetPipelineCommand,
  UpdatePipelineCommand,
} from '@aws-sdk/client-codepipeline';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codePipelineClient, removeDir, spawnServe, tempDir } from '../helpers/local-server.js';
import { validPipeline } from '../helpers/pipeline-fixtures.js';

const dir = tempDir('cpkit-durability-');
afterAll(() => removeDir(dir));

/** Writers, pipelines per writer, and after how many acknowledged writes the server is killed. */
const WRITERS = 4;
const PIPELINES_PER_WRITER = 10;
const KILL_AFTER_ACKS = 30;

describe('Durability: SIGKILL during a burst of CreatePipeline/UpdatePipeline', () => {
  it('keeps every acknowledged write and a consistent database', async () => {
    // Prepare
    const serve = await spawnServe(['--port', '0', '--data-dir', dir]);
    const client = codePipelineClient(serve.endpoint);
    const acked = new Map<string, number>(); // pipeline -> highest acknowledged version
    let acks = 0;
    let killed: Promise<number | null> | undefined;
    const ack = (name: string, version: number) => {
      acked.set(name, Math.max(acked.get(name) ?? 0, version));
      if (++acks === KILL_AFTER_ACKS) killed = serve.stop('SIGKILL');
    };

    // Act: each writer creates its pipelines and updates each twice, until the server dies
    const writer = async (w: number) => {
      for (let i = 0; i < PIPELINES_PER_WRITER; i++) {
        const name = `dur-${w}-${i}`;
        try {
          await client.send(new CreatePipelineCommand({ pipeline: validPipeline(name) }));
          ack(name, 1);
          for (const version of [1, 2]) {
            await client.send(new UpdatePipelineCommand({ pipeline: validPipeline(name, { version }) }));
            ack(name, version + 1);
          }
        } catch {
          return; // the server is gone: writes after this point were never acknowledged
        }
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    await (killed ?? serve.stop('SIGKILL'));
    client.destroy();

    // Assess: a restart on the same data dir serves every acknowledged version
    const again = await spawnServe(['--port', '0', '--data-dir', dir]);
    const client2 = codePipelineClient(again.endpoint);
    try {
      expect(acked.size).toBeGreaterThan(0);
      for (const [name, version] of acked) {
        const got = await client2.send(new GetPipelineCommand({ name }));
        expect(got.pipeline!.version).toBeGreaterThanOrEqual(version);
        expect((await client2.send(new GetPipelineCommand({ name, version }))).pipeline!.name).toBe(name);
      }
    } finally {
      client2.destroy();
      expect(await again.stop()).toBe(0);
    }
    const db = new Database(join(dir, 'codepipeline.sqlite'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const orphans = db
        .prepare(
          'SELECT COUNT(*) AS n FROM pipelines p WHERE NOT EXISTS (SELECT 1 FROM pipeline_versions v WHERE v.pipeline_name = p.name AND v.version = p.current_version)',
        )
        .get() as { n: number };
      expect(orphans.n).toBe(0);
    } finally {
      db.close();
    }
  });
});
