// Adopting the manual guide's setup (components/adoption.ts): which IDs Pulumi imports and which inputs keep
// whatever the portal set while adopting.
import { strict as assert } from "node:assert";
import { adoptedUserProblem, adoptionPlan, ownersRemovedAfterAdoption, removedOwnersWarning } from "../../components/adoption";
import { MICROSOFT_GRAPH_APP_ID } from "../../components/graphPermissions";

const ADOPT = {
    applicationObjectId: "0f1e2d3c-4b5a-4697-8877-665544332211",
    servicePrincipalObjectId: "a1b2c3d4-e5f6-4789-abcd-ef0123456789",
    serviceUserObjectId: "11111111-2222-3333-4444-555555555555",
    delegatedGrantId: "grant-id",
};

describe("adopting a setup made by hand", () => {
    it("keeps the service principal's owners while adopting, and lets Pulumi correct every other drift of it and of the owner link at once", () => {
        const plan = adoptionPlan(ADOPT);
        assert.deepEqual(plan.servicePrincipal, { import: `/servicePrincipals/${ADOPT.servicePrincipalObjectId}`, ignoreChanges: ["owners"] });
        assert.deepEqual(plan.owner, { import: `/applications/${ADOPT.applicationObjectId}/owners/${ADOPT.serviceUserObjectId}`, ignoreChanges: [] });
        assert.equal(plan.apiAccess.import, `/applications/${ADOPT.applicationObjectId}/apiAccess/${MICROSOFT_GRAPH_APP_ID}`);
    });

    it("refuses to adopt a user under another sign-in name, naming both names, the key and the command that keeps it", () => {
        const problem = adoptedUserProblem(ADOPT, "jtel-presence@contoso.com", "presence-svc@contoso.com");
        assert.equal(problem, `adopt.serviceUserObjectId ${ADOPT.serviceUserObjectId} is the user presence-svc@contoso.com, not serviceUserPrincipalName jtel-presence@contoso.com: ` +
            "adopting it would rename it, and the connector signs in as presence-svc@contoso.com. Keep its name: pulumi config set serviceUserPrincipalName presence-svc@contoso.com");
    });

    it("adopts a user whose sign-in name matches serviceUserPrincipalName in any case, as Entra ID compares them", () => {
        assert.equal(adoptedUserProblem(ADOPT, "jtel-presence@contoso.com", "JTEL-Presence@Contoso.com"), undefined);
    });

    it("names the service principal's owners that servicePrincipalOwners does not list, whatever the case of their IDs", () => {
        const admin = "0f1e2d3c-4b5a-4697-8877-665544332211";
        const ops = "9a8b7c6d-5e4f-4321-8765-fedcba987654";
        assert.deepEqual(ownersRemovedAfterAdoption([admin, ops], []), [admin, ops]);
        assert.deepEqual(ownersRemovedAfterAdoption([admin, ops], [ops.toUpperCase()]), [admin]);
        assert.deepEqual(ownersRemovedAfterAdoption([admin], [admin]), []);
    });

    it("warns of the owners `pulumi config rm adopt` will remove, with the commands that keep them next to the declared ones", () => {
        const warning = removedOwnersWarning(ADOPT, ["0f1e2d3c-4b5a-4697-8877-665544332211"], ["9a8b7c6d-5e4f-4321-8765-fedcba987654"]);
        assert.equal(warning, `The adopted service principal ${ADOPT.servicePrincipalObjectId} (Enterprise applications > the app > Owners) has 1 owner that ` +
            "servicePrincipalOwners does not list: 0f1e2d3c-4b5a-4697-8877-665544332211. It is kept while adopting; `pulumi config rm adopt` will remove it, " +
            "because the stack declares the enterprise application's owners (none unless servicePrincipalOwners lists them). To keep it, before that: " +
            "pulumi config set --path 'servicePrincipalOwners[0]' 9a8b7c6d-5e4f-4321-8765-fedcba987654; pulumi config set --path 'servicePrincipalOwners[1]' 0f1e2d3c-4b5a-4697-8877-665544332211");
    });
});
