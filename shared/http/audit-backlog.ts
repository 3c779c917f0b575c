/**
 * How many HTTP requests in this instance are between entering the pipeline and having their
 * audit event appended. The audit trail reads it to decide whether waiting a moment would let
 * more events share one commit (see `groupCommit` in `postgres-audit-trail.ts`).
 */
let pending = 0;

export const auditBacklog = {
  enter(): void {
    pending += 1;
  },
  leave(): void {
    pending = Math.max(0, pending - 1);
  },
  count(): number {
    return pending;
  },
};

/** The audit trail's group-commit setting for this configuration (0 ms: never wait). */
export function groupCommitOf(config: { readonly auditGroupCommitMs: number }): {
  readonly maxWaitMs: number;
  readonly expectedAppends: () => number;
} {
  return { maxWaitMs: config.auditGroupCommitMs, expectedAppends: () => auditBacklog.count() };
}
