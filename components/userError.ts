// A mistake the person running `pulumi up` fixes (a config value, the signed-in tenant, a permission name, a
// tenant-side failure the verification found). Pulumi's runner prints a RunError's message alone, without stack
// or fields (@pulumi/pulumi cmd/run/run.js, the uncaught-error handler; pulumi/pulumi sdk/nodejs/cmd/run/run.ts).
import { RunError } from "@pulumi/pulumi";

export class UserError extends RunError {
    constructor(message: string) {
        super(message);
        // The runner also passes every uncaught error through util.inspect with colors for its trace span. The
        // stack of an error thrown inside the program holds @pulumi/pulumi frames that its source maps place at
        // node_modules/@pulumi/resource.ts, and util.inspect loops forever on such a line (nodejs/node#64011, in
        // Node 20.19.6+ and 22 until #64022): `pulumi up` would print the message and then hang. The runner never
        // shows a RunError's stack, so it holds the message only.
        this.stack = `${new.target.name}: ${message}`;
    }
}
