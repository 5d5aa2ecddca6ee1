// Talks to a policy pack's analyzer server over gRPC, as the Pulumi CLI does.
import * as grpc from "@grpc/grpc-js";
import * as analyzerrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";

export const LEVELS: Record<number, string> = {
    [analyzerproto.EnforcementLevel.ADVISORY]: "advisory",
    [analyzerproto.EnforcementLevel.MANDATORY]: "mandatory",
    [analyzerproto.EnforcementLevel.DISABLED]: "disabled",
    [analyzerproto.EnforcementLevel.REMEDIATE]: "remediate",
};

export type Callback<Res> = (err: grpc.ServiceError | null, res: Res) => void;

/** A unary gRPC call as a promise. */
export function call<Res>(start: (callback: Callback<Res>) => unknown): Promise<Res> {
    return new Promise((resolve, reject) => start((err, res) => (err ? reject(err) : resolve(res))));
}

export function connect(port: number): analyzerrpc.AnalyzerClient {
    return new analyzerrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

/** The pack's name, version and policy name -> enforcement level, as GetAnalyzerInfo reports them. */
export async function analyzerInfo(client: analyzerrpc.AnalyzerClient) {
    const info = await call<analyzerproto.AnalyzerInfo>((cb) => client.getAnalyzerInfo(new Empty(), cb));
    return {
        info,
        name: info.getName(),
        version: info.getVersion(),
        policies: Object.fromEntries(info.getPoliciesList().map((p) => [p.getName(), LEVELS[p.getEnforcementlevel()]])),
    };
}
