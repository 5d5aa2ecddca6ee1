// The five values the seed guide asks the tenant administrator to hand to the jtel contact, in its order.
// One definition for the stack outputs, the verifier, the emulator and the CLIs.
export interface Handoff {
    /** Application (client) ID of the app registration. */
    applicationClientId: string;
    /** Directory (tenant) ID. */
    directoryTenantId: string;
    /** The client secret's value (not its ID). */
    secretValue: string;
    /** The service user's sign-in name (UPN). */
    userEmail: string;
    /** The service user's password. */
    userPassword: string;
}
