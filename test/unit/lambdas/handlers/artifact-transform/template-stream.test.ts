import fc from 'fast-check';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TemplateStream } from '../../../../../lambdas/handlers/artifact-transform/template-stream.js';

async function render(chunks: readonly Buffer[], values: Record<string, string>) {
  const stream = new TemplateStream(values);
  const out: Buffer[] = [];
  for await (const chunk of Readable.from(chunks).pipe(stream)) out.push(chunk as Buffer);
  return { text: Buffer.concat(out), stats: stream.stats };
}

describe('Class: TemplateStream', () => {
  it('substitutes known keys, leaves unknown ones and records them', async () => {
    // Act
    const { text, stats } = await render([Buffer.from('a=${A} b=${B} a.b=${a.b-c} $A ${ x}')], {
      A: 'ä1',
      'a.b-c': 'dotted',
    });

    // Assess
    expect(text.toString()).toBe('a=ä1 b=${B} a.b=dotted $A ${ x}');
    expect(stats.substitutions).toBe(2);
    expect([...stats.missing]).toEqual(['B']);
  });

  it('writes $${KEY} as a literal ${KEY}', async () => {
    // Act
    const { text } = await render([Buffer.from('$${A} and $$ and ${A}')], { A: 'x' });

    // Assess
    expect(text.toString()).toBe('${A} and $$ and x');
  });

  it('renders the same whatever the chunk boundaries (property)', async () => {
    // Prepare
    const alphabet = fc.constantFrom(
      '$',
      '{',
      '}',
      'A',
      'B',
      '_',
      '1',
      ' ',
      'é',
      '\n',
      '$${A}',
      '${A}',
      '${B}',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(alphabet, { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (parts, cuts) => {
          const whole = Buffer.from(parts.join(''));
          const points = [...new Set(cuts.map((c) => (whole.length ? c % whole.length : 0)))].sort(
            (a, b) => a - b,
          );
          const chunks: Buffer[] = [];
          let from = 0;
          for (const p of points) {
            chunks.push(whole.subarray(from, p));
            from = p;
          }
          chunks.push(whole.subarray(from));

          // Act
          const oneShot = await render([whole], { A: 'value-a', B: '' });
          const chunked = await render(
            chunks.filter((c) => c.length),
            { A: 'value-a', B: '' },
          );

          // Assess
          expect(chunked.text.equals(oneShot.text)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('passes binary bytes outside placeholders unchanged', async () => {
    // Prepare
    const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31) % 256));

    // Act
    const { text } = await render([binary.subarray(0, 1000), binary.subarray(1000)], {});

    // Assess
    expect(text.equals(binary)).toBe(true);
  });
});
