import { describe, expect, it } from '@jest/globals';
import { PROBLEM_CATALOGUE } from '@lienthong/contracts';
import { VERSION_STATES } from '@lienthong/registry';
import { TRUST_REASONS } from '@lienthong/trust';
import { LabelBounds } from './label-bounds.js';
import {
  HTTP_STATUSES,
  OTHER,
  REJECTION_REASONS,
  SCHEMA_VERSION_STATES,
  topicFamily,
} from './metric-labels.const.js';

describe('LabelBounds', () => {
  it('keeps allowed types and agencies and turns everything else into "other"', () => {
    const bounds = new LabelBounds();
    bounds.allowTypes(['residence.registration']);
    bounds.allowAgencies(['000.00.00.G12']);
    expect(bounds.type('residence.registration')).toBe('residence.registration');
    expect(bounds.type('residence.registration2')).toBe(OTHER);
    expect(bounds.type(undefined)).toBe(OTHER);
    expect(bounds.agency('000.00.00.G12')).toBe('000.00.00.G12');
    expect(bounds.agency('000.00.00.G13')).toBe(OTHER);
    expect(bounds.subscription('sub-1')).toBe(OTHER);
  });

  it('caps each allow-list', () => {
    const bounds = new LabelBounds({ maxValuesPerList: 3 });
    bounds.allowTypes(['a', 'b', 'c', 'd']);
    expect(bounds.type('c')).toBe('c');
    expect(bounds.type('d')).toBe(OTHER);
    expect(bounds.sizes().types).toBe(3);
  });

  it('never lets "other" be allowed as a value of its own', () => {
    const bounds = new LabelBounds();
    bounds.allowAgencies([OTHER]);
    expect(bounds.sizes().agencies).toBe(0);
  });

  it('takes route patterns only from the allow-list', () => {
    const bounds = new LabelBounds();
    bounds.allowRoutes(['/v1/messages/:type']);
    expect(bounds.route('/v1/messages/:type')).toBe('/v1/messages/:type');
    expect(bounds.route('/v1/messages/residence.registration')).toBe(OTHER);
    expect(bounds.route(undefined)).toBe(OTHER);
  });

  it('bounds methods and statuses to fixed lists', () => {
    const bounds = new LabelBounds();
    expect(bounds.method('post')).toBe('POST');
    expect(bounds.method('BREW')).toBe(OTHER);
    expect(bounds.status(202)).toBe('202');
    expect(bounds.status(418)).toBe(OTHER);
    for (const { status } of Object.values(PROBLEM_CATALOGUE)) expect(HTTP_STATUSES).toContain(status);
  });

  it('takes rejection reasons from the problem catalogue and auth reasons from the trust lib', () => {
    const bounds = new LabelBounds();
    expect(REJECTION_REASONS).toEqual(Object.keys(PROBLEM_CATALOGUE));
    expect(bounds.rejectionReason('validation-failed')).toBe('validation-failed');
    expect(bounds.rejectionReason('made-up')).toBe(OTHER);
    for (const reason of TRUST_REASONS) expect(bounds.authReason(reason)).toBe(reason);
    expect(bounds.authReason('validation-failed')).toBe(OTHER);
    expect(bounds.authContext('access-token')).toBe('access-token');
    expect(bounds.authContext('cookie')).toBe(OTHER);
  });

  it('keeps a topic only when what it is named after is allowed', () => {
    const bounds = new LabelBounds();
    bounds.allowTypes(['residence.registration']);
    bounds.allowAgencies(['000.00.00.G12']);
    expect(bounds.topic('lienthong.records.residence.registration')).toBe(
      'lienthong.records.residence.registration',
    );
    expect(bounds.topic('lienthong.records.x')).toBe(OTHER);
    expect(bounds.topic('lienthong.inbox.000.00.00.G12')).toBe('lienthong.inbox.000.00.00.G12');
    expect(bounds.topic('lienthong.inbox.000.00.00.G99')).toBe(OTHER);
    expect(bounds.topic('lienthong.retry.2')).toBe('lienthong.retry.2');
    expect(bounds.topic('lienthong.retry.x')).toBe(OTHER);
    expect(bounds.topic('lienthong.dlq')).toBe('lienthong.dlq');
    expect(bounds.topic('__consumer_offsets')).toBe(OTHER);
  });
});

describe('topicFamily', () => {
  it.each([
    ['lienthong.records.residence.registration', 'records'],
    ['lienthong.inbox.000.00.00.G12', 'inbox'],
    ['lienthong.retry.1', 'retry'],
    ['lienthong.dlq', 'dlq'],
    ['lienthong.registry', 'registry'],
    ['lienthong.audit', 'audit'],
    ['lienthong.records.', OTHER],
    ['orders', OTHER],
  ])('%s is %s', (topic, family) => {
    expect(topicFamily(topic)).toBe(family);
  });
});

it('names the same schema version states as the registry', () => {
  expect([...SCHEMA_VERSION_STATES]).toEqual([...VERSION_STATES]);
});

describe('LabelBounds with live sources', () => {
  it('asks the source at each observation and counts it in the sizes', () => {
    const registered = new Set(['civil.birth']);
    const bounds = new LabelBounds();
    bounds.typesFrom({ has: (t) => registered.has(t), size: () => registered.size });
    bounds.allowTypes(['residence.registration']);
    expect(bounds.type('civil.death')).toBe(OTHER);
    registered.add('civil.death');
    expect(bounds.type('civil.death')).toBe('civil.death');
    expect(bounds.type('residence.registration')).toBe('residence.registration');
    expect(bounds.sizes().types).toBe(3);
  });

  it('never passes "other" through a source', () => {
    const bounds = new LabelBounds();
    bounds.agenciesFrom({ has: () => true, size: () => 1 });
    expect(bounds.agency(OTHER)).toBe(OTHER);
    expect(bounds.agency(undefined)).toBe(OTHER);
  });
});
