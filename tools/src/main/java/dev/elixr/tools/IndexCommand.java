package dev.elixr.tools;

import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.index.ElixrCEmbedder;
import dev.elixr.tasks.index.IndexBuilder;
import dev.elixr.tasks.index.IndexManifest;
import dev.elixr.tasks.index.SearchHit;
import dev.elixr.tasks.index.VectorIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code elixr index build|add|search}: a persistent Lucene HNSW index of a run's image embeddings (logic in tasks.index). */
@Command(name = "index", description = "Build, extend and search a persistent vector index of image embeddings (Lucene HNSW, exact re-ranking).",
        subcommands = {IndexCommand.Build.class, IndexCommand.Add.class, IndexCommand.Search.class})
final class IndexCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    /** Options build and add share. */
    static final class Input {
        @Option(names = "--run", required = true, description = "trained ELIXR-C run directory") Path run;
        @Option(names = "--data", required = true, description = "data set root (its layout: --dataset)") Path data;
        @Option(names = "--dataset", defaultValue = CxrDataset.AUTO, paramLabel = DatasetOption.LABEL, description = DatasetOption.DESCRIPTION) String dataset;
        @Option(names = "--decode", paramLabel = "display|cxr-foundation",
                description = "how image files are decoded; always the run's recorded decoding (elixr-c.json), so this only"
                        + " confirms it: another value is refused") String decode;
        @Option(names = "--split", defaultValue = "all", description = "all (default), train, validate or test") String split;
        @Option(names = "--chunk", defaultValue = "256", description = "images embedded and committed together (default ${DEFAULT-VALUE}); a killed build resumes after the last committed chunk") int chunk;
        @Option(names = "--thumbnail", defaultValue = "96", description = "longer side of the stored PNG thumbnails in pixels, 0 for none (default ${DEFAULT-VALUE})") int thumbnail;

        List<CxrStudy> studies() throws Exception {
            if (!List.of("all", "train", "validate", "test").contains(split))
                throw new IllegalArgumentException("--split " + split + ": expected all, train, validate or test");
            List<CxrStudy> s = CxrDataset.resolve(dataset, data).read(data).stream().filter(x -> split.equals("all") || x.split().equals(split)).toList();
            if (s.isEmpty()) throw new IllegalArgumentException("no images in " + data + " for split '" + split + "'");
            return s;
        }

        /** The run's embedder, after checking --decode against the run's recorded decoding. */
        ElixrCEmbedder embedder() throws Exception {
            ElixrCEmbedder e = ElixrCEmbedder.load(run);
            e.requireDecode(decode, run);
            return e;
        }
    }

    static void print(IndexBuilder.Result r, Path index) {
        System.out.printf("%s: %d entries (%d added, %d already present, %d unreadable skipped)%n", index, r.size(), r.added(), r.present(), r.unreadable());
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = "Embed every image of a data set into a new index at --out (progress bar with ETA). Run again after a kill: it continues, without duplicates.")
    static final class Build implements Callable<Integer> {
        @Spec CommandSpec spec;
        @picocli.CommandLine.Mixin Input in;
        @Option(names = "--out", required = true, description = "index directory") Path out;
        @Option(names = "--m", defaultValue = "32", description = "HNSW max connections per node (default ${DEFAULT-VALUE})") int m;
        @Option(names = "--beam-width", defaultValue = "200", description = "HNSW beam width while building (default ${DEFAULT-VALUE})") int beam;

        @Override
        public Integer call() throws Exception {
            var o = new IndexBuilder.Options(new VectorIndex.Hnsw(m, beam), in.chunk, in.thumbnail, CommandLineText.of(spec), true);
            print(IndexBuilder.build(out, in.embedder(), in.studies(), o, System.err), out);
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add to an existing index the images of a data set it does not hold yet (by dicom_id).")
    static final class Add implements Callable<Integer> {
        @Spec CommandSpec spec;
        @picocli.CommandLine.Mixin Input in;
        @Option(names = "--index", required = true, description = "index directory") Path index;

        @Override
        public Integer call() throws Exception {
            var o = new IndexBuilder.Options(VectorIndex.Hnsw.DEFAULT, in.chunk, in.thumbnail, CommandLineText.of(spec), true);
            print(IndexBuilder.add(index, in.embedder(), in.studies(), o, System.err), index);
            return 0;
        }
    }

    @Command(name = "search", mixinStandardHelpOptions = true, description = "The k images most similar to a text query (score: cosine).")
    static final class Search implements Callable<Integer> {
        @Option(names = "--index", required = true, description = "index directory") Path index;
        @Option(names = "--query", required = true, description = "text query, e.g. \"large right pleural effusion\"") String query;
        @Option(names = "--k", defaultValue = "5", description = "number of results (default ${DEFAULT-VALUE})") int k;
        @Option(names = "--candidates", defaultValue = "200", description = "HNSW candidates re-ranked exactly (default ${DEFAULT-VALUE}; recall@10 0.98 on 100k low-rank synthetic vectors, elixr bench index)") int candidates;
        @Option(names = "--split", description = "only images of this split") String split;
        @Option(names = "--run", description = "run whose text tower embeds the query (default: the run the index was built with)") Path run;

        @Override
        public Integer call() throws Exception {
            IndexManifest m = IndexManifest.read(index);
            Path r = run != null ? run : Path.of(m.run());
            var embedder = ElixrCEmbedder.load(r);
            m.requireSameSpace(embedder, index);
            try (VectorIndex idx = VectorIndex.openReadOnly(index, m.dim())) {
                List<SearchHit> hits = idx.search(embedder.embedTexts(List.of(query))[0], k, candidates, split, false);
                System.out.println("rank,score,dicom_id,study_id,subject_id,split");
                for (int i = 0; i < hits.size(); i++) {
                    SearchHit h = hits.get(i);
                    System.out.printf("%d,%.6f,%s,%s,%s,%s%n", i + 1, h.score(), h.id(), h.studyId(), h.subjectId(), h.split());
                }
            }
            return 0;
        }
    }
}
