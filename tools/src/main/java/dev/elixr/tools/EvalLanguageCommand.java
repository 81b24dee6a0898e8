package dev.elixr.tools;

import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.language.ElixrB2Run;
import dev.elixr.tasks.language.LanguageEvaluation;
import dev.elixr.tasks.language.LanguageTask;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/** The options and the run of {@code eval vqa}, {@code eval report-qa} and {@code eval impression}. */
abstract class EvalLanguageCommand implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--run", required = true, description = "a finished ELIXR-B stage-2 run") Path run;
    @Option(names = "--data", required = true, description = "data set root holding vqa.jsonl / report-qa.jsonl (its layout: --dataset)") Path data;
    @Option(names = "--dataset", defaultValue = CxrDataset.AUTO, paramLabel = DatasetOption.LABEL, description = DatasetOption.DESCRIPTION
            + "; refused when it lacks the task's file (vqa.jsonl, report-qa.jsonl) or, for impression, reports") String dataset;
    @Option(names = "--split", defaultValue = "test", paramLabel = "test|validate", description = "split to evaluate (default ${DEFAULT-VALUE})") String split;
    @Option(names = "--limit", defaultValue = "0", description = "at most this many items, a seeded sample (default: every item)") int limit;
    @Option(names = "--max-new-tokens", description = "longest answer in tokens (default 24; 64 for impression)") Integer maxNewTokens;
    @Option(names = "--seed", defaultValue = "1", description = "seed of the --limit sample") long seed;

    abstract LanguageTask task();

    /** The answer budget when --max-new-tokens is not given. */
    int defaultMaxNewTokens() { return 24; }

    @Override
    public Integer call() throws Exception {
        ElixrB2Run r = ElixrB2Run.load(run, System.err);
        Map<String, Object> m = LanguageEvaluation.run(r, task(), new LanguageEvaluation.Options(data, CxrDataset.resolve(dataset, data), split, limit,
                maxNewTokens == null ? defaultMaxNewTokens() : maxNewTokens, seed),
                CommandLineText.of(spec), System.err);
        var json = new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter();
        spec.commandLine().getOut().println(json.writeValueAsString(m));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
