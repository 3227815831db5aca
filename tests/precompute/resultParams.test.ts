/** The parameters a precomputed result depends on come from the cell graph (lib/precompute/build-result-params.ts). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedResultParamsText, resultParamsFromGraph } from '../../lib/precompute/build-result-params';
import { relevantParamNames } from '../../lib/precompute/files';

describe('result parameters', () => {
  it('the committed resultParams.generated.ts is the graph\'s answer (else run: npx tsx lib/precompute/build-result-params.ts)', () => {
    const committed = readFileSync(new URL('../../lib/precompute/resultParams.generated.ts', import.meta.url), 'utf8');
    expect(committed).toBe(generatedResultParamsText());
  });

  it('a training depends on the model, chip and training parameters, not on the drawing\'s, the sweep\'s or the preset\'s name', () => {
    const { training, sweep } = resultParamsFromGraph();
    expect(relevantParamNames('training')).toEqual(training);
    expect(relevantParamNames('sweep')).toEqual(sweep);
    for (const name of ['hidden', 'lr', 'seed', 'noise', 'chipId', 'trainSize']) expect(training).toContain(name);
    for (const name of ['preset', 'preprocess', 'sweepWidths']) expect(training).not.toContain(name);
    // a sweep replaces `hidden` with each of its widths
    expect(sweep).toContain('sweepWidths');
    expect(sweep).not.toContain('hidden');
  });
});
