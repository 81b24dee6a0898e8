/**
 * Data (synthetic CXR generator, MIMIC-CXR-JPG / CheXpert / IU X-ray readers, image IO, loaders),
 * training loops, the paper's evaluations (zero-shot, data-efficient probes, semantic search, VQA,
 * report QA), metrics and the HTML report. Coming with the data and ELIXR issues.
 */
package dev.elixr.tasks;
