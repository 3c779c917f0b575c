import { isAppError } from '../../shared/errors/app-error.js';

/**
 * The AppError code `work` rejects with: undefined when it resolves, `not-app-error:<text>` when
 * it rejects with anything else, so one `toBe(code)` catches all three outcomes.
 */
export async function rejectionCodeOf(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    return isAppError(error) ? error.code : `not-app-error:${String(error)}`;
  }
}
