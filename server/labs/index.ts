/**
 * Labs: Markdown lessons with graded steps. The public API of server/labs:
 *
 *   parseLab(text, file, {fixtures?}) → Lab          parse + validate one lab (throws LabError:
 *                                                     `.issues` = [{file, line, message}], message = "file:line: …")
 *   loadLabs(dir?) / loadLabFile(file) / labFiles()   read labs/*.md (Node; the rest is pure)
 *   labFor(lab, learnerId) → Lab                      the lab with this learner's parameter values
 *                                                     substituted ({{name}} in prose, commands, checks)
 *   paramValues(lab, learnerId) / instantiate(lab, values)
 *   labSession(lab) → SessionState                    a fresh terminal session on the lab's fixture/seed/host
 *   grade(lab, cloud, history, {answers?, reach?}) → GradeResult
 *                                                     per step and check: passed, state (pass | fail |
 *                                                     todo: "not done yet", see started.ts), points,
 *                                                     earned, why. Answers are judged in answers.ts.
 *                                                     Pass the learner's instantiated lab (labFor), the
 *                                                     session's cloud, its history as HistoryCommand[]
 *                                                     ({line, ran?}: `ran` is runLine's record of what
 *                                                     executed; historyCommand(line, result) builds one;
 *                                                     entries without it are parsed), and answers to
 *                                                     question checks by check id. `reach` defaults to
 *                                                     the data plane's trace (server/sim/reach.ts) through
 *                                                     simReach; pass `reach: null` only to disable it.
 *   recordGrade / recordHint / recordSolutionShown / emptyProgress   LabProgress bookkeeping (first pass times)
 *   labCheck(files) / gradeCommand(store, args)       `stacklab lab check` (solutions, then the commands the
 *                                                     prose shows: prose.ts, runShown) and `stacklab grade`
 *                                                     (return {output, exitCode}); GradeStore is the read
 *                                                     interface the store implements for `grade`.
 *   CHECK_TYPES                                       the check registry (name, doc, params) for docs.
 *
 * Lab.outcomes (what was learned) and Lab.fitWidth (wide tables: fit them by default) are for
 * the page; Lab.placeholders only for `lab check`.
 *
 * Rendering: Step.body is Markdown with its ```sh command blocks kept (clickable; the same lines
 * are in Step.commands); hints are Markdown; question checks carry `params.prompt`.
 */
export type { CheckDef, CheckResult, CheckState, GradeResult, HistoryCommand, Lab, ParamDef, Step, StepResult, SourcePos } from './types.js';
export type { LabIssue } from './parse.js';
export { LabError, parseLab, labFor, paramValues, instantiate, slug } from './parse.js';
export { grade, learnerGrade, type GradeOptions } from './grade.js';
export { historyCommand } from './history.js';
export { CHECK_TYPES, type GradeInput, type ReachFn } from './checks.js';
export { simReach } from './reach.js';
export { emptyProgress, recordGrade, recordHint, recordSolutionShown, type LabProgress, type StepProgress } from './progress.js';
export { labCheck, gradeCommand, labFiles, loadLabFile, loadLabs, labSession, replayLab, LABS_DIR, stepSeconds, type GradeStore, type GradeRow, type LearnerActivity, type StepActivity, type CliResult } from './cli.js';
