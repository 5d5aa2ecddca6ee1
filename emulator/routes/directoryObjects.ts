// GET /directoryObjects/{id}: any directory object by its ID, answered as its own type with `@odata.type`
// (learn.microsoft.com/graph/api/directoryobject-get). azuread's getDirectoryObject reads only that type
// (terraform-provider-azuread v3.8.0 directory_object_data_source.go); the program uses it to check each
// servicePrincipalOwners entry before anything is created. The emulator's directory holds users, service
// principals and applications (no groups or devices); an ID it does not hold answers Graph's 404.
import { authorize, REQUIREMENTS } from "./permissions";
import { notFound, ok, type GraphContext, type RouteRegistrar } from "./support";

export function directoryObjectRoutes(route: RouteRegistrar, g: GraphContext): void {
    route("GET", "/directoryObjects/:id", (ctx) => {
        authorize(g.directory, ctx.principal, REQUIREMENTS.readDirectoryObjects);
        const [id] = ctx.params;
        const context = g.context("directoryObjects/$entity");
        const found = g.directory.visibleDirectoryObject(id);
        if (found?.kind === "user") {
            const { user } = found;
            return ok({ "@odata.context": context, "@odata.type": "#microsoft.graph.user", id: user.id, userPrincipalName: user.userPrincipalName, displayName: user.displayName });
        }
        if (found?.kind === "servicePrincipal") {
            const { sp } = found;
            return ok({ "@odata.context": context, "@odata.type": "#microsoft.graph.servicePrincipal", id: sp.id, appId: sp.appId, displayName: sp.displayName });
        }
        const app = g.directory.visibleApplication(id);
        if (app) return ok({ "@odata.context": context, "@odata.type": "#microsoft.graph.application", id: app.id, appId: app.appId, displayName: app.displayName });
        throw notFound(id);
    });
}
