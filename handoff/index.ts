// The handoff to the jtel contact: validated stack outputs in, the seed guide's table (or JSON, or shell variables) out.
export type { Handoff } from "./types";
export {
    HANDOFF_KEYS, SECRET_KEYS, HandoffOutputsError, handoffOutputOf, parseHandoffObject, parseHandoffOutputs, secretCreatedAtOf, type HandoffKey, type HandoffOutputs,
} from "./outputs";
export {
    ENDPOINT_KEYS, HANDOFF_OBJECT_COMMAND, HandoffFileError, STACK_OUTPUTS_COMMAND, describeHandoffFile, readHandoffFile, type EndpointKey, type HandoffFile,
} from "./fileShape";
export { HANDOFF_RULES, HandoffInvalidError, validateHandoff, type HandoffLabels } from "./validate";
export {
    HANDOFF_ENV_NAMES,
    HANDOFF_FORMATS,
    HANDOFF_LABELS,
    MASK,
    SECRET_EXPIRES_AT_ENV_NAME,
    SECRET_VALUE_NOTE,
    formatEnv,
    formatHandoff,
    formatJson,
    formatTable,
    formatUtc,
    shellQuote,
    shownValue,
    type FormatOptions,
    type HandoffFormat,
} from "./format";
