import { describe, expect, test } from 'vitest';
import { ConfigSchemaError, parseConfig } from './index';

const parse = (text: string, warnings: string[] = []) =>
  parseConfig(text, 'cfg.yaml', {
    env: {},
    homeDir: '/nonexistent-home',
    cwd: '/',
    logger: { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} },
  });

describe('budget section', () => {
  test('no section: no caps, UTC, unpriced models refused', () => {
    expect(parse('model_list: []\n').budget).toEqual({ caps: [], timeZone: 'UTC', allowUnpriced: false });
  });

  test('overall and per-model caps, per run and per day', () => {
    const config = parse(
      [
        'budget:',
        '  max_usd_per_run: 20',
        '  max_usd_per_day: 100',
        '  time_zone: Europe/Paris',
        '  allow_unpriced: true',
        '  models:',
        '    gpt-4o: { max_usd_per_day: 5 }',
        '    gpt-4o-mini: { max_usd_per_run: 0.5 }',
      ].join('\n'),
    );
    expect(config.budget).toEqual({
      caps: [
        { maxUsd: 20, period: 'run' },
        { maxUsd: 100, period: 'day' },
        { maxUsd: 5, period: 'day', model: 'gpt-4o' },
        { maxUsd: 0.5, period: 'run', model: 'gpt-4o-mini' },
      ],
      timeZone: 'Europe/Paris',
      allowUnpriced: true,
    });
  });

  test('a negative cap and an unknown zone are schema errors with line:col', () => {
    let error: unknown;
    try {
      parse('budget:\n  max_usd_per_day: -1\n  time_zone: Mars/Base\n');
    } catch (caught) {
      error = caught;
    }
    expect(ConfigSchemaError.isInstance(error)).toBe(true);
    const issues = (error as ConfigSchemaError).issues.map((i) => `${i.line}:${i.keyPath}: ${i.message}`);
    expect(issues).toEqual([
      '2:budget.max_usd_per_day: must be zero or more',
      '3:budget.time_zone: must be an IANA time zone such as UTC or Europe/Paris',
    ]);
  });

  test('a misspelt key under budget is warned about', () => {
    const warnings: string[] = [];
    parse('budget:\n  max_usd_per_dya: 3\n', warnings);
    expect(warnings.join('\n')).toMatch(/unknown key budget\.max_usd_per_dya/);
  });
});
