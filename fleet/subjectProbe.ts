// The ground truth for a stack's OIDC subjects: what .github/workflows/oidc-subject.yml printed, read back from a
// job's log, and compared with what the federated credentials trust. Pure.

/** The probe job's name for an environment (oidc-subject.yml: `name: subject in tenant-${{ inputs.stack }}...`). */
export function probeJobName(environment: string): string {
    return `subject in ${environment}`;
}

/**
 * The subjects a job log reports, by environment. .github/scripts/oidc-subject.sh prints one line
 * `oidc-subject environment=<environment> sub=<sub>`; GitHub's log puts a timestamp in front of it (and a byte order
 * mark in front of the first line), `gh run view --log` also the job's and the step's name.
 */
export function subjectsInLog(log: string): Map<string, string> {
    const found = new Map<string, string>();
    for (const line of log.replace(/^\ufeff/, "").split(/\r?\n/)) {
        const match = /(?:^|\s)oidc-subject environment=([A-Za-z0-9_.-]+) sub=(\S+)\s*$/.exec(line);
        if (match) found.set(match[1], match[2]);
    }
    return found;
}

/**
 * The repo part of a subject for `environment` under the template {repo, context, event_name}:
 * `<prefix>:environment:<environment>:event_name:<event>`, or undefined when the subject has another form.
 */
export function prefixOf(subject: string, environment: string): string | undefined {
    const tail = `:environment:${environment}:event_name:`;
    const at = subject.lastIndexOf(tail);
    if (at <= 0 || !/^[a-z_]+$/.test(subject.slice(at + tail.length))) return undefined;
    return subject.slice(0, at);
}

export interface Credential { name: string; subject: string; issuer: string; audiences: string }
export interface WantedCredential { name: string; subject: string }

export const ISSUER = "https://token.actions.githubusercontent.com";
export const AUDIENCE = "api://AzureADTokenExchange";

/** `az ... federated-credential list --query CREDENTIAL_QUERY -o tsv`, one credential per line. */
export function parseCredentials(tsv: string): Credential[] {
    return tsv.split("\n").filter((line) => line.trim() !== "").map((line) => {
        const [name = "", subject = "", issuer = "", audiences = ""] = line.split("\t");
        return { name, subject, issuer, audiences };
    });
}

/**
 * The credentials the bootstrap gives an identity (its `wanted` and `read_identity_wants`): the deploy identities
 * trust `tenant-<stack>` on push, schedule and workflow_dispatch; the read identities `tenant-<stack>-drift` on
 * schedule and workflow_dispatch and, in reviewed mode only, `tenant-<stack>-preview` on pull_request. Named
 * `<environment>-<event with hyphens>`. With the preview mode unknown, the pull_request credential is neither wanted
 * nor unwanted (`optional`).
 */
export function wantedCredentials(prefix: string, stack: string, mode: string | undefined): { deploy: WantedCredential[]; read: WantedCredential[]; optional: WantedCredential[] } {
    const want = (environment: string, events: string[]) => events.map((event) => ({
        name: `${environment}-${event.replace(/_/g, "-")}`, subject: `${prefix}:environment:${environment}:event_name:${event}`,
    }));
    const preview = want(`tenant-${stack}-preview`, ["pull_request"]);
    return {
        deploy: want(`tenant-${stack}`, ["push", "schedule", "workflow_dispatch"]),
        read: [...want(`tenant-${stack}-drift`, ["schedule", "workflow_dispatch"]), ...(mode === "reviewed" ? preview : [])],
        optional: mode === "reviewed" || mode === "offline-plan" ? [] : preview,
    };
}

/** Credentials the bootstrap names for this stack (others on the identity are left alone, as the bootstrap does). */
export function ownCredential(stack: string, name: string): boolean {
    return new RegExp(`^tenant-${stack}(-preview|-drift)?-(push|schedule|workflow-dispatch|pull-request)$`).test(name);
}

/** What is wrong with an identity's credentials, one sentence each; empty when they are exactly the wanted ones. */
export function credentialProblems(stack: string, have: readonly Credential[], wanted: readonly WantedCredential[], optional: readonly WantedCredential[] = []): string[] {
    const problems: string[] = [];
    for (const want of wanted) {
        const found = have.find((c) => c.name === want.name);
        if (!found) {
            problems.push(`${want.name} is missing (GitHub sends ${want.subject})`);
        } else if (found.subject !== want.subject) {
            problems.push(`${want.name} trusts ${found.subject}, but GitHub sends ${want.subject} (a sign-in fails with AADSTS700213)`);
        } else if (found.issuer !== ISSUER || found.audiences !== AUDIENCE) {
            problems.push(`${want.name} trusts issuer ${found.issuer} and audience ${found.audiences}, not ${ISSUER} and ${AUDIENCE}`);
        }
    }
    for (const extra of have) {
        if (wanted.some((w) => w.name === extra.name) || optional.some((o) => o.name === extra.name) || !ownCredential(stack, extra.name)) continue;
        problems.push(`${extra.name} (${extra.subject}) is not wanted in this preview mode`);
    }
    return problems;
}
