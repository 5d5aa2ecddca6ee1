// How Microsoft Graph writes an Edm.DateTimeOffset: UTC with `Z`, fractional seconds only when not zero and
// without trailing zeros, e.g. "2299-12-31T00:00:00Z" and "2023-02-15T21:38:02.84925Z" (az ad app
// credential list output in MicrosoftDocs/azure-docs#105692). JavaScript dates carry milliseconds, so at
// most three digits here. What the azuread provider stores is this string, so the emulator must write it
// the same way for the plan check to mean anything.
export function graphDateTime(instant: Date): string {
    const iso = instant.toISOString();
    return iso.replace(/\.(\d{3})Z$/, (_m, fraction: string) => (fraction === "000" ? "Z" : `.${fraction.replace(/0+$/, "")}Z`));
}
