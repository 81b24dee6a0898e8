package dev.elixr.spark;

import dev.elixr.tasks.index.Embedder;
import dev.elixr.tasks.index.IndexManifest;
import dev.elixr.tasks.index.VectorIndex;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;

/**
 * The last step on the driver: the committed shards merged into one index of {@code elixr index}'s layout
 * ({@code index.json} naming the model, then every shard's segments and HNSW graphs copied as they are by Lucene's
 * {@code IndexWriter.addIndexes(Directory...)}; with more shards than the merge policy's segments per tier, about ten,
 * Lucene then merges some of them as it merges the commits of {@code elixr index build}, building the merged
 * segments' graphs anew), built beside
 * {@code INDEX} and moved into place when complete, so {@code elixr serve --index} and {@code elixr index search}
 * never see a half-merged index. An existing index at {@code INDEX} is replaced only when it holds vectors of the same
 * model.
 */
final class IndexMerge {
    private IndexMerge() {}

    /** Merges {@code shards} into {@code index}; returns the number of entries. */
    static int merge(Path index, List<Path> shards, Embedder embedder, VectorIndex.Hnsw hnsw, String commandLine) throws IOException {
        Path target = index.toAbsolutePath().normalize();
        if (Files.exists(target)) {
            if (!IndexManifest.exists(target))
                throw new IllegalArgumentException(target + " exists and is not an elixr index: give another --index");
            IndexManifest.read(target).requireSameSpace(embedder, target);
        }
        Path tmp = target.resolveSibling(target.getFileName() + ".merging-" + UUID.randomUUID());
        int size;
        try {
            IndexManifest.write(tmp, embedder, hnsw, commandLine);
            try (VectorIndex vi = VectorIndex.openWritable(tmp, embedder.dim(), hnsw)) {
                vi.addIndexes(shards);
                size = vi.size();
            }
            if (Files.exists(target)) {
                Path old = target.resolveSibling(target.getFileName() + ".replaced-" + UUID.randomUUID());
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                ShardPartition.deleteTree(old);
            } else {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            ShardPartition.deleteTree(tmp);
        }
        return size;
    }
}
