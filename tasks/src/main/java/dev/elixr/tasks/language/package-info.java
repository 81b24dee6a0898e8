/**
 * ELIXR-B stage 2 and its language tasks (Xu et al. 2023, §2.2 and §2.5): the items of a data set
 * ({@link dev.elixr.tasks.language.InstructionSet}: impression generation, {@code vqa.jsonl}, {@code report-qa.jsonl}) in
 * one prompt wording ({@link dev.elixr.tasks.language.InstructionPrompts}), tokenised for the LLM
 * ({@link dev.elixr.tasks.language.InstructionEncoder}) and mixed in stated proportions
 * ({@link dev.elixr.tasks.language.TaskMix}, {@link dev.elixr.tasks.language.MixedBatches}); the training loop
 * ({@link dev.elixr.tasks.language.Stage2Training}) and job ({@link dev.elixr.tasks.language.Stage2Job}, {@code elixr
 * train elixr-b --stage 2}) with its run directory ({@link dev.elixr.tasks.language.ElixrB2Run}); the uses of a run
 * ({@link dev.elixr.tasks.language.Assistant}: ask, describe, check a report) and the VQA and report-QA evaluations with
 * their text-only baseline ({@link dev.elixr.tasks.language.LanguageEvaluation}). Impression evaluation does not exist yet.
 */
package dev.elixr.tasks.language;
