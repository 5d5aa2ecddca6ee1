// Which client secret the jtel contact is handed, run after run: the real program (index.ts) deployed again and
// again across rotation boundaries with the provider-faithful engine (planner/engine.ts), each run continuing
// from the state the one before left. Right after a boundary two secrets are live for O days; the handoff, the
// Key Vault "Secret Value" entry and secretExpiresAt must all name the newest one, or the contact would switch
// the connector to the secret about to expire.
import { strict as assert } from "node:assert";
import { BASE_CONFIG, deployAt, MockTenant } from "../support/tenantMocks";
import { periodIndex, periodStart } from "../../components/rotationSchedule";
import type { StateEntry } from "../../planner/plan";
import { APPLICATION_PASSWORD, KEY_VAULT_SECRET } from "../../planner/tables";

const DAY = 86_400_000;
const SECOND = 1000;
const VAULT = '{"resourceGroupName":"rg-jtel","vaultName":"kv-jtel-presence"}';

interface Handed { secretValue: string }
interface VaultProperties { value: string; attributes: { expires?: number } }

/** The live client secrets in the tenant itself (not the program's view of it), newest first. */
function liveSecrets(tenant: MockTenant): { value: string; endDate: string; displayName: string }[] {
    return tenant.list(APPLICATION_PASSWORD.token)
        .map((s) => ({ value: String(s.value), endDate: String(s.endDate), displayName: String(s.displayName) }))
        .sort((x, y) => Date.parse(y.endDate) - Date.parse(x.endDate));
}

function vaultSecretValue(state: readonly StateEntry[]): VaultProperties {
    const entry = state.find((e) => e.type === KEY_VAULT_SECRET.token && e.outputs.secretName === "jtel-presence-secret-value");
    assert.ok(entry, "no Key Vault Secret Value entry in the state");
    return entry.outputs.properties as VaultProperties;
}

/** Deploys at each instant in turn and checks, after every run, that what is handed over is the newest secret. */
async function handOverAcross(instants: { at: number; label: string; live: number }[], R: number, O: number) {
    const tenant = new MockTenant();
    const config = { ...BASE_CONFIG, secretRotationDays: String(R), secretOverlapDays: String(O), handoffKeyVault: VAULT };
    let state: StateEntry[] = [];
    const handedOver: string[] = [];
    for (const { at, label, live } of instants) {
        const run = await deployAt(tenant, state, config, new Date(at));
        state = run.state;
        const secrets = liveSecrets(tenant);
        const [newest, older] = secrets;
        const where = `${label} (${new Date(at).toISOString()})`;
        assert.equal(secrets.length, live, `${where}: ${secrets.length} live secrets, expected ${live}`);
        const handoff = run.outputs.handoff as Handed;
        assert.equal(handoff.secretValue, newest.value, `${where}: the handoff carries ${older && handoff.secretValue === older.value ? "the OLDER secret" : "a secret that is not the newest"}`);
        if (older) assert.notEqual(handoff.secretValue, older.value, `${where}: the handoff carries the secret about to expire`);
        assert.equal(run.outputs.secretExpiresAt, newest.endDate, `${where}: secretExpiresAt is not the newest secret's end date`);
        assert.ok(Date.parse(newest.endDate) - at >= O * DAY, `${where}: the handed-over secret has fewer than O days left`);
        const vault = vaultSecretValue(state);
        assert.equal(vault.value, newest.value, `${where}: Key Vault's Secret Value entry is not the newest secret`);
        assert.equal(vault.attributes.expires, Date.parse(newest.endDate) / SECOND, `${where}: Key Vault's Secret Value entry does not expire with the newest secret`);
        handedOver.push(handoff.secretValue);
    }
    return handedOver;
}

describe("the handed-over Secret Value across rotations (provider-faithful runs of index.ts)", function () {
    this.timeout(120_000);

    it("is the newest secret at every run: inside a period, at the boundary, through the overlap window and after it", async () => {
        const R = 30, O = 10;
        const k = periodIndex(new Date("2026-11-27T10:00:00Z"), R);
        const p = (n: number) => periodStart(k + n, R).getTime();
        const handed = await handOverAcross([
            { at: p(0) + 12 * DAY, label: "first deploy, mid-period", live: 1 },
            { at: p(1) - SECOND, label: "one second before the boundary", live: 1 },
            { at: p(1), label: "exactly at the boundary", live: 2 },
            { at: p(1) + 3600 * SECOND, label: "an hour into the overlap", live: 2 },
            { at: p(1) + 5 * DAY, label: "mid-overlap", live: 2 },
            { at: p(1) + O * DAY - SECOND, label: "last second of the overlap", live: 2 },
            { at: p(1) + O * DAY, label: "the instant the previous secret ends", live: 1 },
            { at: p(2) + 2 * DAY, label: "two days after the next boundary", live: 2 },
            { at: p(2) + (O + 1) * DAY, label: "after that overlap", live: 1 },
            { at: p(3) + 4 * DAY, label: "4 days late for the third boundary", live: 2 },
        ], R, O);
        // A new value exactly when a boundary has passed, never inside a period.
        const changes = handed.map((v, i) => i > 0 && v !== handed[i - 1]);
        assert.deepEqual(changes, [false, false, true, false, false, false, false, true, false, true]);
    });

    it("is the replacement, not the secret it replaces, when the overlap equals the period (O = R)", async () => {
        const R = 10, O = 10;
        const k = periodIndex(new Date("2026-11-27T10:00:00Z"), R);
        const p = (n: number) => periodStart(k + n, R).getTime();
        const handed = await handOverAcross([
            { at: p(0) + DAY, label: "first deploy", live: 2 },
            { at: p(1), label: "exactly at the boundary: the slot whose secret ends now is replaced", live: 2 },
            { at: p(1) + 9 * DAY, label: "end of that period", live: 2 },
            { at: p(2) + 1, label: "just past the next boundary", live: 2 },
        ], R, O);
        assert.equal(new Set(handed).size, 3);
    });
});
