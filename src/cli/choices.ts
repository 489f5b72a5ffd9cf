// The choices of the command line's options, apart from the commands: the program offers them before it
// knows which command runs, and loads a command's code (rules, parsers, fixers) only when that command runs.

export const checkFormats = ['pretty', 'json', 'sarif', 'github', 'junit'] as const;
export const checklistFormats = ['pretty', 'json', 'markdown'] as const;
export const listFormats = ['pretty', 'json'] as const;
