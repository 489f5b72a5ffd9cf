export { policySchema, presetNames, type Policy, type PresetName, type PolicyOverrides } from './schema.js';
export { rulesPreset, asvsPreset, presets, rulesMaximums } from './defaults.js';
export { loadPolicy, resolvePolicy, configFileName } from './load.js';
export { checklistItems, type ChecklistItemId } from './checklist.js';
