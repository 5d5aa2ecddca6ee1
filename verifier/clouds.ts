/** Where the connector signs in and reads presence; the token scope host follows the Graph host. */
export interface CloudEndpoints {
    /** Entra ID authority host, no trailing slash. */
    authorityHost: string;
    /** Microsoft Graph endpoint, no trailing slash. */
    graphEndpoint: string;
}

export type CloudName = "public" | "usgovernment" | "china";

export const CLOUD_NAMES: readonly CloudName[] = ["public", "usgovernment", "china"];

const CLOUDS: Record<CloudName, CloudEndpoints> = {
    public: { authorityHost: "https://login.microsoftonline.com", graphEndpoint: "https://graph.microsoft.com" },
    usgovernment: { authorityHost: "https://login.microsoftonline.us", graphEndpoint: "https://graph.microsoft.us" },
    china: { authorityHost: "https://login.chinacloudapi.cn", graphEndpoint: "https://microsoftgraph.chinacloudapi.cn" },
};

export function cloudEndpoints(cloud: CloudName): CloudEndpoints {
    const endpoints = CLOUDS[cloud];
    if (!endpoints) throw new RangeError(`cloud "${String(cloud)}" must be one of ${CLOUD_NAMES.join(", ")}`);
    return { ...endpoints };
}
