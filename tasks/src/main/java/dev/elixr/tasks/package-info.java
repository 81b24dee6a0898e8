/**
 * What ELIXR does with the models: data, training, evaluations and reports.
 * <ul>
 *   <li>{@code data}: the MIMIC-CXR-JPG, CheXpert and IU X-ray readers behind one {@link dev.elixr.tasks.data.CxrDataset},
 *       the synthetic CXR generator ({@code synth}: every layout, JPEG/PNG/DICOM, hospital sites A and B), a DICOM Part 10
 *       reader and writer ({@code dicom}), and {@link dev.elixr.tasks.data.ImagePipeline}, the one path of an image from
 *       its file (DICOM, PNG or JPEG) to the image tower (decode, preprocess, augment, batch).</li>
 *   <li>{@code train}: the ELIXR-C contrastive loop ({@link dev.elixr.tasks.train.ContrastiveTraining}) and the job
 *       around it ({@link dev.elixr.tasks.train.ElixrCTrainingJob}): checkpoints, resuming, the run lock, the NaN guard,
 *       the run directory, the memory estimate ({@link dev.elixr.tasks.train.MemoryPlan}) and gradient accumulation
 *       (the gradient cache, {@code GradientCache}); ELIXR-B stage 1 on the frozen ELIXR-C tower ({@link dev.elixr.tasks.train.QFormerTraining},
 *       {@link dev.elixr.tasks.train.QFormerTrainingJob}); the report language model, ELIXR-B stage 2's default frozen
 *       LLM ({@link dev.elixr.tasks.train.LmTraining}, {@link dev.elixr.tasks.train.LmTrainingJob}: a byte-level BPE
 *       tokenizer and a small Llama trained on the reports, saved as a Hugging Face folder, perplexity beside a
 *       {@link dev.elixr.tasks.train.UnigramBaseline}).</li>
 *   <li>{@code eval}: the paper's evaluations of a run: zero-shot classification, data-efficient probes and semantic
 *       search, each writing metrics, per-item scores and a manifest, for ELIXR-C and ELIXR-B runs alike; the cross-site
 *       comparison ({@link dev.elixr.tasks.eval.CrossSite}).</li>
 *   <li>{@code language}: ELIXR-B stage 2 (the adapter into a frozen LLM) on impression generation, VQA and report-QA
 *       items ({@link dev.elixr.tasks.language.Stage2Job}), the uses of a run ({@link dev.elixr.tasks.language.Assistant})
 *       and the VQA, report-QA and impression evaluations beside a text-only baseline
 *       ({@link dev.elixr.tasks.language.LanguageEvaluation}).</li>
 *   <li>{@code index}: a persistent Lucene HNSW index of image embeddings; {@code serve}: the HTTP service.</li>
 *   <li>{@code metrics}: ROC AUC, NDCG@k, precision@k, bootstrap intervals, BLEU, ROUGE-L and per-finding F1; {@code report}: the HTML report;
 *       {@code demo}: {@code elixr demo} (ELIXR-C, ELIXR-B stage 1 and stage 2 with its language tasks); {@code progress}:
 *       progress bars with ETA.</li>
 * </ul>
 */
package dev.elixr.tasks;
