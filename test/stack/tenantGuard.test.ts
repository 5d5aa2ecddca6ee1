import { strict as assert } from "node:assert";
import { assertSameTenant, TenantMismatchError } from "../../stack/tenantGuard";

describe("the tenant guard", () => {
    it("lets the program go on when the signed-in tenant is the configured one, whatever the case", () => {
        assert.doesNotThrow(() => assertSameTenant("0F1E2D3C-4B5A-6978-8A9B-ACBDCEDFF001", "0f1e2d3c-4b5a-6978-8a9b-acbdcedff001"));
    });

    it("stops with both tenant IDs and the next step when they differ", () => {
        assert.throws(() => assertSameTenant("11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"), (e: Error) => {
            assert.ok(e instanceof TenantMismatchError);
            assert.match(e.message, /configured for tenant 11111111-1111-1111-1111-111111111111 \(azuread:tenantId\)/);
            assert.match(e.message, /belongs to tenant 22222222-2222-2222-2222-222222222222; nothing was created/);
            assert.match(e.message, /az login --tenant 11111111-1111-1111-1111-111111111111/);
            return true;
        });
    });
});
