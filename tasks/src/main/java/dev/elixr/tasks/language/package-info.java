/**
 * ELIXR-B stage 2 and its language tasks (Xu et al. 2023, §2.2 and §2.5): the items of a data set
 * ({@link dev.elixr.tasks.language.InstructionSet}: impression generation, {@code vqa.jsonl}, {@code report-qa.jsonl}) in
 * one prompt wording ({@link dev.elixr.tasks.language.InstructionPrompts}), tokenised for the LLM
 * ({@link dev.elixr.tasks.language.InstructionEncoder}) and mixed in stated proportions
 * ({@link dev.elixr.tasks.language.TaskMix}, {@link dev.elixr.tasks.language.MixedBatches}); the training loop
 * ({@link dev.elixr.tasks.language.Stage2Training}, with a frozen Q-Former's query outputs computed once per image:
 * {@code QueryOutputCache}) and job ({@link dev.elixr.tasks.language.Stage2Job}, {@code elixr
 * train elixr-b --stage 2}) with its run directory ({@link dev.elixr.tasks.language.ElixrB2Run}); the uses of a run
 * ({@link dev.elixr.tasks.language.Assistant}: ask, describe, check a report, optionally in two steps: what the image
 * shows, {@link dev.elixr.tasks.language.ImageFindings}, then the verdict), the VQA and report-QA evaluations and
 * the impression evaluation ({@link dev.elixr.tasks.language.ImpressionScore}), each with their text-only baseline
 * ({@link dev.elixr.tasks.language.LanguageEvaluation}); report checks as visual questions over the report's assertions,
 * a structured checker beside the paper's one prompt ({@link dev.elixr.tasks.language.ReportAssertions},
 * {@link dev.elixr.tasks.language.AssertionQuestions}, answers scored by {@link dev.elixr.tasks.language.AnswerLikelihood},
 * {@link dev.elixr.tasks.language.QuestionCheck}, {@link dev.elixr.tasks.language.QuestionVerdict} with thresholds fitted
 * on the validation split, {@link dev.elixr.tasks.language.QuestionsEvaluation}); the instruction corpus that teaches the small LM the answer
 * formats ({@link dev.elixr.tasks.language.InstructionCorpus}, {@code elixr train lm --instructions}).
 */
package dev.elixr.tasks.language;
