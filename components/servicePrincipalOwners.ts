// Whether each object ID `servicePrincipalOwners` lists can own the enterprise application (the service principal).
// Pure: the program looks each ID up with azuread's getDirectoryObject before anything is registered, and this
// decides. Without it, a well-formed but wrong ID fails at the service principal's create, after the app
// registration already exists.
//
// getDirectoryObject (terraform-provider-azuread v3.8.0, internal/services/directoryobjects/
// directory_object_data_source.go:46-77) sends GET /directoryObjects/{id}; for an ID Graph does not know it fails
// with `Directory Object (Directory Object: "{id}") was not found` (line 54), otherwise it answers `type`, Graph's
// @odata.type without `#microsoft.graph.` and with its first letter in upper case (directoryobjects.go:13-15):
// `User`, `ServicePrincipal`, `Group`, `Application`, ...

/** What Graph accepts as an owner of a service principal: "Service principal owners can be users, the service
 * principal itself, or other service principals" (learn.microsoft.com/graph/api/serviceprincipal-post-owners). */
export const SERVICE_PRINCIPAL_OWNER_TYPES: readonly string[] = ["User", "ServicePrincipal"];

const ALLOWED = "the object ID of a user or of a service principal (an enterprise application) of this tenant";

/** Whether a failed getDirectoryObject says the ID is not in the tenant (directory_object_data_source.go:54), as
 * against any other failure (no permission, Graph unreachable), which the program reports as it came. */
export function isDirectoryObjectNotFound(error: unknown): boolean {
    return error instanceof Error && /Directory Object \(Directory Object: "[^"]*"\) was not found/.test(error.message);
}

/**
 * Why `objectId` cannot be an owner of the service principal, or undefined when it can. `type` is what
 * getDirectoryObject answered for it, or undefined when the tenant has no object with that ID.
 */
export function servicePrincipalOwnerProblem(objectId: string, type: string | undefined): string | undefined {
    if (type === undefined) {
        return `servicePrincipalOwners entry "${objectId}" is not an object in this tenant (Microsoft Graph has no directory object with that ID): ` +
            `list ${ALLOWED} (Users > the user > Object ID, or Enterprise applications > the app > Object ID)`;
    }
    if (SERVICE_PRINCIPAL_OWNER_TYPES.includes(type)) return undefined;
    // The likeliest mix-up: an app registration's object ID is not its enterprise application's.
    const hint = type === "Application" ? "; an app registration's Object ID is not its enterprise application's: take the one under Enterprise applications" : "";
    return `servicePrincipalOwners entry "${objectId}" is ${/^[AEIOU]/.test(type) ? "an" : "a"} ${type}, which cannot own an enterprise application: list ${ALLOWED}, ` +
        `the only owners Microsoft Graph accepts for a service principal (learn.microsoft.com/graph/api/serviceprincipal-post-owners)${hint}`;
}
