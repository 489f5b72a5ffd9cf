import { parentPort, workerData } from 'node:worker_threads';
import { rules as registry } from '../../codemods/index.js';
import type { SelectedRules } from './analyze-file.js';
import { processFile, type WorkItem } from './process-file.js';
import type { ProjectInfo, SourceRule, TextRule } from './rule.js';

/** A worker of the check pool: it loads the rule registry itself and analyzes the files it is sent. */
const data = workerData as { ruleIds: string[]; projects: ProjectInfo[] };
const chosen = registry.filter((rule) => data.ruleIds.includes(rule.meta.id));
const selected: SelectedRules = {
  source: chosen.filter((rule): rule is SourceRule => rule.kind === 'source'),
  text: chosen.filter((rule): rule is TextRule => rule.kind === 'text'),
  ids: new Set(data.ruleIds),
};
const projects = new Map(data.projects.map((project) => [project.root, project]));

parentPort!.on('message', (task: { id: number; items: WorkItem[] }) => {
  const results = task.items.map((item) => processFile(item, selected, projects));
  parentPort!.postMessage({ id: task.id, results });
});
