// The rule behind "a redeploy changes nothing": every input that forces replacement must be sent in
// exactly the form the provider and Graph store it, so the next run's string comparison finds it equal.
// The list of properties comes from the provider tables (planner/tables.ts), not from this file: a
// ForceNew property added there is checked here without anyone remembering to.
import { strict as assert } from "node:assert";
import { BASE_CONFIG, deployAt, MockTenant, type HandMadeIds } from "../support/tenantMocks";
import { valuesDiffer, type StateEntry } from "../../planner/plan";
import { credentialDateRoundTrip, graphDateTime, RESOURCE_SEMANTICS, type PropertySemantics } from "../../planner/tables";
import { providerDateTime } from "../../components/rotationSchedule";

const ADOPT: HandMadeIds = {
    applicationObjectId: "11111111-1111-4111-8111-111111111111",
    servicePrincipalObjectId: "22222222-2222-4222-8222-222222222222",
    serviceUserObjectId: "33333333-3333-4333-8333-333333333333",
    delegatedGrantId: "aaBBcDDeFG6h5JKLMN2PQrrssTTUUvWWxxxxxyyyzzz",
};

/** First deployments covering every resource the program can register: both secret slots, consent for the
 * service user, application permissions, Key Vault with its own subscription, adoption. */
const DEPLOYMENTS: { at: string; config: Record<string, string>; handMade?: boolean }[] = [
    { at: "2026-06-20T08:00:00Z", config: {} },
    { at: "2026-11-27T10:00:00Z", config: { consent: "serviceUser", applicationPermissions: '["Presence.Read.All","User.ReadBasic.All"]' } },
    { at: "2027-01-10T00:00:00Z", config: { handoffKeyVault: '{"subscriptionId":"44444444-4444-4444-4444-444444444444","resourceGroupName":"rg","vaultName":"kv-jtel"}' } },
    { at: "2026-11-27T10:00:00Z", config: { adopt: JSON.stringify(ADOPT), existingUserPassword: "Current-Passw0rd!Kept" }, handMade: true },
];

describe("every ForceNew input the program sends is a fixed point of the provider's round trip", function () {
    this.timeout(60_000);
    const sent: StateEntry[] = [];

    before(async () => {
        for (const d of DEPLOYMENTS) {
            const tenant = new MockTenant(d.handMade ? { handMadeSetup: ADOPT } : {});
            sent.push(...(await deployAt(tenant, [], { ...BASE_CONFIG, ...d.config }, new Date(d.at))).state);
        }
    });

    it("registers every resource type the tables describe", () => {
        const registered = new Set(sent.map((e) => e.type));
        assert.deepEqual([...RESOURCE_SEMANTICS.keys()].filter((t) => !registered.has(t)), []);
    });

    for (const [type, semantics] of RESOURCE_SEMANTICS) {
        for (const p of semantics.properties.filter((x: PropertySemantics) => x.forceNew)) {
            it(`${semantics.kind}.${p.name} (${p.source.split("/").pop()}): sent only as the provider stores it, or never sent`, () => {
                const entries = sent.filter((e) => e.type === type);
                assert.ok(entries.length > 0, `no ${semantics.kind} registered`);
                for (const entry of entries) {
                    const value = entry.inputs[p.name];
                    if (value === undefined) continue;
                    const stored = p.stored ? p.stored(value) : value;
                    assert.equal(valuesDiffer(p, stored, value), false,
                        `${entry.name}.${p.name} is sent as ${JSON.stringify(value)} but stored as ${JSON.stringify(stored)}: every run would replace it`);
                }
            });
        }
    }

    it("never sends a client secret's startDate, endDateRelative or rotateWhenChanged (a past start date is refused on re-creation)", () => {
        for (const entry of sent.filter((e) => e.type === "azuread:index/applicationPassword:ApplicationPassword")) {
            for (const key of ["startDate", "endDateRelative", "rotateWhenChanged"]) assert.equal(entry.inputs[key], undefined, `${entry.name}.${key}`);
        }
    });
});

describe("the credential date round trip (credentials.go: time.Parse/Format RFC3339, Graph's read-back)", () => {
    it("turns toISOString()'s milliseconds into a different string: such an end date would replace the secret on every run", () => {
        const iso = new Date(Date.UTC(2027, 1, 14)).toISOString();
        assert.equal(iso, "2027-02-14T00:00:00.000Z");
        assert.equal(credentialDateRoundTrip(iso), "2027-02-14T00:00:00Z");
        assert.notEqual(credentialDateRoundTrip(iso), iso);
    });

    it("stores an offset date in UTC and drops fractions the way Go's time.RFC3339 format does", () => {
        assert.equal(credentialDateRoundTrip("2027-02-14T02:00:00+02:00"), "2027-02-14T00:00:00Z");
        assert.equal(credentialDateRoundTrip("2027-02-14T00:00:00.999Z"), "2027-02-14T00:00:00Z");
        assert.throws(() => credentialDateRoundTrip("2027-02-14"), /not an RFC 3339 date-time/);
    });

    it("formats the program's dates as fixed points", () => {
        for (const ms of [0, Date.UTC(2026, 5, 19), Date.UTC(2031, 11, 31, 23, 59, 59, 999)]) {
            const sentDate = providerDateTime(new Date(ms));
            assert.equal(credentialDateRoundTrip(sentDate), sentDate);
        }
    });

    it("writes date-times as Graph does: Z, and fractions only when not zero, without trailing zeros", () => {
        assert.equal(graphDateTime(new Date("2299-12-31T00:00:00.000Z")), "2299-12-31T00:00:00Z");
        assert.equal(graphDateTime(new Date("2023-02-15T21:38:02.840Z")), "2023-02-15T21:38:02.84Z");
    });
});
