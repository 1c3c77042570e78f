/** Types of scripts/lib/budget.mjs for the TypeScript tests that check the size gate. */
export const CLASSIC_SCRIPT_BUDGET: number;
export const CLASSIC_SCRIPT_TARGET: number;
export function gzipSize(bytes: Uint8Array | string): number;
export function checkBudget(
  file: string,
  budget?: number,
): { size: number; budget: number; ok: boolean; message: string };
