import { pointersRevealing } from './projection.js';
import type { SubscriptionFilter } from './subscription.js';

/** A filter condition that tests personal data, and where in the filter it is. */
export interface PersonalFilterCondition {
  /** JSON pointer of the condition's `attribute` or `pointer` member in the request. */
  at: string;
  /** The personal-data pointer it tests, or `subject` for the record key. */
  reveals: string;
}

/** What makes a condition personal for one type. */
export interface PersonalDataOfType {
  personalData: readonly string[];
  /** The type's record key (`ce_subject`) is personal data (see `keyIsPersonalData`). */
  keyIsPersonal: boolean;
}

/**
 * The conditions of a filter that test personal data: a pointer equal to or inside a personal
 * field, or the `subject` attribute when the key is personal. A subscriber without
 * `subscribe-personal-data` could otherwise learn the clear value by choosing what it receives
 * (a filter `subject equals 001195012345` answers "is this record about that citizen?").
 */
export function personalDataInFilter(
  filter: SubscriptionFilter | undefined,
  type: PersonalDataOfType,
  at = '/filter',
): PersonalFilterCondition[] {
  const found: PersonalFilterCondition[] = [];
  const visit = (node: unknown, where: string, depth: number): void => {
    // Stored filters were validated, but a replica reads them defensively (see matchesFilter).
    if (node === null || typeof node !== 'object' || depth > 64) return;
    const n = node as Record<string, unknown>;
    for (const combinator of ['and', 'or'] as const) {
      const list = n[combinator];
      if (Array.isArray(list)) list.forEach((c, i) => visit(c, `${where}/${combinator}/${i}`, depth + 1));
    }
    if (n['attribute'] === 'subject' && type.keyIsPersonal)
      found.push({ at: `${where}/attribute`, reveals: 'subject' });
    const pointer = n['pointer'];
    if (typeof pointer === 'string') {
      const [hit] = pointersRevealing([pointer], type.personalData);
      if (hit) found.push({ at: `${where}/pointer`, reveals: hit.personal });
    }
  };
  visit(filter, at, 0);
  return found;
}
