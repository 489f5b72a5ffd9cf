import { parentPort, workerData } from 'node:worker_threads';
import { rules as registry } from '../../codemods/index.js';
import type { SelectedRules } from './analyze-file.js';
import { parseHandedOver, processFile, type ToParse, type WorkItem } from './process-file.js';
import { textRulesOf, type ProjectInfo, type SourceRule } from './rule.js';

/**
 * A worker of the check pool: it loads the rule registry itself, reads the files it is sent and runs the
 * prefilters and text rules; files that need a parse go back to the main thread with their text. Once
 * everything is read, it is sent some of those texts back to parse.
 */
const data = workerData as { ruleIds: string[]; projects: ProjectInfo[] };
const chosen = registry.filter((rule) => data.ruleIds.includes(rule.meta.id));
const selected: SelectedRules = {
  source: chosen.filter((rule): rule is SourceRule => rule.kind === 'source'),
  text: textRulesOf(chosen),
  ids: new Set(data.ruleIds),
};
const projects = new Map(data.projects.map((project) => [project.root, project]));

type Task = { id: number; read: WorkItem[] } | { id: number; parse: { item: WorkItem; handed: ToParse }[] };

parentPort!.on('message', (task: Task) => {
  const results =
    'read' in task
      ? task.read.map((item) => processFile(item, selected, projects, { parse: false }))
      : task.parse.map(({ item, handed }) => parseHandedOver(item, handed, selected, projects));
  parentPort!.postMessage({ id: task.id, results });
});
