/** Starts a monotonic clock; the function returned gives the seconds elapsed since. */
export function stopwatch(): () => number {
  const start = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - start) / 1e9;
}
