import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import {
    formatEnv,
    formatHandoff,
    formatJson,
    formatTable,
    formatUtc,
    HANDOFF_FORMATS,
    HandoffOutputsError,
    MASK,
    parseHandoffOutputs,
    shellQuote,
    type HandoffOutputs,
} from "../../handoff/index";

const SECRET = "Qx8~sEcReT.vAlUe_0123456789-abcdefghijKL";
const PASSWORD = "Tr0ub4dor'Horse-9!zQ";

function outputs(overrides: Partial<HandoffOutputs> = {}): HandoffOutputs {
    return {
        handoff: {
            applicationClientId: "0f1e2d3c-4b5a-4697-8877-665544332211",
            directoryTenantId: "a1b2c3d4-e5f6-4789-abcd-ef0123456789",
            secretValue: SECRET,
            userEmail: "jtel-presence@contoso.example",
            userPassword: PASSWORD,
        },
        secretExpiresAt: "2027-05-26T09:00:00.000Z",
        previousSecretExpiresAt: "2026-12-11T09:00:00.000Z",
        nextRotationAt: "2027-02-25T09:00:00.000Z",
        keyVaultSecretNames: null,
        ...overrides,
    };
}

const MASKED_TABLE = `Data                    | Value
Application (client) ID | 0f1e2d3c-4b5a-4697-8877-665544332211
Directory (tenant) ID   | a1b2c3d4-e5f6-4789-abcd-ef0123456789
Secret Value            | ********
User email address      | jtel-presence@contoso.example
User password           | ********

Note: The Secret Value is required, not the Secret ID.
The client secret (Secret Value) expires on 2027-05-26 09:00 UTC.
After the last rotation the previous secret stops working on 2026-12-11 09:00 UTC; update the connector before then.
The next rotation is due on 2027-02-25 09:00 UTC: the first \`pulumi up\` after it issues a new Secret Value to hand over.
`;

/** Runs the text in sh and returns the named variables' values as the shell sees them. */
function sourceInSh(script: string, names: readonly string[]): string[] {
    const print = names.map((n) => `printf '%s\\0' "$${n}"`).join("\n");
    const out = execFileSync("sh", ["-c", `${script}\n${print}`], { encoding: "utf8" });
    return out.split("\0").slice(0, -1);
}

describe("handoff formatting", () => {
    describe("table", () => {
        it("prints the seed guide's Data | Value table in its order, masks both secrets, then the note and the dates", () => {
            assert.equal(formatTable(outputs(), { showSecrets: false }), MASKED_TABLE);
        });

        it("prints the Secret Value and the User password in their rows only with showSecrets", () => {
            const lines = formatTable(outputs(), { showSecrets: true }).split("\n");
            assert.equal(lines[3], `Secret Value            | ${SECRET}`);
            assert.equal(lines[5], `User password           | ${PASSWORD}`);
        });

        it("leaves out the previous-secret line when previousSecretExpiresAt is null", () => {
            const text = formatTable(outputs({ previousSecretExpiresAt: null }), { showSecrets: false });
            assert.doesNotMatch(text, /previous secret/);
            assert.match(text, /expires on 2027-05-26 09:00 UTC\.\nThe next rotation is due on 2027-02-25 09:00 UTC/);
        });

        it("lists the Key Vault secret name of every row, in the table's order, when keyVaultSecretNames is set", () => {
            const names = {
                applicationClientId: "jtel-contoso-application-client-id",
                directoryTenantId: "jtel-contoso-directory-tenant-id",
                secretValue: "jtel-contoso-secret-value",
                userEmail: "jtel-contoso-user-email",
                userPassword: "jtel-contoso-user-password",
            };
            const text = formatTable(outputs({ keyVaultSecretNames: names }), { showSecrets: false });
            assert.ok(text.startsWith(MASKED_TABLE), "the table and notes come first");
            assert.equal(text.slice(MASKED_TABLE.length), [
                "The values are also in Key Vault, as these secrets:",
                "  Application (client) ID   jtel-contoso-application-client-id",
                "  Directory (tenant) ID     jtel-contoso-directory-tenant-id",
                "  Secret Value              jtel-contoso-secret-value",
                "  User email address        jtel-contoso-user-email",
                "  User password             jtel-contoso-user-password",
                "",
            ].join("\n"));
        });

        it("says nothing about Key Vault when keyVaultSecretNames is null or absent", () => {
            const { keyVaultSecretNames: _omitted, ...withoutVault } = outputs();
            assert.doesNotMatch(formatTable(outputs(), { showSecrets: false }), /Key Vault/);
            assert.doesNotMatch(formatTable(withoutVault, { showSecrets: false }), /Key Vault/);
        });
    });

    describe("json", () => {
        it("prints one object with the five values and the three dates, secrets masked", () => {
            const json = JSON.parse(formatJson(outputs({ previousSecretExpiresAt: null }), { showSecrets: false }));
            assert.deepEqual(json, {
                applicationClientId: "0f1e2d3c-4b5a-4697-8877-665544332211",
                directoryTenantId: "a1b2c3d4-e5f6-4789-abcd-ef0123456789",
                secretValue: MASK,
                userEmail: "jtel-presence@contoso.example",
                userPassword: MASK,
                secretExpiresAt: "2027-05-26T09:00:00.000Z",
                previousSecretExpiresAt: null,
                nextRotationAt: "2027-02-25T09:00:00.000Z",
            });
            assert.deepEqual(Object.keys(json), [
                "applicationClientId", "directoryTenantId", "secretValue", "userEmail", "userPassword",
                "secretExpiresAt", "previousSecretExpiresAt", "nextRotationAt",
            ]);
        });

        it("prints the secret and the password with showSecrets", () => {
            const json = JSON.parse(formatJson(outputs(), { showSecrets: true }));
            assert.equal(json.secretValue, SECRET);
            assert.equal(json.userPassword, PASSWORD);
            assert.equal(json.previousSecretExpiresAt, "2026-12-11T09:00:00.000Z");
        });
    });

    describe("env", () => {
        it("prints the six JTEL_TEAMS_ variables in order, secrets masked", () => {
            assert.equal(formatEnv(outputs(), { showSecrets: false }), [
                "JTEL_TEAMS_APPLICATION_CLIENT_ID='0f1e2d3c-4b5a-4697-8877-665544332211'",
                "JTEL_TEAMS_DIRECTORY_TENANT_ID='a1b2c3d4-e5f6-4789-abcd-ef0123456789'",
                "JTEL_TEAMS_SECRET_VALUE='********'",
                "JTEL_TEAMS_USER_EMAIL='jtel-presence@contoso.example'",
                "JTEL_TEAMS_USER_PASSWORD='********'",
                "JTEL_TEAMS_SECRET_EXPIRES_AT='2027-05-26T09:00:00.000Z'",
                "",
            ].join("\n"));
        });

        it("writes a single quote inside a value as '\\'' so the shell reads the value back unchanged", () => {
            const text = formatEnv(outputs(), { showSecrets: true });
            assert.match(text, /^JTEL_TEAMS_USER_PASSWORD='Tr0ub4dor'\\''Horse-9!zQ'$/m);
            assert.deepEqual(sourceInSh(text, ["JTEL_TEAMS_SECRET_VALUE", "JTEL_TEAMS_USER_PASSWORD"]), [SECRET, PASSWORD]);
        });

        it("quotes any value so that sh reads it back unchanged, $ ` \\ \" ' and newlines included", () => {
            const values = fc.sample(fc.string({ unit: "binary", maxLength: 40 }).filter((s) => !s.includes("\0")), { numRuns: 200, seed: 42 });
            values.push("a'b", "'", "''", "$(touch /tmp/never)", "`id`", "\\'", "x\ny", " lead", "");
            const script = values.map((v, i) => `v${i}=${shellQuote(v)}`).join("\n");
            assert.deepEqual(sourceInSh(script, values.map((_, i) => `v${i}`)), values);
        });
    });

    it("prints the same mask whatever the secrets are, so nothing about them (length, last characters) shows", () => {
        const other = outputs();
        other.handoff = { ...other.handoff, secretValue: "s", userPassword: "a-much-longer-password-than-the-first-one-0123456789" };
        for (const format of HANDOFF_FORMATS) {
            const text = formatHandoff(outputs(), format, { showSecrets: false });
            assert.equal(formatHandoff(other, format, { showSecrets: false }), text, format);
            assert.ok(!text.includes(SECRET.slice(-4)) && !text.includes(PASSWORD.slice(-4)), format);
        }
    });

    it("writes ISO 8601 instants as UTC date and minute", () => {
        assert.equal(formatUtc("2027-05-26T09:00:00.000Z"), "2027-05-26 09:00 UTC");
        assert.equal(formatUtc("2027-05-26T01:30:00+02:00"), "2027-05-25 23:30 UTC");
    });
});

describe("handoff outputs validation", () => {
    const raw = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({ ...outputs(), ...overrides });
    const NOW = new Date("2026-11-27T10:00:00Z");
    const parse = (input: unknown, now = NOW) => parseHandoffOutputs(input, "--outputs o.json", "NEXT STEP", now);
    const messageOf = (input: unknown, now = NOW): string => {
        try {
            parse(input, now);
        } catch (error) {
            assert.ok(error instanceof HandoffOutputsError);
            return error.message;
        }
        assert.fail("expected a HandoffOutputsError");
    };

    it("accepts the stack's outputs and ignores the other outputs", () => {
        const parsed = parse(raw({ verification: { ok: true }, applicationObjectId: "x" }));
        assert.deepEqual(parsed, outputs());
    });


    it("reads an absent previousSecretExpiresAt or keyVaultSecretNames as null", () => {
        const { previousSecretExpiresAt: _p, keyVaultSecretNames: _k, ...older } = raw();
        const parsed = parse(older);
        assert.equal(parsed.previousSecretExpiresAt, null);
        assert.equal(parsed.keyVaultSecretNames, null);
    });

    it("says the handoff output is missing and gives the next step", () => {
        const { handoff: _h, ...rest } = raw();
        assert.equal(messageOf(rest), "--outputs o.json has no `handoff` output: the stack has not been deployed with this program yet, or these are not its outputs; NEXT STEP");
    });

    it("says outputs read without --show-secrets hold \"[secret]\" instead of the handoff", () => {
        assert.match(messageOf(raw({ handoff: "[secret]" })), /is "\[secret\]" because the outputs were read without --show-secrets/);
    });

    it("rejects outputs that are not a JSON object", () => {
        assert.match(messageOf([1]), /must be the JSON object printed by `pulumi stack output --json --show-secrets`/);
        assert.match(messageOf(null), /must be the JSON object/);
    });

    it("names each missing, blank or unexpected handoff value without echoing any secret", () => {
        const message = messageOf(raw({ handoff: { applicationClientId: "0f1e", secretValue: "   ", userEmail: 5, extra: SECRET } }));
        assert.match(message, /output handoff has unexpected key\(s\) extra; allowed are exactly applicationClientId, directoryTenantId, secretValue, userEmail, userPassword/);
        assert.match(message, /output handoff\.applicationClientId "0f1e" must be the Application \(client\) ID, a GUID/);
        assert.match(message, /output handoff is missing directoryTenantId, which must be the Directory \(tenant\) ID, a GUID/);
        assert.match(message, /output handoff is missing userPassword/);
        assert.match(message, /output handoff\.secretValue must be the client secret's Value \(not its Secret ID\) as a non-empty string/);
        assert.match(message, /output handoff\.userEmail must be the service user's sign-in name/);
        assert.ok(!message.includes(SECRET));
    });

    it("rejects a handoff that is not an object without echoing it", () => {
        const message = messageOf(raw({ handoff: SECRET }));
        assert.match(message, /output handoff must be an object with exactly the keys applicationClientId, directoryTenantId, secretValue, userEmail, userPassword/);
        assert.ok(!message.includes(SECRET));
    });

    describe("applies the rules `npm run verify` applies, and says what is wrong", () => {
        const handoff = (overrides: Record<string, string>) => raw({ handoff: { ...outputs().handoff, ...overrides } });
        for (const [rule, overrides, expected] of [
            ["a client ID that is not a GUID", { applicationClientId: "jtel-presence" }, /output handoff\.applicationClientId "jtel-presence" must be the Application \(client\) ID, a GUID such as/],
            ["a tenant that is not a GUID", { directoryTenantId: "x" }, /output handoff\.directoryTenantId "x" must be the Directory \(tenant\) ID, a GUID/],
            ["an email that is not a sign-in name", { userEmail: "nobody" }, /output handoff\.userEmail "nobody" must be the service user's sign-in name, an email-like UPN such as jtel-presence@contoso\.com/],
            ["a padded password", { userPassword: ` ${PASSWORD} ` }, /output handoff\.userPassword must be a non-empty string without leading or trailing whitespace/],
            ["a padded secret", { secretValue: `${SECRET}\n` }, /output handoff\.secretValue must not have leading or trailing whitespace/],
            ["a Secret ID handed over as the Secret Value (the seed guide's warning)", { secretValue: "9a3f0c1e-5b7d-4e2a-8c6f-1d2e3f4a5b6c" }, /output handoff\.secretValue is shaped like a GUID, which is what a Secret ID looks like, not a secret's Value \(the seed guide: "The Secret Value is required, not the Secret ID"\)/],
        ] as const) {
            it(`refuses ${rule}`, () => {
                const message = messageOf(handoff(overrides));
                assert.match(message, expected);
                assert.ok(!message.includes(PASSWORD) && !message.includes(SECRET));
                if ("secretValue" in overrides) assert.ok(!message.includes(overrides.secretValue.trim()), "the secret value was quoted");
            });
        }

        it("refuses a secret that has already expired, with the date and the next step", () => {
            assert.match(messageOf(raw(), new Date("2027-05-26T09:00:00Z")), /output secretExpiresAt "2027-05-26T09:00:00.000Z": the client secret expired on 2027-05-26 09:00 UTC, so the connector cannot sign in with it; run `pulumi up` \(it issues a new Secret Value\), then print the handoff again/);
            assert.equal(parse(raw(), new Date("2027-05-26T08:59:59Z")).secretExpiresAt, "2027-05-26T09:00:00.000Z");
        });

        it("refuses a previous secret that expires after the current one", () => {
            assert.match(messageOf(raw({ previousSecretExpiresAt: "2027-06-01T00:00:00.000Z" })), /output previousSecretExpiresAt "2027-06-01T00:00:00.000Z" is after secretExpiresAt "2027-05-26T09:00:00.000Z": the newest secret always expires last/);
        });
    });

    it("names secretExpiresAt with its bad value and the ISO 8601 form it must have", () => {
        assert.match(messageOf(raw({ secretExpiresAt: "next May" })), /output secretExpiresAt "next May" must be the client secret's expiry as an ISO 8601 date-time such as 2027-05-26T09:00:00.000Z/);
    });

    it("names a missing nextRotationAt and gives the next step", () => {
        const { nextRotationAt: _n, ...rest } = raw();
        assert.match(messageOf(rest), /is missing the `nextRotationAt` output, which must be the next rotation date as an ISO 8601 date-time.*; NEXT STEP/);
    });

    it("names previousSecretExpiresAt when it is neither null nor an ISO 8601 date-time", () => {
        assert.match(messageOf(raw({ previousSecretExpiresAt: 12 })), /output previousSecretExpiresAt must be null or the previous secret's expiry/);
    });

    it("names keyVaultSecretNames when it lacks a row's secret name", () => {
        assert.match(messageOf(raw({ keyVaultSecretNames: { secretValue: "x" } })), /output keyVaultSecretNames must be null or an object with a Key Vault secret name for each of/);
    });

    it("names every handoff key keyVaultSecretNames needs a secret name for", () => {
        assert.match(messageOf(raw({ keyVaultSecretNames: { secretValue: "x" } })),
            /keyVaultSecretNames must be null or an object with a Key Vault secret name for each of applicationClientId, directoryTenantId, secretValue, userEmail, userPassword$/);
    });

    it("rejects a JSON string or number instead of the outputs object, as it rejects null and a list", () => {
        for (const input of ["handoff", 42]) assert.match(messageOf(input), /^--outputs o\.json must be the JSON object printed by `pulumi stack output --json --show-secrets`; NEXT STEP$/);
    });

    it("rejects a null handoff output as not an object, naming the five keys", () => {
        assert.match(messageOf(raw({ handoff: null })), /^--outputs o\.json output handoff must be an object with exactly the keys applicationClientId, directoryTenantId, secretValue, userEmail, userPassword$/);
    });

    it("reads rotation dates written with a UTC offset, as ISO 8601 allows", () => {
        const parsed = parse(raw({ secretExpiresAt: "2027-05-26T11:00:00+02:00", nextRotationAt: "2027-02-25T09:00:00-00:00" }));
        assert.equal(parsed.secretExpiresAt, "2027-05-26T11:00:00+02:00");
        assert.equal(parsed.nextRotationAt, "2027-02-25T09:00:00-00:00");
    });

    it("quotes at most 80 characters of a bad date, so a pasted file cannot flood the message", () => {
        const message = messageOf(raw({ secretExpiresAt: `${"9".repeat(80)}${"x".repeat(120)}` }));
        assert.ok(message.includes(`secretExpiresAt "${"9".repeat(80)}" must be`), message);
    });

    it("lists every problem on a line of its own", () => {
        assert.deepEqual(messageOf(raw({ secretExpiresAt: "soon", nextRotationAt: "later" })).split("\n"), [
            '--outputs o.json output secretExpiresAt "soon" must be the client secret\'s expiry as an ISO 8601 date-time such as 2027-05-26T09:00:00.000Z',
            '--outputs o.json output nextRotationAt "later" must be the next rotation date as an ISO 8601 date-time such as 2027-05-26T09:00:00.000Z',
        ]);
    });

    it("accepts a previous secret that ends at the same instant as the newest one (it does not outlive it)", () => {
        assert.equal(parse(raw({ previousSecretExpiresAt: "2027-05-26T09:00:00.000Z" })).previousSecretExpiresAt, "2027-05-26T09:00:00.000Z");
    });

    it("prints a date it cannot read as it is instead of a made-up one", () => {
        assert.equal(formatUtc("not a date"), "not a date");
    });
});
