import { describe, expect, test } from 'vitest';
import { commitmentRating, pledgeProblem } from '../../src/modules/party/commitment.rules';
import { hoursProblem, occurredOnProblem } from '../../src/modules/party/participation.rules';

describe('a pledge (挂牌承诺) is one sentence of 2 to 120 characters', () => {
  test.each([
    '楼道卫生我来管',
    '每周为楼内独居老人代买一次生活用品。',
    '有事找我！',
    '每周服务2.5小时，风雨无阻。',
    '我承诺：及时调解邻里纠纷；每月走访困难家庭。',
    'I will help my neighbours.',
    '诺'.repeat(120),
    '  前后空格不算  ',
  ])('%s hangs', (pledge) => {
    expect(pledgeProblem(pledge)).toBeNull();
  });

  test.each([
    ['我', 'at least 2'],
    ['   ', 'at least 2'],
    ['诺'.repeat(121), 'at most 120'],
    ['第一行\n第二行', 'one line'],
    ['我承诺。我做到！', 'one sentence'],
    ['Help. Serve', 'one sentence'],
    ['真的吗？是的。', 'one sentence'],
  ])('%j is refused (%s)', (pledge, reason) => {
    expect(pledgeProblem(pledge)).toContain(reason);
  });

  test('characters are counted as people read them, not in UTF-16 units', () => {
    expect(pledgeProblem('𠮷'.repeat(120))).toBeNull();
  });
});

describe('the residents\' judgement', () => {
  test('counts, and the kept share to four decimals; null before anyone rated', () => {
    expect(commitmentRating({ ratings: 0, kept: 0 })).toEqual({ ratings: 0, kept: 0, notKept: 0, keptShare: null });
    expect(commitmentRating({ ratings: 3, kept: 2 })).toEqual({ ratings: 3, kept: 2, notKept: 1, keptShare: 0.6667 });
    expect(commitmentRating({ ratings: 7, kept: 7 }).keptShare).toBe(1);
    expect(commitmentRating({ ratings: 4, kept: 0 }).keptShare).toBe(0);
  });
});

describe('a participation', () => {
  test('lasts more than zero and at most 24 hours', () => {
    expect(hoursProblem('0.5')).toBeNull();
    expect(hoursProblem('24')).toBeNull();
    expect(hoursProblem('0')).toContain('more than zero');
    expect(hoursProblem('-1')).toContain('more than zero');
    expect(hoursProblem('24.01')).toContain('at most 24');
  });

  test('happened while the report-in was active, and not in the future', () => {
    expect(occurredOnProblem('2026-03-10', '2026-03-10', '2026-01-01', null)).toBeNull();
    expect(occurredOnProblem('2026-01-01', '2026-03-10', '2026-01-01', '2026-02-01')).toBeNull();
    expect(occurredOnProblem('2026-02-01', '2026-03-10', '2026-01-01', '2026-02-01')).toBeNull();
    expect(occurredOnProblem('2026-03-11', '2026-03-10', '2026-01-01', null)).toContain('future');
    expect(occurredOnProblem('2025-12-31', '2026-03-10', '2026-01-01', null)).toContain('began on 2026-01-01');
    expect(occurredOnProblem('2026-02-02', '2026-03-10', '2026-01-01', '2026-02-01')).toContain('withdrawn on 2026-02-01');
  });
});
