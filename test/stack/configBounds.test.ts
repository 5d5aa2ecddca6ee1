// Every bound of the stack configuration at its edge: the last value accepted and the first refused, each a
// test of its own, because a bound moved one step outwards (`> secretRotationDays + 1`) passes every test that
// probes far from it. Cross-key rules are refused by the validation itself, before the program looks anything
// up or registers anything. Last, values written slightly off (padded or zero-led numbers, a fractional number
// of days, owner IDs in either case) are read as what they say and reported once.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { ConfigError, parseStackConfig, RawConfig } from "../../stack/config";
import { BASE_CONFIG, tenantMocks } from "../support/tenantMocks";
import { installMocks } from "../support/pulumiHarness";

const TENANT = "0f1e2d3c-4b5a-6978-8a9b-acbdcedff001";
const VALID: RawConfig = { "azuread:tenantId": TENANT, serviceUserPrincipalName: "jtel-presence@contoso.com" };
const ADOPT = JSON.stringify({
    applicationObjectId: "11111111-1111-1111-1111-111111111111", servicePrincipalObjectId: "22222222-2222-2222-2222-222222222222",
    serviceUserObjectId: "33333333-3333-3333-3333-333333333333", delegatedGrantId: "aaBBcDDeFG6h5JKLMN2PQrrssTTUUvWWxxxxxyyyzzz",
});

function accepted(overrides: Record<string, string>) {
    return parseStackConfig({ ...VALID, ...overrides }, new Set(["existingUserPassword"]));
}

function problems(overrides: Record<string, string>): string[] {
    try {
        accepted(overrides);
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.problems;
    }
    assert.fail(`the configuration ${JSON.stringify(overrides)} was accepted`);
}

/** The value is refused and one of the problems is exactly `message`. */
function refusedWith(overrides: Record<string, string>, message: string) {
    const found = problems(overrides);
    assert.ok(found.includes(message), `no problem is ${JSON.stringify(message)}:\n${found.join("\n")}`);
}

const days = (key: string, value: number, range: string) => `${key} ${value} must be a whole number of days from ${range}`;
const sum = (r: number, o: number, max: number) =>
    `secretRotationDays (${r}) + secretOverlapDays (${o}) = ${r + o} days must not exceed secretMaxLifetimeDays (${max}): each client secret lives rotation + overlap days`;
const overlap = (o: number, r: number) =>
    `secretOverlapDays (${o}) must not exceed secretRotationDays (${r}): the previous secret is replaced at the next rotation`;

describe("the configuration's numeric bounds, at their edges", () => {
    describe("passwordLength (16 to 256 characters)", () => {
        const message = (n: number) => `passwordLength ${n} must be a whole number of characters from 16 to 256`;
        it("takes 16, the shortest", () => assert.equal(accepted({ passwordLength: "16" }).passwordLength, 16));
        it("refuses 15", () => refusedWith({ passwordLength: "15" }, message(15)));
        it("takes 256, the longest", () => assert.equal(accepted({ passwordLength: "256" }).passwordLength, 256));
        it("refuses 257", () => refusedWith({ passwordLength: "257" }, message(257)));
    });

    describe("secretRotationDays (1 to 730 days, and room for the overlap within secretMaxLifetimeDays)", () => {
        it("takes 1, the shortest period, with an overlap of 1", () => {
            assert.equal(accepted({ secretRotationDays: "1", secretOverlapDays: "1" }).secretRotationDays, 1);
        });
        it("refuses 0 by its own range", () => refusedWith({ secretRotationDays: "0", secretOverlapDays: "1" }, days("secretRotationDays", 0, "1 to 730")));
        it("takes 729 with an overlap of 1: the longest period the 730-day lifetime leaves room for", () => {
            assert.equal(accepted({ secretRotationDays: "729", secretOverlapDays: "1" }).secretRotationDays, 729);
        });
        it("refuses 730 with an overlap of 1 only because rotation + overlap passes the lifetime, not by its own range", () => {
            assert.deepEqual(problems({ secretRotationDays: "730", secretOverlapDays: "1" }), [sum(730, 1, 730)]);
        });
        it("refuses 731 by its own range", () => refusedWith({ secretRotationDays: "731", secretOverlapDays: "1" }, days("secretRotationDays", 731, "1 to 730")));
    });

    describe("secretOverlapDays (1 to 730 days, and at most secretRotationDays)", () => {
        it("takes 1, the shortest overlap", () => assert.equal(accepted({ secretOverlapDays: "1" }).secretOverlapDays, 1));
        it("refuses 0 by its own range", () => refusedWith({ secretOverlapDays: "0" }, days("secretOverlapDays", 0, "1 to 730")));
        it("refuses 730 only by the cross-key rules, not by its own range", () => {
            assert.deepEqual(problems({ secretRotationDays: "1", secretOverlapDays: "730" }), [sum(1, 730, 730), overlap(730, 1)]);
        });
        it("refuses 731 by its own range", () => refusedWith({ secretOverlapDays: "731" }, days("secretOverlapDays", 731, "1 to 730")));
    });

    describe("secretOverlapDays at most secretRotationDays (two slots: a longer overlap deletes a secret still in use)", () => {
        it("takes an overlap equal to the period (30 and 30)", () => {
            const c = accepted({ secretRotationDays: "30", secretOverlapDays: "30" });
            assert.deepEqual([c.secretRotationDays, c.secretOverlapDays], [30, 30]);
        });
        it("refuses an overlap one day longer than the period (31 and 30), naming both keys, and nothing else", () => {
            assert.deepEqual(problems({ secretRotationDays: "30", secretOverlapDays: "31" }), [overlap(31, 30)]);
        });
        it("takes 365 and 365, the longest overlap the 730-day lifetime allows", () => {
            assert.equal(accepted({ secretRotationDays: "365", secretOverlapDays: "365" }).secretOverlapDays, 365);
        });
        it("refuses 366 over 365, where both cross-key rules break", () => {
            assert.deepEqual(problems({ secretRotationDays: "365", secretOverlapDays: "366" }), [sum(365, 366, 730), overlap(366, 365)]);
        });
    });

    describe("secretRotationDays + secretOverlapDays at most secretMaxLifetimeDays (each secret lives R + O days)", () => {
        it("takes a sum equal to the lifetime (300 + 65 = 365)", () => {
            assert.equal(accepted({ secretRotationDays: "300", secretOverlapDays: "65", secretMaxLifetimeDays: "365" }).secretMaxLifetimeDays, 365);
        });
        it("refuses a sum one day past the lifetime (300 + 66 = 366 > 365), and nothing else", () => {
            assert.deepEqual(problems({ secretRotationDays: "300", secretOverlapDays: "66", secretMaxLifetimeDays: "365" }), [sum(300, 66, 365)]);
        });
    });

    describe("secretMaxLifetimeDays (2 to 730 days: the portal's cap)", () => {
        it("takes 2, the shortest (a period of 1 and an overlap of 1)", () => {
            assert.equal(accepted({ secretRotationDays: "1", secretOverlapDays: "1", secretMaxLifetimeDays: "2" }).secretMaxLifetimeDays, 2);
        });
        it("refuses 1 by its own range", () => {
            refusedWith({ secretRotationDays: "1", secretOverlapDays: "1", secretMaxLifetimeDays: "1" }, days("secretMaxLifetimeDays", 1, "2 to 730"));
        });
        it("takes 730, the portal's cap", () => assert.equal(accepted({ secretMaxLifetimeDays: "730" }).secretMaxLifetimeDays, 730));
        it("refuses 731, one day past the cap", () => refusedWith({ secretMaxLifetimeDays: "731" }, days("secretMaxLifetimeDays", 731, "2 to 730")));
    });

    it("accepts a rotation setting exactly when overlap ≤ period and period + overlap ≤ lifetime (property over the whole range)", () => {
        // Half the draws land within a day of a bound (overlap next to the period, lifetime next to the sum).
        const near = (value: number, min: number) => fc.integer({ min: -1, max: 1 }).map((d) => Math.max(min, Math.min(730, value + d)));
        const settings = fc.integer({ min: 1, max: 730 })
            .chain((r) => fc.tuple(fc.constant(r), fc.oneof(fc.integer({ min: 1, max: 730 }), near(r, 1))))
            .chain(([r, o]) => fc.tuple(fc.constant(r), fc.constant(o), fc.oneof(fc.integer({ min: 2, max: 730 }), near(r + o, 2))));
        fc.assert(fc.property(settings, ([r, o, max]) => {
            const raw = { secretRotationDays: String(r), secretOverlapDays: String(o), secretMaxLifetimeDays: String(max) };
            const expected = [...(r + o > max ? [sum(r, o, max)] : []), ...(o > r ? [overlap(o, r)] : [])];
            if (expected.length === 0) assert.equal(accepted(raw).secretOverlapDays, o);
            else assert.deepEqual(problems(raw), expected);
        }), { numRuns: 500 });
    });

    describe("verifyTimeoutSeconds (10 to 3600 seconds)", () => {
        const message = (n: number) => `verifyTimeoutSeconds ${n} must be a whole number of seconds from 10 to 3600`;
        it("takes 10, the shortest", () => assert.equal(accepted({ verifyTimeoutSeconds: "10" }).verifyTimeoutSeconds, 10));
        it("refuses 9", () => refusedWith({ verifyTimeoutSeconds: "9" }, message(9)));
        it("takes 3600, the longest", () => assert.equal(accepted({ verifyTimeoutSeconds: "3600" }).verifyTimeoutSeconds, 3600));
        it("refuses 3601", () => refusedWith({ verifyTimeoutSeconds: "3601" }, message(3601)));
    });

    describe("display names", () => {
        it("takes an appDisplayName of 120 characters", () => assert.equal(accepted({ appDisplayName: "a".repeat(120) }).appDisplayName.length, 120));
        it("refuses an appDisplayName of 121 characters", () => refusedWith({ appDisplayName: "a".repeat(121) }, `appDisplayName "${"a".repeat(121)}" is longer than 120 characters`));
        it("takes a serviceUserDisplayName of 256 characters", () => assert.equal(accepted({ serviceUserDisplayName: "s".repeat(256) }).serviceUserDisplayName.length, 256));
        it("refuses a serviceUserDisplayName of 257 characters", () => refusedWith({ serviceUserDisplayName: "s".repeat(257) }, `serviceUserDisplayName "${"s".repeat(257)}" is longer than 256 characters`));
    });

    // Entra ID's username policy: up to 64 characters before the @, up to 48 after it (concept-sspr-policy).
    describe("serviceUserPrincipalName (up to 64 characters before the @, 48 after, a top-level domain of 2 letters or more)", () => {
        const upnRefused = (upn: string) => refusedWith({ serviceUserPrincipalName: upn }, `serviceUserPrincipalName "${upn}" must be an email-like UPN such as jtel-presence@contoso.com (up to 64 characters before the @, 48 after)`);
        const upnAccepted = (upn: string) => assert.equal(accepted({ serviceUserPrincipalName: upn }).serviceUserPrincipalName, upn);
        it("takes 64 characters before the @", () => upnAccepted(`${"j".repeat(64)}@contoso.com`));
        it("refuses 65 characters before the @", () => upnRefused(`${"j".repeat(65)}@contoso.com`));
        it("takes 48 characters after the @", () => upnAccepted(`jtel@${"c".repeat(44)}.com`));
        it("refuses 49 characters after the @", () => upnRefused(`jtel@${"c".repeat(45)}.com`));
        it("takes the longest UPN, 113 characters", () => upnAccepted(`${"j".repeat(64)}@${"c".repeat(44)}.com`));
        it("takes a top-level domain of 2 letters", () => upnAccepted("jtel@contoso.de"));
        it("refuses a top-level domain of 1 letter", () => upnRefused("jtel@contoso.d"));
        // Each symbol Entra ID allows in a UPN's local part, on its own: one dropped from the rule fails its test.
        for (const c of [".", "_", "'", "!", "#", "^", "~", "-"]) {
            it(`takes ${c} inside the local part`, () => upnAccepted(`jtel${c}presence@contoso.com`));
        }
        it("refuses a local part that starts or ends with a dot", () => {
            upnRefused(".jtel@contoso.com");
            upnRefused("jtel.@contoso.com");
        });
    });

    describe("handoffKeyVault names (Azure's limits)", () => {
        const vault = (fields: Record<string, string>) => ({ handoffKeyVault: JSON.stringify({ resourceGroupName: "rg", vaultName: "kv-jtel", ...fields }) });
        const rg = (name: string) => `handoffKeyVault.resourceGroupName ${JSON.stringify(name)} must be 1-90 letters, digits, - _ . ( )`;
        const kv = (name: string) => `handoffKeyVault.vaultName ${JSON.stringify(name)} must be 3-24 letters, digits and hyphens, starting with a letter`;
        const prefix = (name: string) => `handoffKeyVault.secretNamePrefix ${JSON.stringify(name)} must be 1-80 letters, digits and hyphens`;
        it("takes a resource group name of 1 character", () => assert.equal(accepted(vault({ resourceGroupName: "r" })).handoffKeyVault?.resourceGroupName, "r"));
        it("refuses an empty resource group name", () => refusedWith(vault({ resourceGroupName: "" }), rg("")));
        it("takes a resource group name of 90 characters", () => assert.equal(accepted(vault({ resourceGroupName: "r".repeat(90) })).handoffKeyVault?.resourceGroupName.length, 90));
        it("refuses a resource group name of 91 characters", () => refusedWith(vault({ resourceGroupName: "r".repeat(91) }), rg("r".repeat(91))));
        for (const c of ["-", "_", ".", "(", ")"]) {
            it(`takes ${c} in a resource group name`, () => assert.equal(accepted(vault({ resourceGroupName: `rg${c}jtel` })).handoffKeyVault?.resourceGroupName, `rg${c}jtel`));
        }
        it("takes a vault name of 3 characters", () => assert.equal(accepted(vault({ vaultName: "kv1" })).handoffKeyVault?.vaultName, "kv1"));
        it("refuses a vault name of 2 characters", () => refusedWith(vault({ vaultName: "kv" }), kv("kv")));
        it("takes a vault name of 24 characters", () => assert.equal(accepted(vault({ vaultName: `k${"v".repeat(23)}` })).handoffKeyVault?.vaultName.length, 24));
        it("refuses a vault name of 25 characters", () => refusedWith(vault({ vaultName: `k${"v".repeat(24)}` }), kv(`k${"v".repeat(24)}`)));
        it("takes a secret name prefix of 1 character", () => assert.equal(accepted(vault({ secretNamePrefix: "j" })).handoffKeyVault?.secretNamePrefix, "j"));
        it("refuses an empty secret name prefix", () => refusedWith(vault({ secretNamePrefix: "" }), prefix("")));
        it("takes a secret name prefix of 80 characters", () => assert.equal(accepted(vault({ secretNamePrefix: "j".repeat(80) })).handoffKeyVault?.secretNamePrefix.length, 80));
        it("refuses a secret name prefix of 81 characters", () => refusedWith(vault({ secretNamePrefix: "j".repeat(81) }), prefix("j".repeat(81))));
    });

    describe("adopt.delegatedGrantId (16 to 128 characters)", () => {
        const adopt = (id: string) => ({ adopt: JSON.stringify({ ...JSON.parse(ADOPT), delegatedGrantId: id }), existingUserPassword: "Current-Passw0rd!" });
        const message = (id: string) => `adopt.delegatedGrantId ${JSON.stringify(id)} must be an oauth2PermissionGrant ID (letters, digits, - and _)`;
        it("takes 16 characters", () => assert.equal(accepted(adopt("g".repeat(16))).adopt?.delegatedGrantId.length, 16));
        it("refuses 15 characters", () => refusedWith(adopt("g".repeat(15)), message("g".repeat(15))));
        it("takes 128 characters", () => assert.equal(accepted(adopt("g".repeat(128))).adopt?.delegatedGrantId.length, 128));
        it("refuses 129 characters", () => refusedWith(adopt("g".repeat(129)), message("g".repeat(129))));
        for (const c of ["-", "_"]) {
            it(`takes ${c} in a grant ID`, () => assert.equal(accepted(adopt(`aaBBcDDeFG6h5JKL${c}x`)).adopt?.delegatedGrantId, `aaBBcDDeFG6h5JKL${c}x`));
        }
    });

    describe("verifyPasswordAttempts: from 1 to one below the cloud's smart lockout threshold", () => {
        const budget = (value: number, top: number, threshold: number, cloud: string) =>
            `verifyPasswordAttempts ${value} must be a whole number from 1 to ${top} in cloud ${cloud}: smart lockout locks an account there after ${threshold} failed sign-ins by default (a tenant with Entra ID P1 may set fewer; then choose fewer attempts still)`;
        it("takes 1", () => assert.equal(accepted({ verifyPasswordAttempts: "1" }).verifyPasswordAttempts, 1));
        it("refuses 0", () => refusedWith({ verifyPasswordAttempts: "0" }, budget(0, 9, 10, "public")));
        it("takes 9 in public (threshold 10)", () => assert.equal(accepted({ verifyPasswordAttempts: "9" }).verifyPasswordAttempts, 9));
        it("refuses 10 in public", () => refusedWith({ verifyPasswordAttempts: "10" }, budget(10, 9, 10, "public")));
        for (const cloud of ["usgovernment", "usgovernmentdod"]) {
            it(`takes 2 in ${cloud} (threshold 3)`, () => assert.equal(accepted({ cloud, verifyPasswordAttempts: "2" }).verifyPasswordAttempts, 2));
            it(`refuses 3 in ${cloud}`, () => refusedWith({ cloud, verifyPasswordAttempts: "3" }, budget(3, 2, 3, cloud)));
        }
    });

    describe("names in a fixed list, one by one", () => {
        for (const cloud of ["public", "usgovernment", "usgovernmentdod"]) {
            it(`takes cloud ${cloud}`, () => assert.equal(accepted({ cloud }).cloud, cloud));
        }
        for (const consent of ["tenant", "serviceUser"]) {
            it(`takes consent ${consent}`, () => assert.equal(accepted({ consent }).consent, consent));
        }
        it("takes _ in a permission name (offline_access)", () => {
            assert.deepEqual(accepted({ delegatedPermissions: '["Presence.Read.All","offline_access"]' }).delegatedPermissions, ["Presence.Read.All", "offline_access"]);
        });
        it("takes . in a permission name (Presence.Read.All)", () => {
            assert.deepEqual(accepted({ delegatedPermissions: '["Presence.Read.All"]' }).delegatedPermissions, ["Presence.Read.All"]);
        });
    });
});

describe("cross-key rules, refused before the program looks anything up or registers anything", () => {
    for (const [rule, overrides, key] of [
        ["an overlap one day longer than the period", { secretRotationDays: "30", secretOverlapDays: "31" }, /^secretOverlapDays \(31\) must not exceed secretRotationDays \(30\)/],
        ["rotation + overlap one day longer than the lifetime", { secretRotationDays: "300", secretOverlapDays: "66", secretMaxLifetimeDays: "365" }, /^secretRotationDays \(300\) \+ secretOverlapDays \(66\) = 366 days must not exceed secretMaxLifetimeDays \(365\)/],
        ["adopt without existingUserPassword", { adopt: ADOPT }, /^adopt keeps the service user's current password/],
        ["delegatedPermissions without Presence.Read.All", { delegatedPermissions: '["User.Read"]' }, /^delegatedPermissions \["User.Read"\] must include "Presence.Read.All"/],
    ] as const) {
        it(`stops at ${rule} with a ConfigError naming the key, with nothing registered`, async () => {
            const mocks = tenantMocks();
            await installMocks(mocks, { config: { ...BASE_CONFIG, ...overrides } });
            const { main } = await import("../../stack/main");
            await assert.rejects(main({ now: new Date("2026-11-27T10:00:00Z") }), (e: Error) => {
                assert.ok(e instanceof ConfigError, String(e));
                assert.ok(e.problems.some((p) => key.test(p)), e.message);
                return true;
            });
            assert.deepEqual(mocks.resources, []);
            assert.deepEqual(mocks.invokes, []);
        });
    }
});

describe("stack configuration values written slightly off", () => {
    describe("verifyPasswordAttempts is read as the number it was accepted as", () => {
        for (const text of [" 3", "3 ", " 3 ", "03", "\t4\n"]) {
            it(`${JSON.stringify(text)} is the password budget ${Number(text)}, a number the verifier can count down`, () => {
                const config = parseStackConfig({ ...VALID, verifyPasswordAttempts: text });
                assert.equal(config.verifyPasswordAttempts, Number(text));
            });
        }
    });

    describe("a number of days that is not whole is reported alone", () => {
        const cases: [string, string, string][] = [
            ["secretRotationDays", "1.5", 'secretRotationDays "1.5" must be a whole number of days from 1 to 730'],
            ["secretOverlapDays", "100.5", 'secretOverlapDays "100.5" must be a whole number of days from 1 to 730'],
            ["secretMaxLifetimeDays", "1.5", 'secretMaxLifetimeDays "1.5" must be a whole number of days from 2 to 730'],
            ["secretMaxLifetimeDays", "abc", 'secretMaxLifetimeDays "abc" must be a whole number of days from 2 to 730'],
        ];
        for (const [key, value, message] of cases) {
            it(`${key} ${value}: only that problem, no rotation/overlap/lifetime sum computed from it`, () => {
                assert.deepEqual(problems({ [key]: value }), [message]);
            });
        }
    });

    it("servicePrincipalOwners entries that are not object IDs are not claimed to name the same owner", () => {
        // "ß" and "ss" are different text (upper-casing both gives "SS", lower-casing keeps them apart).
        assert.deepEqual(problems({ servicePrincipalOwners: JSON.stringify(["ß", "ss"]) }), [
            'servicePrincipalOwners entry "ß" must be an object ID (a GUID) of a user or service principal',
            'servicePrincipalOwners entry "ss" must be an object ID (a GUID) of a user or service principal',
        ]);
    });

    it("servicePrincipalOwners: the same object ID in upper and lower case is one owner listed twice", () => {
        const id = "0f1e2d3c-4b5a-4697-8877-665544332211";
        assert.deepEqual(problems({ servicePrincipalOwners: JSON.stringify([id, id.toUpperCase()]) }),
            [`servicePrincipalOwners ${JSON.stringify([id, id.toUpperCase()])} lists an owner twice`]);
    });
});
