import { LienthongError } from '../errors/lienthong.exception.js';

/** Levenshtein distance, stopping early once every cell of a row exceeds `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const cell = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
      row.push(cell);
      best = Math.min(best, cell);
    }
    if (best > limit) return limit + 1;
    previous = row;
  }
  return previous[b.length]!;
}

/**
 * The registered type name closest to a mistyped one (a typo, a swapped or missing letter, a
 * word of a dotted name off by a few characters), or undefined when none is close: at most 2
 * edits, or a quarter of the name's length for long names. Ties go to the alphabetically first.
 */
export function closestTypeName(type: string, registered: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(type.length / 4));
  let closest: { name: string; distance: number } | undefined;
  for (const name of registered) {
    if (name === type) continue;
    const distance = editDistance(type, name, limit);
    if (distance > limit) continue;
    if (!closest || distance < closest.distance || (distance === closest.distance && name < closest.name)) {
      closest = { name, distance };
    }
  }
  return closest?.name;
}

/** `404 unknown-type` for a well-formed name nothing is registered under, naming the closest one. */
export function unknownTypeError(type: string, registered: Iterable<string>): LienthongError {
  const closest = closestTypeName(type, registered);
  return new LienthongError('unknown-type', {
    detail:
      `No message type "${type}" is registered.` +
      (closest !== undefined ? ` Did you mean "${closest}"?` : ''),
    detailVi:
      `Chưa đăng ký loại thông điệp "${type}".` +
      (closest !== undefined ? ` Loại thông điệp đã đăng ký có tên gần nhất là "${closest}".` : ''),
  });
}
