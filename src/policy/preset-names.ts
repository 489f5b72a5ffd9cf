// Apart from schema.ts so that the command line can offer the choices without loading zod.
export const presetNames = ['rules', 'asvs'] as const;
export type PresetName = (typeof presetNames)[number];
