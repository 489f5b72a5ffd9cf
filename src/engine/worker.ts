import { workerData, type MessagePort } from 'node:worker_threads';
import { rules as registry } from '../../codemods/index.js';
import type { SelectedRules } from './analyze-file.js';
import type { WorkerReply, WorkerTask } from './pool.js';
import { parseHandedOver, processFile } from './process-file.js';
import { textRulesOf, type ProjectInfo, type SourceRule } from './rule.js';

/**
 * A worker of the check pool: it loads the rule registry itself, reads the files it is sent and runs the
 * prefilters and text rules; files that need a parse go back to the main thread with their text. Once
 * everything is read, it may be sent some of those texts back to parse. Tasks come on the port the pool
 * gave it, which the main thread can also read synchronously while it is still walking the tree.
 */
const data = workerData as { ruleIds: string[]; port: MessagePort };
const chosen = registry.filter((rule) => data.ruleIds.includes(rule.meta.id));
const selected: SelectedRules = {
  source: chosen.filter((rule): rule is SourceRule => rule.kind === 'source'),
  text: textRulesOf(chosen),
  ids: new Set(data.ruleIds),
};
const projects = new Map<string, ProjectInfo>();

data.port.on('message', (task: WorkerTask) => {
  for (const project of task.projects) projects.set(project.root, project);
  const results =
    'read' in task
      ? task.read.map((item) => processFile(item, selected, projects, { parse: false }))
      : task.parse.map(({ item, handed }) => parseHandedOver(item, handed, selected, projects));
  data.port.postMessage({ id: task.id, results } satisfies WorkerReply);
});
