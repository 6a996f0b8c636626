/**
 * The message of anything thrown. Duck-typed rather than `instanceof Error`: errors raised by
 * Node's built-in modules come from another realm when the code runs inside a VM context
 * (Jest's ESM mode), and would otherwise print as `TypeError [CODE]: …`.
 */
export function errorMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}
