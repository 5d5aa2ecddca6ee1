// What each management call requires of the caller, as Microsoft Graph's v1.0 reference states it (the
// "Permissions" table and the "least privileged roles" note of each API page on learn.microsoft.com/graph/api).
// An app-only caller needs one of the listed application permissions in its token's `roles` (and, where
// Graph says so, a directory role assigned to its service principal), or a directory role that allows the
// operation assigned to its service principal (Entra roles can be assigned to service principals; the GitOps
// deployer of docs/gitops.md is set up that way); a signed-in caller needs one of the delegated scopes in
// `scp` and one of the directory roles, or to own the application it changes.
// Anything else gets Graph's 403: {"error":{"code":"Authorization_RequestDenied","message":"Insufficient
// privileges to complete the operation."}}.
import type { EmulatedDirectory } from "../directory";
import type { Principal } from "../tokens";
import { fail } from "./support";

/** Directory roles this emulator knows, by display name. Global Administrator holds every permission. */
export type DirectoryRole =
    | "Global Administrator" | "Privileged Role Administrator" | "Cloud Application Administrator" | "Application Administrator"
    | "Application Developer" | "User Administrator" | "Privileged Authentication Administrator";

export interface Requirement {
    /** The Graph operation, as the reference names it. */
    readonly operation: string;
    /** learn.microsoft.com/graph/api/<page> */
    readonly page: string;
    /** App-only: any one of these sets, every permission of the set. */
    readonly application: readonly (readonly string[])[];
    /** App-only: one of these directory roles must be assigned to the caller's service principal as well. */
    readonly applicationRoles?: readonly DirectoryRole[];
    /** Delegated: any one of these sets of scopes (Directory.AccessAsUser.All stands for all of them). */
    readonly delegated: readonly (readonly string[])[];
    /** Delegated: the signed-in user must hold one of these roles (none listed: any user may). */
    readonly delegatedRoles?: readonly DirectoryRole[];
    /** An owner of the application may call it with the delegated scopes, or with Application.ReadWrite.OwnedBy. */
    readonly ownerMay?: boolean;
}

const APP_ADMINS: DirectoryRole[] = ["Cloud Application Administrator", "Application Administrator"];
const APP_READ = [["Application.Read.All"], ["Application.ReadWrite.OwnedBy"], ["Directory.Read.All"]];

export const REQUIREMENTS = {
    readApplications: {
        operation: "GET /applications, /servicePrincipals (and their owners)", page: "application-get, serviceprincipal-get",
        application: APP_READ, delegated: [["Application.Read.All"], ["Directory.Read.All"]],
    },
    createApplication: {
        operation: "POST /applications", page: "application-post-applications",
        application: [["Application.ReadWrite.OwnedBy"], ["Application.ReadWrite.All"]],
        delegated: [["Application.ReadWrite.All"]], delegatedRoles: ["Application Developer", ...APP_ADMINS],
    },
    updateApplication: {
        operation: "PATCH /applications/{id}, addPassword, removePassword, DELETE", page: "application-update, application-addpassword",
        application: [["Application.ReadWrite.All"]], delegated: [["Application.ReadWrite.All"]], delegatedRoles: APP_ADMINS, ownerMay: true,
    },
    readDirectoryObjects: {
        // No directory role is named for delegated callers: a signed-in member reads the directory with the scope.
        operation: "GET /directoryObjects/{id}", page: "directoryobject-get",
        application: [["Directory.Read.All"]], delegated: [["Directory.Read.All"]],
    },
    addOwner: {
        operation: "POST /applications/{id}/owners/$ref", page: "application-post-owners",
        // "Application.ReadWrite.OwnedBy isn't sufficient to add another owner."
        application: [["Application.ReadWrite.All", "Directory.Read.All"], ["Directory.ReadWrite.All"]],
        delegated: [["Application.ReadWrite.All", "Directory.Read.All"]], delegatedRoles: APP_ADMINS,
    },
    addServicePrincipalOwner: {
        // Application.ReadWrite.OwnedBy with Directory.Read.All also works for a service principal the caller owns;
        // the emulator does not model owned service principals, so it asks for the higher set.
        operation: "POST /servicePrincipals/{id}/owners/$ref", page: "serviceprincipal-post-owners",
        application: [["Application.ReadWrite.All", "Directory.Read.All"], ["Directory.ReadWrite.All"]],
        delegated: [["Application.ReadWrite.All", "Directory.Read.All"]], delegatedRoles: APP_ADMINS,
    },
    removeServicePrincipalOwner: {
        operation: "DELETE /servicePrincipals/{id}/owners/{id}/$ref", page: "serviceprincipal-delete-owners",
        application: [["Application.ReadWrite.All"], ["Directory.ReadWrite.All"]],
        delegated: [["Application.ReadWrite.All"]], delegatedRoles: APP_ADMINS,
    },
    createServicePrincipal: {
        operation: "POST /servicePrincipals", page: "serviceprincipal-post-serviceprincipals",
        application: [["Application.ReadWrite.OwnedBy"], ["Application.ReadWrite.All"]],
        delegated: [["Application.ReadWrite.All"]], delegatedRoles: APP_ADMINS,
    },
    deleteServicePrincipal: {
        operation: "DELETE /servicePrincipals/{id}", page: "serviceprincipal-delete",
        application: [["Application.ReadWrite.All"]], delegated: [["Application.ReadWrite.All"]], delegatedRoles: APP_ADMINS,
    },
    createUser: {
        operation: "POST /users", page: "user-post-users",
        application: [["User.ReadWrite.All"]], delegated: [["User.ReadWrite.All"]], delegatedRoles: ["User Administrator"],
    },
    updateUser: {
        operation: "PATCH /users/{id}", page: "user-update",
        application: [["User.ReadWrite.All"]], delegated: [["User.ReadWrite.All"]], delegatedRoles: ["User Administrator"],
    },
    resetPassword: {
        // user-update, passwordProfile: "In application-only access, the calling app must be assigned the
        // User.ReadWrite.All application permission and at least the User Administrator Microsoft Entra role."
        operation: "PATCH /users/{id} with passwordProfile", page: "user-update (passwordProfile)",
        application: [["User.ReadWrite.All"]], applicationRoles: ["User Administrator", "Privileged Authentication Administrator"],
        delegated: [["Directory.AccessAsUser.All"]], delegatedRoles: ["User Administrator", "Privileged Authentication Administrator"],
    },
    deleteUser: {
        operation: "DELETE /users/{id}", page: "user-delete",
        application: [["User.ReadWrite.All"]], delegated: [["User.ReadWrite.All"]], delegatedRoles: ["User Administrator"],
    },
    readGrants: {
        operation: "GET /oauth2PermissionGrants", page: "oauth2permissiongrant-get",
        application: [["Directory.Read.All"], ["DelegatedPermissionGrant.ReadWrite.All"]],
        delegated: [["Directory.Read.All"], ["DelegatedPermissionGrant.ReadWrite.All"]],
    },
    writeGrants: {
        operation: "POST/PATCH/DELETE /oauth2PermissionGrants", page: "oauth2permissiongrant-post",
        application: [["DelegatedPermissionGrant.ReadWrite.All"], ["Directory.ReadWrite.All"]],
        delegated: [["DelegatedPermissionGrant.ReadWrite.All"]], delegatedRoles: [...APP_ADMINS, "Privileged Role Administrator"],
    },
    readAppRoleAssignments: {
        operation: "GET /servicePrincipals/{id}/appRoleAssignedTo", page: "serviceprincipal-list-approleassignedto",
        application: [["Application.Read.All"], ["Directory.Read.All"], ["AppRoleAssignment.ReadWrite.All"]],
        delegated: [["Application.Read.All"], ["Directory.Read.All"], ["AppRoleAssignment.ReadWrite.All"]],
    },
    assignAppRole: {
        operation: "POST /servicePrincipals/{id}/appRoleAssignedTo", page: "serviceprincipal-post-approleassignedto",
        application: [["AppRoleAssignment.ReadWrite.All", "Application.Read.All"], ["AppRoleAssignment.ReadWrite.All", "Directory.Read.All"]],
        delegated: [["AppRoleAssignment.ReadWrite.All", "Application.Read.All"]], delegatedRoles: [...APP_ADMINS, "Privileged Role Administrator"],
    },
    assignGraphAppRole: {
        // Consent to Microsoft Graph's application permissions: "Cloud Application Administrator or Application
        // Administrator ... any API, except Microsoft Graph app roles" (Grant tenant-wide admin consent).
        operation: "POST /servicePrincipals/{Microsoft Graph}/appRoleAssignedTo", page: "serviceprincipal-post-approleassignedto; entra/identity/enterprise-apps/grant-admin-consent",
        application: [["AppRoleAssignment.ReadWrite.All", "Application.Read.All"], ["AppRoleAssignment.ReadWrite.All", "Directory.Read.All"]],
        delegated: [["AppRoleAssignment.ReadWrite.All", "Application.Read.All"]], delegatedRoles: ["Privileged Role Administrator"],
    },
    deleteAppRoleAssignment: {
        operation: "DELETE /servicePrincipals/{id}/appRoleAssignedTo/{id}", page: "serviceprincipal-delete-approleassignedto",
        application: [["AppRoleAssignment.ReadWrite.All"]], delegated: [["AppRoleAssignment.ReadWrite.All"]], delegatedRoles: [...APP_ADMINS, "Privileged Role Administrator"],
    },
} satisfies Record<string, Requirement>;

// A higher privileged permission includes the lower one (each reference page lists them as alternatives).
const IMPLIED: Record<string, string[]> = {
    "Application.ReadWrite.All": ["Application.Read.All", "Application.ReadWrite.OwnedBy"],
    "Directory.ReadWrite.All": ["Directory.Read.All", "Application.Read.All", "User.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All"],
    "Directory.Read.All": ["Application.Read.All"],
    "User.ReadWrite.All": ["User.Read.All"],
};

function granted(names: ReadonlySet<string>): Set<string> {
    const all = new Set(names);
    for (const name of names) for (const implied of IMPLIED[name] ?? []) all.add(implied);
    return all;
}

function holdsOneSet(held: Set<string>, sets: readonly (readonly string[])[]): boolean {
    return sets.some((set) => set.every((p) => held.has(p)));
}

function holdsRole(directory: EmulatedDirectory, objectId: string, roles: readonly DirectoryRole[] | undefined): boolean {
    if (!roles || roles.length === 0) return true;
    const held = directory.directoryRolesOf(objectId);
    return held.includes("Global Administrator") || roles.some((r) => held.includes(r));
}

export function denied(): Error {
    return fail(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
}

/**
 * Throws Graph's 403 unless the caller may perform the operation. `ownedApplicationId` is the application
 * the call changes, for requirements an owner may meet.
 */
export function authorize(directory: EmulatedDirectory, principal: Principal, requirement: Requirement, ownedApplicationId?: string): void {
    const owner = requirement.ownerMay && ownedApplicationId !== undefined && directory.isApplicationOwner(ownedApplicationId, principal.oid);
    if (principal.kind === "app") {
        const held = granted(principal.roles);
        const allowed = holdsOneSet(held, requirement.application) || (owner && held.has("Application.ReadWrite.OwnedBy"));
        if (allowed && holdsRole(directory, principal.oid, requirement.applicationRoles)) return;
        // A directory role assigned to the service principal: the roles a signed-in user would need (any role
        // for the reads that need none).
        const roles = directory.directoryRolesOf(principal.oid);
        if (roles.length > 0 && holdsRole(directory, principal.oid, requirement.delegatedRoles ?? roles as DirectoryRole[])) return;
        throw denied();
    }
    const scopes = granted(principal.scopes);
    const scoped = scopes.has("Directory.AccessAsUser.All") || holdsOneSet(scopes, requirement.delegated);
    if (scoped && (owner || holdsRole(directory, principal.oid, requirement.delegatedRoles))) return;
    throw denied();
}
