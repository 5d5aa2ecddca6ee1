// The baseline for program start: the same two imports as the stack program and one resource, started the
// same way. What index.ts costs beyond this is what this project adds to every `pulumi preview` and `up`.
import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";

export = () => {
    const app = new azuread.ApplicationRegistration("app", { displayName: "jtel Teams Presence" });
    return { applicationClientId: pulumi.output(app.clientId) };
};
