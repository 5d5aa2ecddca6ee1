// What @pulumi/random's RandomPassword hands the program, for the tenant models that stand in for the providers
// (planner/tenantModel.ts, demo/emulatorMocks.ts).
import { randomInt } from "node:crypto";

/** A password drawn the way @pulumi/random's RandomPassword draws one: the minimum of each class, then any. */
export function drawPassword(inputs: Record<string, unknown>): string {
    const sets: [string, number][] = [
        ["ABCDEFGHIJKLMNOPQRSTUVWXYZ", inputs.upper === false ? 0 : Number(inputs.minUpper ?? 0)],
        ["abcdefghijklmnopqrstuvwxyz", inputs.lower === false ? 0 : Number(inputs.minLower ?? 0)],
        ["0123456789", inputs.numeric === false ? 0 : Number(inputs.minNumeric ?? 0)],
        [String(inputs.overrideSpecial ?? "!@#$%&*()-_=+[]{}<>:?"), inputs.special === false ? 0 : Number(inputs.minSpecial ?? 0)],
    ];
    const all = sets.filter(([, min], i) => min > 0 || [inputs.upper, inputs.lower, inputs.numeric, inputs.special][i] !== false).map(([s]) => s).join("");
    const chars = sets.flatMap(([set, min]) => Array.from({ length: min }, () => set[randomInt(set.length)]));
    while (chars.length < Number(inputs.length)) chars.push(all[randomInt(all.length)]);
    for (let i = chars.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    return chars.join("");
}
