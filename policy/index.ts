// The policy pack: `pulumi preview --policy-pack policy`. The analyzer runs this file with ts-node from this
// folder; PolicyPack reads its version from ./package.json and serves the policies over gRPC.
import { PolicyPack } from "@pulumi/policy";
import { createPolicies, PACK_DESCRIPTION, PACK_NAME } from "./policies";

new PolicyPack(PACK_NAME, {
    description: PACK_DESCRIPTION,
    policies: createPolicies(),
});
