import { strict as assert } from "node:assert";
import { assertSameTenant, TenantMismatchError } from "../../stack/tenantGuard";

describe("the tenant guard", () => {
    it("lets the program go on when the signed-in tenant is the configured one, whatever the case", () => {
        assert.doesNotThrow(() => assertSameTenant("0F1E2D3C-4B5A-6978-8A9B-ACBDCEDFF001", "0f1e2d3c-4b5a-6978-8a9b-acbdcedff001"));
    });

    it("compares case-insensitively on both sides: an upper-case signed-in tenant ID is the same tenant too", () => {
        assert.doesNotThrow(() => assertSameTenant("0f1e2d3c-4b5a-6978-8a9b-acbdcedff001", "0F1E2D3C-4B5A-6978-8A9B-ACBDCEDFF001"));
    });

    it("ignores whitespace around either ID, as a tenant ID pasted from the portal may carry", () => {
        assert.doesNotThrow(() => assertSameTenant(" 0f1e2d3c-4b5a-6978-8a9b-acbdcedff001", "0f1e2d3c-4b5a-6978-8a9b-acbdcedff001\n"));
        assert.doesNotThrow(() => assertSameTenant("0f1e2d3c-4b5a-6978-8a9b-acbdcedff001\t", " 0f1e2d3c-4b5a-6978-8a9b-acbdcedff001"));
    });

    it("stops when the IDs differ in one character, whatever the letter case", () => {
        assert.throws(() => assertSameTenant("0F1E2D3C-4B5A-6978-8A9B-ACBDCEDFF001", "0f1e2d3c-4b5a-6978-8a9b-acbdcedff002"), TenantMismatchError);
    });

    it("stops with both tenant IDs and the next step when they differ", () => {
        assert.throws(() => assertSameTenant("11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"), (e: Error) => {
            assert.ok(e instanceof TenantMismatchError);
            assert.equal(e.name, "TenantMismatchError");
            assert.equal(e.configuredTenantId, "11111111-1111-1111-1111-111111111111");
            assert.equal(e.signedInTenantId, "22222222-2222-2222-2222-222222222222");
            assert.match(e.message, /configured for tenant 11111111-1111-1111-1111-111111111111 \(azuread:tenantId\)/);
            assert.match(e.message, /belongs to tenant 22222222-2222-2222-2222-222222222222; nothing was created/);
            assert.match(e.message, /az login --tenant 11111111-1111-1111-1111-111111111111/);
            return true;
        });
    });
});
