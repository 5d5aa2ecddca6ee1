// The one rule for every URL the connector's credentials (client secret, password, access token) are sent to.
// The stack config, `npm run verify`, the demo and verifyPresenceAccess itself all go through it, so a plain-http
// endpoint on another machine or a URL carrying its own credentials is refused before anything is sent.
import { cloudEndpoints, cloudProblem, type CloudEndpoints, type CloudName } from "./clouds";

/** The rule in words, for messages and the README. */
export const ENDPOINT_RULE = "https://, or http:// only for a loopback host (127.0.0.0/8, localhost or [::1])";

/**
 * Loopback as the WHATWG URL parser leaves the hostname: it lowercases names, rewrites IPv4 shorthands
 * (`127.1`, `0x7f.1`) to dotted decimal and compresses IPv6 (`[0:0:0:0:0:0:0:1]` becomes `[::1]`).
 */
export function isLoopbackHost(hostname: string): boolean {
    return hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** Why `value` must not receive credentials, or undefined when it may. */
export function endpointProblem(value: string): string | undefined {
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        return `must be an absolute URL: ${ENDPOINT_RULE}, such as https://login.microsoftonline.com`;
    }
    if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
        return `must use ${ENDPOINT_RULE}`;
    }
    // A URL's own user name and password would go out as Basic credentials next to the connector's.
    if (url.username !== "" || url.password !== "") return "must not carry a user name or password";
    // The token and Graph paths are appended to the URL; a query or fragment would swallow them.
    if (url.search !== "" || url.hash !== "") return "must not have a query (?) or fragment (#)";
    return undefined;
}

/** Bad endpoint settings: the message names the setting, the value (credentials masked) and the rule. */
export class EndpointError extends TypeError {
    constructor(message: string) {
        super(message);
        this.name = "EndpointError";
    }
}

/** The value as it may be quoted in a message: a user name or password in it is masked. */
export function shownEndpoint(value: string): string {
    try {
        const url = new URL(value);
        if (url.username === "" && url.password === "") return value;
        url.username = "***";
        url.password = "";
        return url.toString();
    } catch {
        return value.replace(/\/\/[^/@]*@/, "//***@");
    }
}

/** Checks one endpoint against the rule; returns it without trailing slashes. `name` is the setting or flag. */
export function checkEndpoint(name: string, value: unknown): string {
    if (typeof value !== "string") throw new EndpointError(`${name} must be a URL: ${ENDPOINT_RULE}`);
    const problem = endpointProblem(value);
    if (problem) throw new EndpointError(`${name} "${shownEndpoint(value)}" ${problem}`);
    return value.replace(/\/+$/, "");
}

/** Where to sign in and read presence: a cloud, and optional overrides of either host. */
export interface EndpointChoice {
    /** public (default), usgovernment or usgovernmentdod (china has no presence API and is refused). */
    cloud?: CloudName;
    authorityHost?: string;
    graphEndpoint?: string;
}

/** How each setting is called where it came from (config keys, CLI flags). */
export interface EndpointNames {
    cloud: string;
    authorityHost: string;
    graphEndpoint: string;
}

const OPTION_NAMES: EndpointNames = { cloud: "cloud", authorityHost: "authorityHost", graphEndpoint: "graphEndpoint" };

/**
 * The two hosts one verification talks to. Without an override only the chosen cloud's documented hosts are
 * used (verifier/clouds.ts); an override must pass the endpoint rule. Throws EndpointError naming the setting.
 */
export function resolveEndpoints(choice: EndpointChoice, names: EndpointNames = OPTION_NAMES): CloudEndpoints {
    const cloud = choice.cloud ?? "public";
    const problem = cloudProblem(names.cloud, cloud);
    if (problem) throw new EndpointError(problem);
    const documented = cloudEndpoints(cloud);
    return {
        authorityHost: choice.authorityHost === undefined ? documented.authorityHost : checkEndpoint(names.authorityHost, choice.authorityHost),
        graphEndpoint: choice.graphEndpoint === undefined ? documented.graphEndpoint : checkEndpoint(names.graphEndpoint, choice.graphEndpoint),
    };
}
