// TEMPORARY until handoff/format.ts lands.
export function formatDemoHandoff(o: { handoff: Record<string, string>; secretExpiresAt: string; previousSecretExpiresAt: string | null; nextRotationAt: string }, show: boolean): string[] {
    return Object.entries(o.handoff).map(([k, v]) => `${k} | ${show || !["secretValue", "userPassword"].includes(k) ? v : "****"}`).concat([o.secretExpiresAt, String(o.previousSecretExpiresAt), o.nextRotationAt]);
}
