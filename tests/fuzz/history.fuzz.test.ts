import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultParams } from '../../lib/params';
import { MAX_RUNS, addRun, createRunRecord, parseHistory, serializeHistory, type RunHistory } from '../../lib/state/history';
import { applyJsonMutation, applyTextMutations, fuzzOptions, jsonMutation, textMutation } from './mutate';

let history: RunHistory = [];
for (let i = 0; i < 3; i++) {
  history = addRun(history, createRunRecord({
    state: i === 2 ? 'cancelled' : 'done',
    losses: [2.3, 1.2, Number.NaN, 0.4],
    epochs: [{ epoch: 1, trainLoss: 0.9, trainAccuracy: 0.8, testAccuracy: 0.85, seconds: 3 }],
  }, { ...defaultParams(), seed: i }, { timestamp: 1000 * i, history }));
}
const text = serializeHistory(history);
const json = JSON.parse(text);

/** A stored history never throws when read, and whatever it keeps can be stored again. */
function checkRead(stored: string): void {
  const parsed = parseHistory(stored);
  expect(parsed.history.length).toBeLessThanOrEqual(MAX_RUNS);
  expect(() => serializeHistory(parsed.history)).not.toThrow();
  for (const warning of parsed.warnings) expect(typeof warning).toBe('string');
}

describe('fuzz: lib/state/history parseHistory', () => {
  it('text mutations never throw', () => {
    fc.assert(fc.property(fc.array(textMutation, { minLength: 1, maxLength: 3 }), (m) => checkRead(applyTextMutations(text, m))), fuzzOptions(800));
  });

  it('structural JSON mutations never throw', () => {
    fc.assert(fc.property(fc.array(jsonMutation, { minLength: 1, maxLength: 3 }), (m) => checkRead(JSON.stringify(m.reduce((doc, x) => applyJsonMutation(doc, x), json)) ?? 'null')), fuzzOptions(1500));
  });

  it('arbitrary JSON never throws', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => checkRead(JSON.stringify(value) ?? 'null')), fuzzOptions(800));
  });
});
