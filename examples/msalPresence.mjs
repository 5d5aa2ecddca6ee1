// Sign in as the jtel connector does (the password grant, ROPC, with the client secret), but through Microsoft's
// own MSAL, then read presence from Microsoft Graph: a starting point for a client under development, run against
// `npm run emulator` (docs/emulator.md). Node trusts the emulator's CA through NODE_EXTRA_CA_CERTS.
// Usage: node examples/msalPresence.mjs HANDOFF_FILE [OBJECT_ID ...]
//   HANDOFF_FILE: the emulator's handoff file (the five values, its authorityHost and graphEndpoint)
//   OBJECT_ID:    users whose presence to read (default: the service user itself)
/* global fetch */
import console from "node:console";
import { readFileSync } from "node:fs";
import process from "node:process";
import { URL } from "node:url";
import { ConfidentialClientApplication } from "@azure/msal-node";

const [file, ...ids] = process.argv.slice(2);
if (!file) {
    console.error("Usage: node examples/msalPresence.mjs HANDOFF_FILE [OBJECT_ID ...]: HANDOFF_FILE is npm run emulator's handoff file");
    process.exit(2);
}
const handoff = JSON.parse(readFileSync(file, "utf8"));
if (!handoff.authorityHost || !handoff.graphEndpoint) {
    console.error(`${file} names no authorityHost or graphEndpoint: give the handoff file npm run emulator writes`);
    process.exit(2);
}

const app = new ConfidentialClientApplication({ auth: {
    clientId: handoff.applicationClientId,
    clientSecret: handoff.secretValue,
    authority: `${handoff.authorityHost}/${handoff.directoryTenantId}`,
    // MSAL asks login.microsoftonline.com for instance discovery unless it knows the authority's host.
    knownAuthorities: [new URL(handoff.authorityHost).host],
} });
const token = await app.acquireTokenByUsernamePassword({
    scopes: ["User.Read", "Presence.Read.All"], username: handoff.userEmail, password: handoff.userPassword,
});

// The call the connector reads its agents' presence with.
const response = await fetch(`${handoff.graphEndpoint}/v1.0/communications/getPresencesByUserId`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token.accessToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ ids: ids.length > 0 ? ids : [token.account.localAccountId] }),
});
if (!response.ok) {
    console.error(`Graph answered ${response.status} to getPresencesByUserId`);
    process.exit(1);
}
const { value } = await response.json();
console.log(`MSAL signed in ${token.account.username} with ${token.scopes.join(" ")}`);
for (const presence of value) console.log(`presence of ${presence.id}: ${presence.availability} / ${presence.activity}`);
